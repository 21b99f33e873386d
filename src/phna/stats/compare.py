"""Comparison of an area's value with a benchmark, as Fingertips."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._validate import numeric_column, require_columns, require_frame

__all__ = ["POLARITIES", "compare_to_benchmark"]

POLARITIES = ("high is good", "low is good", "no judgement")


def _labels(lower, upper, benchmark, polarity):
    higher = lower > benchmark
    lower_ = upper < benchmark
    unknown = np.isnan(lower) | np.isnan(upper) | np.isnan(benchmark)
    hi, lo = {
        "high is good": ("better", "worse"),
        "low is good": ("worse", "better"),
        "no judgement": ("higher", "lower"),
    }[polarity]
    out = np.where(higher, hi, np.where(lower_, lo, "similar")).astype(object)
    out[unknown] = "not compared"
    return out


def compare_to_benchmark(
    df,
    *,
    lower_cl,
    upper_cl,
    benchmark,
    polarity="high is good",
    lower_cl_99_8=None,
    upper_cl_99_8=None,
):
    """Fingertips-style comparison of each row's interval with a benchmark value.

    Parameters
    ----------
    df : pandas.DataFrame
    lower_cl, upper_cl : str
        Columns with the area's 95 % confidence limits.
    benchmark : str or float
        Benchmark value (e.g. England), a column name or one number.
    polarity : {"high is good", "low is good", "no judgement"}
    lower_cl_99_8, upper_cl_99_8 : str, optional
        Columns with the 99.8 % limits; adds ``comparison_99_8``.

    Returns
    -------
    pandas.DataFrame
        The input with ``comparison`` (from the 95 % interval) and, when the
        99.8 % limits are given, ``comparison_99_8``; values "better",
        "similar", "worse" (or "higher", "similar", "lower" with no judgement;
        "not compared" where a limit or the benchmark is missing), plus
        ``polarity`` and ``method``.

    Notes
    -----
    Fingertips rule: the area differs from the benchmark when the benchmark
    lies outside the area's confidence interval; equality with a limit
    counts as similar.

    References
    ----------
    Office for Health Improvement and Disparities. Fingertips technical
    guidance: confidence intervals and comparisons with a benchmark.
    https://fingertips.phe.org.uk/profile/guidance
    """
    func = "compare_to_benchmark"
    require_frame(df, func)
    if polarity not in POLARITIES:
        raise ValueError(f"{func}: polarity must be one of {POLARITIES}, got {polarity!r}")
    cols = [lower_cl, upper_cl] + [c for c in (lower_cl_99_8, upper_cl_99_8) if c is not None]
    if isinstance(benchmark, str):
        cols.append(benchmark)
    require_columns(df, cols, func)
    if (lower_cl_99_8 is None) != (upper_cl_99_8 is None):
        raise ValueError(f"{func}: give both lower_cl_99_8 and upper_cl_99_8, or neither")
    if isinstance(benchmark, str):
        bm = numeric_column(df, benchmark, func, allow_negative=True, what="benchmark values")
    else:
        if isinstance(benchmark, bool) or not isinstance(benchmark, (int, float, np.integer, np.floating)):
            raise ValueError(f"{func}: benchmark must be a column name or a number, got {benchmark!r}")
        bm = np.full(len(df), float(benchmark))
    out = df.copy()
    lo = numeric_column(df, lower_cl, func, allow_negative=True, what="limits")
    up = numeric_column(df, upper_cl, func, allow_negative=True, what="limits")
    out["comparison"] = _labels(lo, up, bm, polarity)
    if lower_cl_99_8 is not None:
        lo3 = numeric_column(df, lower_cl_99_8, func, allow_negative=True, what="limits")
        up3 = numeric_column(df, upper_cl_99_8, func, allow_negative=True, what="limits")
        out["comparison_99_8"] = _labels(lo3, up3, bm, polarity)
    out["polarity"] = polarity
    out["method"] = "benchmark value outside the area's confidence interval (Fingertips)"
    return out
