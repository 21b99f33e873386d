"""Decomposition of a life expectancy gap by age band (Arriaga)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._validate import as_by, require_frame
from .life_expectancy import LE_AGE_BANDS, _tables

__all__ = ["arriaga"]


def arriaga(reference, comparison, *, deaths, population, age_start, by=()):
    """Contribution of each age band to the gap in life expectancy at birth (Arriaga).

    Parameters
    ----------
    reference, comparison : pandas.DataFrame
        Deaths and populations by the 20 life-table bands for the two
        populations, e.g. England (reference) and a place (comparison), or
        least and most deprived. The gap is ``comparison - reference``.
    deaths, population, age_start : str
        Column names (the same in both frames).
    by : str or sequence of str, optional
        Grouping columns present in both frames (e.g. sex); groups are
        matched on these keys and only groups in both are decomposed.

    Returns
    -------
    pandas.DataFrame
        One row per group x age band: keys, ``age_start``, ``direct``,
        ``indirect`` (indirect and interaction effect), ``contribution``
        (their sum, years), ``share`` (of the gap), ``le_reference``,
        ``le_comparison``, ``gap``, ``method``, ``suppressed``, ``reason``.
        Contributions sum exactly (to rounding) to ``gap``.

    Notes
    -----
    Both life tables are built with :func:`phna.stats.life_table` (Chiang
    II). With ``l`` survivors, ``L`` person-years and ``T`` person-years
    above, for band ``x`` of width ``n`` (1 = reference, 2 = comparison)::

        direct_x   = l1_x / l1_0 * (L2_x / l2_x - L1_x / l1_x)
        indirect_x = T2_{x+n} / l1_0 * (l1_x / l2_x - l1_{x+n} / l2_{x+n})

    and for the open band ``direct = l1_x / l1_0 * (T2_x / l2_x - T1_x / l1_x)``,
    ``indirect = 0``. A group suppressed in either table (see
    :func:`phna.stats.life_expectancy`) gives NaN with the reason.

    References
    ----------
    Arriaga EE. Measuring and explaining the change in life expectancies.
    Demography 1984;21:83-96. doi:10.2307/2061029

    Auger N, Feuillet P, Martel S, Lo E, Barry AD, Harper S. Mortality
    inequality in populations with equal life expectancy: Arriaga's
    decomposition method in SAS, Stata, and Excel. Ann Epidemiol
    2014;24:575-580. doi:10.1016/j.annepidem.2014.05.006
    """
    func = "arriaga"
    require_frame(reference, func)
    require_frame(comparison, func)
    by = as_by(by)
    t1 = _tables(reference, deaths, population, age_start, by, func)
    t2 = _tables(comparison, deaths, population, age_start, by, func)
    if by:
        k1 = t1.keys.assign(_i1=np.arange(len(t1.keys)))
        k2 = t2.keys.assign(_i2=np.arange(len(t2.keys)))
        m = k1.merge(k2, on=by, how="inner")
        if m.empty:
            raise ValueError(f"{func}: no group in {by} is present in both reference and comparison")
        i1, i2 = m["_i1"].to_numpy(), m["_i2"].to_numpy()
        keys = m[by]
    else:
        i1 = i2 = np.array([0])
        keys = None
    c1 = {k: v[i1] for k, v in t1.cols.items()}
    c2 = {k: v[i2] for k, v in t2.cols.items()}
    G, B = c1["l"].shape
    l1, l2, L1, L2, T1, T2 = c1["l"], c2["l"], c1["L"], c2["L"], c1["T"], c2["T"]
    l10 = l1[:, :1]

    def ratio(num, den):
        # Chiang's q = 1 can empty a table before 90+; nobody left -> no person-years, ratio 0
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)

    r = ratio(l1, l2)  # l1_x / l2_x
    direct = l1 / l10 * (ratio(L2, l2) - ratio(L1, l1))
    direct[:, -1] = l1[:, -1] / l10[:, 0] * (ratio(T2[:, -1], l2[:, -1]) - ratio(T1[:, -1], l1[:, -1]))
    indirect = np.zeros((G, B))
    indirect[:, :-1] = T2[:, 1:] / l10 * (r[:, :-1] - r[:, 1:])
    contribution = direct + indirect
    e1, e2 = c1["e"][:, 0], c2["e"][:, 0]
    gap = e2 - e1
    r1, r2 = t1.reason[i1], t2.reason[i2]
    reason = np.array(
        [None if a is None and b is None else "; ".join(f"{w}: {r}" for w, r in (("reference", a), ("comparison", b)) if r) for a, b in zip(r1, r2)],
        dtype=object,
    )
    out = keys.iloc[np.repeat(np.arange(G), B)].reset_index(drop=True) if by else pd.DataFrame(index=range(B))
    out["age_start"] = np.tile(LE_AGE_BANDS.astype(int), G)
    out["direct"] = direct.ravel()
    out["indirect"] = indirect.ravel()
    out["contribution"] = contribution.ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = (contribution / gap[:, None]).ravel()
    out["le_reference"] = np.repeat(e1, B)
    out["le_comparison"] = np.repeat(e2, B)
    out["gap"] = np.repeat(gap, B)
    out["method"] = "Arriaga decomposition of Chiang II life tables"
    rr = np.repeat(reason, B)
    out["suppressed"] = np.array([r is not None for r in rr])
    out["reason"] = pd.array(list(rr), dtype="object")
    return out
