"""Fingertips API CSV layout (``all_data/csv/by_indicator_id``): values with limits, counts and OHID's comparisons.

The same layout comes from a live refresh of any indicator, so :func:`read_fingertips_api_csv` reads it
generally; :func:`child_injuries` reads the two catalogued extracts of indicator 90284 (hospital admissions
for injuries in children aged 0-14).

Columns of the layout: Indicator ID, Indicator Name, Parent Code, Parent Name, Area Code, Area Name, Area
Type, Sex, Age, Category Type, Category, Time period, Value, Lower CI 95.0 limit, Upper CI 95.0 limit, Lower
CI 99.8 limit, Upper CI 99.8 limit, Count, Denominator, Value note, Recent Trend, Compared to England value or
percentiles, Compared to <parent area type> value or percentiles (or Compared to percentiles), Time period
Sortable, New data, Compared to goal, Time period range.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ._tables import AREA, area_type, check_pattern, check_unique, file_key, frame_cache, read_csv, require_columns, resolve, to_number
from .errors import DataError
from .fingertips import COLUMNS as FINGERTIPS_COLUMNS
from .fingertips import normalise_period

REQUIRED = ["Indicator ID", "Indicator Name", "Area Code", "Area Name", "Area Type", "Sex", "Age", "Category Type",
            "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Count", "Denominator",
            "Value note", "Recent Trend", "Compared to England value or percentiles", "Time period Sortable"]
#: The limits the layout carries, as (level, lower column, upper column) in the book's column convention.
LIMITS = ((0.95, "Lower CI 95.0 limit", "Upper CI 95.0 limit", "lower_95", "upper_95"),
          (0.998, "Lower CI 99.8 limit", "Upper CI 99.8 limit", "lower_99_8", "upper_99_8"))
COMPARISONS = {"better": "better", "worse": "worse", "similar": "similar", "higher": "higher", "lower": "lower",
               "not compared": "not compared"}
#: Columns returned: those of :func:`phna.data.fingertips` first, then what only the API layout carries.
COLUMNS = FINGERTIPS_COLUMNS + ["age", "category_type", "lower_95", "upper_95", "lower_99_8", "upper_99_8", "count",
                                "denominator", "value_note", "recent_trend", "compared_to_parent", "parent_code",
                                "parent_name", "time_sortable"]
_PARENT = re.compile(r"^Compared to (?!England\b)(?!goal\b)(.+?) value or percentiles$")


def _comparison(series: pd.Series, source: str, path: Path, column: str) -> pd.Series:
    text = series.astype("string").str.strip().str.lower().replace({"": pd.NA})
    # "Better 95%" / "Worse 99.8%" variants: keep the word.
    words = text.str.replace(r"\s+\d+(\.\d+)?%$", "", regex=True)
    unknown = sorted(set(words.dropna()) - set(COMPARISONS))
    if unknown:
        raise DataError(f"{source}: {path}: column {column!r}: unknown comparison(s) {unknown[:5]}; "
                        f"expected one of {sorted(COMPARISONS)}")
    return words


def read_fingertips_api_csv(path: str | Path, source_id: str = "fingertips API CSV", unit: str = "",
                            measure: str = "") -> pd.DataFrame:
    """Read a CSV in the Fingertips API's full layout into the tidy table of :func:`phna.data.fingertips`.

    Parameters
    ----------
    path : path of the CSV.
    source_id : str
        Name used in error messages and in the ``source_file`` column (a catalogue id where there is one).
    unit, measure : str
        The indicator's unit and measure in words (the layout does not carry them), e.g. "per 10,000" and
        "crude rate".

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`phna.data.fingertips` (``area_code, area_name, area_type, period, sex,
        inequality`` (the Category, e.g. a deprivation decile, missing for whole areas), ``value, indicator_id,
        indicator, measure, unit, source_file, compared_to_england``) plus ``age, category_type``, the limits at
        both published levels ``lower_95, upper_95, lower_99_8, upper_99_8``, ``count, denominator,
        value_note, recent_trend`` (OHID's, lower case, missing where not published), ``compared_to_parent``
        (OHID's comparison with the parent area, e.g. the region, where the file has that column),
        ``parent_code, parent_name, time_sortable``. A value OHID did not publish is missing with its limits and
        counts; ``value_note`` says why.

    Raises
    ------
    DataError
        Missing columns, malformed codes or numbers, unknown comparison words, a value outside its 95 %
        limits, or duplicated rows.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{source_id}: file {path} does not exist")
    df = read_csv(path, source_id, dtype=str, keep_default_na=False)
    require_columns(df, REQUIRED, source_id, path)
    check_pattern(df, "Area Code", AREA, source_id, path)
    parent_cols = [c for c in df.columns if _PARENT.match(c)]
    sex = df["Sex"].str.strip().str.lower()
    bad_sex = sorted(set(sex) - {"male", "female", "persons"})
    if bad_sex:
        raise DataError(f"{source_id}: {path}: column 'Sex': unknown value(s) {bad_sex}")
    out = pd.DataFrame({
        "area_code": df["Area Code"], "area_name": df["Area Name"], "area_type": df["Area Code"].map(area_type),
        "period": df["Time period"].map(normalise_period), "sex": sex,
        "inequality": df["Category"].replace({"": pd.NA}),
        "value": to_number(df["Value"], source_id, path, "Value", missing=("",)),
        "indicator_id": df["Indicator ID"].str.strip(), "indicator": df["Indicator Name"],
        "measure": measure, "unit": unit, "source_file": source_id,
        "compared_to_england": _comparison(df["Compared to England value or percentiles"], source_id, path,
                                           "Compared to England value or percentiles"),
        "age": df["Age"], "category_type": df["Category Type"].replace({"": pd.NA}),
    })
    for _level, lower, upper, lo_name, up_name in LIMITS:
        for column, name in ((lower, lo_name), (upper, up_name)):
            out[name] = (to_number(df[column], source_id, path, column, missing=("",)) if column in df
                         else pd.Series(float("nan"), index=df.index))
    out["count"] = to_number(df["Count"], source_id, path, "Count", missing=("",))
    out["denominator"] = to_number(df["Denominator"], source_id, path, "Denominator", missing=("",))
    out["value_note"] = df["Value note"].replace({"": pd.NA})
    out["recent_trend"] = df["Recent Trend"].str.strip().str.lower().replace({"": pd.NA})
    out["compared_to_parent"] = (_comparison(df[parent_cols[0]], source_id, path, parent_cols[0]) if parent_cols
                                 else pd.Series(pd.NA, index=df.index, dtype="string"))
    out["parent_code"] = df["Parent Code"].replace({"": pd.NA}) if "Parent Code" in df else pd.NA
    out["parent_name"] = df["Parent Name"].replace({"": pd.NA}) if "Parent Name" in df else pd.NA
    out["time_sortable"] = to_number(df["Time period Sortable"], source_id, path, "Time period Sortable").astype("int64")
    bad = out["value"].notna() & out["lower_95"].notna() & (
        (out["lower_95"] > out["value"] + 1e-9) | (out["upper_95"] < out["value"] - 1e-9))
    if bad.any():
        example = out.loc[bad, ["area_code", "period", "value", "lower_95", "upper_95"]].head(3).to_dict("records")
        raise DataError(f"{source_id}: {path}: {int(bad.sum())} row(s) with the value outside its 95 % limits, e.g. {example}")
    text = [c for c in out.columns if c not in ("value", "count", "denominator", "time_sortable")
            and not c.startswith(("lower_", "upper_"))]
    out = out.astype({c: "string" for c in text})
    # The API repeats England (and its deprivation deciles) once as an area and once as the parent of the
    # areas, with the same numbers: the first row is kept; a key repeated with different numbers is an error.
    keys = ["indicator_id", "area_code", "period", "sex", "age", "_type", "_cat"]
    numbers = ["value", "lower_95", "upper_95", "lower_99_8", "upper_99_8", "count", "denominator"]
    keyed = out.assign(_cat=out["inequality"].fillna(""), _type=out["category_type"].fillna(""))
    keyed = keyed.drop_duplicates(keys + numbers, keep="first")
    check_unique(keyed, keys, source_id, path)
    out = keyed.drop(columns=["_cat", "_type"])
    return out[COLUMNS].reset_index(drop=True)


@frame_cache
def _read(key: tuple, source_id: str, unit: str, measure: str) -> pd.DataFrame:
    return read_fingertips_api_csv(Path(key[0]), source_id, unit=unit, measure=measure)


CHILD_INJURY_SOURCES = ("fingertips_api.child_injuries_la", "fingertips_api.child_injuries_region")


def child_injuries() -> pd.DataFrame:
    """Fingertips 90284: hospital admissions caused by unintentional and deliberate injuries in children aged
    0-14, crude rate per 10,000, counties and unitary authorities (April 2023), regions and England, 2010/11 to
    2023/24, in the layout of :func:`read_fingertips_api_csv`.

    The two catalogued extracts (by county/UA and by region) repeat England and the authorities; each row is
    kept once, from the county/UA extract, with the region extract adding the regions and each authority's
    comparison with its region (``compared_to_parent``).
    """
    frames = []
    for sid in CHILD_INJURY_SOURCES:
        p, source = resolve(sid, None)
        frames.append(_read(file_key(p), source["id"], "per 10,000", "crude rate"))
    la, region = frames
    keys = ["area_code", "period", "sex", "age", "category_type", "inequality"]
    parent = region[~region["area_type"].isin(["region", "country"])].drop_duplicates(keys)
    la = la.drop(columns="compared_to_parent").merge(
        parent[keys + ["compared_to_parent"]], on=keys, how="left")
    regions = region[region["area_type"] == "region"]
    out = pd.concat([la, regions], ignore_index=True)[COLUMNS]
    return out.sort_values(["area_code", "sex", "time_sortable"], ignore_index=True)
