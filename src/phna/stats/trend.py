"""Recent trend over the last five time points, as Fingertips.

Tests implemented
-----------------
* **Proportions** (numerators and denominators): the chi-square test for
  linear trend in proportions (Cochran-Armitage), with time points scored
  1, 2, ..., k. ``chi2 = T^2 / V`` where ``T = sum x_i (t_i - tbar)``,
  ``tbar = sum n_i t_i / sum n_i`` and ``V = pbar (1 - pbar) sum n_i (t_i - tbar)^2``.
* **Values with confidence limits** (rates, DSRs, life expectancy, ...):
  weighted least-squares regression of the value on time with weights
  ``1 / SE^2`` (SE from the limits, ``(U - L) / (2 z)``; on the log scale
  when ``log_scale=True``, suited to rates); ``chi2 = (slope / SE(slope))^2``
  with ``SE(slope)^2 = 1 / sum w_i (t_i - tbar_w)^2`` (known variances).

Either way the trend is significant when the statistic exceeds the 99.8 %
point of the chi-square distribution on 1 degree of freedom (9.549, i.e.
|z| > 3.090), as Fingertips; the direction is the sign of the slope.
Fewer than five points, a missing value or a zero standard error give
"cannot be calculated".

References
----------
Armitage P. Tests for linear trends in proportions and frequencies.
Biometrics 1955;11:375-386. doi:10.2307/3001775

Office for Health Improvement and Disparities. Fingertips technical guidance:
recent trends. https://fingertips.phe.org.uk/profile/guidance
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as _sps

from ._validate import as_by, check_confidence, group_codes, numeric_column, require_columns, require_frame, z_value

__all__ = ["recent_trend"]


def recent_trend(
    df,
    *,
    time,
    x=None,
    n=None,
    value=None,
    lower_cl=None,
    upper_cl=None,
    by=(),
    points=5,
    confidence=0.998,
    cl_confidence=0.95,
    log_scale=False,
):
    """Fingertips recent trend of the last ``points`` time points per group.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per group x time point.
    time : str
        Column ordering the points (year or period index); points are scored
        1..k in time order.
    x, n : str, optional
        Numerator and denominator columns: chi-square test for trend in proportions.
    value, lower_cl, upper_cl : str, optional
        Value and its confidence limits (at ``cl_confidence``): weighted
        regression test. Give either ``x``/``n`` or these three.
    by : str or sequence of str, optional
    points : int, default 5
        Number of most recent points used (Fingertips: 5).
    confidence : float, default 0.998
        Significance level of the test (Fingertips: 99.8 %).
    cl_confidence : float, default 0.95
    log_scale : bool, default False
        Regress log(value) (SE from log limits); suited to rates.

    Returns
    -------
    pandas.DataFrame
        One row per group: keys, ``trend`` ("increasing", "decreasing",
        "no significant change", "cannot be calculated"), ``chi_square``,
        ``p_value``, ``slope`` (per time step), ``points_used``,
        ``first_time``, ``last_time``, ``confidence``, ``method``,
        ``suppressed``, ``reason``.

    Notes
    -----
    See the module docstring for the tests.
    """
    func = "recent_trend"
    require_frame(df, func)
    by = as_by(by)
    (conf,), _ = check_confidence(confidence, func)
    if not isinstance(points, (int, np.integer)) or points < 3:
        raise ValueError(f"{func}: points must be an integer of 3 or more, got {points!r}")
    use_props = x is not None or n is not None
    if use_props and (x is None or n is None):
        raise ValueError(f"{func}: give both x and n for proportions")
    if not use_props and (value is None or lower_cl is None or upper_cl is None):
        raise ValueError(f"{func}: give x and n (proportions) or value, lower_cl and upper_cl")
    cols = [time, *by] + ([x, n] if use_props else [value, lower_cl, upper_cl])
    require_columns(df, cols, func)
    data = df.sort_values([*by, time], kind="stable")
    if data.duplicated([*by, time]).any():
        dup = data[data.duplicated([*by, time], keep=False)]
        raise ValueError(f"{func}: repeated time points within a group in rows {list(dup.index[:10])}")
    data = data.groupby(by, sort=True).tail(points) if by else data.tail(points)
    codes, keys = group_codes(data, by)
    G = len(keys)
    rank = data.groupby(by, sort=True).cumcount().to_numpy() if by else np.arange(len(data))
    k = np.bincount(codes, minlength=G)

    def grid(v, fill=np.nan):
        arr = np.full((G, points), fill)
        arr[codes, rank] = v
        return arr

    t = grid(np.asarray(rank + 1, dtype="float64"))
    if use_props:
        xv = grid(numeric_column(data, x, func, what="counts"))
        nv = grid(numeric_column(data, n, func, allow_zero=False, what="denominators"))
        if (xv > nv).any():
            raise ValueError(f"{func}: numerator '{x}' exceeds denominator '{n}'")
        valid = (k == points) & ~np.isnan(xv).any(axis=1) & ~np.isnan(nv).any(axis=1)
        xv = np.where(valid[:, None], xv, 0.0)
        nv = np.where(valid[:, None], nv, 1.0)
        N = nv.sum(axis=1)
        pbar = xv.sum(axis=1) / N
        tbar = (nv * t).sum(axis=1) / N
        T = (xv * (t - tbar[:, None])).sum(axis=1)
        V = pbar * (1 - pbar) * (nv * (t - tbar[:, None]) ** 2).sum(axis=1)
        valid &= V > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            chi = T**2 / V
            slope = T / (nv * (t - tbar[:, None]) ** 2).sum(axis=1)
        method = "chi-square test for trend in proportions (Cochran-Armitage)"
    else:
        allow_neg = not log_scale
        vv = grid(numeric_column(data, value, func, allow_negative=allow_neg, what="values"))
        lo = grid(numeric_column(data, lower_cl, func, allow_negative=allow_neg, what="limits"))
        up = grid(numeric_column(data, upper_cl, func, allow_negative=allow_neg, what="limits"))
        with np.errstate(divide="ignore", invalid="ignore"):
            if log_scale:
                vv, lo, up = np.log(vv), np.log(lo), np.log(up)
            se = (up - lo) / (2 * z_value(cl_confidence))
            valid = (k == points) & np.isfinite(vv).all(axis=1) & np.isfinite(se).all(axis=1) & (se > 0).all(axis=1)
            w = np.where(valid[:, None], 1 / se**2, 1.0)
            vv = np.where(valid[:, None], vv, 0.0)
            tw = (w * t).sum(axis=1) / w.sum(axis=1)
            sxx = (w * (t - tw[:, None]) ** 2).sum(axis=1)
            yw = (w * vv).sum(axis=1) / w.sum(axis=1)
            slope = (w * (t - tw[:, None]) * (vv - yw[:, None])).sum(axis=1) / sxx
            chi = slope**2 * sxx
        method = "weighted regression of " + ("log value" if log_scale else "value") + " on time, weights 1/SE^2"
    crit = _sps.chi2.ppf(conf, 1)
    sig = valid & (chi > crit)
    trend = np.where(~valid, "cannot be calculated", np.where(sig, np.where(slope > 0, "increasing", "decreasing"), "no significant change"))
    out = keys.copy() if by else pd.DataFrame(index=range(1))
    out["trend"] = trend
    out["chi_square"] = np.where(valid, chi, np.nan)
    out["p_value"] = np.where(valid, _sps.chi2.sf(np.where(valid, chi, 0), 1), np.nan)
    out["slope"] = np.where(valid, slope, np.nan)
    out["points_used"] = k
    if by:
        ends = data.groupby(by, sort=True)[time].agg(["first", "last"]).reset_index(drop=True)
        out["first_time"] = ends["first"].to_numpy()
        out["last_time"] = ends["last"].to_numpy()
    else:
        out["first_time"] = data[time].iloc[0] if len(data) else np.nan
        out["last_time"] = data[time].iloc[-1] if len(data) else np.nan
    out["confidence"] = f"{conf * 100:g}%"
    out["method"] = method
    out["suppressed"] = ~valid
    out["reason"] = np.where(
        valid, None, np.where(k < points, f"fewer than {points} time points", "missing value, zero variance or zero standard error")
    )
    return out
