"""A spine chart in a narrow layout, readable at page width and on a phone.

As the Fingertips spine chart (:mod:`phna.charts.spine`): each indicator is a row centred on England, the
light bar spans the English local authorities and the darker bar their middle half, each row is turned so
that better is to the right (higher to the right where there is no judgement), and markers are the place's
areas, coloured by their comparison with England and told apart by shape. Unlike it, each row's label sits
on its own line above the bar, so the figure is narrow (about 6 inches) and its text stays legible when the
page is 390 pixels wide.

Small multiples of trends for the sections of a chapter are drawn by :func:`trend_panels`.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from phna.charts import style
from phna.wording import fmt_num

_MARKERS = ["o", "D", "s", "^", "v", "P", "X", "*"]
# Text height on the page is FONT / 72 × (page width in pixels) / (figure width in inches): with 11-point text
# in a figure about 5 inches wide, text is about 10 pixels high on a 390-pixel phone page (about 340 pixels of
# content) and about 20 at 1280 pixels.
WIDTH = 4.5  # inches, the spine chart
PANEL_WIDTH = 5.2  # inches, the small multiples
FONT = 11
TITLE_CHARACTERS = 42  # titles are wrapped to the figure width
#: Short legend words for the comparisons (the caption says they are significance tests against England).
LEGEND = {"better": "Better than England", "similar": "Similar to England", "worse": "Worse than England",
          "higher": "Higher than England", "lower": "Lower than England", "not compared": "Not compared"}
_TEXT_BOX = {"facecolor": "white", "edgecolor": "none", "pad": 0.6}  # labels stay legible over the England line


def positions(df: pd.DataFrame) -> pd.DataFrame:
    """Scale each row to -1..1 around England (``england``), better to the right.

    ``df`` needs ``england, la_min, la_q25, la_q75, la_max, value, polarity``; adds ``pos_lo, pos_q_lo,
    pos_q_hi, pos_hi, pos_value``.
    """
    out = df.copy()
    flip = np.where(out["polarity"] == "low is good", -1.0, 1.0)
    half = np.maximum(out["england"] - out["la_min"], out["la_max"] - out["england"])
    half = half.where(half > 0, 1.0)
    scaled = {c: flip * (out[c] - out["england"]) / half for c in ("la_min", "la_q25", "la_q75", "la_max", "value")}
    out["pos_lo"] = np.minimum(scaled["la_min"], scaled["la_max"])
    out["pos_hi"] = np.maximum(scaled["la_min"], scaled["la_max"])
    out["pos_q_lo"] = np.minimum(scaled["la_q25"], scaled["la_q75"])
    out["pos_q_hi"] = np.maximum(scaled["la_q25"], scaled["la_q75"])
    out["pos_value"] = scaled["value"]
    return out


def narrow_spine(df: pd.DataFrame, *, title: str, label: str = "label", area: str = "area_name"):
    """Draw the narrow spine chart from one row per indicator x area.

    Parameters
    ----------
    df : DataFrame
        ``label, period, unit, polarity, england, la_min, la_q25, la_q75, la_max, value, area_name,
        comparison, decimals`` (as :func:`phna.analyses.prevention.latest`).
    title : str
        States the finding (wrapped to the figure width by the caller if long).

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = positions(df)
    labels = list(dict.fromkeys(data[label]))
    areas = list(dict.fromkeys(data[area]))
    row_height = 0.78
    legend_rows = int(np.ceil((2 + len(set(data["comparison"])) + (len(areas) if len(areas) > 1 else 0)) / 2))
    height = 1.1 + row_height * len(labels) + 0.25 * legend_rows
    fig, ax = style.new_figure(WIDTH, height)
    ax.grid(False)
    for i, name in enumerate(labels):
        y = -i
        rows = data[data[label] == name]
        row = rows.iloc[0]
        ax.barh(y, row["pos_hi"] - row["pos_lo"], left=row["pos_lo"], height=0.3, color="#E3E3E3", edgecolor="none")
        ax.barh(y, row["pos_q_hi"] - row["pos_q_lo"], left=row["pos_q_lo"], height=0.3, color="#A8A8A8",
                edgecolor="none")
        for j, place in enumerate(areas):
            own = rows[rows[area] == place]
            if own.empty or pd.isna(own["pos_value"].iloc[0]):
                continue
            offset = (j - (len(areas) - 1) / 2) * 0.07 if len(areas) > 1 else 0
            ax.plot(own["pos_value"].iloc[0], y + offset, marker=_MARKERS[j % len(_MARKERS)], markersize=8,
                    color=style.COMPARISON.get(own["comparison"].iloc[0], style.COMPARISON["not compared"]),
                    markeredgecolor="black", markeredgewidth=0.7, linestyle="none", zorder=3)
        decimals = int(row["decimals"]) if pd.notna(row.get("decimals")) else 1
        ax.text(-1.05, y + 0.24, f"{name}, {row.get('period_short', row['period'])}", ha="left", va="bottom", fontsize=FONT,
                fontweight="bold", bbox=_TEXT_BOX, zorder=4)
        values = f"England {fmt_num(row['england'], decimals)}"
        if len(areas) == 1:
            values = f"{areas[0]} {fmt_num(rows['value'].iloc[0], decimals)} · " + values
        ax.text(-1.05, y - 0.22, f"{values} ({row['unit']})", ha="left", va="top", fontsize=FONT - 1,
                color="#333333", bbox=_TEXT_BOX, zorder=4)
    ax.axvline(0, color=style.ENGLAND, linewidth=1.2)
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(-len(labels) + 0.35, 0.75)
    ax.set_yticks([])
    ax.set_xticks([-1, 0, 1], ["Worse\n(or lower)", "England", "Better\n(or higher)"], fontsize=FONT)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    handles = [Patch(color="#E3E3E3", label="All English local authorities"),
               Patch(color="#A8A8A8", label="Middle half of them")]
    cats = [c for c in LEGEND if c in set(data["comparison"])]
    handles += [Line2D([], [], marker="o", linestyle="none", color=style.COMPARISON[c], markeredgecolor="black",
                       label=LEGEND[c]) for c in cats]
    if len(areas) > 1:
        handles += [Line2D([], [], marker=_MARKERS[j % len(_MARKERS)], linestyle="none", color="white",
                           markeredgecolor="black", label=p) for j, p in enumerate(areas)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(-0.02, -0.9 / height), ncol=2, fontsize=FONT - 1,
              handletextpad=0.4, columnspacing=0.8)
    ax.set_title(textwrap.fill(title, TITLE_CHARACTERS), loc="left", fontsize=FONT + 1, x=-0.02)
    return fig


