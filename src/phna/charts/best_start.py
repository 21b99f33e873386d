"""Charts of the best start in life chapter, drawn narrow so they read on a phone as well as a laptop.

- :func:`spine_panel`: a Fingertips-style spine chart of one section's indicators. Each indicator's name sits
  above its bar (not beside it), so the chart is narrow; England is the centre line; the bar spans the
  comparable English councils (light: all, dark: the middle half); markers are the place's areas, coloured by
  their comparison with England and told apart by shape; an open diamond marks the region. Better is to
  the right (higher, where there is no judgement of good or bad).
- :func:`trend_panels`: small multiples of the chapter's main series, the place's areas against England and
  the region.
- :func:`quintile_bars` and :func:`gradient_bars`: children by national deprivation quintile; England's injury
  admissions by deprivation decile.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from phna.charts import style
from phna.wording import fmt_num

MARKERS = ["o", "s", "^", "v", "P", "X", "*", "h"]
WIDTH = 4.6  # inches (690 px saved): shown about 675 px wide on a laptop and 350 px on a phone, so 10-point
# text is about 20 CSS px on a laptop and 10 px on a phone
WIDE = 6.4  # small multiples two panels across (the chapter uses one across, for phones)
LABELS = {
    "better": "Better than England", "worse": "Worse than England", "similar": "Similar to England",
    "higher": "Higher than England", "lower": "Lower than England", "not compared": "Not compared (no limits)",
}


def positions(df: pd.DataFrame) -> pd.DataFrame:
    """Scale each row to -1..1 around England, better (or higher) to the right: adds ``pos_*`` columns."""
    out = df.copy()
    flip = np.where(out["polarity"] == "low is good", -1.0, 1.0)
    centre = out["england"].where(out["england"].notna(), out["range_median"])
    half = np.maximum(centre - out["range_min"], out["range_max"] - centre)
    half = half.where(half > 0, 1.0)
    for col in ("range_min", "range_q25", "range_q75", "range_max", "value", "region"):
        out[f"pos_{col}"] = flip * (out[col] - centre) / half
    for a, b in (("pos_range_min", "pos_range_max"), ("pos_range_q25", "pos_range_q75")):
        lo, hi = np.minimum(out[a], out[b]), np.maximum(out[a], out[b])
        out[a], out[b] = lo, hi
    return out


def spine_panel(df: pd.DataFrame, *, title: str, areas: list[str] | None = None, region: str = "West Midlands"):
    """One section's spine chart (rows of :attr:`phna.analyses.best_start.Indicators.table`).

    Each row is a label (wrapped to the chart's width), a grey line with the values, and the bar, so no text
    runs outside the axes and the chart keeps its width on the page.
    """
    data = positions(df[df["value"].notna()])
    indicators = list(dict.fromkeys(data["indicator"]))
    areas = areas or list(dict.fromkeys(data["area_name"]))
    line, bar, gap = 0.3, 0.5, 0.3
    layout = []
    for name in indicators:
        rows = data[data["indicator"] == name]
        row = rows.iloc[0]
        label = textwrap.wrap(f"{name}, {row['period']} ({row['unit']})", 44)
        decimals = int(row["decimals"])
        parts = [f"{a} {fmt_num(rows.loc[rows['area_name'] == a, 'value'].iloc[0], decimals)}" for a in areas
                 if (rows["area_name"] == a).any()]
        if pd.notna(row["region"]):
            parts.append(f"{region} {fmt_num(row['region'], decimals)}")
        parts.append(f"England {fmt_num(row['england'], decimals)}")
        values = textwrap.wrap(" · ".join(parts), 48)
        layout.append((name, rows, row, label, values))
    total = sum(line * (len(lab) + len(val)) + bar + gap for _, _, _, lab, val in layout)
    height = 0.62 * total + 2.2 + 0.24 * (len(areas) + 5)
    fig, ax = style.new_figure(WIDTH, height)
    ax.grid(False)
    y = total
    for name, rows, row, label, values in layout:
        for text in label:
            y -= line
            ax.text(-1.05, y, text, ha="left", va="bottom", fontsize=10.5)
        for text in values:
            y -= line
            ax.text(-1.05, y, text, ha="left", va="bottom", fontsize=10, color="#444444")
        y -= bar / 2 + 0.05
        ax.plot([0, 0], [y - 0.3, y + 0.3], color=style.ENGLAND, linewidth=1.2, zorder=2)
        ax.barh(y, row["pos_range_max"] - row["pos_range_min"], left=row["pos_range_min"], height=0.34,
                color="#E3E3E3", edgecolor="none")
        ax.barh(y, row["pos_range_q75"] - row["pos_range_q25"], left=row["pos_range_q25"], height=0.34,
                color="#A8A8A8", edgecolor="none")
        if pd.notna(row["pos_region"]):
            ax.plot(row["pos_region"], y, marker="D", markersize=7, markerfacecolor="white", markeredgecolor="black",
                    linestyle="none", zorder=3)
        for j, area in enumerate(areas):
            own = rows[rows["area_name"] == area]
            if own.empty:
                continue
            offset = (j - (len(areas) - 1) / 2) * 0.06 if len(areas) > 1 else 0
            ax.plot(own["pos_value"].iloc[0], y + offset, marker=MARKERS[j % len(MARKERS)], markersize=9,
                    color=style.COMPARISON.get(own["comparison"].iloc[0], style.COMPARISON["not compared"]),
                    markeredgecolor="black", markeredgewidth=0.7, linestyle="none", zorder=4)
        y -= bar / 2 - 0.05 + gap
    ax.set_xlim(-1.08, 1.08)
    ax.set_ylim(0, total + 0.05)
    ax.set_yticks([])
    ax.set_xticks([-1, 0, 1], ["Worse\n(or lower)", "England", "Better\n(or higher)"], fontsize=10)
    ax.spines["left"].set_visible(False)
    handles = [Patch(color="#E3E3E3", label="All English councils"),
               Patch(color="#A8A8A8", label="Middle half of councils"),
               Line2D([], [], marker="D", linestyle="none", markerfacecolor="white", markeredgecolor="black",
                      label=region)]
    cats = [c for c in LABELS if c in set(data["comparison"])]
    handles += [Line2D([], [], marker="o", linestyle="none", color=style.COMPARISON[c], markeredgecolor="black",
                       label=LABELS[c]) for c in cats]
    handles += [Line2D([], [], marker=MARKERS[j % len(MARKERS)], linestyle="none", color="white", markeredgecolor="black",
                       label=a) for j, a in enumerate(areas) if (data["area_name"] == a).any()]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(-0.02, -0.5 / height), ncol=1, fontsize=10)
    ax.set_title("\n".join(textwrap.wrap(title, 42)), loc="left", fontsize=12)
    return fig


def trend_panels(series: pd.DataFrame, *, title: str, places: list[str], region: str = "West Midlands", ncols: int = 1):
    """Small multiples: one panel per indicator (``key``), the place's areas in colour, England in black and
    the West Midlands in grey; 95 % limits as a band where published."""
    keys = list(dict.fromkeys(series["key"]))
    nrows = math.ceil(len(keys) / ncols)
    fig, axes = style.new_figure(WIDTH if ncols == 1 else WIDE, 2.3 * nrows + 1.2, nrows=nrows, ncols=ncols, squeeze=False)
    colours = [style.PLACE, style.HIGHLIGHT, "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#F0E442"]
    for ax, key in zip(axes.flat, keys):
        part = series[series["key"] == key].sort_values("time")
        # x is the period's first year, so gaps in a series (no data in 2019/20 and 2020/21) show as gaps.
        labels = part.drop_duplicates("time").set_index("time")["period"]
        for j, area in enumerate(places + [region, "England"]):
            line = part[(part["area_name"] == area) & part["value"].notna()]
            if line.empty:
                continue
            colour = style.ENGLAND if area == "England" else style.REGION if area == region else colours[j % len(colours)]
            xs = line["time"]
            ax.plot(xs, line["value"], color=colour, marker=MARKERS[j % len(MARKERS)], markersize=4, linewidth=1.5,
                    linestyle="--" if area == region else "-", label=area)
            if line["lower_95"].notna().any() and area not in ("England",):
                ax.fill_between(xs, line["lower_95"], line["upper_95"], color=colour, alpha=0.15, linewidth=0)
        ax.set_title("\n".join(textwrap.wrap(part["indicator"].iloc[0], 44 if ncols == 1 else 32)), fontsize=10.5, loc="left")
        ax.set_ylabel(part["unit"].iloc[0], fontsize=9)
        ticks = [labels.index.min(), labels.index.max()]
        ax.set_xticks(ticks, [labels[t] for t in ticks], fontsize=9)
        ax.tick_params(axis="y", labelsize=9)
    for ax in list(axes.flat)[len(keys):]:
        ax.set_visible(False)
    handles, labels = [], []
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="lower center", ncol=min(2, len(labels)), fontsize=10, frameon=False)
    fig.suptitle("\n".join(textwrap.wrap(title, 60)), x=0.01, ha="left", fontweight="bold", fontsize=12)
    fig.tight_layout(rect=(0, (0.35 + 0.22 * math.ceil(len(labels) / 2)) / fig.get_figheight(), 1,
                           1 - 0.5 / fig.get_figheight()))
    return fig


def quintile_bars(quintiles: pd.DataFrame, *, title: str):
    """Share of the place's under-5s and under-18s in each national deprivation quintile (1 = most deprived)."""
    groups = list(dict.fromkeys(quintiles["age_group"]))
    fig, ax = style.new_figure(WIDTH, 3.6)
    width = 0.8 / max(len(groups), 1)
    for k, group in enumerate(groups):
        part = quintiles[quintiles["age_group"] == group].sort_values("quintile")
        ax.bar(part["quintile"] - 0.4 + width / 2 + k * width, part["share"], width=width,
               color=[style.PLACE, style.REGION][k % 2], label=group, hatch=["", "//"][k % 2], edgecolor="white")
    ax.axhline(20, color=style.ENGLAND, linestyle="--", linewidth=1, label="20 % (an even spread)")
    ax.set_xticks(range(1, 6), ["1\nmost\ndeprived", "2", "3", "4", "5\nleast\ndeprived"], fontsize=10)
    ax.set_xlabel("National deprivation quintile\nof the child's small area", fontsize=10)
    ax.set_ylabel("Share of the place's children (%)", fontsize=10)
    ax.legend(fontsize=10, loc="upper right")
    ax.set_title("\n".join(textwrap.wrap(title, 42)), fontsize=12)
    return fig


def gradient_bars(table: pd.DataFrame, *, title: str, ylabel: str):
    """England's rate by deprivation decile (1 = most deprived) with its confidence interval."""
    fig, ax = style.new_figure(WIDTH, 3.6)
    errors = np.vstack([table["value"] - table["lower"], table["upper"] - table["value"]])
    ax.bar(table["decile"], table["value"], color=style.PLACE, yerr=errors, capsize=3, ecolor="black")
    ax.set_xticks(range(1, 11), ["1\nmost", *[str(i) for i in range(2, 10)], "10\nleast"], fontsize=10)
    ax.set_xlabel("Deprivation decile of the council area\n(IMD 2019; 1 = most deprived)", fontsize=10)
    ax.set_ylabel(ylabel, fontsize=10)
    ax.set_title("\n".join(textwrap.wrap(title, 42)), fontsize=12)
    return fig
