"""Funnel plot control limits and outlier flags, as PHEindicatormethods.

Proportions use the binomial limits of the PHE funnel-plot tool (the
``sigma_adjustment`` quadratic, Wilson-type); counts, ratios, crude rates and
DSRs use exact Poisson limits, found by the same bisection as the PHE Excel
tool and PHEindicatormethods (so results agree to the last digit). DSRs are
plotted and flagged only for areas with 10 or more events.

References
----------
Spiegelhalter DJ. Funnel plots for comparing institutional performance.
Stat Med 2005;24:1185-1202. doi:10.1002/sim.1970

Public Health England. Technical guide: funnel plots (2018);
PHEindicatormethods ``calculate_funnel_limits`` / ``assign_funnel_significance``
/ ``calculate_funnel_points`` (formerly ``phe_funnels``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats as _sps

from ._validate import numeric_column, require_columns, require_frame

__all__ = [
    "funnel_limits",
    "funnel_points",
    "funnel_significance",
    "poisson_funnel",
    "proportion_funnel_limit",
]

_STATISTICS = ("proportion", "rate", "ratio")
_LEVELS = ["High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)", "Not significant",
           "Not applicable for events less than 10 for dsrs"]


def proportion_funnel_limit(p, population, average_proportion, side, multiplier=100):
    """Binomial funnel limit for a proportion at ``population`` (PHE ``sigma_adjustment``).

    ``p`` is the one-sided probability (0.975 for the 95 % limits, 0.999 for
    99.8 %); ``side`` "low" or "high".
    """
    z2 = _sps.norm.ppf(p) ** 2
    n = np.asarray(population, dtype="float64")
    av = average_proportion
    first = av * (n / z2 + 1)
    adj = np.sqrt(
        (-8 * av * (n / z2 + 1)) ** 2
        - 64 * (1 / z2 + 1 / n) * av * (n * (av * (n / z2 + 2) - 1) + z2 * (av - 1))
    )
    last = 1 / z2 + 1 / n
    val = (first - adj / 8) / last if side == "low" else (first + adj / 8) / last
    return val / n * multiplier


def poisson_funnel(obs, p, side):
    """Poisson mean at which ``obs`` sits on the ``p`` tail (bisection, as PHE).

    ``side="low"``: the mean with ``P(X >= obs) = p``; ``side="high"``: the
    mean with ``P(X <= obs) = p``. Bisection on ``v`` with mean
    ``(1 + obs) v / (1 - v)``, halving the step from 0.5 while it exceeds
    1e-7 (23 steps), exactly as the PHE funnel tool, vectorised over ``obs``.
    """
    obs = np.asarray(obs, dtype="float64")
    v = np.full(obs.shape, 0.5)
    dv = 0.5
    while dv > 1e-7:
        dv /= 2
        mean = (1 + obs) * v / (1 - v)
        if side == "low":
            prob = _sps.poisson.sf(obs - 1, mean)  # P(X >= obs)
            v = np.where(prob > p, v - dv, v + dv)
        else:
            prob = _sps.poisson.cdf(obs, mean)  # P(X <= obs)
            v = np.where(prob < p, v - dv, v + dv)
    return (1 + obs) * v / (1 - v)


def _signif_floor(x, down=0.95):
    if x == 0:
        return 0
    n = len(str(int(math.floor(x * down)))) - 1
    return math.floor(x * down / 10**n) * 10**n


def _signif_ceiling(x, up=1.05):
    if x == 0:
        return 0
    n = len(str(int(math.ceil(x * up)))) - 2
    return math.ceil(x * up / 10**n) * 10**n


def _axis(minimum, maximum, offset_shift):
    first = [max(1, minimum)]
    for j in range(2, 101):
        prev = first[-1]
        nxt = np.round((maximum / prev) ** (1 / (101 - (j - offset_shift))) * prev)
        first.append(max(float(nxt), prev + 1))
    return np.asarray(first, dtype="float64")


def _derived_denominator(num, rate, den, rate_type, multiplier):
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = multiplier * num / rate
    if rate_type == "dsr":
        return np.where(num == 0, np.nan, derived)
    if den is None:
        return derived
    return np.where(num == 0, den, derived)


def funnel_limits(
    df,
    *,
    numerator,
    denominator=None,
    rate=None,
    statistic="proportion",
    rate_type=None,
    ratio_type=None,
    multiplier=100,
    years_of_data=None,
):
    """Funnel plot control limits (95 % and 99.8 %) at 100 points along the x axis.

    Parameters
    ----------
    df : pandas.DataFrame
        The areas to be plotted (sets the axis range and the baseline).
    numerator : str
        Events (proportions, rates) or observed counts (ratios).
    denominator : str, optional
        Populations (proportions), expected counts (ratios) or, for crude
        rates, populations (needed when an area has 0 events).
    rate : str, optional
        The rate (for ``statistic="rate"``); DSR denominators are derived as
        ``multiplier * events / rate``.
    statistic : {"proportion", "rate", "ratio"}
    rate_type : {"dsr", "crude"}, required for rates
    ratio_type : {"count", "isr"}, required for ratios
    multiplier : float, default 100
    years_of_data : float, required for rates
        Number of years pooled (the population axis is per year).

    Returns
    -------
    pandas.DataFrame
        100 rows. Proportions: ``Population``, ``lower_2s_limit``,
        ``upper_2s_limit``, ``lower_3s_limit``, ``upper_3s_limit``,
        ``baseline``. Rates: ``Events`` and for each limit the
        ``..._population_1_year`` at which it is reached, the limit and
        ``baseline``. Ratios: ``Observed_events``, ``..._exp_events`` and
        limits. Plus ``statistic`` and ``method``. "2s" = 95 % (0.025 each
        side), "3s" = 99.8 % (0.001).

    Notes
    -----
    Follows PHEindicatormethods ``calculate_funnel_limits`` (axis rounding
    included), so tables agree with OHID's funnel tools.
    """
    func = "funnel_limits"
    require_frame(df, func)
    if statistic not in _STATISTICS:
        raise ValueError(f"{func}: statistic must be one of {_STATISTICS}, got {statistic!r}")
    num = numeric_column(df, *_req(df, numerator, func), func, allow_missing=False, what="numerators")
    if statistic == "rate":
        if rate is None or rate_type not in ("dsr", "crude") or years_of_data is None:
            raise ValueError(f"{func}: rates need rate=, rate_type='dsr'|'crude' and years_of_data=")
        rt = numeric_column(df, *_req(df, rate, func), func, what="rates")
        den = None
        if denominator is not None:
            den = numeric_column(df, *_req(df, denominator, func), func, allow_zero=False, what="populations")
        elif (num == 0).any():
            raise ValueError(f"{func}: rows with 0 events need the denominator column")
        derived = _derived_denominator(num, rt, den, rate_type, multiplier) if rate_type == "dsr" or den is None else den
    else:
        if denominator is None:
            raise ValueError(f"{func}: {statistic}s need the denominator column")
        derived = numeric_column(df, *_req(df, denominator, func), func, allow_zero=False, allow_missing=False, what="denominators")
        if statistic == "ratio" and ratio_type not in ("count", "isr"):
            raise ValueError(f"{func}: ratios need ratio_type='count' or 'isr'")
    av = num.sum() / np.nansum(derived)
    mn, mx = np.nanmin(derived), np.nanmax(derived)
    if statistic == "rate":
        axis_min = 0 if mx > 2 * mn else _signif_floor(mn / years_of_data) * years_of_data
        axis_max = _signif_ceiling(mx / years_of_data) * years_of_data
        axis_min, axis_max = math.floor(axis_min * av), math.ceil(axis_max * av)
    else:
        axis_min = 0 if mx > 2 * mn else _signif_floor(mn)
        axis_max = _signif_ceiling(mx)
    x = _axis(axis_min, axis_max, 1 if statistic == "ratio" else 0)

    if statistic == "proportion":
        out = pd.DataFrame({"Population": x})
        for tag, p in (("2s", 0.975), ("3s", 0.999)):
            out[f"lower_{tag}_limit"] = np.maximum(0, proportion_funnel_limit(p, x, av, "low", multiplier))
            out[f"upper_{tag}_limit"] = np.minimum(multiplier, proportion_funnel_limit(p, x, av, "high", multiplier))
        out = out[["Population", "lower_2s_limit", "upper_2s_limit", "lower_3s_limit", "upper_3s_limit"]]
        out["baseline"] = av * multiplier
        out["statistic"] = "proportion"
        out["method"] = "Binomial"
        return out
    if statistic == "rate":
        return rate_funnel_table(x, av, multiplier, years_of_data, rate_type)
    out = pd.DataFrame({"Observed_events": x})
    for tag, p in (("2s", 0.025), ("3s", 0.001)):
        out[f"lower_{tag}_exp_events"] = poisson_funnel(x, p, "high")
        out[f"lower_{tag}_limit"] = x / out[f"lower_{tag}_exp_events"]
        out[f"upper_{tag}_exp_events"] = poisson_funnel(x, p, "low")
        out[f"upper_{tag}_limit"] = x / out[f"upper_{tag}_exp_events"]
    lim = [c for c in out.columns if c.endswith("limit")]
    out[lim] = out[lim] - 1 if ratio_type == "count" else out[lim] * 100
    out["statistic"] = f"ratio ({ratio_type})"
    out["method"] = "Poisson"
    return out


def rate_funnel_table(events, average_rate, multiplier, years_of_data, rate_type="dsr"):
    """Poisson funnel limits for rates at the given event counts.

    ``average_rate`` is the baseline per person-year (not multiplied). For
    each limit the person-years at which an area with ``events`` events sits
    on it (``..._population_1_year``, per year of data) and the rate there.
    """
    events = np.asarray(events, dtype="float64")
    out = pd.DataFrame({"Events": events})
    for tag, p in (("2s", 0.025), ("3s", 0.001)):
        lo_pop = poisson_funnel(events, p, "high") / average_rate
        up_pop = poisson_funnel(events, p, "low") / average_rate
        out[f"lower_{tag}_population_1_year"] = lo_pop / years_of_data
        out[f"lower_{tag}_limit"] = events / lo_pop * multiplier
        out[f"upper_{tag}_population_1_year"] = up_pop / years_of_data
        out[f"upper_{tag}_limit"] = events / up_pop * multiplier
    out["baseline"] = average_rate * multiplier
    out["statistic"] = f"rate ({rate_type} per {multiplier:,.0f})"
    out["method"] = "Poisson"
    return out


def _req(df, col, func):
    require_columns(df, [col], func)
    return (col,)


def _ratio_stat(obs, expected, p, side):
    """PHE ``funnel_ratio_significance``: limit of obs/expected (exact below 10, Byar's above)."""
    obs = np.asarray(obs, dtype="float64")
    z = _sps.norm.ppf(0.5 + p / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        if side == "low":
            exact = _sps.chi2.isf(0.5 + p / 2, 2 * obs) / 2
            byar = obs * (1 - 1 / (9 * obs) - z / 3 / np.sqrt(obs)) ** 3
            stat = np.where(obs == 0, 0.0, np.where(obs < 10, exact, byar))
        else:
            exact = _sps.chi2.ppf(0.5 + p / 2, 2 * obs + 2) / 2
            o1 = obs + 1
            byar = o1 * (1 - 1 / (9 * o1) + z / 3 / np.sqrt(o1)) ** 3
            stat = np.where(obs < 10, exact, byar)
        return stat / expected


def funnel_significance(
    df,
    *,
    numerator,
    denominator=None,
    rate=None,
    statistic="proportion",
    rate_type=None,
    multiplier=None,
):
    """Flag each area against the funnel: "High (0.001)", "High (0.025)", "Low (0.025)", ...

    Parameters are as :func:`funnel_limits`; ``multiplier`` is required for
    rates. Returns the input with a categorical ``significance`` column.
    For DSRs, areas with fewer than 10 events are "Not applicable for events
    less than 10 for dsrs". Follows PHEindicatormethods
    ``assign_funnel_significance``.
    """
    func = "funnel_significance"
    require_frame(df, func)
    if statistic not in _STATISTICS:
        raise ValueError(f"{func}: statistic must be one of {_STATISTICS}, got {statistic!r}")
    num = numeric_column(df, *_req(df, numerator, func), func, what="numerators")
    den = None
    if denominator is not None:
        den = numeric_column(df, *_req(df, denominator, func), func, allow_zero=False, what="denominators")
    out = df.copy()
    if statistic == "proportion":
        if den is None:
            raise ValueError(f"{func}: proportions need the denominator column")
        if (num > den).any():
            raise ValueError(f"{func}: numerator exceeds denominator in rows {list(df.index[num > den][:10])}")
        av = num.sum() / den.sum()
        prop = num / den
        sig = np.select(
            [
                prop < proportion_funnel_limit(0.999, den, av, "low", 1),
                prop < proportion_funnel_limit(0.975, den, av, "low", 1),
                prop > proportion_funnel_limit(0.999, den, av, "high", 1),
                prop > proportion_funnel_limit(0.975, den, av, "high", 1),
            ],
            ["Low (0.001)", "Low (0.025)", "High (0.001)", "High (0.025)"],
            "Not significant",
        )
    else:
        if statistic == "ratio":
            if den is None:
                raise ValueError(f"{func}: ratios need the expected counts as denominator")
            expected, target = den, 1.0
        else:
            if rate is None or rate_type not in ("dsr", "crude") or multiplier is None:
                raise ValueError(f"{func}: rates need rate=, rate_type='dsr'|'crude' and multiplier=")
            rt = numeric_column(df, *_req(df, rate, func), func, what="rates")
            if den is None and (num == 0).any():
                raise ValueError(f"{func}: rows with 0 events need the denominator column")
            expected = _derived_denominator(num, rt, den, rate_type, multiplier)
            target = num.sum() / np.nansum(expected)
        sig = np.select(
            [
                target < _ratio_stat(num, expected, 0.998, "low"),
                target < _ratio_stat(num, expected, 0.95, "low"),
                target > _ratio_stat(num, expected, 0.998, "high"),
                target > _ratio_stat(num, expected, 0.95, "high"),
            ],
            ["High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)"],
            "Not significant",
        )
        if statistic == "rate" and rate_type == "dsr":
            sig = np.where(num < 10, _LEVELS[-1], sig)
    out["significance"] = pd.Categorical(sig, categories=_LEVELS)
    return out


def funnel_points(df, *, numerator, rate, rate_type, years_of_data, multiplier, denominator=None):
    """Points to plot on a rate funnel: ``<rate>_chart`` and ``denominator_derived`` (per year).

    DSRs with fewer than 10 events are dropped from the chart (NaN), as
    PHEindicatormethods ``calculate_funnel_points``.
    """
    func = "funnel_points"
    require_frame(df, func)
    if rate_type not in ("dsr", "crude"):
        raise ValueError(f"{func}: rate_type must be 'dsr' or 'crude', got {rate_type!r}")
    num = numeric_column(df, *_req(df, numerator, func), func, what="numerators")
    rt = numeric_column(df, *_req(df, rate, func), func, what="rates")
    den = None if denominator is None else numeric_column(df, *_req(df, denominator, func), func, what="denominators")
    out = df.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = multiplier * num / rt / years_of_data
    if rate_type == "dsr":
        out[f"{rate}_chart"] = np.where(num < 10, np.nan, rt)
        out["denominator_derived"] = np.where(num < 10, np.nan, derived)
    else:
        out[f"{rate}_chart"] = rt
        out["denominator_derived"] = derived if den is None else np.where(num == 0, den / years_of_data, derived)
    return out
