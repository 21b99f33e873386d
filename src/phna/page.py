"""What goes on a page with a chart or table, besides the table itself (see :mod:`phna.tables`): short alt
text, charts saved as SVG with their text as text, download links named for what they download, and the
chapter's settings in words. Used by :class:`phna.context.ChapterContext`.
"""

from __future__ import annotations

import re
import textwrap
import warnings
from pathlib import Path

import matplotlib.pyplot as plt

from phna import tables
from phna.wording import fmt_num, join_names

DATA_DIR = "data"

DEPRIVATION_INDICES = {"imd2019": "English Indices of Deprivation 2019 (IMD 2019)",
                       "iod2025": "English Indices of Deprivation 2025 (IoD 2025)"}


def setting_words(value) -> str:
    """A parameter value in words: none given, yes/no, a list joined with "and", numbers formatted."""
    if value is None or value == "" or (isinstance(value, (list, tuple, dict, set)) and not value):
        return "none given (the published data are used)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set)):
        return join_names([setting_words(v) for v in value])
    if isinstance(value, dict):
        return "; ".join(f"{tables.humanise(str(k))}: {setting_words(v)}" for k, v in value.items())
    if isinstance(value, float):
        return fmt_num(value, 3).rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    text = str(value)
    if "/" in text or text.endswith((".csv", ".xlsx", ".yaml", ".yml")):
        return "a local file supplied by the analyst"
    return text.replace("_", " ")


#: Alt text at most this long (characters): what the chart is and its one message.
ALT_LIMIT = 250
#: Above this, alt text is cut (with a warning).
ALT_HARD_LIMIT = 300


