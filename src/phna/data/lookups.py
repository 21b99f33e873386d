"""Geography lookups: LSOA 2011/2021 → MSOA → district → county → region, and LSOA → ICB.

All codes are ONS GSS codes. District codes are those of the lookup year (LAD22 for LSOA11, LAD24 for LSOA21);
the Coventry and Warwickshire districts have not changed since 2009.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._tables import (DISTRICT, LSOA11, LSOA21, MSOA, check_pattern, check_unique, file_key, frame_cache,
                      read_csv, require_columns, resolve)
from .errors import DataError


def _read(source_id: str, path: Path, columns: list[str]) -> pd.DataFrame:
    df = read_csv(path, source_id, dtype=str, keep_default_na=False)
    require_columns(df, columns, source_id, path)
    return df[columns]


@frame_cache
def _district(key_region: tuple, key_county: tuple) -> pd.DataFrame:
    sid_r, path_r = "lookups.ltla24_region24", Path(key_region[0])
    region = _read(sid_r, path_r, ["ltla24_code", "ltla24_name", "region24_code", "region24_name"])
    check_pattern(region, "ltla24_code", DISTRICT, sid_r, path_r)
    check_unique(region, ["ltla24_code"], sid_r, path_r)
    sid_c, path_c = "lookups.ltla23_utla23", Path(key_county[0])
    county = _read(sid_c, path_c, ["ltla23_code", "utla23_code", "utla23_name"])
    check_unique(county, ["ltla23_code"], sid_c, path_c)
    out = region.merge(county, left_on="ltla24_code", right_on="ltla23_code", how="left")
    missing = out[out["utla23_code"].isna()]
    if len(missing):
        raise DataError(f"{sid_c}: {path_c}: no county for district(s) {missing['ltla24_code'].tolist()[:5]}")
    out = out.rename(columns={"ltla24_code": "district_code", "ltla24_name": "district_name",
                              "utla23_code": "county_code", "utla23_name": "county_name",
                              "region24_code": "region_code", "region24_name": "region_name"})
    return out[["district_code", "district_name", "county_code", "county_name", "region_code", "region_name"]
               ].sort_values("district_code", ignore_index=True)


def district_lookup() -> pd.DataFrame:
    """English districts (LAD 2024) with their county/unitary authority and region.

    Returns
    -------
    pandas.DataFrame
        ``district_code, district_name, county_code, county_name, region_code, region_name``; 296 rows.
        ``county_code`` is the upper-tier authority: the county (E10) for two-tier districts, the district itself
        for unitary authorities, metropolitan districts and London boroughs. West Midlands is ``E12000005``.
    """
    path_r, _ = resolve("lookups.ltla24_region24", None)
    path_c, _ = resolve("lookups.ltla23_utla23", None)
    return _district(file_key(path_r), file_key(path_c))


@frame_cache
def _lsoa11(key_icb: tuple, key_msoa: tuple, key_county: tuple, key_l21: tuple) -> pd.DataFrame:
    sid, path = "lookups.lsoa11_icb22", Path(key_icb[0])
    icb = _read(sid, path, ["lsoa11_code", "lsoa11_name", "icb22_code", "icb22_name", "ltla22_code", "ltla22_name"])
    check_pattern(icb, "lsoa11_code", LSOA11, sid, path)
    check_pattern(icb, "ltla22_code", DISTRICT, sid, path)
    check_unique(icb, ["lsoa11_code"], sid, path)
    sid_m, path_m = "lookups.lsoa11_msoa11", Path(key_msoa[0])
    msoa = _read(sid_m, path_m, ["lsoa11_code", "msoa11_code", "msoa11_name"])
    msoa = msoa[msoa["lsoa11_code"].str.startswith("E01")]
    check_pattern(msoa, "msoa11_code", MSOA, sid_m, path_m)
    check_unique(msoa, ["lsoa11_code"], sid_m, path_m)
    sid_c, path_c = "lookups.ltla21_utla21", Path(key_county[0])
    county = _read(sid_c, path_c, ["ltla21_code", "utla21_code", "utla21_name"])
    check_unique(county, ["ltla21_code"], sid_c, path_c)
    # Region through LSOA21 → LAD24 → region: regions are stable, and this also covers the 2023 district mergers.
    sid_l, path_l = "lookups.lsoa11_lsoa21", Path(key_l21[0])
    l21 = _read(sid_l, path_l, ["lsoa11_code", "lsoa21_code"]).drop_duplicates("lsoa11_code")
    ward_path, _ = resolve("lookups.lsoa21_ward24_ltla24", None)
    ward = _read("lookups.lsoa21_ward24_ltla24", ward_path, ["lsoa21_code", "ltla24_code"])
    regions = district_lookup()[["district_code", "region_code"]]
    region = (l21.merge(ward, on="lsoa21_code").merge(regions, left_on="ltla24_code", right_on="district_code")
              [["lsoa11_code", "region_code"]].drop_duplicates("lsoa11_code"))
    out = (icb.merge(msoa, on="lsoa11_code", how="left")
              .merge(county, left_on="ltla22_code", right_on="ltla21_code", how="left")
              .merge(region, on="lsoa11_code", how="left"))
    for column, sid_x, path_x in [("msoa11_code", sid_m, path_m), ("utla21_code", sid_c, path_c),
                                  ("region_code", sid_l, path_l)]:
        if out[column].isna().any():
            missing = out.loc[out[column].isna(), "lsoa11_code"].tolist()
            raise DataError(f"{sid_x}: {path_x}: no {column} for {len(missing)} LSOA11(s), e.g. {missing[:5]}")
    out = out.rename(columns={"ltla22_code": "district_code", "ltla22_name": "district_name",
                              "utla21_code": "county_code", "utla21_name": "county_name",
                              "icb22_code": "icb_code", "icb22_name": "icb_name"})
    columns = ["lsoa11_code", "lsoa11_name", "msoa11_code", "msoa11_name", "district_code", "district_name",
               "county_code", "county_name", "region_code", "icb_code", "icb_name"]
    return out[columns].sort_values("lsoa11_code", ignore_index=True)


def lsoa11_lookup() -> pd.DataFrame:
    """England's 32,844 LSOAs (2011) with MSOA, district (2022), county, region and ICB (2022).

    Returns
    -------
    pandas.DataFrame
        ``lsoa11_code, lsoa11_name, msoa11_code, msoa11_name, district_code, district_name, county_code,
        county_name, region_code, icb_code, icb_name``. ``county_code`` is the upper-tier authority (2021).
    """
    keys = [file_key(resolve(sid, None)[0]) for sid in
            ("lookups.lsoa11_icb22", "lookups.lsoa11_msoa11", "lookups.ltla21_utla21", "lookups.lsoa11_lsoa21")]
    return _lsoa11(*keys)


@frame_cache
def _lsoa21(key_ward: tuple, key_msoa: tuple, key_icb: tuple) -> pd.DataFrame:
    sid, path = "lookups.lsoa21_ward24_ltla24", Path(key_ward[0])
    ward = _read(sid, path, ["lsoa21_code", "lsoa21_name", "ltla24_code", "ltla24_name"])
    ward = ward[ward["lsoa21_code"].str.startswith("E01")]
    check_pattern(ward, "lsoa21_code", LSOA21, sid, path)
    check_unique(ward, ["lsoa21_code"], sid, path)
    sid_m, path_m = "lookups.lsoa21_msoa21_derived", Path(key_msoa[0])
    msoa = _read(sid_m, path_m, ["lsoa21_code", "msoa21_code", "msoa21_name"])
    check_unique(msoa, ["lsoa21_code"], sid_m, path_m)
    sid_i, path_i = "lookups.lsoa21_icb24", Path(key_icb[0])
    icb = _read(sid_i, path_i, ["lsoa21_code", "icb24_code", "icb24_name"])
    check_unique(icb, ["lsoa21_code"], sid_i, path_i)
    districts = district_lookup()
    out = (ward.merge(msoa, on="lsoa21_code", how="left").merge(icb, on="lsoa21_code", how="left")
               .merge(districts[["district_code", "county_code", "county_name", "region_code"]],
                      left_on="ltla24_code", right_on="district_code", how="left"))
    for column, sid_x, path_x in [("msoa21_code", sid_m, path_m), ("icb24_code", sid_i, path_i),
                                  ("region_code", "lookups.ltla24_region24", "lookup")]:
        if out[column].isna().any():
            missing = out.loc[out[column].isna(), "lsoa21_code"].tolist()
            raise DataError(f"{sid_x}: {path_x}: no {column} for {len(missing)} LSOA21(s), e.g. {missing[:5]}")
    out = out.drop(columns="district_code").rename(columns={
        "ltla24_code": "district_code", "ltla24_name": "district_name", "icb24_code": "icb_code", "icb24_name": "icb_name"})
    columns = ["lsoa21_code", "lsoa21_name", "msoa21_code", "msoa21_name", "district_code", "district_name",
               "county_code", "county_name", "region_code", "icb_code", "icb_name"]
    out = out[columns].sort_values("lsoa21_code", ignore_index=True)
    out.attrs["unofficial_columns"] = ["msoa21_code", "msoa21_name"]
    return out


def lsoa21_lookup() -> pd.DataFrame:
    """England's 33,755 LSOAs (2021) with MSOA (2021, UNOFFICIAL), district (2024), county, region and ICB (2024).

    Returns
    -------
    pandas.DataFrame
        ``lsoa21_code, lsoa21_name, msoa21_code, msoa21_name, district_code, district_name, county_code,
        county_name, region_code, icb_code, icb_name``.

    Notes
    -----
    ``msoa21_code``/``msoa21_name`` come from the mirror's DERIVED name-matching file (catalogue id
    ``lookups.lsoa21_msoa21_derived``, ``official: false``); check against the ONS lookup before relying on them.
    """
    keys = [file_key(resolve(sid, None)[0]) for sid in
            ("lookups.lsoa21_ward24_ltla24", "lookups.lsoa21_msoa21_derived", "lookups.lsoa21_icb24")]
    return _lsoa21(*keys)


@frame_cache
def _lsoa11_lsoa21(key: tuple) -> pd.DataFrame:
    sid, path = "lookups.lsoa11_lsoa21", Path(key[0])
    df = _read(sid, path, ["lsoa11_code", "lsoa21_code", "change_code"])
    check_pattern(df, "lsoa11_code", LSOA11, sid, path)
    check_pattern(df, "lsoa21_code", LSOA21, sid, path)
    return df.reset_index(drop=True)


def lsoa11_lsoa21_lookup() -> pd.DataFrame:
    """Best-fit LSOA 2011 ↔ 2021 pairs: ``lsoa11_code, lsoa21_code, change_code`` (U unchanged, S split, M merged, X)."""
    return _lsoa11_lsoa21(file_key(resolve("lookups.lsoa11_lsoa21", None)[0]))
