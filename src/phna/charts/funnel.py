"""Funnel plot: each area's value against its size, with the control limits expected from chance alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from phna.charts import style

_LIMITS = (("2s", "95 % limits", "--"), ("3s", "99.8 % limits", ":"))


def _limit_x(limits: pd.DataFrame, side: str, tag: str) -> np.ndarray:
    """The x coordinate of a limit line in any of the layouts of :func:`phna.stats.funnel_limits`."""
    for column in ("Population", f"{side}_{tag}_population_1_year", f"{side}_{tag}_exp_events"):
        if column in limits.columns:
            return pd.to_numeric(limits[column], errors="coerce").to_numpy(dtype=float)
    raise ValueError(f"funnel_plot: limits have no x column for the {side} {tag} limit "
                     f"(expected Population, {side}_{tag}_population_1_year or {side}_{tag}_exp_events); "
                     f"columns are {list(limits.columns)}")


def funnel_plot(
    df: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    limits: pd.DataFrame,
    x: str = "denominator",
    y: str = "value",
    label: str = "area_name",
    highlight=None,
    benchmark: float | None = None,
    benchmark_label: str | None = None,
    log_x: bool = False,
):
    """Funnel plot of ``y`` against ``x`` with the 95 % and 99.8 % control limits.

    Parameters
    ----------
    df : DataFrame
        One row per area: ``x`` (population, derived population or expected events, matching the limits),
        ``y`` (the value) and ``label``.
    title, xlabel, ylabel : str
        Title (state the finding) and axis labels with units.
    limits : DataFrame
        The output of :func:`phna.stats.funnel_limits` for any statistic (proportions: ``Population``; rates:
        ``..._population_1_year``; ratios: ``..._exp_events``), with ``lower_2s_limit`` … ``upper_3s_limit``
        and optionally ``baseline``.
    highlight : str, list of str or boolean column name, optional
        Areas to mark and name (by ``label``), or the name of a boolean column of ``df``.
    benchmark : float, optional
        The centre line; defaults to the limits' ``baseline``.
    benchmark_label : str, optional
        Legend text for the centre line (default "Average (funnel centre)").
    log_x : bool
        Logarithmic x axis (useful when sizes span orders of magnitude).

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = df.copy()
    xs = pd.to_numeric(data[x], errors="coerce")
    ys = pd.to_numeric(data[y], errors="coerce")
    keep = xs.notna() & ys.notna()
    data, xs, ys = data[keep], xs[keep], ys[keep]
    if isinstance(highlight, str) and highlight in data.columns and data[highlight].dtype == bool:
        marked = data[highlight].to_numpy()
    else:
        names = [highlight] if isinstance(highlight, str) else list(highlight or [])
        marked = data[label].isin(names).to_numpy()

    fig, ax = style.new_figure(style.WIDTH, 4.6)
    x_max = float(xs.max()) * 1.05 if len(xs) else 1.0
    for tag, text, ls in _LIMITS:
        for side in ("lower", "upper"):
            col = f"{side}_{tag}_limit"
            if col not in limits.columns:
                continue
            lx = _limit_x(limits, side, tag)
            ly = pd.to_numeric(limits[col], errors="coerce").to_numpy(dtype=float)
            order = np.argsort(lx)
            lx, ly = lx[order], ly[order]
            inside = np.isfinite(lx) & np.isfinite(ly) & (lx <= x_max * 1.2)
            ax.plot(lx[inside], ly[inside], color=style.REGION, linestyle=ls, linewidth=1.1,
                    label=text if side == "lower" else None, zorder=2)
    centre = benchmark if benchmark is not None else (
        float(limits["baseline"].iloc[0]) if "baseline" in limits.columns else None)
    if centre is not None:
        ax.axhline(centre, color=style.ENGLAND, linewidth=1.2, zorder=3,
                   label=benchmark_label or f"Average (funnel centre), {centre:,.1f}")
        style.label_line(ax, (benchmark_label or "Average").split(",")[0], y=centre)
    ax.scatter(xs[~marked], ys[~marked], s=14, color=style.OTHER, edgecolor="none", zorder=4, label="Other areas")
    if marked.any():
        ax.scatter(xs[marked], ys[marked], s=46, color=style.HIGHLIGHT, edgecolor="black", linewidth=0.6, zorder=6,
                   label="Named areas")
        for xv, yv, name in zip(xs[marked], ys[marked], data.loc[marked, label]):
            ax.annotate(str(name), (xv, yv), xytext=(6, 4), textcoords="offset points", fontsize=style.MIN_FONT,
                        fontweight="bold", zorder=7)
    if log_x:
        ax.set_xscale("log")
    else:
        ax.set_xlim(0, x_max)
    lo, hi = float(ys.min()) if len(ys) else 0.0, float(ys.max()) if len(ys) else 1.0
    pad = 0.08 * (hi - lo if hi > lo else max(abs(hi), 1.0))
    ax.set_ylim(lo - pad, hi + pad)
    ax.xaxis.set_major_formatter(FuncFormatter(style.thousands))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=style.MIN_FONT)
    return fig
