"""Census 2021 ethnic group (ONS table TS021): small areas, districts, regions and England.

Four files from the mirror's ``census2021_ethnicity`` folder:

- ``census2021.ethnicity_lsoa21``: the Nomis extract of the 5 broad groups for every LSOA 2021 in England and
  Wales. Seven title lines sit above the header, a blank line below it, and a 4-line disclosure note after the
  data; the area column holds ``"E01011954 : Hartlepool 001A"`` (code and name in one cell);
- ``census2021.ethnicity_msoa21``: the Nomis bulk file of the 5 broad and 19 detailed groups by MSOA 2021;
- ``census2021.ethnicity_percent`` with ``census2021.ethnicity_categories``: ONS's percentages (1 decimal) of
  the 5 broad groups for districts, regions and England, and the labels of its category codes;
- ``census2021.lsoa21_lad23``: ONS's LSOA 2021 to district (LAD 2023) lookup.

ONS protects the Census against disclosure by swapping records between areas and perturbing counts by small
amounts, so sums of small areas differ slightly from district totals (Coventry: 345,318 over its LSOAs,
345,325 over its MSOAs, 345,324 published). Every count here is as published.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

from ._tables import (AREA, DISTRICT, LSOA21, MSOA, area_type, check_pattern, check_unique, file_key, frame_cache,
                      read_csv, require_columns, resolve, to_int, to_number)
from .errors import DataError

LSOA_SOURCE = "census2021.ethnicity_lsoa21"
MSOA_SOURCE = "census2021.ethnicity_msoa21"
PERCENT_SOURCE = "census2021.ethnicity_percent"
CATEGORIES_SOURCE = "census2021.ethnicity_categories"
LOOKUP_SOURCE = "census2021.lsoa21_lad23"

#: The five broad groups: the Census label → the short name used on pages (Census order).
BROAD_GROUPS = {
    "Asian, Asian British or Asian Welsh": "Asian",
    "Black, Black British, Black Welsh, Caribbean or African": "Black",
    "Mixed or Multiple ethnic groups": "Mixed or multiple",
    "White": "White",
    "Other ethnic group": "Other ethnic group",
}
TOTAL_LABEL = "Total: All usual residents"
AREA_HEADER = "2021 super output area - lower layer"
#: The ONSvisual category code suffix of each broad group (ethnic_group_tb_6a-001 … -005).
PERCENT_CODES = {f"ethnic_group_tb_6a-00{i}": label for i, label in enumerate(BROAD_GROUPS, start=1)}


def _header_line(path: Path, source_id: str, first_cell: str, within: int = 20) -> int:
    """0-based line number of the header row (the row whose first cell is ``first_cell``)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.reader(handle)):
            if row and row[0].strip() == first_cell:
                return number
            if number >= within:
                break
    raise DataError(f"{source_id}: {path}: no header row starting {first_cell!r} in the first {within} lines "
                    "(is this the Nomis TS021 extract by LSOA 2021?)")


