"""The book's front page summary: a few headline numbers per place, taken from the chapters' own outputs.

Nothing is recomputed here: each number is read from the CSV a chapter published behind one of its charts or
tables, so the summary always agrees with the chapters. A place whose chapters have not been built is
listed with a dash.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from phna.wording import fmt_int, fmt_num, fmt_pct
from phna.build.toc import place_dir
from phna.config import Config

COMPARISON_WORDS = {"better": "better than England", "worse": "worse than England", "higher": "higher than England",
                    "lower": "lower than England", "similar": "similar to England"}  # fmt: skip


def _read(path: Path) -> pd.DataFrame | None:
    return pd.read_csv(path) if path.is_file() else None


def _place_row(root: Path, slug: str) -> dict[str, str]:
    folder = root / place_dir(slug) / "data"
    row = {}
    pyramid = _read(folder / "overview-population-pyramid.csv")
    if pyramid is not None:
        row["population"] = f"{fmt_int(pyramid['population'].sum())} ({pyramid['period'].iloc[0]})"
    core20 = _read(folder / "overview-core20.csv")
    if core20 is not None:
        row["core20"] = fmt_pct(100 * core20["value"].iloc[0])
    for sex in ("male", "female"):
        le = _read(folder / f"life-expectancy-computed-{sex}.csv")
        if le is not None:
            place = le[le["role"] == "place"]
            if len(place) and pd.notna(place["value"].iloc[0]):
                r = place.iloc[0]
                row[f"le_{sex}"] = f"{fmt_num(r['value'])} ({COMPARISON_WORDS.get(r['comparison'], r['comparison'])})"
    dsr = _read(folder / "preventable-mortality-dsr-2014-under75.csv")
    if dsr is not None:
        place = dsr[(dsr["role"] == "place") & (dsr["sex"] == "persons")]
        if len(place) and pd.notna(place["value"].iloc[0]):
            r = place.iloc[0]
            row["u75"] = f"{fmt_num(r['value'], 0)} ({COMPARISON_WORDS.get(r['comparison'], r['comparison'])})"
    return row


def at_a_glance(root: Path, config: Config) -> str:
    """A markdown table of headline numbers for every configured place."""
    lines = [
        "| place | population | in Core20 areas | life expectancy, males (2014) | life expectancy, females (2014) "
        "| deaths under 75 per 100,000 (2014) |",
        "|---|---|---|---|---|---|",
    ]
    for place in config.places:
        row = _place_row(root, place.slug)
        name = (
            f"{{doc}}`{place.name} </{place_dir(place)}/index>`"
            if (root / place_dir(place) / "index.md").is_file()
            else place.name
        )
        cells = [row.get(k, "–") for k in ("population", "core20", "le_male", "le_female", "u75")]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return (
        "\n".join(lines)
        + "\n\nCore20: people living in England's most deprived 20 % of small areas (IMD 2019). Life expectancy"
        " and age-standardised death rates are computed from ONS's 2014 deaths by age; comparisons with England"
        " use 95 % confidence intervals. Each number comes from the chapter of that place, where its source,"
        " method and interval are given.\n"
    )
