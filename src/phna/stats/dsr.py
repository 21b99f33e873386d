"""Directly standardised rates with Dobson confidence intervals."""

from __future__ import annotations

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
)
from .intervals import poisson_limits

__all__ = ["ESP2013", "ESP2013_ONS", "dsr", "standard_population_table"]

#: 2013 European Standard Population, 19 bands 0-4, 5-9, ..., 85-89, 90+
#: (Eurostat 2013, KS-RA-13-028, table 3.1). Index: start age of the band.
ESP2013 = pd.Series(
    [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
     7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000],
    index=pd.Index([0, *range(5, 95, 5)], name="age_start"),
    name="esp2013",
    dtype="float64",
)

#: ESP2013 with 0-4 split into under 1 (1,000) and 1-4 (4,000), 20 bands; the
#: form ONS uses for age-standardised mortality rates.
ESP2013_ONS = pd.Series(
    [1000, 4000, *ESP2013.iloc[1:].tolist()],
    index=pd.Index([0, 1, *range(5, 95, 5)], name="age_start"),
    name="esp2013",
    dtype="float64",
)

#: Below this total count no DSR is shown (OHID/Fingertips and ONS rule).
MIN_TOTAL_COUNT = 10


def standard_population_table(standard_population, age_bands: np.ndarray | None = None) -> pd.Series:
    """Normalise a ``standard_population`` argument to a Series indexed by start age.

    Accepts None / "esp2013" (19 bands), "esp2013_ons" (20 bands, under 1 and
    1-4 split), a Series indexed by start age, a DataFrame with an
    ``age_start`` column and one weight column (``weight``, ``esp2013`` or the
    only other column), or an array aligned to the sorted distinct start ages
    in the data (``age_bands``).
    """
    sp = standard_population
    if sp is None or (isinstance(sp, str) and sp.lower() == "esp2013"):
        return ESP2013
    if isinstance(sp, str) and sp.lower() in ("esp2013_ons", "ons"):
        return ESP2013_ONS
    if isinstance(sp, pd.DataFrame):
        if "age_start" not in sp.columns:
            raise ValueError("dsr: a standard_population DataFrame needs an 'age_start' column")
        others = [c for c in sp.columns if c != "age_start"]
        col = next((c for c in ("weight", "esp2013") if c in others), None)
        if col is None:
            if len(others) != 1:
                raise ValueError(
                    "dsr: standard_population DataFrame must have age_start and one weight column "
                    f"(named 'weight'), got columns {list(sp.columns)}"
                )
            col = others[0]
        out = pd.Series(sp[col].to_numpy(dtype="float64"), index=sp["age_start"].to_numpy(dtype="float64"))
    elif isinstance(sp, pd.Series):
        out = pd.Series(sp.to_numpy(dtype="float64"), index=np.asarray(sp.index, dtype="float64"))
    else:
        arr = np.asarray(sp, dtype="float64").ravel()
        if age_bands is None or len(arr) != len(age_bands):
            n = "?" if age_bands is None else len(age_bands)
            raise ValueError(
                f"dsr: standard_population array has {len(arr)} weights but the data has {n} age bands"
            )
        out = pd.Series(arr, index=np.asarray(age_bands, dtype="float64"))
    if out.index.duplicated().any():
        raise ValueError(f"dsr: standard_population repeats age bands {list(out.index[out.index.duplicated()])}")
    if (out < 0).any() or out.isna().any():
        raise ValueError(f"dsr: standard_population weights must be non-negative numbers, got {out.tolist()}")
    return out.sort_index()