def short_alt(alt: str, name: str = "") -> str:
    """Alt text on one line; longer than :data:`ALT_HARD_LIMIT`: cut to whole sentences (or words) within
    :data:`ALT_LIMIT`, with a warning to shorten it at the source."""
    text = " ".join(alt.split())
    if len(text) <= ALT_HARD_LIMIT:
        return text
    warnings.warn(f"figure {name!r}: alt text has {len(text)} characters; keep it to {ALT_LIMIT} (what the chart "
                  "is and its one message; the numbers are in the table behind it). It was cut.", stacklevel=3)
    sentences = re.split(r"(?<=[.!?])\s+", text)
    kept = ""
    for sentence in sentences:
        if len(kept) + len(sentence) + 1 > ALT_LIMIT:
            break
        kept = f"{kept} {sentence}".strip()
    if not kept:
        kept = text[: ALT_LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return kept


def first_sentence(text: str, limit: int = 90) -> str:
    """The caption's first sentence without markdown, cut at a word within ``limit`` characters."""
    plain = re.sub(r"[*_`]", "", " ".join(str(text).split()))
    sentence = re.split(r"(?<=[.!?])\s+", plain)[0].rstrip(".")
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return sentence


def chart_title(fig) -> str:
    """The chart's own title (the figure's suptitle or its first axes title), on one line."""
    texts = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) is not None else []
    texts += [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center", "right")]
    found = next((t for t in texts if t and t.strip()), "")
    return first_sentence(found, 90) if found else ""


def fit_text(fig, min_font: float | None = None) -> None:
    """Make a chart's text readable at the size shown: nothing below the house minimum font size, and titles
    and axis labels wrapped to the width of the figure (a long title would otherwise widen the image, and
    so shrink everything in it)."""
    from matplotlib.text import Text

    from phna.charts import style

    min_font = min_font or style.MIN_FONT
    fig.canvas.draw()  # tick labels exist only once drawn
    for ax in fig.axes:
        for axis, room in ((ax.yaxis, 44), (ax.xaxis, 18)):
            labels = [t.get_text() for t in axis.get_ticklabels()]
            if any(len(line) > room for label in labels for line in label.split("\n")):
                limits = ax.get_ylim() if axis is ax.yaxis else ax.get_xlim()
                wrapped = ["\n".join(textwrap.fill(line, room) for line in label.split("\n")) for label in labels]
                axis.set_ticks(axis.get_ticklocs(), wrapped)
                (ax.set_ylim if axis is ax.yaxis else ax.set_xlim)(limits)
    for text in fig.findobj(Text):
        if text.get_text().strip() and text.get_fontsize() < min_font:
            text.set_fontsize(min_font)
    width_pt = fig.get_figwidth() * 72

    def wrap(text, room_pt: float) -> None:
        content = text.get_text()
        if not content.strip() or "\n" in content:
            return
        chars = max(20, int(room_pt / (text.get_fontsize() * (0.62 if text.get_fontweight() == "bold" else 0.55))))
        if len(content) > chars:
            text.set_text(textwrap.fill(content, chars))

    if getattr(fig, "_suptitle", None) is not None:
        wrap(fig._suptitle, width_pt * 0.98)
    for ax in fig.axes:
        box = ax.get_position()
        for title in (ax.title, ax._left_title, ax._right_title):
            wrap(title, width_pt * max(box.width, 0.8))
        wrap(ax.xaxis.label, width_pt * box.width)
        wrap(ax.yaxis.label, fig.get_figheight() * 72 * box.height)


def fit_width(fig, width: float | None = None) -> None:
    """Lay a chart out within ``width`` inches, the house chart width: the plotting area makes room for the
    labels (which keep their size) and titles are wrapped to the space they have. A wider image would be
    scaled down on the page, and its text with it."""
    import warnings as _warnings

    from phna.charts import style

    width = width or style.WIDTH
    current, height = fig.get_size_inches()
    if current > width:
        fig.set_size_inches(width, height)
    width_pt = fig.get_figwidth() * 72
    for _ in range(3):
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            # A legend wider than the chart gets fewer columns.
            legend = ax.get_legend()
            while legend is not None and legend._ncols > 1:
                extent = legend.get_window_extent(renderer)
                if extent.x0 >= fig.bbox.x0 - 1 and extent.x1 <= fig.bbox.x1 + 1:
                    break
                legend = _relegend(ax, legend, max(1, legend._ncols // 2))
                fig.canvas.draw()
        if fig.get_layout_engine() is None:
            with _warnings.catch_warnings():
                _warnings.simplefilter("ignore")
                try:
                    fig.tight_layout()
                except Exception:  # some layouts (e.g. legends outside) cannot be tightened; keep them
                    pass
        fig.canvas.draw()
        for ax in fig.axes:
            box = ax.get_position()
            room = (1 - box.x0) * width_pt * 0.97
            for title in (ax.title, ax._left_title, ax._right_title):
                content = title.get_text()
                if not content.strip():
                    continue
                if title is ax._left_title and box.width > 0 and len(fig.axes) == 1:
                    # The chart's title starts at the left edge of the image, over the axis labels too.
                    title.set_x(-(box.x0 - 0.01) / box.width)
                    room = width_pt * 0.97
                chars = max(20, int(room / (title.get_fontsize() * 0.6)))
                title.set_text(textwrap.fill(" ".join(content.split()), chars))
            label = ax.yaxis.label
            if label.get_text().strip():
                chars = max(12, int(box.height * fig.get_figheight() * 72 * 0.97 / (label.get_fontsize() * 0.55)))
                label.set_text(textwrap.fill(" ".join(label.get_text().split()), chars))
            label = ax.xaxis.label
            if label.get_text().strip():
                centre = box.x0 + box.width / 2
                chars = max(16, int(2 * min(centre, 1 - centre) * width_pt * 0.97 / (label.get_fontsize() * 0.55)))
                label.set_text(textwrap.fill(" ".join(label.get_text().split()), chars))
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            # A legend hung below the chart goes below the x axis's labels, whatever their height now.
            legend = ax.get_legend()
            if legend is None or legend._loc not in (1, 2, 9, "upper right", "upper left", "upper center"):
                continue
            anchor = legend.get_bbox_to_anchor().transformed(ax.transAxes.inverted())
            if anchor.y0 >= 0:
                continue
            bottom = ax.transAxes.inverted().transform((0, ax.xaxis.get_tightbbox(renderer).y0))[1]
            if abs(anchor.y0 - (bottom - 0.02)) > 0.01:
                _relegend(ax, legend, legend._ncols, y=bottom - 0.02)


def _relegend(ax, legend, ncols: int, y: float | None = None):
    """The same legend, anchored at the same place (or height ``y``, in axes fraction), in ``ncols`` columns."""
    anchor = legend.get_bbox_to_anchor().transformed(ax.transAxes.inverted())
    return ax.legend(legend.legend_handles, [t.get_text() for t in legend.get_texts()], loc=legend._loc,
                     bbox_to_anchor=(anchor.x0, anchor.y0 if y is None else y, anchor.width, anchor.height), ncols=ncols,
                     fontsize=legend.get_texts()[0].get_fontsize() if legend.get_texts() else None,
                     frameon=legend.get_frame_on(), title=legend.get_title().get_text() or None)


def save_figure(fig, path: Path) -> None:
    """Save a chart: SVG with its text as text, dense layers rasterised; or PNG."""
    from phna.charts import style

    current, height = fig.get_size_inches()
    if current > style.WIDTH:
        fig.set_size_inches(style.WIDTH, height)
    fit_text(fig)
    fit_width(fig)
    if path.suffix == ".svg":
        for ax in fig.axes:
            for artist in [*ax.collections, *ax.patches, *ax.lines]:
                count = len(getattr(artist, "get_paths", lambda: [])()) if hasattr(artist, "get_paths") else 0
                offsets = getattr(artist, "get_offsets", None)
                if count > RASTER_ABOVE or (offsets is not None and len(offsets()) > RASTER_ABOVE):
                    artist.set_rasterized(True)
        with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "phna"}):
            fig.savefig(path, format="svg", metadata={"Date": None}, dpi=200)
    else:
        fig.savefig(path)


#: Layers with more shapes or points than this are rasterised inside an SVG (text and axes stay vector).
RASTER_ABOVE = 400


def download_link(text: str, path: Path) -> str:
    """A MyST link that Sphinx publishes as a download, named for the chart or table it belongs to."""
    label = text.replace("[", "(").replace("]", ")")
    return f"[{label}]({DATA_DIR}/{path.name})"


