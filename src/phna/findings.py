"""Findings as records: what a chapter says about a number, before it becomes words.

An analysis returns :class:`Finding` records, never sentences chosen by string matching. A record holds
the number, its limits, what it was compared with, the comparison and **who made the comparison**
(computed here from confidence limits, published by OHID or ONS, or none). Sentences are written from
records in one place (:func:`phna.wording.finding_sentence`); the key findings of a chapter and the
messages of a place are chosen from records by one rule (:func:`rank`).

The ranking rule (the reader issues: "significant differences first, then the largest gaps and
significant trends; at most five, one period each"):

1. suppressed records are dropped: a suppressed value never reaches a finding;
   headline records (a chapter's latest published figure, ``headline=True``) come first;
2. tier 0: a significant difference from the comparator (better, worse, higher, lower), latest first;
3. tier 1: inequality gaps and other large differences (``kind`` "gap" or "inequality") that are
   significant or have no test;
4. tier 2: a significant trend (increasing, decreasing, getting better or worse);
5. tier 3: everything else (similar to the comparator, context);

within a tier, higher ``importance`` first, then the larger relative difference from the comparator.
At most one record per (topic, area, sex) is kept, so a chapter does not say the same thing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence

import math

#: Comparisons that state a significant difference from the comparator.
SIGNIFICANT = frozenset({"better", "worse", "higher", "lower"})
#: Trend results that state a significant change over time.
SIGNIFICANT_TRENDS = frozenset({"increasing", "decreasing", "getting better", "getting worse"})
#: Who made a comparison.
COMPARISON_SOURCES = ("computed", "OHID", "ONS", "none")
KINDS = ("level", "gap", "inequality", "trend", "context")


@dataclass(frozen=True)
class Finding:
    """One thing a chapter says about one number.

    Parameters
    ----------
    key : str
        Stable identifier within the chapter (templates select records by key), e.g. ``"le-published/male"``.
    topic : str
        What was measured, in words, e.g. "life expectancy at birth".
    area : str
        The area the number is about (its name as readers know it).
    value, lower, upper, level
        The number, its confidence limits and their level (e.g. 0.95); None when not published.
    comparator, comparator_value
        What it was compared with ("England") and that value.
    comparison : str
        better, worse, similar, higher, lower, not compared, or none (no comparison made); for trends:
        increasing, decreasing, no significant change, getting better, getting worse.
    source : str
        Who made the comparison: "computed" (here, from limits), "OHID", "ONS" or "none".
    kind : str
        level (a value against a comparator), gap, inequality, trend or context.
    importance : int
        Extra weight set by the analysis (a chapter's headline indicator is 2, a secondary one 0).
    text : str
        The sentence; written by :func:`phna.wording.finding_sentence` when empty.
    meaning : str
        What the finding means for the place, in plain words.
    evidence : str
        The label (anchor) of the figure or table behind the finding, for links from message pages.
    suppressed : bool
        True when the value was suppressed; such a record never reaches a page.
    headline : bool
        The chapter's headline (its latest published figure): ranked before every other tier, so a chapter
        leads with its current figure whatever the comparison ("Current first").
    """

    key: str
    topic: str
    area: str
    area_code: str | None = None
    sex: str | None = None
    period: str | None = None
    value: float | None = None
    unit: str = ""
    decimals: int = 1
    lower: float | None = None
    upper: float | None = None
    level: float | None = None
    comparator: str | None = None
    comparator_value: float | None = None
    comparison: str = "none"
    source: str = "none"
    kind: str = "level"
    importance: int = 0
    text: str = ""
    meaning: str = ""
    evidence: str = ""
    chapter: str = ""
    suppressed: bool = False
    headline: bool = False

    def __post_init__(self):
        if self.source not in COMPARISON_SOURCES:
            raise ValueError(f"finding {self.key!r}: source must be one of {COMPARISON_SOURCES}, not {self.source!r}")
        if self.kind not in KINDS:
            raise ValueError(f"finding {self.key!r}: kind must be one of {KINDS}, not {self.kind!r}")
        if self.comparison in SIGNIFICANT and self.source == "none":
            raise ValueError(f"finding {self.key!r}: a significant comparison needs its source (computed, OHID, ONS)")

    @property
    def significant(self) -> bool:
        return self.comparison in SIGNIFICANT or self.comparison in SIGNIFICANT_TRENDS

    @property
    def relative_difference(self) -> float:
        """|value - comparator| / |comparator| (0 when either is missing)."""
        if _missing(self.value) or _missing(self.comparator_value) or not self.comparator_value:
            return abs(self.value) if self.kind in ("gap", "inequality") and not _missing(self.value) else 0.0
        return abs(self.value - self.comparator_value) / abs(self.comparator_value)

    @property
    def sentence(self) -> str:
        if self.text:
            return self.text
        from phna.wording import finding_sentence

        return finding_sentence(self)

    def __str__(self) -> str:
        return self.sentence

    def as_record(self) -> dict:
        """A plain dict (for JSON: the runner keeps each chapter's findings for the message pages)."""
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out["text"] = self.sentence
        return out


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def tier(finding: Finding) -> int:
    if finding.headline:
        return -1
    if finding.kind == "trend":
        return 2 if finding.comparison in SIGNIFICANT_TRENDS else 3
    if finding.kind == "context":
        return 3
    if finding.comparison in SIGNIFICANT:
        return 0
    if finding.kind in ("gap", "inequality") and finding.comparison in ("none", "not compared", *SIGNIFICANT):
        return 1
    return 3


def rank(findings: Iterable[Finding], limit: int = 5) -> list[Finding]:
    """The findings to show first, at most ``limit`` (see the module docstring for the rule)."""
    kept = [f for f in findings if f is not None and not f.suppressed]
    ordered = sorted(
        enumerate(kept), key=lambda item: (tier(item[1]), -item[1].importance, -item[1].relative_difference, item[0])
    )
    chosen: list[Finding] = []
    seen: set[tuple] = set()
    for _, finding in ordered:
        about = (finding.topic, finding.area, finding.sex, finding.kind)
        if about in seen:
            continue
        seen.add(about)
        chosen.append(finding)
        if len(chosen) >= limit:
            break
    return chosen


def by_key(findings: Sequence[Finding], key: str) -> Finding | None:
    """The record with this key (templates select results by key, never by position or text)."""
    return next((f for f in findings if f.key == key), None)


def with_chapter(findings: Iterable[Finding], chapter: str) -> list[Finding]:
    return [replace(f, chapter=chapter) for f in findings]


@dataclass
class Findings:
    """A growing list of records with key lookup (an analysis result can hold one)."""

    items: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding | None) -> None:
        if finding is not None:
            self.items.append(finding)

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, key: str) -> Finding:
        found = by_key(self.items, key)
        if found is None:
            raise KeyError(f"no finding {key!r}; keys: {', '.join(f.key for f in self.items)}")
        return found
