"""Confidence intervals for proportions, counts and crude rates.

The formulas follow OHID's reference implementation (the R package
PHEindicatormethods, ``R/utils.R`` and ``R/Rates.R``) and the Fingertips
technical guidance:

* Wilson score interval for proportions;
* Byar's approximation to the Poisson interval for counts, with the exact
  (chi-square based) Poisson interval when the count is below 10, as OHID does
  for crude rates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as _sps

from ._validate import (
    add_limits,
    add_metadata,
    aggregate,
    as_by,
    check_confidence,
    group_codes,
    numeric_column,
    require_columns,
    require_frame,
    z_value,
)

__all__ = ["byars", "exact_poisson", "poisson_limits", "proportion", "rate", "wilson"]

#: Counts below this use the exact Poisson interval in :func:`poisson_limits`.
EXACT_BELOW = 10


def _check_single_confidence(confidence, func):
    levels, several = check_confidence(confidence, func)
    if several or isinstance(confidence, (list, tuple, np.ndarray, pd.Series)):
        raise ValueError(f"{func}: pass one confidence level (e.g. 0.95), got {confidence!r}")
    return levels[0]


def _as_array(x, name, func, *, allow_negative=False):
    arr = np.asarray(x, dtype="float64")
    if (arr < 0).any():
        raise ValueError(f"{func}: {name} must be zero or more, got {arr[arr < 0][:10].tolist()}")
    return arr


def wilson(x, n, confidence: float = 0.95):
    """Wilson score interval for a proportion ``x / n``.

    Parameters
    ----------
    x : array_like
        Numerators (cases with the attribute), ``0 <= x <= n``.
    n : array_like
        Denominators (sample sizes), ``n > 0``.
    confidence : float, default 0.95
        Confidence level in (0, 1).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper limits on the proportion scale (0 to 1).

    Notes
    -----
    ``(2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2))`` with
    ``z = Phi^-1(0.5 + confidence/2)``; as PHEindicatormethods ``wilson_lower``
    / ``wilson_upper``.

    References
    ----------
    Wilson EB. Probable inference, the law of succession, and statistical
    inference. J Am Stat Assoc 1927;22:209-212. doi:10.1080/01621459.1927.10502953

    Newcombe RG, Altman DG. Proportions and their differences. In: Altman DG et
    al. (eds) Statistics with confidence, 2nd edn. BMJ Books; 2000:46-48.
    """
    conf = _check_single_confidence(confidence, "wilson")
    x = _as_array(x, "x", "wilson")
    n = _as_array(n, "n", "wilson")
    if (n == 0).any():
        raise ValueError("wilson: n must be greater than zero")
    if (x > n).any():
        raise ValueError("wilson: x must not exceed n")
    z = z_value(conf)
    root = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
    denom = 2 * (n + z**2)
    return (2 * x + z**2 - root) / denom, (2 * x + z**2 + root) / denom


def byars(x, confidence: float = 0.95):
    """Byar's approximation to the Poisson confidence interval for a count.

    Parameters
    ----------
    x : array_like
        Observed counts, ``x >= 0``.
    confidence : float, default 0.95

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper limits for the count.

    Notes
    -----
    Lower ``x (1 - 1/(9x) - z/(3 sqrt x))^3``, upper
    ``(x+1) (1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3``. A negative lower limit
    (tiny counts at high confidence) is returned as NaN, as PHEindicatormethods
    does; the lower limit for a count of 0 is 0. Use :func:`poisson_limits`
    for OHID's switch to the exact interval below 10.

    References
    ----------
    Breslow NE, Day NE. Statistical methods in cancer research, volume II: the
    design and analysis of cohort studies. Lyon: IARC; 1987.
    """
    conf = _check_single_confidence(confidence, "byars")
    x = _as_array(x, "x", "byars")
    z = z_value(conf)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
    lower = np.where(x == 0, 0.0, lower)
    lower = np.where(lower < 0, np.nan, lower)
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
    return lower, upper


def exact_poisson(x, confidence: float = 0.95):
    """Exact Poisson interval for a count from the chi-square distribution.

    Lower ``chi2_{alpha/2}(2x) / 2`` (0 when ``x = 0``), upper
    ``chi2_{1-alpha/2}(2x + 2) / 2``.

    References
    ----------
    Garwood F. Fiducial limits for the Poisson distribution. Biometrika
    1936;28:437-442. doi:10.1093/biomet/28.3-4.437
    """
    conf = _check_single_confidence(confidence, "exact_poisson")
    x = _as_array(x, "x", "exact_poisson")
    alpha = 1 - conf
    with np.errstate(invalid="ignore"):
        lower = np.where(x == 0, 0.0, _sps.chi2.ppf(alpha / 2, 2 * x) / 2)
    upper = _sps.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    return lower, upper


def poisson_limits(x, confidence: float = 0.95):
    """OHID count limits: exact Poisson below 10, Byar's approximation from 10."""
    x = _as_array(x, "x", "poisson_limits")
    lo_e, up_e = exact_poisson(x, confidence)
    lo_b, up_b = byars(x, confidence)
    exact = x < EXACT_BELOW
    return np.where(exact, lo_e, lo_b), np.where(exact, up_e, up_b)


def _prepare(df, x, n, by, func):
    require_frame(df, func)
    by = as_by(by)
    require_columns(df, [x, n, *by], func)
    xv = numeric_column(df, x, func, what="counts")
    nv = numeric_column(df, n, func, allow_zero=False, what="denominators")
    if by:
        codes, keys = group_codes(df, by)
        xv = aggregate(xv, codes, len(keys))
        nv = aggregate(nv, codes, len(keys))
        out = keys.copy()
        out[x] = xv
        out[n] = nv
    else:
        out = df.copy()
    return out, xv, nv


def proportion(df, *, x, n, by=(), confidence=0.95, multiplier=1):
    """Proportions with Wilson score confidence intervals.

    Parameters
    ----------
    df : pandas.DataFrame
    x, n : str
        Columns holding numerators and denominators.
    by : str or sequence of str, optional
        Grouping columns; numerators and denominators are summed within each
        group. With no ``by`` each row is a separate proportion.
    confidence : float or sequence of float, default 0.95
        One level (columns ``lowercl``, ``uppercl``) or several, e.g.
        ``(0.95, 0.998)`` (columns ``lower95_0cl``, ``upper95_0cl``,
        ``lower99_8cl``, ``upper99_8cl``).
    multiplier : float, default 1
        1 for a proportion, 100 for a percentage.

    Returns
    -------
    pandas.DataFrame
        Group keys (or the input rows), ``x``, ``n``, ``value``, limits,
        ``confidence``, ``statistic``, ``method`` ("Wilson"), ``suppressed``,
        ``reason``.

    Notes
    -----
    Rows with a missing numerator or denominator give NaN with a reason.
    Negative or non-numeric values, zero denominators and numerators larger
    than denominators raise ``ValueError``.

    References
    ----------
    Wilson EB. J Am Stat Assoc 1927;22:209-212. doi:10.1080/01621459.1927.10502953
    """
    func = "proportion"
    levels, several = check_confidence(confidence, func)
    out, xv, nv = _prepare(df, x, n, by, func)
    over = xv > nv
    if over.any():
        raise ValueError(
            f"{func}: numerator '{x}' exceeds denominator '{n}' in rows "
            f"{list(out.index[over][:10])}; a proportion needs x <= n"
        )
    missing = np.isnan(xv) | np.isnan(nv)
    xs = np.where(missing, 0, xv)
    ns = np.where(missing, 1, nv)
    out["value"] = np.where(missing, np.nan, xs / ns * multiplier)
    limits = []
    for c in levels:
        lo, up = wilson(xs, ns, c)
        limits.append((np.where(missing, np.nan, lo * multiplier), np.where(missing, np.nan, up * multiplier)))
    add_limits(out, limits, levels, several)
    reason = np.where(missing, "numerator or denominator missing", None)
    statistic = "proportion of 1" if multiplier == 1 else ("percentage" if multiplier == 100 else f"proportion of {multiplier:g}")
    return add_metadata(out, levels=levels, statistic=statistic, method="Wilson", reason=reason)


def rate(df, *, x, n, by=(), confidence=0.95, multiplier=100_000):
    """Crude rates with Byar's (count >= 10) or exact Poisson (count < 10) intervals.

    Parameters
    ----------
    df : pandas.DataFrame
    x, n : str
        Columns holding event counts and populations (person-years).
    by : str or sequence of str, optional
        Grouping columns; counts and populations are summed within groups.
    confidence : float or sequence of float, default 0.95
    multiplier : float, default 100000

    Returns
    -------
    pandas.DataFrame
        Group keys (or input rows), ``x``, ``n``, ``value``, limits,
        ``confidence``, ``statistic``, ``method`` ("Byars" or "Exact" per
        row), ``suppressed``, ``reason``.

    Notes
    -----
    As PHEindicatormethods ``phe_rate``: the limits of the count are
    divided by the population and multiplied by ``multiplier``; the exact
    interval is used when the count is below 10. No suppression is applied
    (callers publishing small counts apply their disclosure rule).

    References
    ----------
    Breslow NE, Day NE. Statistical methods in cancer research, vol II. IARC; 1987.
    """
    func = "rate"
    levels, several = check_confidence(confidence, func)
    out, xv, nv = _prepare(df, x, n, by, func)
    missing = np.isnan(xv) | np.isnan(nv)
    xs = np.where(np.isnan(xv), 0, xv)
    ns = np.where(np.isnan(nv), 1, nv)
    out["value"] = np.where(missing, np.nan, xs / ns * multiplier)
    limits = []
    for c in levels:
        lo, up = poisson_limits(xs, c)
        limits.append(
            (np.where(missing, np.nan, lo / ns * multiplier), np.where(missing, np.nan, up / ns * multiplier))
        )
    add_limits(out, limits, levels, several)
    method = np.where(np.isnan(xv), None, np.where(xs < EXACT_BELOW, "Exact", "Byars"))
    reason = np.where(missing, "count or population missing", None)
    return add_metadata(out, levels=levels, statistic=f"rate per {multiplier:,g}", method=method, reason=reason)