# ------------------------------------------------------------------------------------------------- LSOA
@frame_cache
def _lsoa(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    header = _header_line(path, source_id, AREA_HEADER)
    raw = read_csv(path, source_id, skiprows=header, header=0, dtype=str, keep_default_na=False)
    names = [TOTAL_LABEL, *BROAD_GROUPS]
    require_columns(raw, [AREA_HEADER, *names], source_id, path)
    area = raw[AREA_HEADER].str.strip()
    # Data rows hold "code : name"; blank lines and the disclosure note (in the second column) are skipped.
    rows = raw[area != ""]
    parts = rows[AREA_HEADER].str.strip().str.split(" : ", n=1, expand=True)
    if parts.shape[1] != 2 or parts[1].isna().any():
        bad = rows.loc[parts.reindex(columns=[0, 1])[1].isna(), AREA_HEADER].head(5).tolist()
        raise DataError(f"{source_id}: {path}: column {AREA_HEADER!r} must hold 'code : name', e.g. "
                        f"'E01011954 : Hartlepool 001A'; found {bad}")
    wide = pd.DataFrame({"lsoa21_code": parts[0].str.strip(), "lsoa21_name": parts[1].str.strip()})
    check_pattern(wide, "lsoa21_code", LSOA21, source_id, path)
    check_unique(wide, ["lsoa21_code"], source_id, path)
    for label in names:
        wide[label] = to_int(rows[label], source_id, path, label).to_numpy()
        if (wide[label] < 0).any():
            raise DataError(f"{source_id}: {path}: column {label!r} has negative counts")
    summed = wide[list(BROAD_GROUPS)].sum(axis=1)
    bad = wide[summed != wide[TOTAL_LABEL]]
    if len(bad):
        raise DataError(f"{source_id}: {path}: the five groups do not add up to {TOTAL_LABEL!r} in {len(bad)} "
                        f"LSOA(s), e.g. {bad['lsoa21_code'].head(3).tolist()}")
    long = wide.melt(id_vars=["lsoa21_code", "lsoa21_name", TOTAL_LABEL], value_vars=list(BROAD_GROUPS),
                     var_name="census_label", value_name="count")
    long["ethnic_group"] = long["census_label"].map(BROAD_GROUPS)
    long = long.rename(columns={TOTAL_LABEL: "population"})
    long["ethnic_group"] = pd.Categorical(long["ethnic_group"], categories=list(BROAD_GROUPS.values()), ordered=True)
    long = long.sort_values(["lsoa21_code", "ethnic_group"], ignore_index=True)
    long["ethnic_group"] = long["ethnic_group"].astype(str)
    return long[["lsoa21_code", "lsoa21_name", "ethnic_group", "census_label", "count", "population"]]


def census_ethnicity_lsoa21(path: str | Path | None = None) -> pd.DataFrame:
    """Usual residents by broad ethnic group for every LSOA 2021 in England and Wales (Census 2021, TS021).

    Parameters
    ----------
    path : path, optional
        Read this file instead of the catalogued Nomis extract (``census2021.ethnicity_lsoa21``).

    Returns
    -------
    pandas.DataFrame
        One row per LSOA and group (35,672 LSOAs × 5 groups): ``lsoa21_code``, ``lsoa21_name``,
        ``ethnic_group`` (Asian, Black, Mixed or multiple, White, Other ethnic group), ``census_label`` (the
        Census category name), ``count`` (usual residents of the group) and ``population`` (all usual residents
        of the LSOA). Counts are as published: perturbed by ONS for disclosure control.

    Raises
    ------
    DataError
        When the header row or a group column is missing, an area cell is not ``code : name``, codes are
        malformed or duplicated, counts are not whole non-negative numbers, or the groups do not add up to the
        LSOA's total.
    """
    p, source = resolve(LSOA_SOURCE, path)
    return _lsoa(file_key(p), source["id"])


# ------------------------------------------------------------------------------------------------- MSOA
MSOA_PREFIX = "Ethnic group: "


@frame_cache
def _msoa(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    raw = read_csv(path, source_id, dtype=str, keep_default_na=False)
    total = MSOA_PREFIX + TOTAL_LABEL
    require_columns(raw, ["geography", "geography code", total, *(MSOA_PREFIX + g for g in BROAD_GROUPS)],
                    source_id, path)
    out = pd.DataFrame({"msoa21_code": raw["geography code"].str.strip(), "msoa21_name": raw["geography"].str.strip()})
    check_pattern(out, "msoa21_code", MSOA, source_id, path)
    check_unique(out, ["msoa21_code"], source_id, path)
    population = to_int(raw[total], source_id, path, total)
    frames = []
    for broad, short in BROAD_GROUPS.items():
        broad_col = MSOA_PREFIX + broad
        detail_cols = [c for c in raw.columns if c.startswith(broad_col + ": ")]
        if not detail_cols:
            raise DataError(f"{source_id}: {path}: no detailed groups under {broad_col!r}")
        broad_count = to_int(raw[broad_col], source_id, path, broad_col)
        details = {c: to_int(raw[c], source_id, path, c) for c in detail_cols}
        summed = sum(details.values())
        bad = out.loc[summed != broad_count, "msoa21_code"]
        if len(bad):
            raise DataError(f"{source_id}: {path}: the detailed groups of {broad!r} do not add up to it in "
                            f"{len(bad)} MSOA(s), e.g. {bad.head(3).tolist()}")
        for column, counts in details.items():
            frames.append(out.assign(broad_group=short, ethnic_group=column[len(broad_col) + 2:].strip(),
                                     count=counts.to_numpy(), broad_count=broad_count.to_numpy(),
                                     population=population.to_numpy()))
    long = pd.concat(frames, ignore_index=True)
    sums = long.groupby("msoa21_code")["count"].sum()
    bad = sums[sums != long.groupby("msoa21_code")["population"].first()]
    if len(bad):
        raise DataError(f"{source_id}: {path}: the groups do not add up to all usual residents in {len(bad)} "
                        f"MSOA(s), e.g. {bad.index[:3].tolist()}")
    return long[["msoa21_code", "msoa21_name", "broad_group", "ethnic_group", "count", "broad_count", "population"]]


def census_ethnicity_msoa21(path: str | Path | None = None) -> pd.DataFrame:
    """Usual residents by detailed ethnic group (19 groups) for every MSOA 2021 in England and Wales.

    Returns
    -------
    pandas.DataFrame
        One row per MSOA and detailed group: ``msoa21_code``, ``msoa21_name`` (e.g. "Coventry 001"),
        ``broad_group`` (the short broad-group name, as :func:`census_ethnicity_lsoa21`), ``ethnic_group`` (the
        Census's detailed label, e.g. "Indian", "English, Welsh, Scottish, Northern Irish or British"),
        ``count``, ``broad_count`` (the broad group's count) and ``population`` (all usual residents).

    Raises
    ------
    DataError
        Missing columns, malformed or duplicated codes, or detailed groups that do not add up to their broad
        group (or the groups to the total).
    """
    p, source = resolve(MSOA_SOURCE, path)
    return _msoa(file_key(p), source["id"])


# ------------------------------------------------------------------------------------- percentages
@frame_cache
def _percent(key: tuple, key_categories: tuple, source_id: str) -> pd.DataFrame:
    path, cat_path = Path(key[0]), Path(key_categories[0])
    try:
        content = json.loads(cat_path.read_text(encoding="utf-8-sig"))
        entry = next(e for e in content if e.get("classCode") == "ethnic_group_tb_6a")
    except (ValueError, StopIteration, AttributeError, TypeError) as error:
        raise DataError(f"{CATEGORIES_SOURCE}: {cat_path}: no category list for 'ethnic_group_tb_6a'") from error
    labels = {c["code"]: c["name"] for c in entry.get("categories", [])}
    if labels != PERCENT_CODES:
        raise DataError(f"{CATEGORIES_SOURCE}: {cat_path}: categories of ethnic_group_tb_6a are {labels}, expected "
                        f"{PERCENT_CODES}")
    raw = read_csv(path, source_id, dtype=str, keep_default_na=False)
    require_columns(raw, ["areacd", *PERCENT_CODES], source_id, path)
    raw["areacd"] = raw["areacd"].str.strip()
    check_pattern(raw, "areacd", AREA, source_id, path)
    check_unique(raw, ["areacd"], source_id, path)
    frames = []
    for code, label in PERCENT_CODES.items():
        values = to_number(raw[code], source_id, path, code)
        if values.isna().any() or ((values < 0) | (values > 100)).any():
            raise DataError(f"{source_id}: {path}: column {code!r} must hold percentages between 0 and 100")
        frames.append(pd.DataFrame({"area_code": raw["areacd"], "ethnic_group": BROAD_GROUPS[label],
                                    "census_label": label, "percent": values.to_numpy()}))
    out = pd.concat(frames, ignore_index=True)
    totals = out.groupby("area_code")["percent"].sum()
    bad = totals[(totals - 100).abs() > 0.35]  # five values rounded to 1 decimal: at most 0.25 off 100
    if len(bad):
        raise DataError(f"{source_id}: {path}: percentages do not add up to 100 for {bad.index[:5].tolist()} "
                        f"(sums {bad.head(5).round(2).tolist()})")
    out.insert(1, "area_type", out["area_code"].map(area_type))
    return out


def census_ethnicity_percent(path: str | Path | None = None, categories: str | Path | None = None) -> pd.DataFrame:
    """Percentage of usual residents in each broad ethnic group: districts, regions, England (Census 2021).

    The only file in the mirror with England and region rows; values are ONS's, rounded to 1 decimal.

    Returns
    -------
    pandas.DataFrame
        ``area_code`` (districts of England and Wales, regions E12, England E92000001, Wales, England and Wales),
        ``area_type``, ``ethnic_group`` (short name), ``census_label`` and ``percent``.
    """
    p, source = resolve(PERCENT_SOURCE, path)
    c, _ = resolve(CATEGORIES_SOURCE, categories)
    return _percent(file_key(p), file_key(c), source["id"])


# ------------------------------------------------------------------------------------------- lookup
@frame_cache
def _lookup(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    raw = read_csv(path, source_id, dtype=str, keep_default_na=False)
    require_columns(raw, ["LSOA21CD", "LSOA21NM", "LAD23CD", "LAD23NM"], source_id, path)
    out = pd.DataFrame({"lsoa21_code": raw["LSOA21CD"].str.strip(), "lsoa21_name": raw["LSOA21NM"].str.strip(),
                        "district_code": raw["LAD23CD"].str.strip(), "district_name": raw["LAD23NM"].str.strip()})
    check_pattern(out, "lsoa21_code", LSOA21, source_id, path)
    check_unique(out, ["lsoa21_code"], source_id, path)
    english = out[out["district_code"].str.startswith("E")]
    check_pattern(english, "district_code", DISTRICT, source_id, path)
    return out.sort_values("lsoa21_code", ignore_index=True)


def lsoa21_lad23_lookup(path: str | Path | None = None) -> pd.DataFrame:
    """ONS lookup of every LSOA 2021 in England and Wales to its district (LAD 2023).

    Returns
    -------
    pandas.DataFrame
        ``lsoa21_code``, ``lsoa21_name``, ``district_code``, ``district_name``; 35,672 rows.
    """
    p, source = resolve(LOOKUP_SOURCE, path)
    return _lookup(file_key(p), source["id"])
