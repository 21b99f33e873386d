"""The ratio of a group's share to the whole population's share, with a confidence interval.

Example: 40 % of a place's Black residents live in the most deprived 20 % of areas (Core20) against 25 % of all
its residents; the ratio is 1.6. Members of the group are also residents, so the two shares are not independent.
The interval is therefore built from the comparison of the group with **everyone else** (two independent binomial
proportions, Katz log interval for their ratio) and carried over to the ratio to the whole population, which is a
monotone function of it (see :func:`share_ratio`, Notes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._validate import (add_limits, add_metadata, aggregate, as_by, check_confidence, group_codes, numeric_column,
                        require_columns, require_frame, z_value)

__all__ = ["katz_ratio", "share_ratio", "MIN_COUNT"]

#: A ratio is not shown when fewer than this many of the group are counted in the numerator.
MIN_COUNT = 10


def katz_ratio(x1, n1, x2, n2, confidence: float = 0.95):
    """Ratio of two independent binomial proportions ``(x1/n1) / (x2/n2)`` with the Katz log interval.

    Parameters
    ----------
    x1, n1, x2, n2 : array_like
        Numerators and denominators, ``0 <= x <= n``, ``n > 0``.
    confidence : float, default 0.95

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        Ratio, lower and upper limits. Limits are NaN when ``x1`` or ``x2`` is 0 (the log interval is undefined).

    Notes
    -----
    ``log(ratio) ± z sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)``, exponentiated.

    References
    ----------
    Katz D, Baptista J, Azen SP, Pike MC. Obtaining confidence intervals for the risk ratio in cohort studies.
    Biometrics 1978;34:469-474. doi:10.2307/2530610
    Fagerland MW, Lydersen S, Laake P. Statistical analysis of contingency tables. Chapman and Hall/CRC; 2017,
    section 4.7 (the Katz log interval).
    """
    levels, several = check_confidence(confidence, "katz_ratio")
    if several:
        raise ValueError(f"katz_ratio: pass one confidence level (e.g. 0.95), got {confidence!r}")
    x1, n1, x2, n2 = (np.asarray(v, dtype="float64") for v in (x1, n1, x2, n2))
    for name, v in (("x1", x1), ("n1", n1), ("x2", x2), ("n2", n2)):
        if (v < 0).any() or np.isnan(v).any():
            raise ValueError(f"katz_ratio: {name} must be zero or more, got {v[(v < 0) | np.isnan(v)][:10].tolist()}")
    if (n1 == 0).any() or (n2 == 0).any():
        raise ValueError("katz_ratio: denominators n1 and n2 must be greater than zero")
    if (x1 > n1).any() or (x2 > n2).any():
        raise ValueError("katz_ratio: a numerator is larger than its denominator (x1 > n1 or x2 > n2)")
    z = z_value(levels[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (x1 / n1) / (x2 / n2)
        se = np.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
        defined = (x1 > 0) & (x2 > 0)
        lower = np.where(defined, ratio * np.exp(-z * se), np.nan)
        upper = np.where(defined, ratio * np.exp(z * se), np.nan)
    return ratio, lower, upper


def share_ratio(df: pd.DataFrame, *, x: str, n: str, x_total: str, n_total: str, by=(), confidence=0.95,
                min_count: int = MIN_COUNT) -> pd.DataFrame:
    """Ratio of a group's share (``x / n``) to the whole population's share (``x_total / n_total``).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per group (or several rows per group, summed, when ``by`` is given).
    x, n : str
        Columns: members of the group with the attribute (e.g. living in Core20 areas), and all members.
    x_total, n_total : str
        Columns: everyone with the attribute, and everyone (the group included), e.g. the place's residents.
    by : str or list of str, optional
        Grouping columns.
    confidence : float or list of float, default 0.95
    min_count : int, default 10
        Suppression rule: value and limits are not given when ``x < min_count`` (too few people for a stable
        ratio; Census small counts are also the most perturbed).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``x, n, x_total, n_total``, ``share`` (x/n), ``share_total`` (x_total/n_total),
        ``value`` (share / share_total), the limits (``lowercl``/``uppercl``, or ``lower95_0cl``… for several
        levels) and ``confidence, statistic, method, suppressed, reason``.

    Notes
    -----
    Let the group have ``x`` of ``n`` and the rest of the population ``x_r = x_total - x`` of ``n_r = n_total - n``,
    and ``w = n / n_total``. The ratio of the group to the rest, ``RR = (x/n) / (x_r/n_r)``, compares two
    independent binomial proportions and has the Katz log interval (:func:`katz_ratio`). The ratio to the whole
    population is ``R = RR / (w RR + 1 - w)``, an increasing function of ``RR`` for ``0 < w < 1`` that equals 1
    when ``RR`` does; so the limits of ``R`` are the same function of the limits of ``RR`` (with ``w`` fixed:
    it is a Census count). ``R`` cannot exceed ``1 / w``. Rows are suppressed (with the reason) when
    ``x < min_count``, when no one outside the group has the attribute, or when the group is everyone.
    The interval treats people as independent (binomial) trials: it describes random variation in a count, not
    uncertainty from clustering of people in areas.
    """
    func = "share_ratio"
    require_frame(df, func)
    by = as_by(by)
    require_columns(df, [x, n, x_total, n_total, *by], func)
    levels, several = check_confidence(confidence, func)
    values = {c: numeric_column(df, c, func, allow_missing=False, what="counts") for c in (x, n, x_total, n_total)}
    if by:
        codes, keys = group_codes(df, by)
        values = {c: aggregate(v, codes, len(keys)) if c in (x, n) else
                  pd.Series(v).groupby(codes).first().to_numpy() for c, v in values.items()}
        out = keys.copy()
    else:
        out = df[[]].copy().reset_index(drop=True)
    xv, nv, xt, nt = (values[c] for c in (x, n, x_total, n_total))
    for name, bad in ((f"'{x}' larger than '{n}'", xv > nv), (f"'{x_total}' larger than '{n_total}'", xt > nt),
                      (f"'{x}' larger than '{x_total}'", xv > xt), (f"'{n}' larger than '{n_total}'", nv > nt),
                      (f"'{n}' or '{n_total}' zero", (nv == 0) | (nt == 0))):
        if bad.any():
            raise ValueError(f"{func}: {name} in row(s) {list(np.flatnonzero(bad)[:10])}; the group must be part "
                             "of the population and numerators part of their denominators")
    out[x], out[n], out[x_total], out[n_total] = xv, nv, xt, nt
    with np.errstate(divide="ignore", invalid="ignore"):
        share, share_total = xv / nv, xt / nt
        value = share / share_total
    w = nv / nt
    reason = np.full(len(out), None, dtype=object)
    reason[nv >= nt] = "the group is the whole population"
    reason[(xt - xv) <= 0] = "no one outside the group has the attribute"
    reason[xt == 0] = "no one in the population has the attribute"
    reason[xv < min_count] = f"fewer than {min_count} of the group have the attribute"
    keep = np.array([r is None for r in reason])
    limits = []
    for level in levels:
        safe_n_rest = np.where(keep, nt - nv, 1.0)
        _, lo_rr, up_rr = katz_ratio(np.where(keep, xv, 1.0), np.where(keep, nv, 1.0),
                                     np.where(keep, xt - xv, 1.0), safe_n_rest, level)
        with np.errstate(divide="ignore", invalid="ignore"):
            lo = lo_rr / (w * lo_rr + 1 - w)
            up = up_rr / (w * up_rr + 1 - w)
        limits.append((np.where(keep, lo, np.nan), np.where(keep, up, np.nan)))
    out["share"] = np.where(keep, share, np.nan)
    out["share_total"] = share_total
    out["value"] = np.where(keep, value, np.nan)
    add_limits(out, limits, levels, several)
    return add_metadata(out, levels=levels, statistic="ratio of the group's share to the population's share",
                        method="Katz log interval for the group against the rest, carried to the whole population",
                        reason=reason)