_PLACE_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]


def trend_panels(series: pd.DataFrame, *, title: str, benchmark: str = "England", panel: str = "label",
                 unit: str = "unit"):
    """Small multiples, one panel per indicator stacked in one column (narrow): a line per area over its
    periods, England in black, the region in grey, the place's areas in colour (told apart by marker and
    named in one legend under the panels); a band shows the 95 % interval where one is published and the
    place has one area.

    ``series`` needs ``label, unit, period, area_name, value, is_place`` and optionally ``lower_95, upper_95``.
    """
    panels = list(dict.fromkeys(series[panel]))
    places = list(dict.fromkeys(series.loc[series["is_place"], "area_name"]))
    others = [a for a in dict.fromkeys(series["area_name"]) if a not in places and a != benchmark]
    fig, axes = style.new_figure(PANEL_WIDTH, 1.2 + 2.3 * len(panels) + 0.2 * len(places), nrows=len(panels),
                                 squeeze=False)
    marks = ["o", "s", "^", "D", "v", "P"]
    handles = {}
    for ax, name in zip(axes[:, 0], panels):
        part = series[series[panel] == name]
        periods = sorted(part["period"].unique())
        where = {p: k for k, p in enumerate(periods)}
        for who in [*others, benchmark, *places]:
            own = part[part["area_name"] == who].sort_values("period")
            if own.empty:
                continue
            xs = own["period"].map(where).to_numpy(float)
            if who == benchmark:
                colour, mk, lw = style.ENGLAND, "o", 1.8
            elif who in places:
                idx = places.index(who)
                colour, mk, lw = _PLACE_COLOURS[idx % 6], marks[idx % 6], 1.8
            else:
                colour, mk, lw = style.REGION, None, 1.4
            (line,) = ax.plot(xs, own["value"], color=colour, marker=mk, markersize=4, linewidth=lw, label=who,
                              linestyle="--" if who in others else "-")
            handles.setdefault(who, line)
            if (len(places) == 1 and who in places and {"lower_95", "upper_95"} <= set(own.columns)
                    and own["lower_95"].notna().all()):
                ax.fill_between(xs, own["lower_95"], own["upper_95"], color=colour, alpha=0.15, linewidth=0)
        step = max(1, int(np.ceil(len(periods) / 5)))
        ticks = list(range(len(periods)))[::-step][::-1]
        ax.set_xticks(ticks, [periods[t] for t in ticks], fontsize=FONT - 1)
        ax.set_title(f"{name} ({part[unit].iloc[0]})", fontsize=FONT, loc="left")
        ax.tick_params(axis="y", labelsize=FONT - 1)
        ax.grid(axis="x", visible=False)
    order = [w for w in [*places, benchmark, *others] if w in handles]
    fig.suptitle(textwrap.fill(title, TITLE_CHARACTERS), x=0.01, ha="left", fontweight="bold", fontsize=FONT + 1)
    fig.tight_layout(rect=(0, 0.25 / (1.2 + 2.3 * len(panels)) * (1 + len(order) / 2), 1, 1))
    fig.legend([handles[w] for w in order], order, loc="lower left", ncol=2, fontsize=FONT - 1, frameon=False,
               bbox_to_anchor=(0.01, 0.0))
    return fig


def small_area_panels(points: pd.DataFrame, *, title: str, xlabel: str, panel: str = "label",
                      x: str = "deprivation_score", y: str = "smr"):
    """One scatter per measure (2 x 2): each neighbourhood's standardised mortality ratio against its
    deprivation score, with England (100) as a dashed line."""
    panels = list(dict.fromkeys(points[panel]))
    ncols = 2
    nrows = int(np.ceil(len(panels) / ncols))
    fig, axes = style.new_figure(PANEL_WIDTH, 0.8 + 3.0 * nrows, nrows=nrows, ncols=ncols, squeeze=False, sharex=True)
    for ax, name in zip(axes.flat, panels):
        part = points[points[panel] == name]
        ax.scatter(part[x], part[y], s=14, color=style.PLACE, edgecolor="black", linewidths=0.3)
        ax.axhline(100, color=style.ENGLAND, linestyle="--", linewidth=1)
        ax.set_title(textwrap.fill(name, 22), fontsize=FONT - 1, loc="left")
        ax.tick_params(labelsize=FONT - 1)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax in axes[-1, :]:
        ax.set_xlabel(xlabel, fontsize=FONT - 1)
    for ax in axes[:, 0]:
        ax.set_ylabel("Deaths against England (= 100)", fontsize=FONT - 1)
    fig.suptitle(textwrap.fill(title, TITLE_CHARACTERS), x=0.01, ha="left", fontweight="bold", fontsize=FONT + 1)
    fig.tight_layout()
    return fig
