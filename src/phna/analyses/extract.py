"""Read and validate an analyst's deaths extract: the one format the book accepts.

The public data hold local deaths by age only for 2014 and by district only. An analyst with access to death
registrations (for example the Primary Care Mortality Database) can supply a CSV of deaths by small area, sex,
age band, period and underlying cause; the life expectancy and preventable mortality chapters then add what only
such data allow (life expectancy by local deprivation, the gap broken down by age and cause, preventable
mortality by deprivation). Any invalid file stops the run with a message naming the file, the line and the column.

The format (one header line, these columns, in any order; names are case-insensitive)::

    lsoa11_code | lsoa21_code   the small area of residence (2011 or 2021 LSOA code, E01......)
    sex                         male or female (also m/f, 1/2)
    age_band                    one of the 20 life-table bands: 0, 1-4, 5-9, ..., 85-89, 90+
    period                      a calendar year (2022) or a range of years (2021-23)
    icd10                       the underlying cause of death, an ICD-10 code (I21, I21.9, U07.1)
    deaths                      a whole number, 0 or more
    population                  optional: the population (persons, per year) of the area, sex and age band;
                                when absent the mirror's mid-2019 LSOA estimates are used

One row per area x sex x age band x period x cause; rows with no deaths may be left out.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from phna.provenance import note_file
from phna.stats.life_expectancy import LE_AGE_BANDS

__all__ = ["ExtractError", "read_deaths_extract", "AGE_BAND_LABELS", "COLUMNS", "period_years", "publishable",
           "SMALL_COUNT"]

AGE_BAND_LABELS = ["0", "1-4"] + [f"{a}-{a + 4}" for a in range(5, 90, 5)] + ["90+"]
_START_BY_LABEL = dict(zip(AGE_BAND_LABELS, LE_AGE_BANDS.astype(int)))
_SEX = {"male": "male", "m": "male", "1": "male", "female": "female", "f": "female", "2": "female"}
COLUMNS = ("sex", "age_band", "period", "icd10", "deaths")
OPTIONAL = ("population",)
CODE_COLUMNS = ("lsoa11_code", "lsoa21_code")
_ICD10 = re.compile(r"^[A-Z]\d{2}(\d{1,2})?$")
_PERIOD = re.compile(r"^(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?$")

#: Counts below this number from an extract are never published, nor anything computed from them alone.
SMALL_COUNT = 10


class ExtractError(ValueError):
    """The deaths extract is missing, unreadable or invalid (the message names file, line and column)."""


def _read_text(path: Path) -> str:
    """The extract's text: the one place the file is opened (so the run can record what it read)."""
    note_file(path)  # the page's cache key follows the extract's content
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractError(f"{path}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from exc


def _fail(path: Path, mask: pd.Series, frame: pd.DataFrame, column: str, what: str) -> None:
    """Raise naming the first offending lines (the header is line 1) and their values."""
    rows = frame.index[mask.to_numpy()]
    shown = ", ".join(f"line {int(i) + 2} ({frame.at[i, column]!r})" for i in rows[:5])
    more = f" and {len(rows) - 5} more line(s)" if len(rows) > 5 else ""
    raise ExtractError(f"{path}: column {column}: {what}; found at {shown}{more}")


def period_years(label: str) -> tuple[int, int] | None:
    """First and last calendar year of a period label ("2022" -> (2022, 2022); "2021-23" -> (2021, 2023))."""
    m = _PERIOD.match(label.strip())
    if not m:
        return None
    first = int(m.group(1))
    last = m.group(2)
    if last is None:
        return first, first
    end = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
    return (first, end) if end >= first else None


def read_deaths_extract(path: str | Path) -> pd.DataFrame:
    """Read and validate an analyst's deaths extract (the format in this module's docstring).

    Parameters
    ----------
    path : str or Path
        The CSV file (an absolute path; the command line resolves relative paths against where it was run).

    Returns
    -------
    pandas.DataFrame
        One row per line of the file: ``lsoa_code``, ``sex`` (male/female), ``age_start``, ``age_band``,
        ``period``, ``icd10`` (upper case, no dot), ``deaths`` (int), ``population`` (float; NaN when the file
        has no population column). ``attrs``: ``vintage`` ("lsoa11" or "lsoa21"), ``periods`` (labels),
        ``years`` (the calendar years covered, sorted), ``period`` (one label for them all), ``has_population``,
        ``file`` (the file's name, without its folder).

    Raises
    ------
    ExtractError
        Missing or empty file, header-only file, a wrong header (a missing, repeated or unknown column), an
        invalid code, sex, age band, period, cause or count, or a repeated row; the message names the file, the
        line and the column.
    """
    path = Path(path)
    if not path.is_file():
        raise ExtractError(f"{path}: the deaths extract does not exist")
    text = _read_text(path)
    if not text.strip():
        raise ExtractError(f"{path}: the deaths extract is empty (expected a header line and rows)")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise ExtractError(f"{path}: could not be read as CSV: {exc}") from exc
    header = [str(c).strip().lower() for c in frame.columns]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise ExtractError(f"{path}: line 1 (header): column(s) {repeated} appear more than once")
    frame.columns = header
    codes = [c for c in CODE_COLUMNS if c in header]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in (*COLUMNS, *OPTIONAL, *CODE_COLUMNS)]
    if len(codes) != 1 or missing or unknown:
        need = "one of lsoa11_code or lsoa21_code, " + ", ".join(COLUMNS) + " (and optionally population)"
        problems = ([f"missing {missing}"] if missing else []) + ([f"unknown {unknown}"] if unknown else []) + (
            ["no LSOA code column"] if not codes else ["both LSOA code columns"] if len(codes) > 1 else [])
        raise ExtractError(f"{path}: line 1 (header): {'; '.join(problems)}; expected the columns {need}")
    if frame.empty:
        raise ExtractError(f"{path}: the deaths extract has a header but no rows")
    frame = frame.apply(lambda s: s.str.strip())
    blank = (frame == "").all(axis=1)
    if blank.any():
        _fail(path, blank, frame.assign(line=""), "line", "blank line inside the extract")
    code = codes[0]
    out = pd.DataFrame(index=frame.index)
    out["lsoa_code"] = frame[code].str.upper()
    bad = ~out["lsoa_code"].str.match(r"^E01\d{6}$")
    if bad.any():
        _fail(path, bad, frame, code, "expected an LSOA code such as E01031000")
    out["sex"] = frame["sex"].str.lower().map(_SEX)
    if out["sex"].isna().any():
        _fail(path, out["sex"].isna(), frame, "sex", "expected male or female (or m/f, 1/2)")
    band = frame["age_band"].str.replace(" ", "").str.replace("–", "-")
    out["age_start"] = band.map(_START_BY_LABEL)
    if out["age_start"].isna().any():
        _fail(path, out["age_start"].isna(), frame, "age_band", f"expected one of {', '.join(AGE_BAND_LABELS)}")
    out["age_start"] = out["age_start"].astype("int64")
    out["age_band"] = band
    spans = frame["period"].map(period_years)
    if spans.isna().any():
        _fail(path, spans.isna(), frame, "period", "expected a year (2022) or a range of years (2021-23)")
    out["period"] = frame["period"]
    icd = frame["icd10"].str.upper().str.replace(".", "", regex=False)
    bad = ~icd.str.match(_ICD10)
    if bad.any():
        _fail(path, bad, frame, "icd10", "expected an ICD-10 code such as I21, I21.9 or U07.1")
    out["icd10"] = icd
    for column in ("deaths", *[c for c in OPTIONAL if c in header]):
        values = pd.to_numeric(frame[column].str.replace(",", ""), errors="coerce")
        bad = values.isna() | ~np.isfinite(values.fillna(0)) | (values < 0)
        if column == "deaths":
            bad |= values.fillna(0) % 1 != 0
        if bad.any():
            what = "a whole number, 0 or more" if column == "deaths" else "a number, 0 or more"
            _fail(path, bad, frame, column, f"expected {what}")
        out[column] = values.astype("int64" if column == "deaths" else "float64")
    if "population" not in out:
        out["population"] = np.nan
    keys = ["lsoa_code", "sex", "age_start", "period", "icd10"]
    dup = out.duplicated(keys, keep=False)
    if dup.any():
        _fail(path, dup, frame, code, "the same area, sex, age band, period and cause appear on more than one line")
    if "population" in header:
        spread = out.groupby(keys[:4])["population"].transform("nunique")
        if (spread > 1).any():
            _fail(path, spread > 1, frame, "population", "differs between causes of the same area, sex, age and period")
    years = sorted({y for first, last in spans for y in range(first, last + 1)})
    overlap = sum(last - first + 1 for first, last in set(spans)) != len(years)
    if overlap:
        raise ExtractError(f"{path}: column period: the periods {sorted(set(out['period']))} overlap; give each "
                           "death once, under one period")
    out.attrs.update(
        vintage=code[:6], periods=sorted(set(out["period"])), years=years, has_population="population" in header,
        period=str(years[0]) if len(years) == 1 else f"{years[0]}-{str(years[-1])[2:]}", file=path.name,
    )
    return out


