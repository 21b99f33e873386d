"""Wider determinants and reference tables: ONS Health Index, fuel poverty, ONS similar areas, ESP 2013."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._tables import (AREA, DISTRICT, area_type, check_pattern, check_range, check_unique, file_key, frame_cache,
                      read_csv, require_columns, resolve, to_int, to_number)
from .errors import DataError


@frame_cache
def _hi_indicators(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    df = read_csv(path, source_id, dtype={"ltla21_code": str, "indicator": str})
    require_columns(df, ["ltla21_code", "year", "indicator", "value"], source_id, path)
    out = pd.DataFrame({"area_code": df["ltla21_code"], "period": to_int(df["year"], source_id, path, "year").astype(str),
                        "indicator": df["indicator"],
                        "value": to_number(df["value"], source_id, path, "value", missing=("NA",))})
    check_pattern(out, "area_code", DISTRICT, source_id, path)
    check_unique(out, ["area_code", "period", "indicator"], source_id, path)
    out.insert(1, "area_type", "district")
    return out.astype({c: "string" for c in ("area_code", "area_type", "period", "indicator")})


def health_index_indicators(path: str | Path | None = None) -> pd.DataFrame:
    """ONS Health Index for England: the 56 input indicators by district (LAD 2021) and year, 2015-2021.

    Returns
    -------
    pandas.DataFrame
        ``area_code, area_type, period`` ("2015".."2021"), ``indicator`` (e.g. "Avoidable mortality"),
        ``value`` (the index input on the indicator's own scale; see the ONS Health Index methodology).
    """
    p, source = resolve("health_index.indicators", path)
    return _hi_indicators(file_key(p), source["id"])


@frame_cache
def _hi_scores(key_lad: tuple, key_icb: tuple) -> pd.DataFrame:
    frames = []
    for key, sid, code, renames in (
        (key_lad, "health_index.scores", "ltla21_code",
         {"healthy_people_domain_score": "healthy_people", "healthy_lives_domain_score": "healthy_lives",
          "healthy_places_domain_score": "healthy_places"}),
        (key_icb, "health_index.ics", "icb22_code",
         {"healthy_people_domain": "healthy_people", "healthy_lives_domain": "healthy_lives",
          "healthy_places_domain": "healthy_places"}),
    ):
        path = Path(key[0])
        df = read_csv(path, sid, dtype=str, keep_default_na=False)
        require_columns(df, [code, "year", "overall_score", *renames], sid, path)
        check_pattern(df, code, AREA, sid, path)
        df = df.rename(columns={code: "area_code", "overall_score": "overall", **renames})
        long = df.melt(id_vars=["area_code", "year"], value_vars=["overall", "healthy_people", "healthy_lives",
                                                                  "healthy_places"], var_name="domain")
        long["value"] = to_number(long["value"], sid, path, "score", missing=("NA",))
        long["period"] = to_int(long["year"], sid, path, "year").astype(str)
        check_range(long, "value", 0, 200, sid, path)
        frames.append(long.drop(columns="year"))
    out = pd.concat(frames, ignore_index=True)
    out.insert(1, "area_type", out["area_code"].map(area_type))
    check_unique(out, ["area_code", "period", "domain"], "health_index.scores", Path(key_lad[0]))
    return out[["area_code", "area_type", "period", "domain", "value"]].astype(
        {c: "string" for c in ("area_code", "area_type", "period", "domain")})


def health_index() -> pd.DataFrame:
    """ONS Health Index for England: overall and domain scores by district (LAD 2021) and ICB (2022), 2015-2021.

    Returns
    -------
    pandas.DataFrame
        ``area_code, area_type`` (district/icb), ``period``, ``domain`` (overall, healthy_people,
        healthy_lives, healthy_places), ``value`` (index score; England 2015 = 100, higher = healthier).
    """
    k1 = file_key(resolve("health_index.scores", None)[0])
    k2 = file_key(resolve("health_index.ics", None)[0])
    return _hi_scores(k1, k2)


FUEL_POVERTY_YEARS = tuple(range(2012, 2022))


@frame_cache
def _fuel(key: tuple, source_id: str, year: int) -> pd.DataFrame:
    path = Path(key[0])
    df = read_csv(path, source_id, dtype=str, keep_default_na=False)
    code = next((c for c in ("LA Code", "Area Codes", "Area.Codes") if c in df.columns), None)
    if code is None:
        raise DataError(f"{source_id}: {path}: no area code column (expected 'LA Code', 'Area Codes' or "
                        f"'Area.Codes'); columns are {list(df.columns)}")
    require_columns(df, ["households", "fuel_poor", "proportion"], source_id, path)
    # The 2019 file ends with a footnote carried in the code column, with no numbers: drop such rows.
    note = (df[["households", "fuel_poor", "proportion"]].apply(lambda c: c.str.strip().isin(["", "NA"])).all(axis=1)
            & ~df[code].str.strip().str.match(AREA))
    df = df[~note]
    out = pd.DataFrame({
        "area_code": df[code].str.strip(), "period": str(year),
        "count": to_number(df["fuel_poor"], source_id, path, "fuel_poor", missing=("NA",)),
        "denominator": to_number(df["households"], source_id, path, "households", missing=("NA",)),
        "value": to_number(df["proportion"], source_id, path, "proportion", missing=("NA",)),
    })
    check_pattern(out, "area_code", AREA, source_id, path)
    check_unique(out, ["area_code"], source_id, path)
    check_range(out, "value", 0, 100, source_id, path)
    if ((out["count"] > out["denominator"]) & out["denominator"].notna()).any():
        raise DataError(f"{source_id}: {path}: more fuel-poor households than households for "
                        f"{out.loc[out['count'] > out['denominator'], 'area_code'].tolist()[:5]}")
    out.insert(1, "area_type", out["area_code"].map(area_type))
    out["unit"] = "% of households"
    out["definition"] = "LILEE" if year >= 2019 else "LIHC"
    return out


def fuel_poverty() -> pd.DataFrame:
    """Sub-regional fuel poverty, England, 2012-2021, one row per area and year.

    Returns
    -------
    pandas.DataFrame
        ``area_code, area_type, period`` ("2012".."2021"), ``count`` (fuel-poor households),
        ``denominator`` (households), ``value`` (% of households fuel poor), ``unit``, ``definition``
        ("LIHC" low income high costs for 2012-2018; "LILEE" low income low energy efficiency from 2019).

    Notes
    -----
    The definitions differ: do not draw a trend line across 2018-2019.
    """
    frames = [_fuel(file_key(resolve(f"fuel_poverty.{y}", None)[0]), f"fuel_poverty.{y}", y) for y in FUEL_POVERTY_YEARS]
    out = pd.concat(frames, ignore_index=True)
    return out.astype({c: "string" for c in ("area_code", "area_type", "period", "unit", "definition")})


SIMILAR_KINDS = ("global", "economic", "demographic")


@frame_cache
def _similar(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    df = read_csv(path, source_id, dtype=str, keep_default_na=False)
    ranks = [str(i) for i in range(1, 21)]
    require_columns(df, ["AREACD", *ranks], source_id, path)
    check_pattern(df, "AREACD", AREA, source_id, path)
    check_unique(df, ["AREACD"], source_id, path)
    out = df.melt(id_vars="AREACD", value_vars=ranks, var_name="rank", value_name="neighbour_code")
    out = out.rename(columns={"AREACD": "area_code"})
    out["rank"] = out["rank"].astype("int64")
    out = out[out["neighbour_code"].str.strip() != ""]
    check_pattern(out, "neighbour_code", AREA, source_id, path)
    if (out["area_code"] == out["neighbour_code"]).any():
        raise DataError(f"{source_id}: {path}: an area is listed as its own neighbour")
    return out.sort_values(["area_code", "rank"], ignore_index=True).astype(
        {"area_code": "string", "neighbour_code": "string"})


def similar_areas(kind: str = "global") -> pd.DataFrame:
    """ONS similar areas (Explore Local Statistics): the 20 most similar local authorities of each area.

    Parameters
    ----------
    kind : {"global", "economic", "demographic"}

    Returns
    -------
    pandas.DataFrame
        ``area_code, rank`` (1 = most similar), ``neighbour_code``. Not the CIPFA nearest-neighbour model;
        neighbours may be in Wales, Scotland or Northern Ireland.
    """
    if kind not in SIMILAR_KINDS:
        raise DataError(f"similar_areas: kind must be one of {SIMILAR_KINDS}, not {kind!r}")
    p, source = resolve(f"similar_areas.{kind}", None)
    return _similar(file_key(p), source["id"])


ESP_BANDS = ("0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
             "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+")


@frame_cache
def _esp(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    df = read_csv(path, source_id, dtype=str, keep_default_na=False)
    require_columns(df, ["esp2013"], source_id, path)
    if len(df) != 19:
        raise DataError(f"{source_id}: {path}: expected 19 age bands (0-4 … 90+), found {len(df)} rows")
    out = pd.DataFrame({"age_band": ESP_BANDS, "age_start": list(range(0, 95, 5)),
                        "standard_population": to_number(df["esp2013"], source_id, path, "esp2013").to_numpy()})
    if out["standard_population"].sum() != 100_000:
        raise DataError(f"{source_id}: {path}: weights add to {out['standard_population'].sum():,.0f}, not 100,000")
    out["standard_population"] = out["standard_population"].astype("int64")
    return out.astype({"age_band": "string"})


def esp2013(under_one: bool = False, path: str | Path | None = None) -> pd.DataFrame:
    """2013 European Standard Population.

    Parameters
    ----------
    under_one : bool, default False
        Split 0-4 into "0" (1,000) and "1-4" (4,000), as ONS does, giving the 20 bands of
        :func:`phna.data.deaths_population_2014`.
    path : path, optional
        Read this file instead of the catalogued one.

    Returns
    -------
    pandas.DataFrame
        ``age_band`` ("0-4" … "90+"), ``age_start`` (years), ``standard_population`` (persons per 100,000;
        19 bands 5000 … 1000, or 20 with ``under_one``).
    """
    p, source = resolve("esp2013.pheindicatormethods", path)
    out = _esp(file_key(p), source["id"])
    if under_one:
        split = pd.DataFrame({"age_band": ["0", "1-4"], "age_start": [0, 1], "standard_population": [1000, 4000]})
        out = pd.concat([split, out.iloc[1:]], ignore_index=True).astype({"age_band": "string"})
    return out
