"""The book's front page summary: the latest headline numbers per place, taken from the chapters' own outputs.

Nothing is recomputed here: each number is read from the CSV a chapter published behind one of its charts or
tables, so the summary always agrees with the chapters. Every number is shown with its period, and a
comparison with England only where the chapter's table carries one together with who made it (OHID's
published comparison for life expectancy and preventable mortality). Figures computed for 2014 from deaths by
age are never shown here: the latest published periods lead. A place whose chapters have not been built is
listed with a dash.

The CSVs are read defensively, by column name: ``area_code, sex, period, value`` and, where present,
``comparison`` and ``comparison_source`` (or a ``reason`` saying "as published by OHID").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from phna.build.toc import place_dir
from phna.config import Config
from phna.geography import ENGLAND
from phna.wording import fmt_int, fmt_num, fmt_pct

#: The chapter tables of the latest published period, first existing file wins.
LIFE_EXPECTANCY_FILES = ("life-expectancy-published-latest.csv",)
PREVENTABLE_FILES = ("preventable-mortality-published-latest.csv", "preventable-mortality-preventable-latest.csv")
COMPARISON_WORDS = {"better": "better", "worse": "worse", "higher": "higher", "lower": "lower", "similar": "similar"}
#: Places with more districts than this show the range across their districts instead of each one.
MAX_LISTED_DISTRICTS = 2


def _read(path: Path) -> pd.DataFrame | None:
    try:
        return pd.read_csv(path) if path.is_file() else None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        return None


def _first(folder: Path, names) -> pd.DataFrame | None:
    for name in names:
        frame = _read(folder / name)
        if frame is not None:
            return frame
    return None


def _source(row: pd.Series) -> str:
    """Who made the comparison: the ``comparison_source`` column, else OHID when the reason says so, else none."""
    source = row.get("comparison_source")
    if isinstance(source, str) and source.strip():
        return source.strip()
    reason = row.get("reason")
    if isinstance(reason, str) and "OHID" in reason:
        return "OHID"
    return "none"


def _comparison(row: pd.Series) -> str:
    """"worse" when the row carries a comparison made by OHID (or computed, which is named), else ""."""
    word = COMPARISON_WORDS.get(str(row.get("comparison", "")).strip().lower())
    source = _source(row)
    if word is None or source in ("none", ""):
        return ""
    return word if source == "OHID" else f"{word}, computed here" if source == "computed" else f"{word}, {source}"


def _latest_cell(frame: pd.DataFrame | None, sex: str, decimals: int) -> tuple[dict[str, str], str, bool]:
    """The place's district values for ``sex`` in the table's latest period, with their comparison.

    Returns the cell text per row (``""`` for the place's own row; each district's name when the place has two),
    the period (``""`` when there is no value) and whether an OHID comparison is shown.
    """
    needed = {"area_code", "sex", "period", "value"}
    if frame is None or not needed <= set(frame.columns):
        return {}, "", False
    rows = frame[(frame["sex"].astype(str).str.lower() == sex) & frame["value"].notna()]
    if "role" in rows.columns:
        rows = rows[rows["role"].astype(str).str.contains("place")]
    else:
        rows = rows[rows["area_code"].astype(str) != ENGLAND]
    if rows.empty:
        return {}, "", False
    period = sorted(rows["period"].astype(str))[-1]
    rows = rows[rows["period"].astype(str) == period]
    shown = any(_comparison(r) for _, r in rows.iterrows())
    if len(rows) > MAX_LISTED_DISTRICTS:
        values = rows["value"].astype(float)
        text = f"{fmt_num(values.min(), decimals)} to {fmt_num(values.max(), decimals)}"
        if shown:
            worse = sum(_comparison(r) == "worse" for _, r in rows.iterrows())
            text += f" ({worse} of {len(rows)} worse)"
        return {"": text}, period, shown
    cells = {}
    for _, row in rows.iterrows():
        name = str(row.get("area_name", row["area_code"])) if len(rows) > 1 else ""
        comparison = _comparison(row)
        cells[name] = fmt_num(row["value"], decimals) + (f" ({comparison})" if comparison else "")
    return cells, period, shown


def _place_row(root: Path, slug: str) -> tuple[dict[str, tuple[dict[str, str], str]], bool]:
    """Cells (by row: "" for the place, else a district's name) and period of each column for one place, and
    whether an OHID comparison is shown."""
    folder = root / place_dir(slug) / "data"
    row: dict[str, tuple[dict[str, str], str]] = {}
    pyramid = _read(folder / "overview-population-pyramid.csv")
    if pyramid is not None and {"population", "period"} <= set(pyramid.columns):
        row["population"] = ({"": fmt_int(pyramid["population"].sum())}, str(pyramid["period"].iloc[0]))
    core20 = _read(folder / "overview-core20.csv")
    if core20 is not None and "value" in core20.columns:
        c = core20.iloc[0]
        year = c.get("population_period")
        row["core20"] = ({"": fmt_pct(c["value"])}, year if isinstance(year, str) and year else "small areas")
    le = _first(folder, LIFE_EXPECTANCY_FILES)
    pm = _first(folder, PREVENTABLE_FILES)
    ohid = False
    for key, frame, sex, decimals in (("le_male", le, "male", 1), ("le_female", le, "female", 1),
                                      ("u75", pm, "persons", 0)):
        cells, period, shown = _latest_cell(frame, sex, decimals)
        if period:
            row[key] = (cells, period)
        ohid = ohid or shown
    return row, ohid


COLUMNS = {
    "population": "Population",
    "core20": "In Core20 areas",
    "le_male": "Life expectancy, men",
    "le_female": "Life expectancy, women",
    "u75": "Preventable deaths under 75 per 100,000",
}


def at_a_glance(root: Path, config: Config) -> str:
    """A markdown table of the latest headline numbers for every configured place.

    Each number's period is stated: in the column heading when every place shows the same period, else in the
    cell beside the number.
    """
    rows, any_ohid = [], False
    for place in config.places:
        row, ohid = _place_row(root, place.slug)
        rows.append((place, row))
        any_ohid = any_ohid or ohid
    headings, common = [], {}
    for key, words in COLUMNS.items():
        periods = {row[key][1] for _, row in rows if key in row}
        common[key] = periods.pop() if len(periods) == 1 else None
        headings.append(f"{words}, {common[key]}" if common[key] else words)
    lines = ["| Place | " + " | ".join(headings) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for place, row in rows:
        name = (
            f"{{doc}}`{place.name} </{place_dir(place)}/index>`"
            if (root / place_dir(place) / "index.md").is_file()
            else place.name
        )
        # A place of two districts has one line per district under its own line (narrow columns on phones).
        districts = list(dict.fromkeys(d for cells, _ in row.values() for d in cells if d))
        for label in ["", *districts]:
            cells = []
            for key in COLUMNS:
                if key not in row:
                    cells.append("–" if not label else "")
                    continue
                values, period = row[key]
                text = values.get(label, "" if label or districts else "–")
                cells.append(text if not text or common[key] else f"{text} ({period})")
            shown_name = name if not label else f"· {label}"
            lines.append(f"| {shown_name} | " + " | ".join(cells) + " |")
    note = (
        "\n\nEach number is the latest published for the place's districts, for the period named; it comes from "
        "the chapter of that place, where its source, method and interval are given. Population: ONS mid-year "
        "estimates. Core20: share of residents living in England's most deprived 20 % of small areas, counted on "
        "the latest small-area population estimates in the book's data (mid-2019 unless another year is named). "
        "Life expectancy is "
        "at birth, in years; preventable deaths are age-standardised rates. A place of two districts shows each district "
        "on its own line; for more districts, the range across them is shown."
    )
    if any_ohid:
        note += (" Words in brackets compare each district with England as published by OHID (Fingertips): better, "
                 "similar or worse.")
    return "\n".join(lines) + note + "\n"
