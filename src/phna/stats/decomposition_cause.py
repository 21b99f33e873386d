"""Decomposition of a life expectancy gap by age band and cause of death (Arriaga, with the cause split)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._validate import as_by, require_frame
from .decomposition import arriaga

__all__ = ["arriaga_by_cause"]


def arriaga_by_cause(reference, comparison, *, deaths, population, age_start, cause, by=()):
    """Contribution of each age band and cause to the gap in life expectancy at birth.

    Parameters
    ----------
    reference, comparison : pandas.DataFrame
        Deaths by group x age band x cause, with the band's population (person-years) repeated on each cause's
        row; the 20 life-table bands. The gap is ``comparison - reference``.
    deaths, population, age_start, cause : str
        Column names (the same in both frames).
    by : str or sequence of str, optional
        Grouping columns (e.g. sex).

    Returns
    -------
    pandas.DataFrame
        One row per group x age band x cause: keys, ``age_start``, ``cause``, ``contribution`` (years),
        ``gap``, ``le_reference``, ``le_comparison``, ``suppressed``, ``reason``, ``method``. The contributions
        of a group sum to its gap (to rounding).

    Notes
    -----
    Each age band's Arriaga contribution (:func:`phna.stats.arriaga`) is shared between causes in proportion to
    the difference in their death rates (Preston, Heuveline and Guillot 2001, eq. 4.9)::

        contribution_x,c = contribution_x * (m2_x,c - m1_x,c) / (m2_x - m1_x)

    A band whose all-cause rates are equal contributes nothing. Suppressed groups (either life table
    suppressed) give NaN with the reason.

    References
    ----------
    Arriaga EE. Measuring and explaining the change in life expectancies. Demography 1984;21:83-96.
    doi:10.2307/2061029

    Preston SH, Heuveline P, Guillot M. Demography: measuring and modeling population processes. Oxford:
    Blackwell; 2001. pp. 84-85.
    """
    func = "arriaga_by_cause"
    require_frame(reference, func)
    require_frame(comparison, func)
    keys = as_by(by)
    rates = []
    for frame in (reference, comparison):
        d = frame.groupby([*keys, age_start, cause], as_index=False)[deaths].sum()
        pop = frame.groupby([*keys, age_start], as_index=False)[population].max()
        d = d.merge(pop, on=[*keys, age_start])
        d["m"] = np.where(d[population] > 0, d[deaths] / d[population].where(d[population] > 0, 1), 0.0)
        rates.append(d)
    totals = [frame.groupby([*keys, age_start], as_index=False).agg(**{deaths: (deaths, "sum"),
                                                                       population: (population, "max")})
              for frame in (reference, comparison)]
    by_age = arriaga(totals[0], totals[1], deaths=deaths, population=population, age_start=age_start, by=keys)
    m = rates[0][[*keys, age_start, cause, "m"]].merge(
        rates[1][[*keys, age_start, cause, "m"]], on=[*keys, age_start, cause], how="outer",
        suffixes=("_reference", "_comparison")).fillna({"m_reference": 0.0, "m_comparison": 0.0})
    m["diff"] = m["m_comparison"] - m["m_reference"]
    m["diff_all"] = m.groupby([*keys, age_start])["diff"].transform("sum")
    out = m.merge(by_age, on=[*keys, age_start], how="left")
    share = np.where(out["diff_all"] != 0, out["diff"] / out["diff_all"].where(out["diff_all"] != 0, 1), 0.0)
    out["contribution"] = out["contribution"] * share
    out = out.rename(columns={cause: "cause"}) if cause != "cause" else out
    out["method"] = "Arriaga, by age and cause (rate differences)"
    return out[[*keys, age_start, "cause", "contribution", "gap", "le_reference", "le_comparison", "suppressed",
                "reason", "method"]].sort_values([*keys, age_start, "cause"], ignore_index=True)
