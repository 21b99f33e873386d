"""Tables for people: what :meth:`phna.context.ChapterContext.table` puts on the page.

A table on the page is for reading, its CSV for reuse. The page shows columns headed in words (the book's
standard column names have default headings; templates may pass their own), counts as whole numbers, money as
money, a dash for a missing value with a note saying what the dash means, the first column as row headers, a
``<caption>``, and at most :data:`MAX_COLUMNS` columns (the rest are named under the table and kept in the CSV).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from phna.wording import fmt_int, fmt_num

#: Columns shown on the page at most; wider tables keep the rest in their CSV.
MAX_COLUMNS = 7
DASH = "–"
MISSING_NOTE = f"{DASH} no value: not published, or not shown because it rests on too few events or people."

#: Self-describing columns of phna.stats output: kept in the CSV, left out of tables on the page.
METADATA_COLUMNS = {
    "statistic", "method", "confidence", "suppressed", "polarity", "source_file", "value_type", "multiplier",
    "decimals",
}  # fmt: skip

#: Headings in words for the book's standard column names.
COLUMN_LABELS = {
    "area_name": "Area", "area_code": "Area code", "area": "Area", "place": "Place", "district_name": "District",
    "district_code": "District code", "lsoa_name": "Small area (LSOA)", "lsoa_code": "Small area code",
    "msoa_name": "Neighbourhood (MSOA)", "msoa11_name": "Neighbourhood (MSOA)", "msoa_code": "Neighbourhood code",
    "msoa11_code": "Neighbourhood code", "indicator": "Indicator", "indicator_name": "Indicator",
    "indicator_id": "Indicator number", "period": "Period", "sex": "Sex", "age": "Age", "age_band": "Age (years)",
    "value": "Value", "lower_ci": "Lower 95 % limit", "upper_ci": "Upper 95 % limit",
    "lowercl": "Lower 95 % limit", "uppercl": "Upper 95 % limit",
    "lower_99_8": "Lower 99.8 % limit", "upper_99_8": "Upper 99.8 % limit",
    "lower_ci_99_8": "Lower 99.8 % limit", "upper_ci_99_8": "Upper 99.8 % limit",
    "deaths": "Deaths", "population": "Population", "people": "People", "count": "Number", "n": "Number",
    "total": "Total", "unit": "Unit", "units": "Unit", "england": "England", "share": "Share (%)",
    "comparison": "Compared with England", "comparison_england": "Compared with England",
    "comparison_99_8": "Compared with England (99.8 % level)", "imd_score": "IMD score", "imd_decile": "IMD decile",
    "decile": "Deprivation decile", "lsoas": "Small areas (LSOAs)", "msoas": "Neighbourhoods (MSOAs)",
    "n_areas": "Number of areas", "smr": "Standardised mortality ratio", "sii": "Slope index of inequality",
    "expected": "Expected", "median": "Median", "minimum": "Lowest", "maximum": "Highest", "reason": "Why",
    "status": "Status", "index": "Index", "domain": "Domain", "domain_label": "Domain", "label": "Label",
    "description": "Description", "difference": "Difference", "measure": "Measure", "basis": "Basis",
    "pred_lower": "Lower prediction limit", "pred_upper": "Upper prediction limit", "per_head": "Per head",
    "flat_per_head": "Per head (flat)", "allocation": "Allocation", "flat_allocation": "Flat allocation",
    "budget": "Budget", "need": "Need", "need_index": "Need index", "weight": "Weight", "residual_z": "Residual (z)",
    "le_male": "Life expectancy, males", "le_female": "Life expectancy, females", "in_core20": "In Core20",
    "in_place": "In the place", "rate": "Rate", "dsr": "Age-standardised rate",
}  # fmt: skip
_WORDS = {
    "imd": "IMD", "iod": "IoD", "lsoa": "LSOA", "lsoas": "LSOAs", "msoa": "MSOA", "msoa11": "MSOA",
    "msoas": "MSOAs", "lsoa11": "LSOA", "sii": "SII", "smr": "SMR", "dsr": "DSR", "ci": "95 % limit", "icb": "ICB",
    "le": "life expectancy", "ons": "ONS", "ohid": "OHID", "nhs": "NHS", "n": "number", "pct": "%",
    "core20": "Core20", "99": "99.8 %", "8": "",
}  # fmt: skip
_MONEY = re.compile(r"allocation|budget|per_head|spend|cost|£", re.I)
_CODE = re.compile(r"^(.*_)?code$|_code$|^code_", re.I)


def humanise(column: str) -> str:
    """A heading in words for a column name: the book's standard names, else the name's words, with
    acronyms in capitals ("lsoas_without_need" → "LSOAs without need")."""
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    if not re.fullmatch(r"[A-Za-z0-9_]+", str(column)) or "_" not in str(column) and column != column.lower():
        return str(column)  # already words (a heading a template chose)
    words = [_WORDS.get(w.lower(), w.lower()) for w in str(column).split("_")]
    text = " ".join(w for w in words if w).replace("99.8 % 8", "99.8 %")
    return text[:1].upper() + text[1:]


def is_money(column: str) -> bool:
    return bool(_MONEY.search(str(column)))


def _integral(values: pd.Series) -> bool:
    finite = pd.to_numeric(values, errors="coerce").dropna()
    finite = finite[np.isfinite(finite.astype(float))]
    return len(finite) > 0 and bool((finite.astype(float) % 1 == 0).all())


def money(value, big: bool) -> str:
    if pd.isna(value):
        return DASH
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}" if big else f"{sign}£{abs(value):,.2f}"


def column_formatter(values: pd.Series, *, column: str, money_column: bool, decimals: int | None) -> Callable:
    """How one column's values are written: whole numbers without decimals, money with £, booleans as
    yes/no, other numbers rounded for reading (3 decimals below 1, else 1) unless ``decimals`` is given."""
    if pd.api.types.is_bool_dtype(values) or (values.dropna().map(type).isin([bool, np.bool_]).all() and values.notna().any()):
        return lambda v: DASH if pd.isna(v) else ("Yes" if v else "No")
    numeric = pd.api.types.is_numeric_dtype(values)
    if not numeric:
        return lambda v: DASH if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)) else str(v)
    if money_column:
        finite = pd.to_numeric(values, errors="coerce").abs()
        big = bool(finite.max() >= 100) if finite.notna().any() else False
        return lambda v: money(v, big)
    if decimals is not None:
        return lambda v: fmt_num(v, decimals)
    if pd.api.types.is_integer_dtype(values) or _integral(values):
        return lambda v: DASH if pd.isna(v) else fmt_int(v)
    finite = pd.to_numeric(values, errors="coerce").dropna().abs()
    places = 3 if len(finite) and finite.max() < 1 else 1
    return lambda v: fmt_num(v, places)


@dataclass
class PageTable:
    """The HTML of a table for the page and the notes to print under it."""

    html: str
    notes: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)


def _choose(data: pd.DataFrame, columns: Mapping[str, str] | None, limit: int, lift_constants: bool = True):
    """The columns shown (in order), their headings, the headings of columns left in the CSV, and the columns
    with one value on every row (said once under the table)."""
    constant: list[str] = []
    if columns:
        missing = [c for c in columns if c not in data.columns]
        if missing:
            raise KeyError(f"table columns {missing} are not in the data; columns are {list(data.columns)}")
        chosen = list(columns)
        headings = {c: humanise(c) if not columns[c] or columns[c] == c else columns[c] for c in chosen}
    else:
        chosen = [c for c in data.columns if c not in METADATA_COLUMNS and not data[c].isna().all()]
        stem = lambda c, end: re.sub(r"\d+", "", re.sub(rf"_?{end}$", "", c))  # noqa: E731 - msoa11_code → msoa
        names = {stem(c, "name") for c in chosen if c.endswith("name")}
        # Codes are for machines: dropped on the page when the table also names the area, and so are columns of
        # keys (every value a lower-case identifier such as "le_male") when the table has their words too.
        chosen = [c for c in chosen if not (_CODE.search(c) and stem(c, "code") in names)]
        chosen = [c for c in chosen if not (_is_keys(data[c]) and any(k in chosen for k in (f"{c}_label", f"{c}_name", "label", "description")))]
        # A column with one value on every row is said once, under the table, not repeated down it.
        if len(data) >= 2 and lift_constants:
            constant = [c for c in chosen[1:] if data[c].notna().all() and data[c].astype(str).nunique() == 1]
            chosen = [c for c in chosen if c not in constant]
        headings = {c: humanise(c) for c in data.columns}
    long_text = [c for c in chosen if not pd.api.types.is_numeric_dtype(data[c])
                 and data[c].dropna().astype(str).str.len().max() > 40]
    if len(long_text) >= 3:
        limit = min(limit, 5)  # columns of sentences need the room: fewer of them on the page
    if len(chosen) > limit:
        # Wide tables: the 99.8 % limits go first (the 95 % limits stay), then other comparators' values, roles
        # and statuses, then columns from the right; a comparison in words stays as long as there is room.
        for pattern in (r"99_8|99\.8", r"^benchmark_", r"^(role|status|unit|units)$"):
            extra = [c for c in chosen if re.search(pattern, str(c))]
            chosen = [c for c in chosen if c not in extra[: max(0, len(chosen) - limit)]]
        while len(chosen) > limit:
            droppable = [c for c in chosen[1:] if not str(c).startswith("comparison")] or chosen[1:]
            chosen.remove(droppable[-1])
    hidden = [headings.get(c, humanise(c)) for c in data.columns if c not in chosen and c not in METADATA_COLUMNS
              and c not in constant and not data[c].isna().all()]
    return chosen, headings, hidden, constant


_KEY = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


def _is_keys(values: pd.Series) -> bool:
    text = values.dropna().astype(str)
    return (not pd.api.types.is_numeric_dtype(values) and len(text) > 0 and bool(text.map(_KEY.match).all())
            and bool(text.str.contains("_").any()))


def render(
    data: pd.DataFrame,
    *,
    caption: str,
    columns: Mapping[str, str] | None = None,
    formatters: Mapping[str, Callable] | None = None,
    money: Iterable[str] | None = None,
    decimals: int | Mapping[str, int] | None = None,
    max_columns: int = MAX_COLUMNS,
    max_rows: int = 60,
) -> PageTable:
    """Write ``data`` as an HTML table for people (see the module docstring).

    Parameters
    ----------
    columns : mapping of column → heading, optional
        The columns to show, in order, with their headings (an empty heading uses the default one).
        Default: every column except method metadata and area codes, headed by :func:`humanise`.
    formatters : mapping of column → function, optional
        Writes each value of a column (overrides the rules above).
    money : columns to write as money (default: columns named like allocation, budget, per_head, spend, cost).
    decimals : int or mapping of column → int, optional
        Decimals for non-integer numbers, to match the text (default 1, or 3 for values below 1).
    max_columns, max_rows : int
        Columns and rows shown on the page; the CSV keeps them all.
    """
    if len(data) == 1 and not columns:
        return _one_row(data, caption=caption, formatters=formatters, money=money, decimals=decimals)
    chosen, headings, hidden, constant = _choose(data, columns, max_columns)
    shown = data.head(max_rows)
    money_columns = set(money) if money is not None else {c for c in chosen if is_money(c) or is_money(headings[c])}
    formats = {}
    row_decimals = "decimals" in data.columns and decimals is None
    for c in chosen:
        places = decimals.get(c) if isinstance(decimals, Mapping) else decimals
        formats[c] = column_formatter(data[c], column=c, money_column=c in money_columns, decimals=places)
    if row_decimals:
        # A table of several indicators (a "decimals" column per row): each row's numbers as its indicator's.
        per_row = {c for c in chosen if pd.api.types.is_float_dtype(data[c]) and c not in money_columns}
    # A formatter may be keyed by the column's name or by its heading on the page (as templates write them).
    by_heading = {headings[c]: c for c in chosen}
    formats.update({by_heading.get(k, k): f for k, f in (formatters or {}).items() if by_heading.get(k, k) in chosen})

    text_columns = {c for c in chosen if not pd.api.types.is_numeric_dtype(data[c]) and not pd.api.types.is_bool_dtype(data[c])}
    css = {c: ' class="text"' if c in text_columns else "" for c in chosen}
    head = "".join(f'<th scope="col"{css[c]}>{html.escape(headings[c])}</th>' for c in chosen)
    rows, any_missing = [], False
    for _, record in shown.iterrows():
        cells = []
        for k, c in enumerate(chosen):
            if row_decimals and c in per_row and pd.notna(record["decimals"]):
                text = fmt_num(record[c], int(record["decimals"]))
            else:
                text = formats[c](record[c])
            text = DASH if text in ("", "nan", "NaN", "<NA>", "None", "NaT") else str(text)
            any_missing |= text == DASH
            tag = "th" if k == 0 else "td"
            scope = ' scope="row"' if k == 0 else ""
            cells.append(f"<{tag}{scope}{css[c]}>{html.escape(text)}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    table = (
        f'<table class="phna-table"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    notes = []
    if constant:
        said = []
        for c in constant:
            value = column_formatter(data[c], column=c, money_column=c in money_columns or is_money(c), decimals=None)(data[c].iloc[0])
            said.append(f"{_lower_first(headings.get(c, humanise(c)))}: {value}")
        notes.append("On every row, " + "; ".join(said) + ".")
    if any_missing:
        notes.append(MISSING_NOTE)
    if len(data) > max_rows:
        notes.append(f"The first {max_rows} of {len(data)} rows are shown; the CSV has them all.")
    if hidden:
        notes.append("The CSV also has " + _join([_lower_first(h) for h in hidden]) + ".")
    return PageTable(table, notes, hidden)


def _one_row(data: pd.DataFrame, *, caption: str, formatters, money, decimals) -> PageTable:
    """A table of one row is easier to read turned on its side: one line per column, its heading and value."""
    chosen, headings, _hidden, _constant = _choose(data, None, limit=10_000, lift_constants=False)
    money_columns = set(money) if money is not None else {c for c in chosen if is_money(c) or is_money(headings[c])}
    record = data.iloc[0]
    rows, any_missing = [], False
    for c in chosen:
        places = decimals.get(c) if isinstance(decimals, Mapping) else decimals
        if "decimals" in data.columns and decimals is None and pd.api.types.is_float_dtype(data[c]) and pd.notna(record["decimals"]):
            places = int(record["decimals"])
        write = (formatters or {}).get(c) or column_formatter(data[c], column=c, money_column=c in money_columns, decimals=places)
        text = str(write(record[c]))
        text = DASH if text in ("", "nan", "NaN", "<NA>", "None", "NaT") else text
        any_missing |= text == DASH
        rows.append(f'<tr><th scope="row" class="text">{html.escape(headings[c])}</th><td class="text">{html.escape(text)}</td></tr>')
    table = (f'<table class="phna-table"><caption>{html.escape(caption)}</caption><thead><tr><th scope="col">Measure</th>'
             f'<th scope="col">Value</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return PageTable(table, [MISSING_NOTE] if any_missing else [], [])


def _lower_first(heading: str) -> str:
    """A heading inside a sentence: "Compared with England" → "compared with England" (acronyms kept)."""
    return heading if heading[:2].isupper() else heading[:1].lower() + heading[1:]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
