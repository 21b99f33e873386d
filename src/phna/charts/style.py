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

#: Fingertips comparison categories → colour.
COMPARISON = {
    "better": "#009E73",
    "similar": "#E69F00",
    "worse": "#D55E00",
    "higher": "#56B4E9",
    "lower": "#0072B2",
    "not compared": "#BBBBBB",
}

#: Sequential colours for deprivation deciles, 1 = most deprived (darkest) to 10 = least deprived.
DECILE_CMAP = "viridis"

SEX_COLOURS = {"male": MALE, "female": FEMALE, "persons": PERSONS}


def decile_colours(n: int = 10) -> list:
    cmap = plt.get_cmap(DECILE_CMAP)
    return [cmap(i / (n - 1)) for i in range(n)]


def apply() -> None:
    """Set matplotlib defaults for the book."""
    plt.rcParams.update(
        {
            "figure.figsize": (8, 4.5),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "font.size": 10,
            "axes.titlesize": 12,
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


def new_figure(width: float = 8, height: float = 4.5, **kwargs):
    apply()
    return plt.subplots(figsize=(width, height), **kwargs)


def thousands(x, _pos=None) -> str:
    return f"{x:,.0f}"
