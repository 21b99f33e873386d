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


def plural(count, singular: str, plural_form: str | None = None) -> str:
    """"1 small area", "159 small areas", "2 MSOAs" (counts as integers, thousands separated)."""
    number = int(round(float(count)))
    word = singular if number == 1 else (plural_form or f"{singular}s")
    return f"{number:,} {word}"


def agree(count, singular_verb: str = "is", plural_verb: str = "are") -> str:
    """The verb that agrees with a count: ``agree(1)`` is "is", ``agree(3)`` is "are"."""
    return singular_verb if int(round(float(count))) == 1 else plural_verb


#: Who made a comparison, as readers are told it (phna.findings.Finding.source).
SOURCE_WORDS = {
    "computed": "computed here from the confidence intervals",
    "OHID": "as published by OHID",
    "ONS": "as published by ONS",
    "none": "",
}

#: How each comparison of a finding reads after the value.
FINDING_COMPARISON_WORDS = {
    "better": "better than",
    "worse": "worse than",
    "higher": "higher than",
    "lower": "lower than",
    "similar": "similar to",
}

SEX_ADJECTIVES = {"male": "Male", "female": "Female", "persons": ""}


def finding_sentence(finding) -> str:
    """The one sentence for a findings record (phna.findings.Finding), the same wherever it appears.

    E.g. "Male life expectancy at birth in Coventry was 77.7 years in 2023-25, worse than England (79.7 years),
    as published by OHID." A comparison is stated with its source; "not compared" is said only when no
    comparison was made, never beside a significance word.
    """
    unit = f" {finding.unit}" if finding.unit and finding.unit != "%" else finding.unit
    value = f"{fmt_num(finding.value, finding.decimals)}{unit}"
    if not _missing(finding.lower) and not _missing(finding.upper) and finding.level:
        value += f" ({fmt_ci(finding.lower, finding.upper, finding.decimals, finding.level)})"
    sex = SEX_ADJECTIVES.get(finding.sex or "", "")
    topic = f"{sex} {finding.topic}".strip() if sex else finding.topic
    topic = topic[:1].upper() + topic[1:]
    when = f" in {finding.period}" if finding.period else ""
    sentence = f"{topic} in {finding.area} was {value}{when}"
    if finding.kind == "trend":
        sentence = f"{topic} in {finding.area}" + (
            f": {finding.comparison} over the last five periods to {finding.period}" if finding.comparison != "none"
            else f" up to {finding.period}"
        )
    elif finding.comparator and finding.comparison in FINDING_COMPARISON_WORDS:
        comparator_value = (
            f" ({fmt_num(finding.comparator_value, finding.decimals)}{unit})" if not _missing(finding.comparator_value) else ""
        )
        sentence += f", {FINDING_COMPARISON_WORDS[finding.comparison]} {finding.comparator}{comparator_value}"
        source = SOURCE_WORDS.get(finding.source, "")
        if source:
            sentence += f", {source}"
    elif finding.comparator and not _missing(finding.comparator_value):
        sentence += f" ({finding.comparator}: {fmt_num(finding.comparator_value, finding.decimals)}{unit}; not compared)"
    sentence += "."
    if finding.meaning:
        sentence += f" {finding.meaning}"
    return sentence


def gap_phrase(value, comparator_value, unit: str = "", decimals: int = 1, more: str = "more",
               less: str = "less") -> str:
    """"2.0 years less than", "0.4 years more than", "the same as" (the size of a difference, in words)."""
    if _missing(value) or _missing(comparator_value):
        return "not comparable with"
    difference = round(float(value) - float(comparator_value), decimals)
    if difference == 0:
        return "the same as"
    unit_text = f" {unit}" if unit else ""
    return f"{fmt_num(abs(difference), decimals)}{unit_text} {more if difference > 0 else less} than"
