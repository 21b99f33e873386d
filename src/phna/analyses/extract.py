"""Read an analyst-supplied extract of deaths and populations by age and sex (for life expectancy).

The public data hold deaths by age and sex for local authorities only for 2014. An analyst with access to
more recent registrations (for example from the Primary Care Mortality Database or ONS) can supply a CSV
and the life expectancy chapter uses it instead, saying so. The file is validated here with errors that
name the offending rows and what would be valid.

Expected columns (names are case-insensitive; extra columns are ignored):

``area_code`` *or* ``lsoa11_code``
    ONS code of the area each row counts (e.g. a district ``E07000220``, England ``E92000001``) or the
    2011 LSOA (``E01…``) when the extract is by small area.
``sex``
    male/female (also accepted: m/f, 1/2, males/females, men/women).
``age_band`` *or* ``age_start``
    The 20 life-table bands: ``0`` (or ``<1``, ``under 1``), ``1-4``, ``5-9``, …, ``85-89``, ``90+``; or the
    start age of each band (0, 1, 5, 10, …, 90).
``deaths``, ``population``
    Deaths and population (person-years) in the band: non-negative numbers.
``period`` (optional)
    A label such as ``2021-23``. Rows of several periods are pooled (deaths and person-years summed) and
    the period reported as the range.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from phna.provenance import note_file
from phna.stats.life_expectancy import LE_AGE_BANDS

__all__ = ["ExtractError", "read_deaths_extract", "AGE_BAND_LABELS"]

AGE_BAND_LABELS = ["0", "1-4"] + [f"{a}-{a + 4}" for a in range(5, 90, 5)] + ["90+"]
_START_BY_LABEL = dict(zip(AGE_BAND_LABELS, LE_AGE_BANDS.astype(int)))
_SEX = {
    "male": "male", "males": "male", "m": "male", "1": "male", "men": "male",
    "female": "female", "females": "female", "f": "female", "2": "female", "women": "female",
}


class ExtractError(ValueError):
    """The deaths extract is missing, unreadable or fails validation."""


def _rows(mask: pd.Series, frame: pd.DataFrame, limit: int = 5) -> str:
    # +2: the header is line 1 and pandas counts from 0
    lines = [int(i) + 2 for i in frame.index[mask][:limit]]
    return f"line(s) {lines}" + (" …" if int(mask.sum()) > limit else "")


def _age_start(frame: pd.DataFrame, path: Path) -> pd.Series:
    if "age_start" in frame.columns:
        ages = pd.to_numeric(frame["age_start"], errors="coerce")
        bad = ages.isna() | ~ages.isin(LE_AGE_BANDS)
        if bad.any():
            raise ExtractError(
                f"{path}: age_start must be one of {LE_AGE_BANDS.astype(int).tolist()}; "
                f"found {sorted(set(frame.loc[bad, 'age_start'].astype(str)))[:8]} at {_rows(bad, frame)}"
            )
        return ages.astype("int64")
    labels = frame["age_band"].astype(str).str.strip().str.lower().str.replace(r"\s+", "", regex=True)
    labels = labels.str.replace("–", "-").replace({"<1": "0", "under1": "0", "0-0": "0", "90andover": "90+",
                                                  "90plus": "90+", "90-": "90+"})
    ages = labels.map(_START_BY_LABEL)
    bad = ages.isna()
    if bad.any():
        raise ExtractError(
            f"{path}: age_band must be one of {AGE_BAND_LABELS}; found "
            f"{sorted(set(frame.loc[bad, 'age_band'].astype(str)))[:8]} at {_rows(bad, frame)}"
        )
    return ages.astype("int64")


def read_deaths_extract(path: str | Path) -> pd.DataFrame:
    """Read and validate an analyst-supplied deaths and population extract.

    Parameters
    ----------
    path : str or Path
        CSV file with the columns described in this module's docstring.

    Returns
    -------
    pandas.DataFrame
        ``area_code`` or ``lsoa11_code`` (whichever the file has), ``sex`` (male/female), ``age_start``,
        ``age_band``, ``deaths``, ``population``, ``period``; one row per area, sex and band (rows of
        several periods pooled). ``df.attrs`` holds ``level`` ("area" or "lsoa11"), ``periods`` (the
        labels found), ``period`` (the pooled label) and ``path``.

    Raises
    ------
    ExtractError
        When the file is missing or a column is missing, has unknown codes, sexes or age bands, negative
        or missing counts, or repeated rows.
    """
    path = Path(path)
    if not path.is_file():
        raise ExtractError(f"deaths extract {path} does not exist (parameter deaths_extract)")
    note_file(path)  # the page's cache key follows the extract's content
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # pandas raises several types for unreadable files
        raise ExtractError(f"deaths extract {path} could not be read as CSV: {exc}") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if frame.empty:
        raise ExtractError(f"deaths extract {path} has no rows")
    code_cols = [c for c in ("area_code", "lsoa11_code") if c in frame.columns]
    if len(code_cols) != 1:
        raise ExtractError(
            f"{path}: needs exactly one of the columns area_code or lsoa11_code; found columns {list(frame.columns)}"
        )
    code = code_cols[0]
    age_cols = [c for c in ("age_start", "age_band") if c in frame.columns]
    if not age_cols:
        raise ExtractError(f"{path}: needs an age_band or age_start column; found columns {list(frame.columns)}")
    missing = [c for c in ("sex", "deaths", "population") if c not in frame.columns]
    if missing:
        raise ExtractError(f"{path}: missing column(s) {missing}; found columns {list(frame.columns)}")

    out = pd.DataFrame(index=frame.index)
    codes = frame[code].str.strip().str.upper()
    pattern = r"^E01\d{6}$" if code == "lsoa11_code" else r"^[EKW]\d{8}$"
    bad = ~codes.str.match(pattern)
    if bad.any():
        raise ExtractError(f"{path}: {code} values must look like {pattern!r}; found "
                           f"{sorted(set(frame.loc[bad, code]))[:5]} at {_rows(bad, frame)}")
    out[code] = codes
    sexes = frame["sex"].str.strip().str.lower().map(_SEX)
    bad = sexes.isna()
    if bad.any():
        raise ExtractError(f"{path}: sex must be male or female (or m/f, 1/2); found "
                           f"{sorted(set(frame.loc[bad, 'sex']))[:5]} at {_rows(bad, frame)}")
    out["sex"] = sexes
    out["age_start"] = _age_start(frame, path)
    out["age_band"] = out["age_start"].map(dict(zip(_START_BY_LABEL.values(), _START_BY_LABEL.keys())))
    for column in ("deaths", "population"):
        values = pd.to_numeric(frame[column].str.replace(",", "").str.strip(), errors="coerce")
        bad = values.isna() | (values < 0) | ~np.isfinite(values.fillna(0))
        if bad.any():
            raise ExtractError(f"{path}: {column} must be a non-negative number in every row; found "
                               f"{sorted(set(frame.loc[bad, column]))[:5]} at {_rows(bad, frame)}")
        out[column] = values.astype("float64")
    out["period"] = frame["period"].str.strip() if "period" in frame.columns else "extract"
    out.loc[out["period"] == "", "period"] = "extract"

    keys = [code, "sex", "age_start", "period"]
    dup = out.duplicated(keys, keep=False)
    if dup.any():
        raise ExtractError(f"{path}: rows repeated for the same {', '.join(keys)} at {_rows(dup, out)}")
    periods = sorted(set(out["period"]))
    pooled = periods[0] if len(periods) == 1 else _pooled_label(periods)
    tidy = (
        out.groupby([code, "sex", "age_start", "age_band"], as_index=False)[["deaths", "population"]].sum()
        .assign(period=pooled)
        .sort_values([code, "sex", "age_start"], ignore_index=True)
    )
    bands = tidy.groupby([code, "sex"])["age_start"].nunique()
    incomplete = bands[bands < len(LE_AGE_BANDS)]
    tidy.attrs.update(
        level="area" if code == "area_code" else "lsoa11",
        periods=periods,
        period=pooled,
        path=str(path),
        incomplete=[f"{c} {s}" for c, s in incomplete.index][:20],
    )
    return tidy


def _pooled_label(periods: list[str]) -> str:
    years = sorted({int(y) for p in periods for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", p)})
    if years:
        return f"{years[0]}-{str(years[-1])[2:]}" if years[0] != years[-1] else str(years[0])
    return " + ".join(periods)
