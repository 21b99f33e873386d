"""Ranked (caterpillar) chart: one point per area with its confidence interval, sorted by value."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from phna.charts import style


def ranked_chart(
    df: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    label: str = "area_name",
    value: str = "value",
    lower: str = "lower_ci",
    upper: str = "upper_ci",
    highlight=None,
    benchmark: float | None = None,
    benchmark_label: str = "England",
    category: str | None = None,
):
    """Horizontal points with confidence-interval whiskers, highest value at the top.

    Parameters
    ----------
    df : DataFrame
        One row per area (``label``) with ``value`` and optionally ``lower``/``upper`` limits.
        Rows with a missing value are left out (say why in the text).
    title, xlabel : str
        Title (state the finding) and x axis label (with units).
    highlight : str or list of str, optional
        Labels to pick out: drawn in vermilion (or, when ``category`` colours the points, with a black
        outline and bold label).
    benchmark : float, optional
        Draws a dashed black vertical line at this value, labelled ``benchmark_label``.
    category : str, optional
        Column of Fingertips comparison categories (keys of ``phna.charts.style.COMPARISON``); points
        are coloured by category and a legend is added. Categories are also stated in words elsewhere.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if isinstance(highlight, str):
        highlight = [highlight]
    highlight = [str(h) for h in (highlight or [])]
    data = df.copy()
    data[value] = pd.to_numeric(data[value], errors="coerce")
    data = data[data[value].notna()].sort_values(value, kind="stable").reset_index(drop=True)
    n = len(data)
    per_row = 0.26 if n <= 40 else 0.2
    fig, ax = style.new_figure(style.WIDTH, max(3.0, min(per_row * n + 1.4, 24)))
    ys = np.arange(n)
    names = data[label].astype(str).tolist()
    is_high = np.array([name in highlight for name in names], dtype=bool)
    if category and category in data.columns:
        colours = [style.COMPARISON.get(str(c), style.OTHER) for c in data[category]]
    else:
        colours = [style.HIGHLIGHT if h else style.REGION for h in is_high]
    has_limits = lower in data.columns and upper in data.columns
    if has_limits:
        lo = pd.to_numeric(data[lower], errors="coerce").to_numpy(dtype=float)
        hi = pd.to_numeric(data[upper], errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(lo) & np.isfinite(hi)
        ax.hlines(ys[ok], lo[ok], hi[ok], colors=[colours[i] for i in np.flatnonzero(ok)],
                  linewidth=1.4, zorder=2)
    sizes = np.where(is_high, 60, 30 if n <= 40 else 18)
    edges = ["black" if (h and category) else "none" for h in is_high]
    if category and category in data.columns:
        # Each comparison has its own marker shape as well as its colour (colour is never the only cue).
        cats = data[category].astype(str).to_numpy()
        for cat in dict.fromkeys(cats):
            pick = cats == cat
            ax.scatter(data[value][pick], ys[pick], c=[colours[i] for i in np.flatnonzero(pick)], s=sizes[pick] * 1.3,
                       marker=style.COMPARISON_MARKERS.get(cat, "o"), edgecolors="black",
                       linewidths=[1.4 if h else 0.5 for h in is_high[pick]], zorder=3)
    else:
        ax.scatter(data[value], ys, c=colours, s=sizes, edgecolors=edges, linewidths=1.0, zorder=3)
    ax.set_yticks(ys, names, fontsize=style.MIN_FONT)
    for tick, high in zip(ax.get_yticklabels(), is_high):
        if high:
            tick.set_fontweight("bold")
            if not category:
                tick.set_color(style.HIGHLIGHT)
    ax.set_ylim(-0.7, max(n - 0.3, 0.3))
    handles = []
    if benchmark is not None and np.isfinite(benchmark):
        ax.axvline(benchmark, color=style.ENGLAND, linestyle="--", linewidth=1.2, zorder=1)
        handles.append(Line2D([], [], color=style.ENGLAND, linestyle="--", label=benchmark_label))
        style.label_line(ax, benchmark_label, x=benchmark)
    if category and category in data.columns:
        present = [c for c in style.COMPARISON if c in set(data[category].astype(str))]
        handles += [Line2D([], [], marker=style.COMPARISON_MARKERS.get(c, "o"), linestyle="none",
                           color=style.COMPARISON[c], markeredgecolor="black", label=f"{c.capitalize()}")
                    for c in present]
    if n == 0:
        ax.text(0.5, 0.5, "No values to show", transform=ax.transAxes, ha="center", va="center")
    if handles:
        ax.legend(handles=handles, loc="lower right", fontsize=style.MIN_FONT)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.set_title(title)
    return fig
