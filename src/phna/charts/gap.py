"""Charts of a gap and its parts: the gap in life expectancy by age band (Arriaga) and the SII over deciles."""

from __future__ import annotations

import numpy as np
import pandas as pd

from phna.charts import style
from phna.wording import fmt_num

AGE_BANDS = ["0", "1-4"] + [f"{a}-{a + 4}" for a in range(5, 90, 5)] + ["90+"]
SEX_WORDS = {"male": "Male", "female": "Female"}


def gap_chart(table: pd.DataFrame, *, title: str, sexes=("male", "female")):
    """Bars by age band (one panel per sex): years each band adds to (+) or takes from (−) the gap.

    ``table`` has ``sex``, ``age_band`` (the 20 life-table bands), ``contribution`` and ``gap`` (years). Bars that
    add years are in the sex's colour, bars that take years away in vermilion with a hatch (colour with a shape).
    """
    fig, axes = style.new_figure(9, 5, ncols=2, sharey=True)
    y = np.arange(len(AGE_BANDS))
    for ax, sex in zip(axes, sexes):
        part = table[table["sex"] == sex].set_index("age_band").reindex(AGE_BANDS)
        values = np.nan_to_num(part["contribution"].to_numpy(dtype=float))
        colours = [style.SEX_COLOURS[sex] if v >= 0 else style.HIGHLIGHT for v in values]
        bars = ax.barh(y, values, color=colours, height=0.8)
        for bar, v in zip(bars, values):
            if v < 0:
                bar.set_hatch("///")
        ax.axvline(0, color=style.ENGLAND, linewidth=0.8)
        gap = part["gap"].dropna()
        ax.set_title(f"{SEX_WORDS.get(sex, sex)}: gap {fmt_num(gap.iloc[0] if len(gap) else np.nan, 1)} years", fontsize=10)
        ax.set_xlabel("Contribution to the gap (years)")
        ax.grid(axis="y", visible=False)
    axes[0].set_yticks(y, AGE_BANDS)
    axes[0].set_ylabel("Age band (years)")
    fig.suptitle(title, x=0.02, ha="left", fontweight="bold", fontsize=12)
    fig.tight_layout()
    return fig


def sii_deciles_chart(deciles: pd.DataFrame, sii: pd.DataFrame, *, title: str, lower: str, upper: str,
                      sexes=("male", "female")):
    """Life expectancy by local deprivation decile (points with intervals) and the SII line, one panel per sex.

    ``deciles``: ``sex``, ``decile`` (1 = most deprived), ``value``, the columns ``lower``/``upper`` (limits of
    each decile) and ``person_years``; ``sii``: ``sex``, ``sii`` and the main-level limits. The fitted line runs from
    the most to the least deprived end, its rise being the SII.
    """
    fig, axes = style.new_figure(9, 4.5, ncols=2)
    for ax, sex in zip(axes, sexes):
        part = deciles[deciles["sex"] == sex].sort_values("decile")
        if part.empty:
            ax.set_visible(False)
            continue
        x = part["decile"].to_numpy(dtype=float)
        v = part["value"].to_numpy(dtype=float)
        err = np.vstack([v - part[lower].to_numpy(dtype=float), part[upper].to_numpy(dtype=float) - v])
        ax.errorbar(x, v, yerr=err, fmt="o", color=style.SEX_COLOURS[sex], capsize=3, label="Decile, with interval")
        row = sii[sii["sex"] == sex]
        if len(row):
            share = part["person_years"].to_numpy(dtype=float) / part["person_years"].sum()
            rank = np.cumsum(share) - share / 2
            slope = float(row["sii"].iloc[0])
            intercept = float(np.sum(share * v) - slope * np.sum(share * rank))
            ax.plot(x, intercept + slope * rank, color=style.ENGLAND, linestyle="--",
                    label=f"Fitted line (SII {fmt_num(slope)} years)")
        ax.set_title(SEX_WORDS.get(sex, sex), fontsize=10)
        ax.set_xticks(range(1, 11))
        ax.set_xlabel("Local deprivation decile (1 = most deprived)")
        ax.set_ylabel("Life expectancy at birth (years)")
        ax.legend(loc="lower right", fontsize=9)
    fig.suptitle(title, x=0.02, ha="left", fontweight="bold", fontsize=12)
    fig.tight_layout()
    return fig
