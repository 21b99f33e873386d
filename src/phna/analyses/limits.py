"""Confidence limits in the book's one column convention (``lower_95``/``upper_95``, ``lower_99_8``/...).

:mod:`phna.stats` names its limit columns ``lowercl``/``uppercl`` (one level) or ``lower95_0cl``/... (several);
the chapters' tables and CSVs use :func:`phna.parameters.limit_columns`. The first level of the ``confidence``
parameter is the main one: it decides significance, captions and findings; every level gets its columns.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from phna import stats
from phna.parameters import limit_columns, limit_suffix
from phna.stats._validate import cl_names, z_value


def level_words(level: float) -> str:
    """0.95 → "95 %", 0.998 → "99.8 %"."""
    return f"{level * 100:g} %"


def rename_stats_limits(df: pd.DataFrame, levels: Sequence[float], prefix: str = "") -> pd.DataFrame:
    """Rename a :mod:`phna.stats` output's limit columns to ``{prefix}lower_95``/``{prefix}upper_95``/..."""
    levels = list(levels)
    mapping = {}
    for (lo, up), level in zip(cl_names(levels, len(levels) > 1, prefix), levels):
        new_lo, new_up = limit_columns(level)
        mapping[lo], mapping[up] = prefix + new_lo, prefix + new_up
    return df.rename(columns=mapping)


def limit_names(levels: Sequence[float], prefix: str = "") -> list[str]:
    """Every limit column for these levels, in order: lower, upper of the first level, then the next."""
    return [prefix + c for level in levels for c in limit_columns(level)]


def from_symmetric_95(df: pd.DataFrame, levels: Sequence[float], lower: str = "lower_ci",
                      upper: str = "upper_ci") -> pd.DataFrame:
    """Limits at each level derived from a published symmetric 95 % interval (normal approximation).

    ONS publishes MSOA life expectancy with 95 % limits of value ± 1.96 standard errors (Chiang's variance), so
    the standard error is ``(upper - lower) / (2 × 1.96)`` (kept as ``se``) and the limits at level c are
    value ± z_c × SE. The input columns are dropped; the levels' columns (``lower_95``/``upper_95``...) replace them.
    """
    out = df.copy()
    out["se"] = se = (out[upper] - out[lower]) / (2 * z_value(0.95))
    for level in levels:
        lo, up = limit_columns(level)
        out[lo] = out["value"] - z_value(level) * se
        out[up] = out["value"] + z_value(level) * se
    return out.drop(columns=[lower, upper])


def compare_levels(df: pd.DataFrame, levels: Sequence[float], benchmark, polarity: str = "high is good",
                   prefix: str = "") -> pd.DataFrame:
    """``comparison`` at the main level and ``comparison_{suffix}`` at each other level (Fingertips rule)."""
    out = df.copy()
    for i, level in enumerate(levels):
        lo, up = limit_columns(level)
        compared = stats.compare_to_benchmark(out, lower_cl=prefix + lo, upper_cl=prefix + up, benchmark=benchmark,
                                              polarity=polarity)
        name = "comparison" if i == 0 else f"comparison_{limit_suffix(level)}"
        out[name] = compared["comparison"].to_numpy()
    if "method" in compared.columns and "method" not in out.columns:
        out["comparison_method"] = compared["method"].to_numpy()
    return out


def comparison_columns(levels: Sequence[float]) -> list[str]:
    return ["comparison"] + [f"comparison_{limit_suffix(level)}" for level in list(levels)[1:]]


def missing(value) -> bool:
    return value is None or bool(pd.isna(value)) or (isinstance(value, float) and np.isnan(value))