def publishable(table: pd.DataFrame, *, counts=(), derived=(), flag: str = "suppressed") -> pd.DataFrame:
    """The one gate every table computed from an extract passes through before it is shown or written.

    Parameters
    ----------
    table : pandas.DataFrame
        A table of results.
    counts : sequence of str
        Columns of counts taken from the extract (deaths): any value under :data:`SMALL_COUNT` is removed.
    derived : sequence of str
        Columns computed from the counts (values, limits, differences, contributions): removed in every row
        where ``flag`` is true or where the row's value was withheld.
    flag : str
        Boolean column marking rows whose statistic is suppressed (by the statistic's own rule); when the
        table has a ``value`` column, a missing value also suppresses the row.

    Returns
    -------
    pandas.DataFrame
        A copy with the withheld cells empty (NaN) and ``flag`` set wherever anything was withheld.
    """
    out = table.copy()
    gone = out[flag].fillna(True).astype(bool) if flag in out else pd.Series(False, index=out.index)
    if "value" in out:
        gone |= out["value"].isna()
    for column in counts:
        small = out[column].notna() & (out[column] < SMALL_COUNT)
        out[column] = out[column].astype("float64").mask(small)
    for column in derived:
        out[column] = out[column].astype("float64").mask(gone)
    out[flag] = gone
    return out
