"""Fingertips-style spine chart, plus the deprivation charts of the wider determinants chapter.

Spine chart: each indicator is a row; the centre line is England (or, where no England value is
published, the middle English district); the bar shows the range of English districts (lightest: worst to
best; darker: the middle half, 25th to 75th percentile); markers are the place's districts, coloured by
their comparison with England. As in Fingertips, each row is oriented so that better is to the right (for
indicators with no judgement of good or bad, higher is to the right). The comparison is also given in the
table and findings, never by colour alone; districts are told apart by marker shape.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from phna.charts import style
from phna.wording import fmt_num

_MARKERS = ["o", "D", "s", "^", "v", "P", "X", "*"]
COMPARISON_LABELS = {
    "better": "Significantly better than England",
    "similar": "Not significantly different",
    "worse": "Significantly worse than England",
    "higher": "Significantly higher than England",
    "lower": "Significantly lower than England",
    "not compared": "Not compared (no confidence interval)",
}
#: The comparison in a word or two, written beside each value (so colour is never the only cue).
SHORT_LABELS = {"better": "better", "similar": "similar", "worse": "worse", "higher": "higher", "lower": "lower",
                "not compared": "not compared"}


def spine_positions(df: pd.DataFrame) -> pd.DataFrame:
    """Scale each row of a spine table to -1..1 around its centre, better to the right.

    ``df`` needs ``centre, england_districts_min, england_districts_q25, england_districts_q75,
    england_districts_max, value, polarity``. Adds ``pos_min, pos_q25, pos_q75, pos_max, pos_value``.
    """
    out = df.copy()
    flip = np.where(out["polarity"] == "low is good", -1.0, 1.0)
    half = np.maximum(out["centre"] - out["england_districts_min"], out["england_districts_max"] - out["centre"])
    half = half.where(half > 0, 1.0)
    for col, name in (("england_districts_min", "min"), ("england_districts_q25", "q25"),
                      ("england_districts_q75", "q75"), ("england_districts_max", "max"), ("value", "value")):
        out[f"pos_{name}"] = flip * (out[col] - out["centre"]) / half
    # After flipping, "min"/"max" may swap sides: keep left < right for drawing.
    lo = np.minimum(out["pos_min"], out["pos_max"])
    hi = np.maximum(out["pos_min"], out["pos_max"])
    q_lo = np.minimum(out["pos_q25"], out["pos_q75"])
    q_hi = np.maximum(out["pos_q25"], out["pos_q75"])
    out["pos_min"], out["pos_max"], out["pos_q25"], out["pos_q75"] = lo, hi, q_lo, q_hi
    return out


def spine_chart(
    df: pd.DataFrame,
    *,
    title: str,
    indicator: str = "indicator",
    area: str = "area_name",
    comparison: str = "comparison",
    show_values: bool | None = None,
):
    """Draw a spine chart from one row per indicator x area (see the module docstring).

    Parameters
    ----------
    df : DataFrame
        Columns ``indicator, period, unit, polarity, centre, centre_basis, england, england_districts_min/_q25/
        _q75/_max, value, area_name, comparison`` (as :func:`phna.analyses.wider_determinants.indicator_table`).
    title : str
        States the finding.
    show_values : bool, optional
        Print each area's value and England's at the right (default: when there are at most two areas).

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = spine_positions(df)
    indicators = list(dict.fromkeys(data[indicator]))
    areas = list(dict.fromkeys(data[area]))
    if show_values is None:
        show_values = len(areas) <= 2
    domains = data.groupby(indicator, sort=False)["domain"].first() if "domain" in data.columns else None
    # A narrow layout (readable on a phone): each indicator's name, period and values on a line of text above
    # its spine, with the comparison in words; the indicators grouped under their domain.
    lines, rows, y, previous = [], [], 0.0, None
    for name in indicators:
        row = data[data[indicator] == name].iloc[0]
        if domains is not None and domains.get(name) != previous and pd.notna(domains.get(name)):
            previous = domains.get(name)
            lines.append((y, str(previous).replace("_", " ").capitalize(), "heading"))
            y += 0.4
        label = f"{name} ({row['period']}, {row['unit']})" + (" †" if row["centre_basis"] != "England" else "")
        decimals = int(row["decimals"]) if "decimals" in data.columns and pd.notna(row["decimals"]) else 1
        words = []
        for place in areas:
            own = data[(data[indicator] == name) & (data[area] == place)]
            if own.empty or pd.isna(own["value"].iloc[0]):
                continue
            value = fmt_num(own["value"].iloc[0], decimals) if show_values else ""
            words.append(f"{place} {value} ({SHORT_LABELS.get(own[comparison].iloc[0], 'not compared')})".replace("  ", " "))
        if show_values:
            words.append(f"England {fmt_num(row['england'], decimals)}" if pd.notna(row["england"]) else "England: no value")
        text = "\n".join(textwrap.wrap(label, 62) + textwrap.wrap("; ".join(words), 62))
        lines.append((y, text, "label"))
        y += 0.28 * (text.count("\n") + 1) + 0.32
        rows.append((y, name))
        y += 0.42
    height = 0.9 + y * 0.62
    fig, ax = style.new_figure(style.WIDTH, height)
    ax.grid(False)
    for top, text, kind in lines:
        ax.text(-1.05, top, text, ha="left", va="top", fontsize=style.MIN_FONT + (0.5 if kind == "heading" else 0),
                fontweight="bold" if kind == "heading" else "normal")
    for centre, name in rows:
        row = data[data[indicator] == name].iloc[0]
        ax.barh(centre, row["pos_max"] - row["pos_min"], left=row["pos_min"], height=0.36, color="#E3E3E3",
                edgecolor="none")
        ax.barh(centre, row["pos_q75"] - row["pos_q25"], left=row["pos_q25"], height=0.36, color="#A8A8A8",
                edgecolor="none")
        ax.plot([0, 0], [centre - 0.25, centre + 0.25], color=style.ENGLAND, linewidth=1.4, zorder=2)
        for j, place in enumerate(areas):
            own = data[(data[indicator] == name) & (data[area] == place)]
            if own.empty or pd.isna(own["pos_value"].iloc[0]):
                continue
            cat = own[comparison].iloc[0]
            offset = (j - (len(areas) - 1) / 2) * 0.1 if len(areas) > 1 else 0
            ax.plot(own["pos_value"].iloc[0], centre + offset, marker=_MARKERS[j % len(_MARKERS)], markersize=7,
                    color=style.COMPARISON.get(cat, style.COMPARISON["not compared"]), markeredgecolor="black",
                    markeredgewidth=0.7, linestyle="none", zorder=3)
    ax.set_xlim(-1.08, 1.08)
    ax.set_ylim(y + 0.1, -0.25)
    ax.set_yticks([])
    ax.set_xticks([-1, 0, 1], ["Worse\n(or lower)", "England", "Better\n(or higher)"])
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    handles = [Patch(color="#E3E3E3", label="Range of English districts"),
               Patch(color="#A8A8A8", label="Middle half of English districts"),
               Line2D([], [], color=style.ENGLAND, linewidth=1.4, label="England (centre line)")]
    cats = [c for c in COMPARISON_LABELS if c in set(data[comparison])]
    handles += [Line2D([], [], marker="o", linestyle="none", color=style.COMPARISON[c], markeredgecolor="black",
                       label=COMPARISON_LABELS[c]) for c in cats]
    if len(areas) > 1:
        handles += [Line2D([], [], marker=_MARKERS[j % len(_MARKERS)], linestyle="none", color="white",
                           markeredgecolor="black", label=p) for j, p in enumerate(areas)]
    if (data["centre_basis"] != "England").any():
        handles.append(Line2D([], [], linestyle="none", label="† no England value: centre is the middle English district"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(-0.02, -0.02 - 0.5 / height), ncol=1,
              fontsize=style.MIN_FONT)
    ax.set_title(title, loc="left")
    return fig


def domain_chart(df: pd.DataFrame, *, title: str, label: str = "domain_label", index: str = "index",
                 share: str = "share", national: float = 20.0):
    """Horizontal bars: share of the place's small areas in national deciles 1-2 of each domain, by index."""
    indices = list(dict.fromkeys(df[index]))
    labels = list(dict.fromkeys(df[label]))
    colours = [style.REGION, style.PLACE, style.HIGHLIGHT]
    fig, ax = style.new_figure(style.WIDTH, 1.4 + 0.6 * len(labels))
    height = 0.8 / max(len(indices), 1)
    y = np.arange(len(labels))[::-1]
    for k, name in enumerate(indices):
        part = df[df[index] == name].set_index(label).reindex(labels)
        ax.barh(y + (len(indices) - 1) / 2 * height - k * height, part[share], height=height,
                color=colours[k % len(colours)], label=name)
    ax.axvline(national, color=style.ENGLAND, linestyle="--", linewidth=1,
               label=f"England ({national:g} % of small areas by definition)")
    style.label_line(ax, "England", x=national)
    ax.set_yticks(y, ["\n".join(textwrap.wrap(str(t), 26)) for t in labels])
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=True))
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_xlabel("Share of the place's small areas (LSOAs) in England's most deprived 20 % for the domain (%)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12 - 0.5 / (1.4 + 0.6 * len(labels))), fontsize=style.MIN_FONT)
    ax.set_title(title)
    return fig


def change_chart(df: pd.DataFrame, *, title: str, index: str = "index", decile: str = "decile",
                 share: str = "share"):
    """Paired bars: share of small areas in each national decile for two editions of the index."""
    indices = list(dict.fromkeys(df[index]))
    fig, ax = style.new_figure(style.WIDTH, 4.2)
    width = 0.8 / max(len(indices), 1)
    colours = [style.REGION, style.PLACE]
    for k, name in enumerate(indices):
        part = df[df[index] == name].set_index(decile).reindex(range(1, 11))
        ax.bar(np.arange(1, 11) - 0.4 + width / 2 + k * width, part[share].fillna(0), width=width,
               color=colours[k % 2], label=name)
    ax.axhline(10, color=style.ENGLAND, linestyle="--", linewidth=1, label="England (10 % in each decile)")
    style.label_line(ax, "England", y=10)
    ax.set_xticks(range(1, 11))
    ax.set_xlabel("National deprivation decile (1 = most deprived 10 % of England)")
    ax.set_ylabel("Share of small areas (LSOAs) (%)")
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=True))
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.3), fontsize=style.MIN_FONT)
    ax.set_title(title)
    return fig


