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
