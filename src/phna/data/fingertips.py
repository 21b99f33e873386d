"""OHID Fingertips indicators: the extracts (Trafford Data Lab copies, values only) and refreshed API files.

Three extracts of different ages hold overlapping periods of the same indicators. :func:`fingertips` combines
them, keeping the newest extract's value where a period appears in more than one
(``trafford_themes`` 2026 > ``corporate_plan`` 2024 > ``dashboard`` 2020).

A data refresh from Fingertips itself (``phna data refresh --source fingertips``, see :mod:`phna.data.sources`)
adds one file per indicator in the API's full layout (catalogue id ``fingertips_live.<indicator id>``): values
with 95 % and 99.8 % limits, counts, denominators and OHID's comparisons, for districts, counties, regions and
England. When the catalogue has that file, :func:`fingertips` puts its rows first (they win over the extracts for
the periods both hold) and returns its limits and counts; without it, those columns are missing (NaN).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from . import catalogue
from ._tables import AREA, area_type, check_pattern, check_unique, file_key, frame_cache, read_csv, require_columns, resolve, to_number
from .errors import DataError
from .reads import note_source

EXTRACTS = ("trafford_themes", "corporate_plan", "dashboard")  # newest first

# Fingertips indicator id(s) of each extract file stem (from the mirror's SOURCES.md).
FILE_INDICATORS: dict[str, str] = {
    "health__life_expectancy": "90366", "health__inequality_life_expectancy": "92901",
    "health__mortality_rate": "93721", "health__healthy_life_expectancy": "90362",
    "health__active_adults": "93014", "health__inactive_adults": "93015", "health__overweight_adult": "93088",
    "health__adults_smoking": "92443", "health__adults_smoking_manual": "92445", "health__adults_depression": "848",
    "health__contraception_larc": "92254", "health__nhs_health_checks": "91112",
    "children__active_children": "93570", "health__active_children": "93570",
    "children__children_dental_decay": "93563", "health__children_dental_decay": "93563",
    "children__obese_reception": "90319,92026,93105", "health__obese_reception": "90319,92026,93105",
    "children__obese_year6": "90323,92033,93107", "health__obese_year6": "90323,92033,93107",
    "health__preventable_mortality_from_cancer": "40502", "health__slope_index_of_inequality": "92901",
    "health__healthy_life_expectancy_at_birth": "90362", "children__low_income_families": "10101",
    "health__alcohol_related_mortality": "91382", "health__alcohol_related_admissions": "91414",
    "health__deaths_at_home": "92727", "health__admissions_falls": "22401", "health__admissions_self_harm": "21001",
    "health__physically_inactive": "93015", "health__smoking_adults": "92443",
    "health__smoking_adults_manual": "92445", "health__dementia_diagnosis": "92949",
    "children__excess_weight_reception": "20601", "children__excess_weight_year6": "20602",
    "children__dental_decay": "92441", "children__admissions_self_harm_young_people": "90813",
    "children__child_protection_plans": "90886", "children__children_in_care": "90803", "children__neets": "93203",
    "children__school_readiness_fsm": "90632", "health__mortality_serious_mental_illness": "91096",
}
_SEXES = {"male": "male", "female": "female", "persons": "persons"}
COLUMNS = ["area_code", "area_name", "area_type", "period", "sex", "inequality", "value", "indicator_id",
           "indicator", "measure", "unit", "source_file", "compared_to_england"]
#: Columns only a refreshed API file fills (NaN/missing for rows from the extracts).
LIMIT_COLUMNS = ["lower_95", "upper_95", "lower_99_8", "upper_99_8"]
RICH_COLUMNS = LIMIT_COLUMNS + ["count", "denominator", "value_note", "recent_trend"]


def live_source_id(indicator_id: str | int) -> str:
    """Catalogue id of the file a refresh from Fingertips writes for one indicator (``fingertips_live.90366``)."""
    return f"fingertips_live.{indicator_id}"


def indicator_files(indicator_id: str | int) -> list[str]:
    """Catalogue ids of the extract files holding ``indicator_id``, newest extract first."""
    wanted = str(indicator_id)
    found = []
    if live_source_id(wanted) in catalogue.sources():
        found.append(live_source_id(wanted))
    for extract in EXTRACTS:
        for sid in catalogue.sources():
            if sid.startswith(f"fingertips.{extract}."):
                stem = sid.split(".", 2)[2]
                if wanted in FILE_INDICATORS.get(stem, "").split(","):
                    found.append(sid)
    return found


def indicators() -> pd.DataFrame:
    """The Fingertips indicator ids available in the extracts, with their files (``indicator_id, source_file``)."""
    rows = [(i, sid) for sid in catalogue.sources() if sid.startswith("fingertips.")
            for i in FILE_INDICATORS.get(sid.split(".", 2)[2], "").split(",") if i]
    rows += [(sid.split(".", 1)[1], sid) for sid in catalogue.sources() if sid.startswith("fingertips_live.")]
    return pd.DataFrame(rows, columns=["indicator_id", "source_file"]).astype("string")


def normalise_period(period: str) -> str:
    """'2015 - 17' → '2015-17'; '2020/21 - 24/25' → '2020/21-24/25'; others unchanged apart from spaces."""
    return re.sub(r"\s*-\s*", "-", str(period).strip())


@frame_cache
def _read_extract(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    df = read_csv(path, source_id, keep_default_na=False, na_values={"value": ["NA", ""]},
                  dtype={c: str for c in ("area_code", "area_name", "period", "indicator", "measure", "unit", "inequality", "group")})
    require_columns(df, ["area_code", "area_name", "period", "indicator", "measure", "unit", "value"], source_id, path)
    check_pattern(df, "area_code", AREA, source_id, path)
    group = df["inequality"] if "inequality" in df else df["group"] if "group" in df else pd.Series("NA", index=df.index)
    group = group.replace({"": "NA"})
    unit_sex = df["unit"].str.lower().map(_SEXES)
    group_sex = group.str.lower().map(_SEXES)
    sex = group_sex.fillna(unit_sex).fillna("persons")
    unit = df["unit"].where(unit_sex.isna(), df["measure"])
    # OHID's own published comparison with England (Fingertips' RAG), where the extract kept it.
    published = df["compared_to_England"] if "compared_to_England" in df else df.get("significance")
    if published is None:
        published = pd.Series(pd.NA, index=df.index, dtype="string")
    published = published.astype("string").str.strip().str.lower().replace({"": pd.NA, "na": pd.NA})
    out = pd.DataFrame({
        "area_code": df["area_code"], "area_name": df["area_name"],
        "area_type": df["area_code"].map(area_type), "period": df["period"].map(normalise_period),
        "sex": sex, "inequality": group.where(group_sex.isna(), "NA").replace({"NA": pd.NA}),
        "value": to_number(df["value"], source_id, path, "value", missing=("NA",)),
        "indicator": df["indicator"], "measure": df["measure"], "unit": unit, "source_file": source_id,
        "compared_to_england": published,
    })
    out = out.astype({c: "string" for c in out.columns if c != "value"})
    check_unique(out, ["area_code", "period", "sex", "inequality", "indicator"], source_id, path)
    return out


@frame_cache
def _read_live(key: tuple, source_id: str) -> pd.DataFrame:
    from .fingertips_api import read_fingertips_api_csv

    table = read_fingertips_api_csv(Path(key[0]), source_id)
    # One row per area, period, sex and category, as in the extracts: a second age band is not kept.
    table = table[table["area_type"] != "other"]
    return table.drop_duplicates(["area_code", "period", "sex", "category_type", "inequality"], keep="first")


def fingertips(indicator_id: str | int) -> pd.DataFrame:
    """Values of one Fingertips indicator for England and English areas, all periods in the extracts and refreshes.

    Parameters
    ----------
    indicator_id : str or int
        Fingertips indicator id, e.g. 90366 (life expectancy at birth), 92901 (slope index of inequality in LE),
        90362 (healthy life expectancy), 93721 (under-75 mortality from preventable causes), 40502 (under-75
        preventable cancer mortality). :func:`indicators` lists them all.

    Returns
    -------
    pandas.DataFrame
        ``area_code, area_name, area_type, period`` (e.g. "2015-17", "2021/22"), ``sex`` (male/female/persons),
        ``inequality`` (deprivation quintile where the extract breaks the indicator down, else missing),
        ``value`` (in ``unit``: e.g. years, percentage, DSR per 100,000), ``indicator_id, indicator, measure,
        unit, source_file`` (catalogue id of the extract the row came from), ``compared_to_england`` (OHID's
        published significance against England as in Fingertips: better/similar/worse/higher/lower/not
        compared; missing where the extract did not keep it), then ``lower_95, upper_95, lower_99_8,
        upper_99_8`` (OHID's published limits, :func:`phna.parameters.limit_columns` names), ``count,
        denominator, value_note, recent_trend``: filled for the rows of a refreshed Fingertips file, missing
        (NaN) for the rows of the values-only extracts. Areas are England and districts/UAs in the extracts;
        a refreshed file adds counties and regions (``area_type``).

    Raises
    ------
    DataError
        When no extract or refreshed file holds the indicator.
    """
    # Consulted whether or not the catalogue has it, so that a chapter reading this indicator re-runs when a
    # refresh adds the file (its checksum joins the chapter's cache key).
    note_source(live_source_id(indicator_id))
    files = indicator_files(indicator_id)
    if not files:
        known = sorted(set(indicators()["indicator_id"]), key=int)
        raise DataError(f"fingertips: indicator {indicator_id!r} is not in any extract; available ids: {known}")
    frames = [(_read_live if sid.startswith("fingertips_live.") else _read_extract)(file_key(resolve(sid, None)[0]), sid)
              for sid in files]
    extracts = [f for f, sid in zip(frames, files) if not sid.startswith("fingertips_live.")]
    for frame, sid in zip(frames, files):
        if sid.startswith("fingertips_live.") and extracts:  # the API layout names no unit: the extracts' words
            for column in ("unit", "measure"):
                known = pd.concat([e[column] for e in extracts]).dropna()
                frame[column] = known.mode().iloc[0] if len(known) else pd.NA
    frames = [f.reindex(columns=COLUMNS + RICH_COLUMNS) for f in frames]
    combined = pd.concat(frames, ignore_index=True)
    # Newest extract first, so keep="first" prefers it for periods present in several extracts.
    combined = combined.assign(_key=combined["inequality"].fillna(""))
    combined = combined.drop_duplicates(["area_code", "period", "sex", "_key"], keep="first").drop(columns="_key")
    combined["indicator_id"] = str(indicator_id)
    text = ["unit", "measure", "value_note", "recent_trend", "compared_to_england", "indicator_id"]
    combined = combined.astype({c: "string" for c in text} | {c: "float64" for c in LIMIT_COLUMNS + ["count", "denominator"]})
    return combined[COLUMNS + RICH_COLUMNS].sort_values(["area_code", "sex", "period"], ignore_index=True)
