"""Trend chart: one line per area across periods, with confidence intervals where they exist."""

from __future__ import annotations

import numpy as np
import pandas as pd

from phna.charts import style

_LINESTYLES = ["-", "--", ":", "-."]
_MARKERS = ["o", "s", "^", "D"]


def _has_limits(part: pd.DataFrame, lower: str, upper: str) -> bool:
    return (
        lower in part.columns
        and upper in part.columns
        and bool(part[[lower, upper]].apply(pd.to_numeric, errors="coerce").notna().all(axis=1).any())
    )


def trend_chart(
    df: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    x: str = "period",
    y: str = "value",
    lower: str = "lower_ci",
    upper: str = "upper_ci",
    group: str = "area_name",
    benchmark: str | None = "England",
    highlight=None,
):
    """Line chart of ``y`` by period, one line per ``group``.

    Parameters
    ----------
    df : DataFrame
        Tidy data, one row per group and period. Periods are treated as string labels and drawn in the
        order they first appear in ``df`` (sort ``df`` first if needed).
    title, ylabel : str
        The chart title (state the finding) and the y axis label (with units).
    x, y, lower, upper, group : str
        Column names. ``lower``/``upper`` are optional: where both exist and are not missing, a shaded
        band (or error bars for a single point) shows the confidence interval.
    benchmark : str, optional
        The group drawn in black (default ``"England"``).
    highlight : str or list of str, optional
        Groups drawn in the place colour (told apart by line style and marker); other groups are grey.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if isinstance(highlight, str):
        highlight = [highlight]
    highlight = list(highlight or [])
    data = df.copy()
    data[x] = data[x].astype(str)
    periods = list(dict.fromkeys(data[x]))
    position = {p: i for i, p in enumerate(periods)}
    fig, ax = style.new_figure(style.WIDTH, 4.2)
    groups = list(dict.fromkeys(data[group]))
    # Draw grey groups first so the highlighted and benchmark lines sit on top.
    order = sorted(groups, key=lambda g: (g in highlight) + 2 * (g == benchmark))
    for name in order:
        part = data[data[group] == name].copy()
        part["_x"] = part[x].map(position)
        part = part.sort_values("_x")
        values = pd.to_numeric(part[y], errors="coerce").to_numpy(dtype=float)
        xs = part["_x"].to_numpy(dtype=float)
        if name == benchmark:
            colour, ls, marker, lw, z, band = style.ENGLAND, "-", "o", 2.0, 4, True
        elif name in highlight:
            k = highlight.index(name)
            colour, ls, marker, lw, z, band = (
                style.PLACE, _LINESTYLES[k % 4], _MARKERS[k % 4], 2.2, 5, True,
            )
        else:
            colour, ls, marker, lw, z, band = style.OTHER, "-", None, 1.0, 2, False
        ax.plot(xs, values, color=colour, linestyle=ls, marker=marker, markersize=4, linewidth=lw,
                zorder=z, label=str(name))
        if band and _has_limits(part, lower, upper):
            lo = pd.to_numeric(part[lower], errors="coerce").to_numpy(dtype=float)
            hi = pd.to_numeric(part[upper], errors="coerce").to_numpy(dtype=float)
            if np.isfinite(values).sum() > 1:
                ax.fill_between(xs, lo, hi, color=colour, alpha=0.15, linewidth=0, zorder=z - 1)
            else:
                ax.errorbar(xs, values, yerr=[values - lo, hi - values], fmt="none", ecolor=colour,
                            capsize=3, zorder=z)
    # Name the benchmark and highlighted lines at their last point, not only in the legend (room made on the right).
    named = [str(n) for n in [benchmark, *highlight] if n is not None and n in groups]
    label_in = min(1.8, max((len(n) for n in named), default=0) * style.MIN_FONT * 0.6 / 72 + 0.1)
    span = max(len(periods) - 1, 1)
    ax.set_xlim(-0.4, span + label_in * span / max(5.0 - label_in, 1.0) + 0.2)
    ends = []
    for name in [benchmark, *highlight]:
        part = data[data[group] == name]
        values = pd.to_numeric(part[y], errors="coerce")
        if name is None or part.empty or values.notna().sum() == 0:
            continue
        last = values.last_valid_index()
        ends.append((float(values[last]), position[part.loc[last, x]], str(name)))
    # Labels at the lines' ends, nudged apart so that close lines do not print over each other.
    fig.canvas.draw()
    to_points = 72 / fig.dpi
    placed = []
    for value, xpos, name in sorted(ends):
        y_pt = ax.transData.transform((xpos, value))[1] * to_points
        target = max([y_pt] + [p + style.MIN_FONT * 1.25 for p in placed])
        placed.append(target)
        ax.annotate(name, (xpos, value), xytext=(5, target - y_pt), textcoords="offset points", va="center",
                    ha="left", fontsize=style.MIN_FONT, color=style.ENGLAND if name == str(benchmark) else style.PLACE,
                    annotation_clip=False)
    ax.set_xticks(range(len(periods)), periods)
    if len(periods) > 6 or max((len(p) for p in periods), default=0) * len(periods) > 60:
        for label in ax.get_xticklabels():
            label.set_rotation(45)
            label.set_horizontalalignment("right")
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Period")
    ax.grid(axis="x", visible=False)
    ax.set_title(title)
    # Legend: benchmark and highlighted groups by name; the grey ones as one entry.
    handles, labels = ax.get_legend_handles_labels()
    keep, grey_done = [], False
    for h, lab in zip(handles, labels):
        if lab == str(benchmark) or lab in map(str, highlight):
            keep.append((h, lab))
        elif not grey_done:
            keep.append((h, "Other areas" if (highlight or benchmark in groups) else lab))
            grey_done = True
    keep.sort(key=lambda t: (t[1] == "Other areas", t[1] == str(benchmark)))
    if keep:
        ax.legend([h for h, _ in keep], [lab for _, lab in keep], loc="upper left", bbox_to_anchor=(0, -0.3),
                  ncols=2, fontsize=style.MIN_FONT)
    return fig
