"""Life expectancy from an abridged (Chiang II) life table, with OHID's rules."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validate import (
    add_limits,
    add_metadata,
    age_start_column,
    as_by,
    check_confidence,
    group_codes,
    numeric_column,
    require_columns,
    require_frame,
    z_value,
)

__all__ = ["LE_AGE_BANDS", "life_expectancy", "life_table"]

#: Start ages of the 20 bands of the abridged life table: 0, 1-4, 5-9, ..., 85-89, 90+.
LE_AGE_BANDS = np.array([0, 1, *range(5, 95, 5)], dtype="float64")
#: Life expectancy is not calculated when the total population is at or below this.
MIN_TOTAL_POPULATION = 5000
#: Value withheld when the 95% interval is wider than this many years.
MAX_CI_WIDTH = 20.0
RADIX = 100_000.0
METHOD = "Chiang II abridged life table, Silcocks et al. variance for the open age band"

_REASONS = {
    "incomplete": "incomplete age bands (need all 20: 0, 1-4, 5-9, ..., 85-89, 90+)",
    "zero_pop": "population of zero in an age band",
    "deaths_gt_pop": "deaths exceed population in an age band",
    "small_pop": f"total population {MIN_TOTAL_POPULATION:,} or less",
    "no_open_deaths": "no deaths in the 90+ band",
}


@dataclass
class _Tables:
    keys: pd.DataFrame
    deaths: np.ndarray  # G x 20
    pops: np.ndarray
    reason: np.ndarray  # G, object (None when computed)
    cols: dict  # name -> G x 20 arrays


def _pivot(df, deaths, population, age_start, by, func):
    require_frame(df, func)
    by = as_by(by)
    require_columns(df, [deaths, population, age_start, *by], func)
    dv = numeric_column(df, deaths, func, what="death counts")
    pv = numeric_column(df, population, func, what="populations")
    ages = age_start_column(df, age_start, func)
    bad = ~np.isin(ages, LE_AGE_BANDS)
    if bad.any():
        raise ValueError(
            f"{func}: column '{age_start}' has start ages {sorted(set(ages[bad].tolist()))[:10]} in rows "
            f"{list(df.index[bad][:10])}; the life table needs bands starting at {LE_AGE_BANDS.astype(int).tolist()}"
        )
    codes, keys = group_codes(df, by)
    G, B = len(keys), len(LE_AGE_BANDS)
    idx = np.searchsorted(LE_AGE_BANDS, ages)
    counts = np.zeros((G, B), dtype=np.int64)
    np.add.at(counts, (codes, idx), 1)
    if (counts > 1).any():
        g, b = np.nonzero(counts > 1)
        shown = [((keys.iloc[i].to_dict() if by else "all rows"), float(LE_AGE_BANDS[j])) for i, j in zip(g[:10], b[:10])]
        raise ValueError(f"{func}: age band repeated within a group (group, start age): {shown}")
    D = np.full((G, B), np.nan)
    P = np.full((G, B), np.nan)
    D[codes, idx] = dv
    P[codes, idx] = pv
    return keys, D, P


def _chiang(D: np.ndarray, P: np.ndarray):
    """Chiang II abridged life table, vectorised over the rows (groups) of ``D``, ``P``.

    Returns the reason array (None where computed) and the table columns.
    Rows with a reason hold NaN.
    """
    G, B = D.shape
    reason = np.full(G, None, dtype=object)
    # order matters: the first applicable reason is reported
    checks = [
        ("incomplete", (np.isnan(D) | np.isnan(P)).any(axis=1)),
        ("zero_pop", (P == 0).any(axis=1)),
        ("deaths_gt_pop", (D > P).any(axis=1)),
        ("small_pop", np.nansum(P, axis=1) <= MIN_TOTAL_POPULATION),
        ("no_open_deaths", D[:, -1] == 0),
    ]
    for key, mask in reversed(checks):
        reason[mask] = _REASONS[key]
    ok = np.array([r is None for r in reason], dtype=bool)
    # safe placeholders so that arithmetic on suppressed rows raises no warnings
    Ds = np.where(ok[:, None], D, 1.0)
    Ps = np.where(ok[:, None], P, 2.0)

    n = np.diff(LE_AGE_BANDS)  # widths of closed bands (B-1)
    a = np.full(B, 0.5)
    a[0] = 0.1
    M = Ds / Ps
    q = np.ones((G, B))
    Mc = M[:, :-1]
    closed = Mc * n / (1 + Mc * n * (1 - a[:-1]))
    # Chiang: q = 1 when deaths exceed P/(n a) (the band cannot survive)
    q[:, :-1] = np.where(Ds[:, :-1] <= Ps[:, :-1] / n / a[:-1], closed, 1.0)
    p = 1 - q
    l = np.empty((G, B))
    l[:, 0] = RADIX
    l[:, 1:] = RADIX * np.cumprod(p[:, :-1], axis=1)
    l_next = np.concatenate([l[:, 1:], np.zeros((G, 1))], axis=1)
    d = l - l_next
    L = np.empty((G, B))
    L[:, :-1] = n * (l_next[:, :-1] + a[:-1] * d[:, :-1])
    L[:, -1] = l[:, -1] / M[:, -1]
    T = np.cumsum(L[:, ::-1], axis=1)[:, ::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.where(l > 0, T / l, 0.0)
        sp = np.where(d == 0, 0.0, q**2 * (1 - q) / Ds)
    # Silcocks et al.: variance of the open band from its mortality rate
    sp[:, -1] = 4 / (Ds[:, -1] * M[:, -1] ** 2)
    e_next = e[:, 1:]
    W = np.empty((G, B))
    W[:, :-1] = sp[:, :-1] * l[:, :-1] ** 2 * ((1 - a[:-1]) * n + e_next) ** 2
    W[:, -1] = (l[:, -1] / 2) ** 2 * sp[:, -1]
    ST = np.cumsum(W[:, ::-1], axis=1)[:, ::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(ST / l**2)
    width = np.concatenate([n, [np.nan]])
    cols = {
        "n": np.broadcast_to(width, (G, B)).copy(),
        "a": np.broadcast_to(a, (G, B)).copy(),
        "m": M, "q": q, "p": p, "l": l, "d": d, "L": L, "T": T, "e": e, "se": se,
    }
    for v in cols.values():
        v[~ok] = np.nan
    return reason, cols


def _tables(df, deaths, population, age_start, by, func) -> _Tables:
    keys, D, P = _pivot(df, deaths, population, age_start, by, func)
    reason, cols = _chiang(D, P)
    return _Tables(keys=keys, deaths=D, pops=P, reason=reason, cols=cols)


def life_table(df, *, deaths, population, age_start, by=(), confidence=0.95):
    """Full abridged life table (Chiang II) for every group, one row per group x age band.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per group x age band (20 bands: 0, 1-4, 5-9, ..., 85-89, 90+).
    deaths, population, age_start : str
        Column names; ``age_start`` holds the start age (or a label like "5-9").
    by : str or sequence of str, optional
        Grouping columns.
    confidence : float or sequence of float, default 0.95

    Returns
    -------
    pandas.DataFrame
        Group keys, ``age_start``, ``n`` (band width), ``a`` (fraction of the
        band lived by those dying), ``deaths``, ``population``, ``m`` (death
        rate), ``q``, ``p``, ``l`` (survivors of 100,000), ``d``, ``L``
        (person-years), ``T``, ``e`` (life expectancy at the band start),
        ``se``, limits, ``suppressed``, ``reason``.

    Notes
    -----
    See :func:`life_expectancy` for the method and the suppression rules;
    the life-expectancy value ``e`` is not withheld here for wide intervals.
    """
    func = "life_table"
    levels, several = check_confidence(confidence, func)
    t = _tables(df, deaths, population, age_start, by, func)
    G, B = t.deaths.shape
    out = t.keys.loc[np.repeat(np.arange(G), B)].reset_index(drop=True) if as_by(by) else pd.DataFrame(index=range(G * B))
    out["age_start"] = np.tile(LE_AGE_BANDS, G)
    out["n"] = t.cols["n"].ravel()
    out["a"] = t.cols["a"].ravel()
    out["deaths"] = t.deaths.ravel()
    out["population"] = t.pops.ravel()
    for name in ("m", "q", "p", "l", "d", "L", "T", "e", "se"):
        out[name] = t.cols[name].ravel()
    limits = [(out["e"] - z_value(c) * out["se"], out["e"] + z_value(c) * out["se"]) for c in levels]
    add_limits(out, [(lo.to_numpy(), up.to_numpy()) for lo, up in limits], levels, several)
    return add_metadata(
        out, levels=levels, statistic="life table", method=METHOD, reason=np.repeat(t.reason, B)
    )


def life_expectancy(df, *, deaths, population, age_start, by=(), confidence=0.95, le_age=0):
    """Life expectancy at birth (or at other ages) by the Chiang II method, as OHID.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per group x age band; 20 bands 0, 1-4, 5-9, ..., 85-89, 90+.
    deaths, population : str
        Columns with deaths and population (person-years) in each band.
    age_start : str
        Column with the start age of each band (0, 1, 5, ..., 90) or labels
        such as "1-4", "90+".
    by : str or sequence of str, optional
        Grouping columns (e.g. area and sex); one life table per group.
    confidence : float or sequence of float, default 0.95
        One level gives ``lowercl``/``uppercl``; several give
        ``lower95_0cl``, ``upper95_0cl``, ``lower99_8cl``, ``upper99_8cl``.
    le_age : int, sequence of int or "all", default 0
        Start age(s) of the band(s) at which to report life expectancy.

    Returns
    -------
    pandas.DataFrame
        One row per group and ``le_age``: group keys, ``le_age``, ``value``,
        ``se``, limits, ``total_pop``, ``total_deaths``, ``confidence``,
        ``statistic``, ``method``, ``suppressed``, ``reason``.

    Notes
    -----
    Abridged life table after Chiang (1984): ``a = 0.1`` in the first year of
    life and 0.5 otherwise; ``q = n M / (1 + n M (1 - a))``; person-years in
    the open 90+ band ``L = l / M``. The variance follows Chiang with the
    Silcocks et al. (2001) term for the open band, ``4 / (D M^2)``, weighted
    by ``(l/2)^2``. This is the method of OHID's life expectancy calculator
    and PHEindicatormethods ``phe_life_expectancy``.

    Suppression (value and limits NaN, with ``reason``), as OHID: total
    population of 5,000 or less; no deaths in the 90+ band; deaths exceeding
    the population in any band; a population of zero in any band; an
    incomplete set of age bands (or a missing value). The value alone is
    withheld (limits still shown) when the 95 % interval is wider than 20
    years. Negative or non-numeric counts raise ``ValueError``.

    References
    ----------
    Chiang CL. The life table and its applications. Malabar (FL): Krieger; 1984.

    Silcocks PBS, Jenner DA, Reza R. Life expectancy as a summary of mortality
    in a population: statistical considerations and suitability for use by
    health authorities. J Epidemiol Community Health 2001;55:38-43.
    doi:10.1136/jech.55.1.38

    Eayres DP, Williams ES. Evaluation of methodologies for small area life
    expectancy estimation. J Epidemiol Community Health 2004;58:243-249.
    doi:10.1136/jech.2003.009654
    """
    func = "life_expectancy"
    levels, several = check_confidence(confidence, func)
    if isinstance(le_age, str):
        if le_age != "all":
            raise ValueError(f"{func}: le_age must be a start age, a list of them or 'all', got {le_age!r}")
        ages = LE_AGE_BANDS
    else:
        ages = np.atleast_1d(np.asarray(le_age, dtype="float64"))
        bad = ~np.isin(ages, LE_AGE_BANDS)
        if bad.any():
            raise ValueError(
                f"{func}: le_age {ages[bad].tolist()} is not a band start; use one of "
                f"{LE_AGE_BANDS.astype(int).tolist()}"
            )
    t = _tables(df, deaths, population, age_start, by, func)
    G = len(t.keys)
    cols = np.searchsorted(LE_AGE_BANDS, ages)
    A = len(cols)
    e = t.cols["e"][:, cols].ravel()
    se = t.cols["se"][:, cols].ravel()
    reason = np.repeat(t.reason, A)
    wide = (z_value(0.95) * se * 2 > MAX_CI_WIDTH) & np.array([r is None for r in reason])
    reason = np.where(wide, "95% confidence interval wider than 20 years; value withheld", reason)
    out = t.keys.loc[np.repeat(np.arange(G), A)].reset_index(drop=True) if as_by(by) else pd.DataFrame(index=range(G * A))
    out["le_age"] = np.tile(ages, G).astype(int)
    out["value"] = np.where(wide, np.nan, e)
    out["se"] = se
    add_limits(out, [(e - z_value(c) * se, e + z_value(c) * se) for c in levels], levels, several)
    out["total_pop"] = np.repeat(np.nansum(t.pops, axis=1), A)
    out["total_deaths"] = np.repeat(np.nansum(t.deaths, axis=1), A)
    return add_metadata(
        out,
        levels=levels,
        statistic=[f"life expectancy at {int(a)}" for a in np.tile(ages, G)],
        method=METHOD,
        reason=reason,
    )
