"""Small-area life expectancy and standardised mortality: ONS MSOA LE 2016-20 and OHID Local Health 2015-19."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._tables import (DISTRICT, MSOA, check_pattern, check_range, check_unique, file_key, frame_cache, norm_sex,
                      read_csv, require_columns, resolve, to_number)

_LE_COLUMNS = {"Code": "msoa11_code", "Code Name": "msoa11_name", "Sex": "sex", "No of Deaths": "deaths",
               "Population": "population", "Life Expectancy at birth (in years)": "value",
               "Lower 95% confidence interval": "lower_ci", "Upper 95% confidence interval": "upper_ci"}


@frame_cache
def _le_msoa(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    df = read_csv(path, source_id, thousands=",")
    require_columns(df, _LE_COLUMNS, source_id, path)
    out = df[list(_LE_COLUMNS)].rename(columns=_LE_COLUMNS)
    out["sex"] = norm_sex(out["sex"], source_id, path, "Sex")
    for column in ("deaths", "population", "value", "lower_ci", "upper_ci"):
        out[column] = to_number(out[column], source_id, path, column)
    check_pattern(out, "msoa11_code", MSOA, source_id, path)
    check_unique(out, ["msoa11_code", "sex"], source_id, path)
    check_range(out, "deaths", 0, None, source_id, path, allow_missing=False)
    check_range(out, "population", 0, None, source_id, path, allow_missing=False)
    for column in ("value", "lower_ci", "upper_ci"):
        check_range(out, column, 40, 120, source_id, path)
    out.insert(3, "period", "2016-20")
    out["unit"] = "years"
    return out.astype({"period": "string", "unit": "string"})


def msoa_life_expectancy(england_only: bool = True, path: str | Path | None = None) -> pd.DataFrame:
    """ONS life expectancy at birth by MSOA (2011), 2016 to 2020, with deaths, person-years and 95 % CIs.

    Parameters
    ----------
    england_only : bool, default True
        Drop the 410 Welsh MSOAs (W02) the file also holds.
    path : path, optional
        Read this file instead of the catalogued one.

    Returns
    -------
    pandas.DataFrame
        ``msoa11_code, msoa11_name, sex`` (male/female/persons), ``period`` ("2016-20"), ``deaths`` (5 years),
        ``population`` (person-years), ``value`` (life expectancy at birth, years), ``lower_ci, upper_ci`` (95 %),
        ``unit``. ``value`` is missing where ONS did not publish it (454 English rows).
    """
    p, source = resolve("life_expectancy.msoa11_2016_20", path)
    out = _le_msoa(file_key(p), source["id"])
    if england_only:
        out = out[out["msoa11_code"].str.startswith("E")].reset_index(drop=True)
    return out


# Local Health column → indicator id. SMRs are indirectly standardised ratios with England = 100.
LOCAL_HEALTH_INDICATORS = {
    "Life expectancy at birth for males": ("le_birth_male", "years"),
    "Life expectancy at birth for females": ("le_birth_female", "years"),
    "Deaths from all causes, all ages": ("smr_all_causes", "SMR (England = 100)"),
    "Deaths from all causes,  under 75 years": ("smr_under75_all_causes", "SMR (England = 100)"),
    "Deaths from all cancer, all ages": ("smr_cancer", "SMR (England = 100)"),
    "Deaths from all cancer,  under 75 years": ("smr_under75_cancer", "SMR (England = 100)"),
    "Deaths from circulatory disease, all ages": ("smr_circulatory", "SMR (England = 100)"),
    "Deaths from circulatory disease,  under 75 years": ("smr_under75_circulatory", "SMR (England = 100)"),
    "Deaths from coronary heart disease, all ages": ("smr_chd", "SMR (England = 100)"),
    "Deaths from stroke, all ages": ("smr_stroke", "SMR (England = 100)"),
    "Deaths from respiratory diseases, all ages": ("smr_respiratory", "SMR (England = 100)"),
    "Deaths from causes considered preventable, under 75 years, SMR": ("smr_under75_preventable", "SMR (England = 100)"),
}


@frame_cache
def _local_health(key: tuple, source_id: str, code_column: str, pattern: str) -> pd.DataFrame:
    path = Path(key[0])
    df = read_csv(path, source_id, dtype=str, keep_default_na=False)
    require_columns(df, ["Code", "Label", *LOCAL_HEALTH_INDICATORS], source_id, path)
    check_pattern(df, "Code", pattern, source_id, path)
    check_unique(df, ["Code"], source_id, path)
    frames = []
    for column, (indicator, unit) in LOCAL_HEALTH_INDICATORS.items():
        value = to_number(df[column], source_id, path, column, missing=("NA", "N/A", "-", ":"))
        frame = pd.DataFrame({code_column: df["Code"], "area_name": df["Label"], "indicator": indicator,
                              "indicator_name": column.replace("  ", " "), "period": "2015-19", "value": value,
                              "unit": unit})
        low, high = (40, 120) if unit == "years" else (0, 1000)
        check_range(frame, "value", low, high, source_id, path)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    return out.astype({c: "string" for c in (code_column, "area_name", "indicator", "indicator_name", "period", "unit")})


def local_health_msoa(path: str | Path | None = None) -> pd.DataFrame:
    """OHID Local Health life expectancy and standardised mortality ratios by MSOA (2011), 2015-19 (England).

    Returns
    -------
    pandas.DataFrame
        Long: ``msoa11_code, area_name, indicator`` (e.g. ``le_birth_male``, ``smr_under75_preventable``;
        see :data:`LOCAL_HEALTH_INDICATORS`), ``indicator_name`` (as published), ``period`` ("2015-19"),
        ``value`` (years for LE; SMR with England = 100 otherwise), ``unit``. Point estimates only.
    """
    p, source = resolve("local_health.msoa", path)
    return _local_health(file_key(p), source["id"], "msoa11_code", MSOA)


def local_health_ltla(path: str | Path | None = None) -> pd.DataFrame:
    """Local Health measures by district (pre-2021 codes), 2015-19: as :func:`local_health_msoa` with
    ``area_code`` instead of ``msoa11_code``."""
    p, source = resolve("local_health.ltla", path)
    return _local_health(file_key(p), source["id"], "area_code", DISTRICT)
