"""The house style: one colour-blind-safe palette, readable type, and a few helpers every chart uses.

Colours are from the Okabe-Ito palette (safe for the common colour-vision deficiencies). Comparisons
with a benchmark use Fingertips' categories with colour-blind-safe colours and are always also stated in
words (legend, table, findings), never by colour alone.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # charts are rendered to files, never to a screen

import matplotlib.pyplot as plt  # noqa: E402

PLACE = "#0072B2"  # blue: the place the chapter is about
ENGLAND = "#000000"  # black: England
REGION = "#7F7F7F"  # grey: the region
OTHER = "#BBBBBB"  # light grey: other areas
HIGHLIGHT = "#D55E00"  # vermilion: areas picked out in the text
MALE = "#0072B2"
FEMALE = "#CC79A7"
PERSONS = "#009E73"

#: Fingertips comparison categories → colour (Okabe-Ito: "similar" is yellow, far from "worse" vermilion).
COMPARISON = {
    "better": "#009E73",
    "similar": "#F0E442",
    "worse": "#D55E00",
    "higher": "#56B4E9",
    "lower": "#0072B2",
    "not compared": "#BBBBBB",
}
#: ... and each category's marker shape, so that colour is never the only cue (up: better, down: worse).
COMPARISON_MARKERS = {
    "better": "^",
    "similar": "o",
    "worse": "v",
    "higher": "s",
    "lower": "D",
    "not compared": "X",
}

#: Deprivation deciles, 1 = most deprived (dark red) to 10 = least deprived (dark blue): ColorBrewer RdYlBu (decile 6
#: lightened so that 6 and 7 differ as much as the others: CIELAB distance at least 19 between neighbours),
#: colour-blind safe, with a clear step in lightness or hue between every pair of neighbouring deciles.
DECILE_PALETTE = ["#A50026", "#D73027", "#F46D43", "#FDAE61", "#FEE090", "#F3FAFC", "#ABD9E9", "#74ADD1",
                  "#4575B4", "#313695"]  # fmt: skip
DECILE_CMAP = "RdYlBu"

SEX_COLOURS = {"male": MALE, "female": FEMALE, "persons": PERSONS}

#: Width of a chart (inches). Charts are SVG drawn at this width (538 CSS px): at a laptop's page width they
#: show at that size, and on a 390 px phone (342 px of page) 10 pt text is still 8.5 CSS px.
WIDTH = 5.6
#: No chart text is smaller than this (points): 13 CSS px at full size, 8 CSS px on a phone.
MIN_FONT = 10


def decile_colours(n: int = 10) -> list:
    if n == 10:
        return list(DECILE_PALETTE)
    cmap = plt.get_cmap(DECILE_CMAP)
    return [cmap(i / (n - 1)) for i in range(n)]


def label_line(ax, text: str, *, x=None, y=None, colour: str = ENGLAND, **kwargs) -> None:
    """Name a reference line on the chart itself (e.g. "England"), not only in the legend: at the top of a
    vertical line (``x``) or the right-hand end of a horizontal one (``y``)."""
    from matplotlib import patheffects

    effects = [patheffects.withStroke(linewidth=3, foreground="white")]
    if x is not None:
        ax.annotate(text, (x, 1), xycoords=("data", "axes fraction"), xytext=(3, -2), textcoords="offset points",
                    ha="left", va="top", color=colour, fontsize=MIN_FONT, path_effects=effects, **kwargs)
    elif y is not None:
        ax.annotate(text, (1, y), xycoords=("axes fraction", "data"), xytext=(-2, 3), textcoords="offset points",
                    ha="right", va="bottom", color=colour, fontsize=MIN_FONT, path_effects=effects, **kwargs)


def apply() -> None:
    """Set matplotlib defaults for the book."""
    plt.rcParams.update(
        {
            "figure.figsize": (WIDTH, 4.2),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "font.size": MIN_FONT,
            "axes.labelsize": MIN_FONT,
            "xtick.labelsize": MIN_FONT,
            "ytick.labelsize": MIN_FONT,
            "legend.fontsize": MIN_FONT,
            "figure.titlesize": 11.5,
            "axes.titlesize": 11.5,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": "#E5E5E5",
            "grid.linewidth": 0.8,
            "legend.frameon": False,
        }
    )


def new_figure(width: float = WIDTH, height: float = 4.2, **kwargs):
    apply()
    return plt.subplots(figsize=(width, height), **kwargs)


def thousands(x, _pos=None) -> str:
    return f"{x:,.0f}"
