"""Slope and relative index of inequality (SII, RII) with simulated confidence limits."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from ._validate import (
    add_limits,
    add_metadata,
    as_by,
    check_confidence,
    group_codes,
    numeric_column,
    require_columns,
    require_frame,
    z_value,
)

__all__ = ["sii", "sii_weights"]

_VALUE_TYPES = ("normal", "rate", "proportion")
#: Target number of float64 elements per simulated block (bounds memory to ~100 MB).
_BLOCK_ELEMENTS = 4_000_000


def sii_weights(population: np.ndarray):
    """Closed-form weighted-least-squares weights for the SII, per group.

    ``population`` is G x Q (quantile 1, most deprived, first). Returns
    ``a`` (population shares), ``b`` (midpoints of cumulative shares, the
    relative rank), ``c`` with ``slope = sum(c * y)`` and ``xbar`` with
    ``intercept = sum(a * y) - slope * xbar``. These are the WLS estimates of
    ``y = intercept + slope * b`` with weights ``a`` (the same as regressing
    ``y sqrt(a)`` on ``sqrt(a)`` and ``b sqrt(a)`` without a constant, as
    PHEindicatormethods does).
    """
    a = population / population.sum(axis=1, keepdims=True)
    b = np.cumsum(a, axis=1) - a / 2
    xbar = (a * b).sum(axis=1, keepdims=True)
    sxx = (a * (b - xbar) ** 2).sum(axis=1, keepdims=True)
    c = a * (b - xbar) / sxx
    return a, b, c, xbar[:, 0]


def _transform(v, value_type):
    if value_type == "rate":
        return np.log(v)
    if value_type == "proportion":
        return np.log(v / (1 - v))
    return v


def _back(v, value_type, out=None):
    if value_type == "rate":
        return np.exp(v, out=out)
    if value_type == "proportion":
        # inverse logit, computed in place
        v = np.negative(v, out=out)
        np.exp(v, out=v)
        v += 1
        return np.reciprocal(v, out=v)
    return v


def sii(
    df,
    *,
    quantile,
    population,
    value,
    lower_cl=None,
    upper_cl=None,
    by=(),
    value_type="normal",
    confidence=0.95,
    repetitions=100_000,
    rii=False,
    seed=None,
    se=None,
    multiplier=1,
    cl_confidence=0.95,
):
    """Slope index of inequality (and optionally RII) across deprivation quantiles.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per group x quantile.
    quantile : str
        Column with the quantile (e.g. IMD decile); **1 = most deprived**,
        ascending to least deprived, as PHEindicatormethods ``phe_sii``.
    population : str
        Column with the quantile's population (> 0).
    value : str
        Column with the indicator value for the quantile.
    lower_cl, upper_cl : str
        Columns with the value's confidence limits at ``cl_confidence``
        (default 95 %), used to derive each quantile's standard error. Not
        needed when ``se`` is given.
    by : str or sequence of str, optional
        Grouping columns (one SII per group).
    value_type : {"normal", "rate", "proportion"}, default "normal"
        Scale on which the value is taken to be normally distributed when
        simulating: as given, log (rates) or logit (proportions).
    confidence : float or sequence of float, default 0.95
    repetitions : int, default 100000
        Number of simulated draws (at least 1,000).
    rii : bool, default False
        Also return the relative index of inequality.
    seed : int or None
        Seed for the simulation (numpy ``default_rng``).
    se : str, optional
        Column holding standard errors on the simulation scale (instead of limits).
    multiplier : float, default 1
        Multiplies the SII (e.g. -1 to reverse the polarity; the RII is then inverted).
    cl_confidence : float, default 0.95
        Confidence level of ``lower_cl``/``upper_cl``.

    Returns
    -------
    pandas.DataFrame
        One row per group: keys, ``sii``, ``sii_lowercl``, ``sii_uppercl``
        (or ``sii_lower95_0cl`` ... for several levels), with ``rii``,
        ``rii_lowercl``, ``rii_uppercl`` when ``rii=True``; ``n_quantiles``,
        ``value_type``, ``confidence``, ``statistic``, ``method``,
        ``suppressed``, ``reason``.

    Notes
    -----
    Each quantile's relative rank is the midpoint of its share of the
    cumulative population (quantile 1 = most deprived first). The SII is the
    slope of the population-weighted least-squares line of value on rank
    (weights = population shares), i.e. the fitted difference between the
    least deprived (x = 1) and the most deprived (x = 0) ends; positive when
    the value rises with affluence. RII = fitted value at x = 1 divided by the
    fitted value at x = 0 = ``(intercept + SII) / intercept``.

    Confidence limits by simulation as PHEindicatormethods: each quantile's
    value is drawn ``repetitions`` times from a normal distribution with the
    standard error derived from its limits, ``(U - L) / (2 z)``, on the
    natural, log (rates) or logit (proportions) scale, transformed back, the
    weighted regression is refitted on every draw (closed form, vectorised
    over draws and groups; for values on the natural scale the regression
    is linear in the values, so the joint normal distribution of slope and
    intercept is sampled directly -- the same distribution, far fewer
    random numbers) and the limits are the sorted draws at positions
    ``round(R (1 - c)/2)`` and ``round(R (1 + c)/2)`` (1-based). Groups
    without every quantile are returned with NaN and a reason. Zero,
    negative or missing populations, missing values or limits, and limits
    outside the domain of the transformation raise ``ValueError``.

    References
    ----------
    Low A, Low A. Measuring the gap: quantifying and comparing local health
    inequalities. J Public Health 2004;26:388-395. doi:10.1093/pubmed/fdh175
    """
    func = "sii"
    require_frame(df, func)
    by = as_by(by)
    levels, several = check_confidence(confidence, func)
    if value_type not in _VALUE_TYPES:
        raise ValueError(f"{func}: value_type must be one of {_VALUE_TYPES}, got {value_type!r}")
    if not isinstance(repetitions, (int, np.integer)) or repetitions < 1000:
        raise ValueError(f"{func}: repetitions must be an integer of at least 1000, got {repetitions!r}")
    check_confidence(cl_confidence, func)
    if se is None and (lower_cl is None or upper_cl is None):
        raise ValueError(f"{func}: give lower_cl and upper_cl columns, or an se column")
    needed = [quantile, population, value, *by] + ([se] if se is not None else [lower_cl, upper_cl])
    require_columns(df, needed, func)

    pop = numeric_column(df, population, func, allow_zero=False, allow_missing=False, what="populations")
    val = numeric_column(df, value, func, allow_negative=value_type == "normal", allow_missing=False, what="values")
    if se is not None:
        se_v = numeric_column(df, se, func, allow_missing=False, what="standard errors")
    else:
        lo = numeric_column(df, lower_cl, func, allow_negative=value_type == "normal", allow_missing=False, what="confidence limits")
        up = numeric_column(df, upper_cl, func, allow_negative=value_type == "normal", allow_missing=False, what="confidence limits")
        if value_type == "rate" and ((lo <= 0) | (val <= 0)).any():
            bad = (lo <= 0) | (val <= 0)
            raise ValueError(
                f"{func}: value_type='rate' needs positive values and limits (log scale); rows {list(df.index[bad][:10])}"
            )
        if value_type == "proportion":
            bad = (lo <= 0) | (up >= 1) | (val <= 0) | (val >= 1)
            if bad.any():
                raise ValueError(
                    f"{func}: value_type='proportion' needs values and limits strictly between 0 and 1 "
                    f"(logit scale); rows {list(df.index[bad][:10])}"
                )
        if (up < lo).any():
            raise ValueError(f"{func}: upper_cl below lower_cl in rows {list(df.index[up < lo][:10])}")
        se_v = (_transform(up, value_type) - _transform(lo, value_type)) / (2 * z_value(cl_confidence))

    qv = df[quantile]
    if qv.isna().any():
        raise ValueError(f"{func}: column '{quantile}' has missing quantiles in rows {list(df.index[qv.isna()][:10])}")
    q_codes, q_levels = pd.factorize(qv, sort=True)
    Q = len(q_levels)
    if Q < 5 or Q > 100:
        raise ValueError(f"{func}: the number of quantiles must be between 5 and 100, got {Q}")
    codes, keys = group_codes(df, by)
    G = len(keys)
    counts = np.zeros((G, Q), dtype=np.int64)
    np.add.at(counts, (codes, q_codes), 1)
    if (counts > 1).any():
        g, q = np.nonzero(counts > 1)
        raise ValueError(f"{func}: quantile repeated within a group: {[(i, q_levels[j]) for i, j in zip(g[:10], q[:10])]}")
    complete = (counts == 1).all(axis=1)

    P = np.ones((G, Q))
    Y = np.ones((G, Q))
    S = np.zeros((G, Q))
    P[codes, q_codes] = pop
    Y[codes, q_codes] = val
    S[codes, q_codes] = se_v
    P[~complete] = 1.0
    Y[~complete] = 1.0 if value_type == "normal" else 0.5
    S[~complete] = 0.0

    a, _, c, xbar = sii_weights(P)
    slope = (c * Y).sum(axis=1)
    intercept = (a * Y).sum(axis=1) - slope * xbar
    with np.errstate(divide="ignore", invalid="ignore"):
        rii_v = (intercept + slope) / intercept
    if multiplier < 0:
        rii_v = 1 / rii_v

    mu = _transform(Y, value_type)
    cvs = [c_ + (1 - c_) / 2 for c_ in levels]
    pos = sorted({int(round(repetitions * (1 - cv))) - 1 for cv in cvs} | {int(round(repetitions * cv)) - 1 for cv in cvs})
    sii_q, rii_q = _simulate(mu, S, a, c, xbar, value_type, repetitions, pos, rii, seed)
    sii_q = sii_q * multiplier
    if rii and multiplier < 0:
        rii_q = 1 / rii_q[:, ::-1]

    def pick(qs, cv, lower):
        p = int(round(repetitions * ((1 - cv) if lower else cv))) - 1
        return qs[:, pos.index(p)]

    out = keys.copy() if by else pd.DataFrame(index=range(1))
    nan_if = lambda v: np.where(complete, v, np.nan)  # noqa: E731
    out["sii"] = nan_if(slope * multiplier)
    sii_lims = []
    for cv in cvs:
        lo_, up_ = pick(sii_q, cv, True), pick(sii_q, cv, False)
        if multiplier < 0:
            lo_, up_ = up_, lo_
        sii_lims.append((nan_if(lo_), nan_if(up_)))
    add_limits(out, sii_lims, levels, several, prefix="sii_")
    if rii:
        out["rii"] = nan_if(rii_v)
        rii_lims = []
        for cv in cvs:
            lo_, up_ = pick(rii_q, cv, True), pick(rii_q, cv, False)
            rii_lims.append((nan_if(lo_), nan_if(up_)))
        add_limits(out, rii_lims, levels, several, prefix="rii_")
    out["n_quantiles"] = counts.sum(axis=1)
    out["value_type"] = value_type
    reason = np.where(complete, None, f"not every quantile present (need all {Q})")
    return add_metadata(
        out,
        levels=levels,
        statistic="slope index of inequality" + (" and relative index of inequality" if rii else ""),
        method=f"weighted least squares; limits by simulation, {repetitions:,} draws",
        reason=reason,
    )


def _simulate(mu, S, a, c, xbar, value_type, R, pos, want_rii, seed):
    """Order statistics ``pos`` (0-based) of the simulated SII (and RII) per group.

    Values on the natural scale ("normal"): the SII and the intercept are
    linear in the quantile values, so each draw of the regression is exactly
    a draw from the bivariate normal with the corresponding mean and
    covariance; we sample that directly (1-2 normals per draw instead of one
    per quantile) -- the same distribution the per-quantile simulation
    samples. Rates and proportions are back-transformed per quantile before
    the regression, so their draws are generated in full.

    Draws are generated in blocks of groups (each block with its own
    generator spawned from ``seed``, so results do not depend on the number
    of threads); within a block everything is numpy broadcasting and
    contractions over the quantile axis, with no loop over groups or draws.
    """
    G, Q = mu.shape
    children = np.random.SeedSequence(seed).spawn(1)[0]
    if value_type == "normal":
        per_group = R * 2
    else:
        per_group = R * Q
    gc = max(1, _BLOCK_ELEMENTS // per_group)
    blocks = [(g0, min(G, g0 + gc)) for g0 in range(0, G, gc)]
    seeds = children.spawn(len(blocks))
    sii_out = np.empty((G, len(pos)))
    rii_out = np.empty((G, len(pos))) if want_rii else None

    def run(block, ss):
        g0, g1 = block
        rng = np.random.default_rng(ss)
        k = g1 - g0
        sl = slice(g0, g1)
        if value_type == "normal":
            d = a[sl] - c[sl] * xbar[sl, None]  # intercept weights
            s0 = (c[sl] * mu[sl]).sum(axis=1)
            i0 = (a[sl] * mu[sl]).sum(axis=1) - s0 * xbar[sl]
            vs = ((c[sl] * S[sl]) ** 2).sum(axis=1)
            vi = ((d * S[sl]) ** 2).sum(axis=1)
            cv = (c[sl] * d * S[sl] ** 2).sum(axis=1)
            sd_s = np.sqrt(vs)
            z1 = rng.standard_normal((k, R))
            slopes = s0[:, None] + sd_s[:, None] * z1
            ints = None
            if want_rii:
                with np.errstate(divide="ignore", invalid="ignore"):
                    beta = np.where(vs > 0, cv / vs, 0.0)
                resid = np.sqrt(np.maximum(vi - beta * cv, 0.0))
                z2 = rng.standard_normal((k, R))
                ints = i0[:, None] + (beta * sd_s)[:, None] * z1 + resid[:, None] * z2
        else:
            rc = R if k > 1 else max(1, min(R, _BLOCK_ELEMENTS // Q))
            slopes = np.empty((k, R))
            ints = np.empty((k, R)) if want_rii else None
            for r0 in range(0, R, rc):
                r1 = min(R, r0 + rc)
                draws = rng.standard_normal((k, r1 - r0, Q))
                draws *= S[sl, None, :]
                draws += mu[sl, None, :]
                y = _back(draws, value_type, out=draws)
                s_ = np.einsum("grq,gq->gr", y, c[sl])
                slopes[:, r0:r1] = s_
                if want_rii:
                    ints[:, r0:r1] = np.einsum("grq,gq->gr", y, a[sl]) - s_ * xbar[sl, None]
        sii_out[sl] = np.partition(slopes, pos, axis=1)[:, pos]
        if want_rii:
            with np.errstate(divide="ignore", invalid="ignore"):
                rr = (ints + slopes) / ints
            rii_out[sl] = np.partition(rr, pos, axis=1)[:, pos]

    workers = min(len(blocks), os.cpu_count() or 1)
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as ex:
            list(ex.map(run, blocks, seeds))
    else:
        for b, ss in zip(blocks, seeds):
            run(b, ss)
    return sii_out, rii_out
