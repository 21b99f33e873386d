"""Charts of what a deaths extract adds: life expectancy by local deprivation quintile (with the SII line) and the
gap between the most and least deprived quintiles by age and cause group (stacked bars)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from phna.charts import style
from phna.wording import fmt_num

AGE_BANDS = ["0", "1-4"] + [f"{a}-{a + 4}" for a in range(5, 90, 5)] + ["90+"]
SEX_WORDS = {"male": "Men", "female": "Women"}
# Okabe-Ito colours with a hatch each, so neighbouring causes differ by more than colour
CAUSE_STYLE = {
    "Circulatory": ("#D55E00", ""), "Cancer": ("#0072B2", "//"), "Respiratory": ("#009E73", ""),
    "Digestive": ("#E69F00", ".."), "External causes": ("#56B4E9", ""), "Mental and behavioural": ("#CC79A7", "xx"),
    "COVID-19": ("#F0E442", ""), "Other": ("#999999", "\\\\"),
}


def quintile_chart(quintiles: pd.DataFrame, sii: pd.DataFrame, *, title: str, sexes=("male", "female")):
    """Life expectancy in each local quintile (points with intervals) and the fitted SII line, one panel per sex.

    ``quintiles``: ``sex``, ``quintile`` (1 = most deprived), ``value``, ``lower``, ``upper``, ``person_years``;
    ``sii``: ``sex``, ``sii``. Withheld values (NaN) are not drawn.
    """
    fig, axes = style.new_figure(6, 7.5, nrows=2)  # panels one above the other: narrow, read on phones too
    for ax, sex in zip(axes, sexes):
        part = quintiles[(quintiles["sex"] == sex) & quintiles["value"].notna()].sort_values("quintile")
        ax.set_title(SEX_WORDS.get(sex, sex), fontsize=11)
        ax.set_xticks(range(1, 6), ["1\nmost\ndeprived", "2", "3", "4", "5\nleast\ndeprived"])
        ax.set_xlabel("Local deprivation quintile")
        ax.set_ylabel("Life expectancy at birth (years)")
        if part.empty:
            continue
        x, v = part["quintile"].to_numpy(dtype=float), part["value"].to_numpy(dtype=float)
        err = np.vstack([v - part["lower"].to_numpy(dtype=float), part["upper"].to_numpy(dtype=float) - v])
        ax.errorbar(x, v, yerr=err, fmt="o", color=style.SEX_COLOURS[sex], capsize=3, label="Quintile, with interval")
        row = sii[(sii["sex"] == sex) & sii["sii"].notna()]
        if len(row) and len(part) == 5:
            share = part["person_years"].to_numpy(dtype=float) / part["person_years"].sum()
            rank = np.cumsum(share) - share / 2
            slope = float(row["sii"].iloc[0])
            intercept = float(np.sum(share * v) - slope * np.sum(share * rank))
            ax.plot(x, intercept + slope * rank, color=style.ENGLAND, linestyle="--",
                    label=f"Fitted line (gap {fmt_num(slope)} years)")
        ax.legend(loc="lower right", fontsize=10)
    fig.suptitle(title, x=0.02, ha="left", fontweight="bold", fontsize=12)
    fig.tight_layout()
    return fig


def cause_age_chart(table: pd.DataFrame, *, title: str, sexes=("male", "female")):
    """Stacked bars by age band (one panel per sex): the years each cause group at each age adds to the gap.

    ``table``: ``sex``, ``age_band``, ``cause_label``, ``contribution`` (years; positive widens the gap between
    the least and the most deprived), ``gap``.
    """
    fig, axes = style.new_figure(6, 11, nrows=2)  # panels one above the other: narrow, read on phones too
    y = np.arange(len(AGE_BANDS))
    for ax, sex in zip(axes, sexes):
        part = table[table["sex"] == sex]
        wide = (part.pivot_table(index="age_band", columns="cause_label", values="contribution", aggfunc="sum")
                .reindex(AGE_BANDS).fillna(0.0))
        # contributions are most minus least deprived: shown as years lost by the most deprived (positive)
        wide = -wide
        left_pos, left_neg = np.zeros(len(y)), np.zeros(len(y))
        for cause, (colour, hatch) in CAUSE_STYLE.items():
            if cause not in wide:
                continue
            values = wide[cause].to_numpy()
            left = np.where(values >= 0, left_pos, left_neg)
            ax.barh(y, values, left=left, color=colour, hatch=hatch, edgecolor="white", linewidth=0.3, height=0.8,
                    label=cause)
            left_pos += np.where(values >= 0, values, 0)
            left_neg += np.where(values < 0, values, 0)
        ax.axvline(0, color=style.ENGLAND, linewidth=0.8)
        gap = part["gap"].dropna()
        ax.set_title(f"{SEX_WORDS.get(sex, sex)}: gap {fmt_num(-gap.iloc[0] if len(gap) else np.nan)} years",
                     fontsize=11)
        ax.set_xlabel("Years of the gap")
        ax.grid(axis="y", visible=False)
        ax.set_yticks(y, AGE_BANDS)
        ax.set_ylabel("Age band (years)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=10, frameon=False)
    fig.suptitle(title, x=0.02, ha="left", fontweight="bold", fontsize=12)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig
