"""Plain-language wording shared by every chapter: numbers, intervals and comparisons in words.

Findings are generated from the numbers with these helpers so the book words things the same way
everywhere (e.g. "80.1 years (95 % CI 79.4 to 80.8), significantly higher than England (79.3)").
"""

from __future__ import annotations

import pandas as pd


def _missing(value) -> bool:
    """None, NaN (float or numpy), pd.NA and NaT all read as missing."""
    return value is None or bool(pd.isna(value))


def fmt_int(value) -> str:
    return "–" if _missing(value) else f"{int(round(float(value))):,}"


def fmt_pct(value, decimals: int = 1) -> str:
    return "–" if _missing(value) else f"{float(value):.{decimals}f} %"


def fmt_num(value, decimals: int = 1) -> str:
    return "–" if _missing(value) else f"{float(value):,.{decimals}f}"


def fmt_ci(lower, upper, decimals: int = 1, level: float = 0.95) -> str:
    """"95 % CI 79.4 to 80.8" (or an explanation when limits are missing)."""
    if _missing(lower) or _missing(upper):
        return "no confidence interval published"
    return f"{level * 100:g} % CI {float(lower):,.{decimals}f} to {float(upper):,.{decimals}f}"


def fmt_value_ci(value, lower, upper, unit: str = "", decimals: int = 1, level: float = 0.95) -> str:
    unit_text = f" {unit}" if unit else ""
    if _missing(lower) or _missing(upper):
        return f"{fmt_num(value, decimals)}{unit_text}"
    return f"{fmt_num(value, decimals)}{unit_text} ({fmt_ci(lower, upper, decimals, level)})"


#: How each Fingertips comparison category reads in a sentence.
COMPARISON_WORDS = {
    "better": "significantly better than",
    "worse": "significantly worse than",
    "higher": "significantly higher than",
    "lower": "significantly lower than",
    "similar": "not significantly different from",
    "not compared": "not compared with",
}


def comparison_phrase(category: str, benchmark_name: str, benchmark_value=None, decimals: int = 1) -> str:
    """E.g. "significantly higher than England (79.3)"."""
    words = COMPARISON_WORDS.get(category, f"{category} compared with")
    value = f" ({fmt_num(benchmark_value, decimals)})" if not _missing(benchmark_value) else ""
    return f"{words} {benchmark_name}{value}"


def direction_words(value, benchmark, higher: str = "higher", lower: str = "lower") -> str:
    if _missing(value) or _missing(benchmark):
        return "not comparable"
    return higher if value > benchmark else lower if value < benchmark else "the same as"


def join_names(names) -> str:
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def possessive(name: str) -> str:
    """"Rugby's", "Warwickshire North's", "Test neighbourhoods'" (plural names ending in s take an apostrophe)."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"