def gradient_chart(points: pd.DataFrame, fits: pd.DataFrame, *, title: str, place_label: str,
                   x: str = "imd_score", y: str = "value", highlight: str = "in_place", sex: str = "sex"):
    """Life expectancy against deprivation score, one panel per sex: England's MSOAs in grey, the place's
    highlighted, the fitted national line in black."""
    sexes = list(dict.fromkeys(points[sex]))
    # One panel per sex, stacked (side by side they would be too narrow to read on a phone).
    fig, axes = style.new_figure(style.WIDTH, 0.6 + 3.6 * len(sexes), nrows=len(sexes), sharex=True, squeeze=False)
    for ax, s in zip(axes[:, 0], sexes):
        part = points[points[sex] == s]
        other = part[~part[highlight]]
        own = part[part[highlight]]
        ax.scatter(other[x], other[y], s=5, color=style.OTHER, alpha=0.6, label="MSOAs in England", linewidths=0)
        ax.scatter(own[x], own[y], s=22, color=style.SEX_COLOURS.get(s, style.PLACE), edgecolor="black",
                   linewidths=0.5, label=f"MSOAs in {place_label}", zorder=3)
        fit = fits[fits[sex] == s].iloc[0]
        xs = np.linspace(part[x].min(), part[x].max(), 50)
        ax.plot(xs, fit["intercept"] + fit["slope_per_10_points"] / 10 * xs, color=style.ENGLAND, linewidth=1.4,
                label="National line (weighted fit)")
        ax.set_title(f"{s.capitalize()}s", fontsize=11)
        ax.set_ylabel("Life expectancy at birth,\n2016-20 (years)")
    axes[-1][0].legend(loc="upper left", bbox_to_anchor=(0, -0.3), fontsize=style.MIN_FONT, markerscale=2)
    axes[-1][0].set_xlabel("Neighbourhood IMD 2019 score (higher = more deprived)")
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=12)
    return fig