def dsr(
    df,
    *,
    events,
    population,
    age_start,
    by=(),
    confidence=0.95,
    multiplier=100_000,
    standard_population=None,
):
    """Directly standardised rate per group with Dobson confidence limits.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per group x age band.
    events, population : str
        Columns holding event counts and populations by age band.
    age_start : str
        Column holding the start age of each band (number, or a label such
        as ``"5-9"``/``"90+"``).
    by : str or sequence of str, optional
        Grouping columns (one DSR per group).
    confidence : float or sequence of float, default 0.95
    multiplier : float, default 100000
    standard_population : None, str, Series, DataFrame or array, optional
        Default ESP2013 (19 bands). ``"esp2013_ons"`` gives ONS's 20-band form
        (under 1 = 1,000, 1-4 = 4,000). A Series indexed by start age, a
        DataFrame with ``age_start`` and a weight column, an array aligned to
        the sorted age bands, or the name of a column of ``df`` holding each
        row's weight.

    Returns
    -------
    pandas.DataFrame
        Group keys, ``total_count``, ``total_pop``, ``value``, limits
        (``lowercl``/``uppercl`` or ``lower95_0cl`` ... for several levels),
        ``confidence``, ``statistic``, ``method`` ("Dobson"), ``suppressed``,
        ``reason``.

    Notes
    -----
    ``DSR = sum(w_i x_i / n_i) / sum(w_i)``; its variance
    ``V = sum(w_i^2 x_i / n_i^2) / sum(w_i)^2``. Dobson's limits scale the
    limits of the total count ``O`` (Byar's, exact Poisson below 10):
    ``DSR + sqrt(V / O) (O_limit - O)``. Missing event counts in a band are
    taken as 0 (as PHEindicatormethods). Suppression: when the total count is
    below 10 the value and limits are NaN with a reason. Every group must have
    exactly the age bands of the standard population; negative or
    non-numeric counts, missing or zero populations raise ``ValueError``.

    References
    ----------
    Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for
    weighted sums of Poisson parameters. Stat Med 1991;10:457-462.
    doi:10.1002/sim.4780100317

    Eurostat. Revision of the European Standard Population: report of
    Eurostat's task force. Luxembourg: Publications Office of the European
    Union; 2013 (KS-RA-13-028). doi:10.2785/11470
    """
    func = "dsr"
    require_frame(df, func)
    by = as_by(by)
    levels, several = check_confidence(confidence, func)
    weight_col = standard_population if isinstance(standard_population, str) and standard_population in df.columns else None
    require_columns(df, [events, population, age_start, *by], func)
    x = numeric_column(df, events, func, what="counts")
    x = np.where(np.isnan(x), 0.0, x)
    n = numeric_column(df, population, func, allow_zero=False, allow_missing=False, what="populations")
    ages = age_start_column(df, age_start, func)
    codes, keys = group_codes(df, by)
    G = len(keys)
    bands = np.unique(ages)

    if weight_col is not None:
        w = numeric_column(df, weight_col, func, allow_missing=False, what="standard population weights")
        std_bands = bands
    else:
        std = standard_population_table(standard_population, bands)
        std_bands = std.index.to_numpy(dtype="float64")
        extra = np.setdiff1d(bands, std_bands)
        if extra.size:
            raise ValueError(
                f"{func}: column '{age_start}' has age bands {extra.tolist()} that are not in the "
                f"standard population (bands start at {std_bands.tolist()})"
            )
        w = std.reindex(ages).to_numpy()

    # completeness: each group has every band exactly once
    band_idx = np.searchsorted(std_bands, ages)
    counts = np.zeros((G, len(std_bands)), dtype=np.int64)
    np.add.at(counts, (codes, band_idx), 1)
    if (counts > 1).any():
        g, b = np.nonzero(counts > 1)
        raise ValueError(
            f"{func}: age band(s) repeated within a group: "
            f"{[(keys.iloc[i].to_dict() if by else 'all', std_bands[j]) for i, j in zip(g[:10], b[:10])]}"
        )
    if (counts == 0).any():
        g, b = np.nonzero(counts == 0)
        desc = {}
        for i, j in zip(g, b):
            desc.setdefault(i, []).append(float(std_bands[j]))
        shown = [(keys.iloc[i].to_dict() if by else "all rows", v) for i, v in list(desc.items())[:10]]
        raise ValueError(
            f"{func}: missing age band(s) (by group: missing start ages) {shown}; every group needs "
            f"all {len(std_bands)} bands of the standard population"
        )

    sum_w = np.bincount(codes, weights=w, minlength=G)
    total_count = np.bincount(codes, weights=x, minlength=G)
    total_pop = np.bincount(codes, weights=n, minlength=G)
    rate_w = np.bincount(codes, weights=w * x / n, minlength=G) / sum_w
    var_w = np.bincount(codes, weights=w**2 * x / n**2, minlength=G) / sum_w**2

    suppress = total_count < MIN_TOTAL_COUNT
    out = keys.copy() if by else pd.DataFrame(index=range(1))
    out["total_count"] = total_count
    out["total_pop"] = total_pop
    out["value"] = np.where(suppress, np.nan, rate_w * multiplier)
    limits = []
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.sqrt(var_w / total_count)
        for c in levels:
            o_lo, o_up = poisson_limits(total_count, c)
            lo = (rate_w + scale * (o_lo - total_count)) * multiplier
            up = (rate_w + scale * (o_up - total_count)) * multiplier
            limits.append((np.where(suppress, np.nan, lo), np.where(suppress, np.nan, up)))
    add_limits(out, limits, levels, several)
    reason = np.where(suppress, f"total count < {MIN_TOTAL_COUNT}", None)
    return add_metadata(
        out, levels=levels, statistic=f"dsr per {multiplier:,g}", method="Dobson", reason=reason
    ).reset_index(drop=True)
