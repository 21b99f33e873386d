"""Charts of the pages on inequalities across the ICS: Core20 map, age profile, neighbourhood strip charts,
and the proportionate-universalism allocation bars."""

from __future__ import annotations

import numpy as np
import pandas as pd

from phna.charts import style


def age_profile_chart(table: pd.DataFrame, *, title: str):
    """Side-by-side bars: % of each group in each age band."""
    from matplotlib.ticker import PercentFormatter

    bands = list(dict.fromkeys(table["age_band"]))
    groups = list(dict.fromkeys(table["group"]))
    fig, ax = style.new_figure(8, 4.5)
    x = np.arange(len(bands))
    colours = [style.HIGHLIGHT, style.OTHER]
    width = 0.8 / len(groups)
    for i, group in enumerate(groups):
        part = table[table["group"] == group].set_index("age_band").reindex(bands)
        ax.bar(x + (i - (len(groups) - 1) / 2) * width, part["share"], width=width, color=colours[i % 2],
               label=group, edgecolor="white")
    ax.set_xticks(x, bands)
    ax.set_xlabel("Age (years)")
    ax.set_ylabel("Share of the group's population (%)")
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper right")
    ax.set_title(title)
    return fig


def core20_map(areas: dict, deciles: dict, *, title: str, outline: dict | None = None, label: str = "IMD 2019"):
    """Small areas in national deciles 1-2 highlighted; all others light grey; district boundaries on top.

    ``deciles`` maps each small-area code to its national decile.
    """
    from matplotlib.patches import Patch

    from phna.charts import choropleth

    values = {code: float(decile) for code, decile in deciles.items() if decile <= 2}
    fig = choropleth(areas, values, title=title, legend_title="", categorical_deciles=True, outline=outline)
    for axis in fig.axes[1:]:
        fig.delaxes(axis)  # the 10-decile colour bar would suggest deciles 3-10 are shown
    colours = style.decile_colours()
    handles = [Patch(color=colours[0], label=f"Decile 1 of {label} (most deprived 10 % in England)"),
               Patch(color=colours[1], label="Decile 2"), Patch(color="#F0F0F0", label="Deciles 3-10")]
    fig.axes[0].legend(handles=handles, loc="lower left", frameon=False)
    return fig


def msoa_strip_chart(msoas: pd.DataFrame, indicators: list[str], labels: dict[str, str], *, title: str,
                     xlabel: str, reference: float | None = None):
    """Strip plot with medians: one row per indicator × group, each dot an MSOA."""
    height = 1.6 + 0.55 * 2 * len(indicators)
    fig, ax = style.new_figure(8, height)
    rng = np.random.default_rng(1)
    ticks, names = [], []
    y = 0
    for indicator in indicators:
        for group, colour in (("Mostly Core20", style.HIGHLIGHT), ("Other", style.PLACE)):
            part = msoas[(msoas["indicator"] == indicator) & (msoas["group"] == group)]["value"]
            if len(part):
                ax.scatter(part, y + rng.uniform(-0.18, 0.18, len(part)), s=14, color=colour, alpha=0.7,
                           label=group if indicator == indicators[0] else None)
                ax.plot([part.median()] * 2, [y - 0.32, y + 0.32], color=style.ENGLAND, linewidth=2.2,
                        label="Median" if indicator == indicators[0] and group == "Other" else None)
            ticks.append(y)
            names.append(f"{labels[indicator]}\n{group} (n = {len(part)})")
            y += 1
        y += 0.5
    if reference is not None:
        ax.axvline(reference, color=style.REGION, linestyle="--", linewidth=1, label=f"England = {reference:g}")
    ax.set_yticks(ticks, names, fontsize=10)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.75 / (0.75 * height)), ncol=4)
    ax.set_title(title)
    return fig


def allocation_chart(long: pd.DataFrame, *, title: str, xlabel: str, per_head: bool = False):
    """Paired bars per unit: proportionate (blue) and flat per-head (grey) allocation, in pounds."""
    from matplotlib.ticker import FuncFormatter

    units = list(dict.fromkeys(long["unit"]))
    fig, ax = style.new_figure(8, 4.5)
    x = np.arange(len(units))
    column = "per_head" if per_head else "allocation"
    for offset, method, colour in ((-0.2, "proportionate", style.PLACE), (0.2, "flat per head", style.OTHER)):
        part = long[long["method"] == method].set_index("unit").reindex(units)
        ax.bar(x + offset, part[column], width=0.4, color=colour, label=method.capitalize(), edgecolor="white")
    ax.set_xticks(x, units, rotation=0 if len(units) <= 6 else 45, ha="center" if len(units) <= 6 else "right")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Allocation per resident (£)" if per_head else "Allocation (£)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"£{v:,.0f}" if not per_head else f"£{v:,.2f}"))
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper right")
    ax.set_title(title)
    return fig


def gradient_chart(points: pd.DataFrame, fits: pd.DataFrame, *, title: str, place_label: str, index_label: str):
    """Life expectancy against the neighbourhood deprivation score of the chosen index (see
    :func:`phna.charts.spine.gradient_chart`), with the index named on the horizontal axes."""
    from phna.charts import spine

    fig = spine.gradient_chart(points, fits, title=title, place_label=place_label)
    for ax in fig.axes:
        ax.set_xlabel(f"Neighbourhood {index_label} score\n(higher = more deprived)")
    return fig
