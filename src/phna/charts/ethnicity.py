"""Charts of ethnic group: composition against comparators, and Core20 shares by group as ratios with intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, PercentFormatter

from phna.charts import style


def _area_colour(code: str) -> str:
    if str(code).startswith("E92"):
        return style.ENGLAND
    if str(code).startswith("E12"):
        return style.REGION
    return style.PLACE if str(code).startswith("place:") else style.OTHER


def composition_chart(table: pd.DataFrame, *, title: str, groups: list[str]):
    """Horizontal bars: % of residents in each group, one bar per area (the place in blue, England black, the
    region grey), each labelled with its value."""
    areas = list(dict.fromkeys(table["area"]))
    codes = table.drop_duplicates("area").set_index("area")["area_code"]
    fig, ax = style.new_figure(6, 1.2 + 0.75 * len(groups))  # narrow: read on phones too
    y = np.arange(len(groups))
    height = 0.8 / max(len(areas), 1)
    for i, area in enumerate(areas):
        part = table[table["area"] == area].set_index("ethnic_group").reindex(groups)["percent"]
        offset = (i - (len(areas) - 1) / 2) * height
        bars = ax.barh(y + offset, part, height=height, color=_area_colour(codes[area]), label=area)
        for bar, value in zip(bars, part):
            if not np.isnan(value):
                ax.text(bar.get_width() + 0.6, bar.get_y() + bar.get_height() / 2, f"{value:.1f} %", va="center",
                        fontsize=8.5)
    ax.set_yticks(y, groups)
    ax.invert_yaxis()
    ax.set_xlabel("Share of usual residents (%)")
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_xlim(0, min(100, table["percent"].max() * 1.15 + 3))
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    ax.set_title(title)
    return fig


def ratio_chart(table: pd.DataFrame, *, title: str, lower: str, upper: str, level: float, reference_label: str):
    """Dots with intervals: each group's Core20 share as a multiple of all residents' (log scale, 1 = the same)."""
    shown = table[table["ratio"].notna() & (table["comparison"] != "reference")]
    fig, ax = style.new_figure(6, 1.6 + 0.6 * max(len(shown), 1))  # narrow: read on phones too
    colours = {"more likely": style.HIGHLIGHT, "less likely": style.PLACE, "no clear difference": style.REGION}
    y = np.arange(len(shown))
    for i, (_, row) in enumerate(shown.iterrows()):
        colour = colours.get(row["comparison"], style.REGION)
        if not np.isnan(row[lower]):
            ax.plot([row[lower], row[upper]], [i, i], color=colour, linewidth=2.5, solid_capstyle="butt")
        marker = {"more likely": "^", "less likely": "v"}.get(row["comparison"], "o")
        ax.plot(row["ratio"], i, marker=marker, color=colour, markersize=9, linestyle="none")
    present = set(shown["comparison"])
    handles = [ax.plot([], [], marker=m, color=colours[key], linestyle="none", markersize=8, label=label)[0]
               for key, label, m in (("more likely", "More likely than all residents", "^"),
                                     ("no clear difference", "No clear difference", "o"),
                                     ("less likely", "Less likely than all residents", "v")) if key in present]
    ax.axvline(1, color=style.ENGLAND, linestyle="--", linewidth=1)
    handles.append(ax.plot([], [], color=style.ENGLAND, linestyle="--", linewidth=1, label="Same as all residents")[0])
    labels = [f"{g}\n{s:.1f} % in Core20 areas" for g, s in zip(shown["group"], shown["share"])]
    ax.set_yticks(y, labels, fontsize=9.5)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    values = pd.concat([shown["ratio"], shown[lower], shown[upper]]).dropna()
    low, high = (min(values.min(), 1) / 1.25, max(values.max(), 1) * 1.25) if len(values) else (0.5, 2)
    ax.set_xlim(low, high)
    ticks = [t for t in (0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 10) if low <= t <= high]
    ax.set_xticks(ticks)
    ax.set_xlabel(f"Times the share for {reference_label}\n(log scale; lines: {level * 100:g} % confidence interval)")
    ax.grid(axis="y", visible=False)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.18 - 0.6 / max(len(shown), 1)),
              ncol=2)
    ax.set_title(title)
    return fig
