"""Basic chart types used across chapters: population pyramid, distribution by deprivation decile."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from phna.charts import style


def population_pyramid(
    df: pd.DataFrame,
    *,
    title: str,
    age: str = "age_band",
    sex: str = "sex",
    share: str = "share",
    comparator_share: str | None = None,
    comparator_label: str = "England",
):
    """Population pyramid: males left, females right, as % of the total population.

    ``df`` has one row per age band and sex, with ``share`` (percent of the whole population) and
    optionally ``comparator_share`` (the same for the comparator), drawn as an outline.
    """
    bands = list(dict.fromkeys(df[age]))
    fig, ax = style.new_figure(style.WIDTH, 5.2)
    y = np.arange(len(bands))
    for sex_value, sign, colour in (("male", -1, style.MALE), ("female", 1, style.FEMALE)):
        part = df[df[sex] == sex_value].set_index(age).reindex(bands)
        ax.barh(y, sign * part[share], color=colour, height=0.85, label=sex_value.capitalize())
        if comparator_share:
            ax.step(
                sign * part[comparator_share].to_numpy(),
                y,
                where="mid",
                color=style.ENGLAND,
                linewidth=1.2,
                label=comparator_label if sex_value == "male" else None,
            )
    ax.set_yticks(y, bands)
    ax.set_ylabel("Age (years)")
    limit = float(np.nanmax(np.abs(df[[share] + ([comparator_share] if comparator_share else [])].to_numpy())))
    ax.set_xlim(-limit * 1.1, limit * 1.1)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{abs(v):.1f}%"))
    ax.set_xlabel("Share of the population (%)")
    ax.axvline(0, color="white", linewidth=1)
    ax.grid(axis="y", visible=False)
    ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=3)
    return fig


def decile_bars(
    df: pd.DataFrame,
    *,
    title: str,
    decile: str = "decile",
    value: str = "share",
    comparator: float | None = 10.0,
    comparator_label: str = "England (10% in each decile)",
    xlabel: str = "National deprivation decile (1 = most deprived 10% of England)",
    ylabel: str = "Share of the population (%)",
):
    """Bars by national deprivation decile (1 = most deprived), with the even 10 % line for England."""
    colours = style.decile_colours()
    fig, ax = style.new_figure(style.WIDTH, 4.2)
    data = df.set_index(decile).reindex(range(1, 11))
    ax.bar(data.index, data[value].fillna(0), color=[colours[i - 1] for i in data.index], edgecolor="white")
    if comparator is not None:
        ax.axhline(comparator, color=style.ENGLAND, linestyle="--", linewidth=1, label=comparator_label)
        style.label_line(ax, comparator_label.split(" (")[0], y=comparator)
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.4))
    ax.set_xticks(range(1, 11), ["1\nmost", *map(str, range(2, 10)), "10\nleast"])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=True))
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.grid(axis="x", visible=False)
    ax.set_title(title)
    return fig
