"""DfE Local Authority Interactive Tool (LAIT): children and young people measures for England, regions and
upper-tier local authorities (values only: no confidence limits, counts or area codes).

The data file (parquet) names areas and gives the DfE LA number (Coventry 331, Warwickshire 937, England
970); :func:`lait` adds the ONS area code by matching names with the district lookup. The data dictionary
gives each measure's label, source and polarity (:func:`lait_dictionary`).

Periods: LAIT labels a year by the calendar year it ends in. A financial or academic year "2024" is
2023/24 (checked: breastfeeding at 6-8 weeks, England "2024" = 52.7 %, OHID's 2023/24 value), a calendar
year is itself, and counts "as at 31 March" ("Annual") are labelled by that year.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._tables import check_unique, file_key, frame_cache, read_csv, require_columns, resolve, to_number
from .errors import DataError
from .lookups import district_lookup

DATA_SOURCE = "dfe_lait.bds_long"
DICTIONARY_SOURCE = "dfe_lait.data_dictionary"
ENGLAND_LA_NUMBER = 970
#: Text LAIT writes where a value is suppressed or not available.
SUPPRESSED = ("-", "x", "c", "z", ".", ":", "..", "")
POLARITIES = {"high": "high is good", "low": "low is good"}
RAW_COLUMNS = ["Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region"]
COLUMNS = ["measure", "area_code", "area_name", "area_type", "la_number", "region", "year", "year_label", "period", "value",
           "suppressed"]
#: LAIT area names that differ from the ONS names in the district lookup.
NAME_FIXES = {"Bristol, City of": "Bristol, City of", "Kingston Upon Hull, City of": "Kingston upon Hull, City of",
              "St. Helens": "St. Helens", "Bedford Borough": "Bedford", "Durham": "County Durham",
              "Yorkshire and the Humber": "Yorkshire and The Humber"}


def _read_parquet(path: Path, source_id: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except ImportError as error:  # pragma: no cover - pyarrow is a pinned dependency
        raise DataError(f"{source_id}: reading {path} needs pyarrow ({error})") from error
    except Exception as error:  # pyarrow raises its own types for a broken file
        raise DataError(f"{source_id}: cannot read {path} as parquet: {error}") from error


@frame_cache
def _dictionary(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    df = read_csv(path, source_id, dtype=str, keep_default_na=False)
    require_columns(df, ["Measure_short", "Measure", "Chart_title", "Topic", "Polarity", "y_axis_name",
                         "Data Owner (DO) /Supplier and Contact Details", "Year_Type", "dps", "Table_status",
                         "Description"], source_id, path)
    out = pd.DataFrame({
        "measure": df["Measure_short"].str.strip(), "label": df["Measure"].str.strip(),
        "title": df["Chart_title"].str.strip(), "topic": df["Topic"].str.strip(),
        "polarity": df["Polarity"].str.strip().str.lower().map(POLARITIES).fillna("no judgement"),
        "unit": df["y_axis_name"].str.strip(),
        "source": df["Data Owner (DO) /Supplier and Contact Details"].str.strip(),
        "year_type": df["Year_Type"].str.strip(), "status": df["Table_status"].str.strip(),
        "decimals": to_number(df["dps"], source_id, path, "dps", missing=("NA",)),
        "description": df["Description"].str.strip(),
    })
    # A few measures are listed twice (same measure, a second dictionary row): the first row is kept.
    out = out[out["measure"] != ""].drop_duplicates("measure", keep="first")
    return out.reset_index(drop=True)


def lait_dictionary() -> pd.DataFrame:
    """The LAIT data dictionary: one row per measure.

    Returns
    -------
    pandas.DataFrame
        ``measure`` (the data file's "Short Desc"), ``label, title, topic``, ``polarity`` ("high is good",
        "low is good" or "no judgement" where LAIT gives none), ``unit`` (the axis name, e.g. "Rate per 1000
        live births"), ``source`` (data owner, e.g. ONS, DfE, DWP), ``year_type`` (Calendar Year, Financial
        Year, Academic Year, Annual), ``status``, ``decimals`` (where given) and ``description``.
    """
    p, source = resolve(DICTIONARY_SOURCE, None)
    return _dictionary(file_key(p), source["id"])


def period_label(year: int, year_type: str) -> str:
    """The period a LAIT year means: ``(2024, "Financial Year")`` → "2023/24"; ``(2023, "Calendar Year")`` → "2023"."""
    if str(year_type).strip().lower() in ("financial year", "academic year"):
        return f"{year - 1}/{year % 100:02d}"
    return str(year)


def _area_codes() -> dict[str, str]:
    lookup = district_lookup()
    names: dict[str, str] = {"England": "E92000001"}
    for code_col, name_col in (("region_code", "region_name"), ("county_code", "county_name")):
        names.update({str(n): str(c) for c, n in zip(lookup[code_col], lookup[name_col]) if pd.notna(c)})
    return names


@frame_cache
def _data(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    df = _read_parquet(path, source_id)
    require_columns(df, RAW_COLUMNS, source_id, path)
    values = df["Values"].astype("string").str.strip()
    suppressed = values.isna() | values.isin(SUPPRESSED)
    number = to_number(values.where(~suppressed), source_id, path, "Values")
    years = df["Years"].astype("string").str.strip()
    # Most measures label a year by a plain year ("2024"); some by a range or with a status ("2015/16",
    # "2014-16", "2024 (Rev)"). ``year`` orders them: the first four-digit year in the label (missing for
    # the one measure whose label is "0").
    first = pd.to_numeric(years.str.extract(r"(\d{4})", expand=False)).astype("Int64")
    la_number = to_number(df["LA Number"], source_id, path, "LA Number")
    name = df["LA and Regions"].astype("string").str.strip()
    codes = _area_codes()
    unique = {n: codes.get(NAME_FIXES.get(n, n), pd.NA) for n in name.dropna().unique()}
    area_code = name.map(unique).astype("string")
    region = df["Region"].astype("string").str.strip()
    area_type = pd.Series("upper-tier local authority", index=df.index, dtype="string")
    area_type[la_number == ENGLAND_LA_NUMBER] = "country"
    area_type[(region == "NA") & (la_number != ENGLAND_LA_NUMBER)] = "region"
    out = pd.DataFrame({
        "measure": df["Short Desc"].astype("string").str.strip(), "area_code": area_code, "area_name": name,
        "area_type": area_type, "la_number": la_number.astype("Int64"),
        "region": region.replace({"NA": pd.NA}), "year": first, "year_label": years,
        "value": number.round(6),  # the file writes floats in full ("68.599999999999994")
        "suppressed": suppressed.astype(bool),
    })
    check_unique(out, ["measure", "la_number", "year_label"], source_id, path)
    return out


def lait(measure: str) -> pd.DataFrame:
    """One LAIT measure for England, the regions and every upper-tier local authority, all years.

    Parameters
    ----------
    measure : str
        The measure's short name ("Short Desc"), e.g. ``InfMort`` (infant mortality per 1,000 live births),
        ``Low_Birth_Weight_Babies``, ``6wksBreast``, ``FSP_NEW_GOODDEV`` (good level of development at the end
        of reception), ``FSP_Gooddev_FSM`` / ``FSP_Gooddev_FSM_Other`` (pupils eligible / not eligible for
        free school meals), ``ChildPov``, ``16-17 NEET``, ``CIN``, ``CPP_rate``. :func:`lait_dictionary` lists
        them.

    Returns
    -------
    pandas.DataFrame
        ``measure, area_code`` (ONS code matched by name; missing for areas since abolished), ``area_name``,
        ``area_type`` (country, region, upper-tier local authority), ``la_number`` (DfE), ``region``, ``year``
        (the first year in LAIT's label, for ordering), ``year_label`` (LAIT's label), ``period`` (the period
        meant, see the module docstring; other labels as LAIT writes them), ``value`` (missing where suppressed),
        ``suppressed``, plus the dictionary's ``label, unit, polarity, source, year_type, decimals``.

    Raises
    ------
    DataError
        When the measure is not in the data file.
    """
    p, source = resolve(DATA_SOURCE, None)
    frame = _data(file_key(p), source["id"])
    rows = frame[frame["measure"] == measure]
    if rows.empty:
        known = sorted(frame["measure"].unique())
        raise DataError(f"lait: measure {measure!r} is not in the LAIT data; {len(known)} measures, e.g. {known[:8]}")
    info = lait_dictionary().set_index("measure")
    meta = info.loc[measure] if measure in info.index else pd.Series(
        {"label": measure, "unit": "", "polarity": "no judgement", "source": "", "year_type": "", "decimals": float("nan")})
    plain = rows["year_label"].str.fullmatch(r"\d{4}")
    out = rows.assign(period=rows["year_label"].where(
        ~plain, rows["year"].map(lambda y: period_label(int(y), meta["year_type"]) if pd.notna(y) else pd.NA)))
    for column in ("label", "unit", "polarity", "source", "year_type", "decimals"):
        out[column] = meta[column]
    return out[COLUMNS + ["label", "unit", "polarity", "source", "year_type", "decimals"]].sort_values(
        ["la_number", "year", "year_label"], ignore_index=True)
