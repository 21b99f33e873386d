"""ONS population estimates: C&W LSOA 2011 by sex and single year of age (mid-2019), all UK areas by sex and
single year of age (MYE2 mid-2019/2021/2022), and England by IMD 2019 decile (mid-2020). Age 90 = 90 and over."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._tables import (AREA, DISTRICT, LSOA11, area_type, check_pattern, check_range, check_unique, file_key,
                      frame_cache, norm_sex, read_csv, require_columns, resolve, to_int)
from .errors import DataError

MYE2_YEARS = (2019, 2021, 2022)


@frame_cache
def _lsoa_2019(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    df = read_csv(path, source_id, thousands=",")
    require_columns(df, ["lsoa_code", "la_code", "age", "gender", "n"], source_id, path)
    out = pd.DataFrame({
        "lsoa11_code": df["lsoa_code"], "district_code": df["la_code"],
        "sex": norm_sex(df["gender"], source_id, path, "gender"),
        "age": to_int(df["age"], source_id, path, "age"),
        "population": to_int(df["n"], source_id, path, "n"),
    })
    check_pattern(out, "lsoa11_code", LSOA11, source_id, path)
    check_pattern(out, "district_code", DISTRICT, source_id, path)
    check_range(out, "age", 0, 90, source_id, path)
    check_range(out, "population", 0, None, source_id, path)
    check_unique(out, ["lsoa11_code", "sex", "age"], source_id, path)
    per_lsoa = out.groupby("lsoa11_code").size()
    if (per_lsoa != 182).any():
        raise DataError(f"{source_id}: {path}: each LSOA should have 2 sexes x 91 ages (0..90); "
                        f"{int((per_lsoa != 182).sum())} do not, e.g. {per_lsoa[per_lsoa != 182].head(3).to_dict()}")
    return out.sort_values(["lsoa11_code", "sex", "age"], ignore_index=True)


def lsoa_population_2019(path: str | Path | None = None) -> pd.DataFrame:
    """Mid-2019 population of Coventry and Warwickshire's 534 LSOAs (2011) by sex and single year of age.

    Parameters
    ----------
    path : path, optional
        Read this file instead of the catalogued one (same layout; not checksummed).

    Returns
    -------
    pandas.DataFrame
        Long: ``lsoa11_code, district_code, sex`` (male/female), ``age`` (0..90, 90 = 90 and over),
        ``population`` (persons). Coventry totals 371,521.
    """
    p, source = resolve("population.lsoa11_syoa_sex_2019_cw", path)
    return _lsoa_2019(file_key(p), source["id"])


@frame_cache
def _mye2(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    df = read_csv(path, source_id, thousands=",")
    require_columns(df, ["code", "name", "geography", "sex", "age", "population"], source_id, path)
    out = pd.DataFrame({
        "area_code": df["code"].str.strip(), "area_name": df["name"].str.strip(),
        "sex": norm_sex(df["sex"], source_id, path, "sex"),
        "age": to_int(df["age"], source_id, path, "age"),
        "population": to_int(df["population"], source_id, path, "population"),
    })
    check_pattern(out, "area_code", AREA, source_id, path)
    check_range(out, "age", 0, 90, source_id, path)
    check_range(out, "population", 0, None, source_id, path)
    check_unique(out, ["area_code", "sex", "age"], source_id, path)
    out.insert(2, "area_type", out["area_code"].map(area_type).astype("string"))
    return out


def population_single_year(year: int, persons: bool = False, path: str | Path | None = None) -> pd.DataFrame:
    """ONS mid-year population estimates (MYE2) by sex and single year of age for all UK areas.

    Parameters
    ----------
    year : {2019, 2021, 2022}
    persons : bool, default False
        Also return ``sex == "persons"`` rows (sum of male and female).
    path : path, optional
        Read this file instead of the catalogued one.

    Returns
    -------
    pandas.DataFrame
        ``area_code, area_name, area_type`` (country/region/county/district;
        county includes the metropolitan counties, E11),
        ``sex, age`` (0..90, 90 = 90 and over), ``population`` (persons). Geography of the estimate's year.
    """
    if year not in MYE2_YEARS:
        raise DataError(f"population_single_year: no MYE2 file for {year}; available years {MYE2_YEARS}")
    p, source = resolve(f"population.mye2_{year}", path)
    out = _mye2(file_key(p), source["id"])
    if persons:
        both = out.groupby(["area_code", "area_name", "area_type", "age"], as_index=False, sort=False)["population"].sum()
        out = pd.concat([out, both.assign(sex="persons")], ignore_index=True)[out.columns]
    return out


@frame_cache
def _imd_decile(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    df = read_csv(path, source_id, thousands=",")
    require_columns(df, ["sex", "imd_decile", "age", "population"], source_id, path)
    age = df["age"].astype("string").str.replace("+", "", regex=False)
    out = pd.DataFrame({
        "sex": norm_sex(df["sex"], source_id, path, "sex"),
        "imd_decile": to_int(df["imd_decile"], source_id, path, "imd_decile"),
        "age": to_int(age, source_id, path, "age"),
        "population": to_int(df["population"], source_id, path, "population"),
    })
    check_range(out, "imd_decile", 1, 10, source_id, path)
    check_range(out, "age", 0, 90, source_id, path)
    check_unique(out, ["sex", "imd_decile", "age"], source_id, path)
    return out


def population_by_imd_decile_2020(path: str | Path | None = None) -> pd.DataFrame:
    """England mid-2020 population by sex, single year of age and IMD 2019 national decile.

    Returns
    -------
    pandas.DataFrame
        ``sex`` (male/female), ``imd_decile`` (1 = most deprived), ``age`` (0..90, 90 = 90+), ``population``.
        England total 56,550,138.
    """
    p, source = resolve("population.imd2019_decile_2020", path)
    return _imd_decile(file_key(p), source["id"])


MID2023_SHEETS = {"male": "MYE2 - Males", "female": "MYE2 - Females"}
MID2023_HEADER_ROW = 7  # 0-based row of "Code, Name, Geography, All ages, 0, 1, ..., 89, 90+" in each MYE2 sheet


def _read_mid2023_sheets(path: Path, source_id: str) -> dict[str, pd.DataFrame]:
    try:
        return pd.read_excel(path, sheet_name=list(MID2023_SHEETS.values()), header=MID2023_HEADER_ROW)
    except (ValueError, KeyError, OSError) as error:
        raise DataError(f"{source_id}: cannot read sheets {list(MID2023_SHEETS.values())} of {path}: {error}") from error


@frame_cache
def _mid2023(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    sheets = _read_mid2023_sheets(path, source_id)
    ages = [str(a) for a in range(90)] + ["90+"]
    frames = []
    for sex, sheet in MID2023_SHEETS.items():
        df = sheets[sheet]
        df.columns = [str(c).strip() for c in df.columns]
        require_columns(df, ["Code", "Name", "Geography", "All ages", *ages], f"{source_id} ({sheet})", path)
        df = df.dropna(subset=["Code"])
        wide = df[ages].apply(pd.to_numeric, errors="coerce")
        if wide.isna().any().any():
            bad = wide.isna().any(axis=1)
            raise DataError(f"{source_id}: {path}: sheet {sheet!r} has non-numeric populations for "
                            f"{df.loc[bad, 'Code'].head(3).tolist()}")
        total = pd.to_numeric(df["All ages"], errors="coerce")
        mismatch = (wide.sum(axis=1) != total)
        if mismatch.any():
            raise DataError(f"{source_id}: {path}: sheet {sheet!r}: single years of age do not add up to 'All ages' "
                            f"for {df.loc[mismatch, 'Code'].head(3).tolist()}")
        long = wide.assign(area_code=df["Code"].astype(str).str.strip(), area_name=df["Name"].astype(str).str.strip())
        long = long.melt(id_vars=["area_code", "area_name"], var_name="age", value_name="population")
        long["age"] = long["age"].str.replace("+", "", regex=False).astype(int)
        long["sex"] = sex
        frames.append(long)
    out = pd.concat(frames, ignore_index=True)
    # Countries and regions are printed in capitals ("ENGLAND", "WEST MIDLANDS"): name them as elsewhere.
    upper = out["area_name"].str.isupper()
    out.loc[upper, "area_name"] = out.loc[upper, "area_name"].str.title()
    out["population"] = out["population"].astype("int64")
    out = out[["area_code", "area_name", "sex", "age", "population"]]
    check_pattern(out, "area_code", AREA, source_id, path)
    check_range(out, "age", 0, 90, source_id, path)
    check_range(out, "population", 0, None, source_id, path)
    check_unique(out, ["area_code", "sex", "age"], source_id, path)
    per_area = out.groupby("area_code").size()
    if (per_area != 182).any():
        raise DataError(f"{source_id}: {path}: each area should have 2 sexes x 91 ages (0..90); "
                        f"{int((per_area != 182).sum())} do not")
    return out.sort_values(["area_code", "sex", "age"], ignore_index=True)


def population_mid2023(persons: bool = False, path: str | Path | None = None) -> pd.DataFrame:
    """ONS mid-2023 population estimates for England and Wales by sex and single year of age (MYE2).

    Parameters
    ----------
    persons : bool, default False
        Also return ``sex == "persons"`` rows (sum of male and female).
    path : path, optional
        Read this workbook instead of the catalogued one (same layout; not checksummed).

    Returns
    -------
    pandas.DataFrame
        Long: ``area_code, area_name`` (every local authority, county, region and country of England and
        Wales, April 2023 boundaries), ``sex`` (male/female), ``age`` (0..90, 90 = 90 and over),
        ``population`` (persons). Coventry (E08000026) totals 360,702; England 57,690,323.

    Notes
    -----
    Read from the sheets "MYE2 - Males" and "MYE2 - Females" of ONS's workbook ``mye23tablesew.xlsx``. The
    loader refuses a sheet whose single years of age do not add up to its "All ages" column, and any area
    without 2 sexes x 91 ages.
    """
    p, source = resolve("population.mye2_2023", path)
    out = _mid2023(file_key(p), source["id"])
    if persons:
        both = out.groupby(["area_code", "area_name", "age"], as_index=False, sort=False)["population"].sum()
        out = pd.concat([out, both.assign(sex="persons")], ignore_index=True)[out.columns]
    return out
