"""ICD-10 code lists kept as data in ``data/reference/`` (hand-transcribed; sources in its README).

- :func:`cause_groups` — the broad cause groups of OHID's Segment Tool (``icd10_cause_groups.csv``);
- :func:`preventable_2019` — causes considered preventable, ONS/OHID 2019 definition (``icd10_preventable_2019.csv``).

Codes are compared without the dot: a code lies in a range when its first characters (as many as the bound has)
are within the bounds, so ``I21`` covers ``I219`` and ``K73``-``K742`` covers ``K730``..``K742``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .errors import DataError
from .mirror import repo_root

__all__ = ["cause_groups", "preventable_2019", "cause_group_of", "preventable_fraction_of", "CAUSE_GROUP_LABELS"]

CAUSE_GROUP_LABELS = {
    "circulatory": "Circulatory", "cancer": "Cancer", "respiratory": "Respiratory", "digestive": "Digestive",
    "external": "External causes", "mental": "Mental and behavioural", "covid": "COVID-19", "other": "Other",
}


@lru_cache(maxsize=None)
def _read(name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    path = repo_root() / "data" / "reference" / name
    if not path.is_file():
        raise DataError(f"reference table {path} is missing")
    frame = pd.read_csv(path, dtype=str)
    if tuple(frame.columns) != columns:
        raise DataError(f"{path}: expected the columns {list(columns)}, found {list(frame.columns)}")
    for column in ("icd10_from", "icd10_to"):
        bad = ~frame[column].str.match(r"^[A-Z]\d{2}\d?$")
        if bad.any():
            raise DataError(f"{path}: column {column}: not ICD-10 codes: {frame.loc[bad, column].tolist()}")
    return frame


def cause_groups() -> pd.DataFrame:
    """Segment Tool cause groups: ``cause_group, label, icd10_from, icd10_to`` (other causes are "other")."""
    return _read("icd10_cause_groups.csv", ("cause_group", "label", "icd10_from", "icd10_to")).copy()


def preventable_2019() -> pd.DataFrame:
    """Preventable causes (2019 definition): ``condition, icd10_from, icd10_to, preventable_fraction`` (1 or 0.5)."""
    frame = _read("icd10_preventable_2019.csv", ("condition", "icd10_from", "icd10_to", "preventable_fraction"))
    return frame.astype({"preventable_fraction": "float64"})


def _in_range(codes: pd.Series, low: str, high: str) -> np.ndarray:
    return ((codes.str[: len(low)] >= low) & (codes.str[: len(high)] <= high)).to_numpy()


def cause_group_of(codes: pd.Series) -> pd.Series:
    """The Segment Tool cause group of each ICD-10 code (upper case, no dot); "other" when in no group."""
    codes = codes.astype(str)
    out = pd.Series("other", index=codes.index, dtype="object")
    for row in cause_groups().itertuples():
        out[_in_range(codes, row.icd10_from, row.icd10_to)] = row.cause_group
    return out


def preventable_fraction_of(codes: pd.Series) -> pd.Series:
    """The share of a death from each ICD-10 code counted as preventable (2019 definition): 1, 0.5 or 0."""
    codes = codes.astype(str)
    out = pd.Series(0.0, index=codes.index)
    for row in preventable_2019().itertuples():
        out[_in_range(codes, row.icd10_from, row.icd10_to)] = row.preventable_fraction
    return out
