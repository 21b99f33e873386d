"""The chapter context: what a template gets after its parameters cell.

A template creates one context from its parameters and then only calls the library::

    ctx = phna.chapter("overview", place=place, comparators=comparators, ...)
    result = phna.analyses.overview.population(ctx)
    ctx.findings(result.findings)
    ctx.figure(fig, name="pyramid", alt=..., caption=..., source=..., data=result.table)
    ...
    ctx.footer()

The context publishes every figure the same way (PNG with alt text, caption with source and period, and a
CSV of exactly the numbers plotted, linked for download), writes findings at the top of the page and the
provenance note at the bottom.
"""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path
from typing import Any, Iterable, Sequence

import matplotlib.pyplot as plt
import pandas as pd

from phna import provenance
from phna import tables
from phna.page import (  # noqa: F401 - ALT_LIMIT is part of this module's interface
    ALT_LIMIT, DEPRIVATION_INDICES, chart_title, download_link, first_sentence, save_figure, setting_words, short_alt,
)
from phna.tables import METADATA_COLUMNS  # noqa: F401 - kept importable from here
from phna.wording import fmt_num, join_names, plural
from phna.config import Config, Place, load_config
from phna.parameters import resolve
from phna.errors import ConfigError

DATA_DIR = "data"


def _display_markdown(text: str, metadata: dict | None = None) -> None:
    from IPython.display import Markdown, display

    display(Markdown(text), metadata=metadata or {})


def display_format(values: pd.Series):
    """A formatter rounding a float column for reading: 3 decimals below 1, else 1 (thousands separated)."""
    finite = values.dropna().abs()
    decimals = 3 if len(finite) and finite.max() < 1 else 1
    return lambda value: fmt_num(value, decimals)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class ChapterContext:
    """Everything a chapter needs about its place and parameters, and how it publishes results."""

    def __init__(
        self,
        chapter: str,
        *,
        place: str,
        config_path: str | None = None,
        output_dir: str | Path | None = None,
        **parameters: Any,
    ):
        self.chapter = chapter
        self.config: Config = load_config(config_path, check_codes=False)
        #: The frozen, validated parameters of this run (:func:`phna.parameters.resolve`, the same function the
        #: runner used before the run): analyses take this, never the context.
        self.params = resolve(self.config, chapter, place, parameters)
        self.output_dir = Path(output_dir) if output_dir is not None else Path.cwd()
        self._figures = 0

    # Read-only views of the parameters (templates may read them; analyses take ``ctx.params``).
    place = property(lambda self: self.params.place)
    comparators = property(lambda self: list(self.params.comparators))
    deprivation_index = property(lambda self: self.params.deprivation_index)
    confidence = property(lambda self: list(self.params.confidence))
    period = property(lambda self: self.params.period)
    extra = property(lambda self: dict(self.params.extra))
    parameters = property(lambda self: self.params.as_dict())
    areas = property(lambda self: self.params.areas)
    name = property(lambda self: self.params.name)
    level = property(lambda self: self.params.level)

    def select_period(self, periods: Iterable[str], what: str, strict: bool = True) -> str:
        return self.params.select_period(periods, what, strict)

    def require_latest(self, what: str) -> None:
        self.params.require_latest(what)

    def comparator_names(self) -> list[str]:
        return self.params.comparator_names()

    def banner(self) -> None:
        """One line under the title: the place, what it is made of, and what it is compared with."""
        from phna import geography

        if self.place.districts:
            names = geography.area_names()
            parts = ", ".join(names.get(c, c) for c in self.place.districts)
        else:
            parts = f"{len(self.place.lsoas)} small areas (LSOAs)"
        levels = " and ".join(f"{c * 100:g} %" for c in self.confidence)
        _display_markdown(
            f"**{self.name}**: {parts}. Compared with {' and '.join(self.comparator_names())}; "
            f"confidence intervals at {levels}."
        )

    # -------------------------------------------------------------- publishing
    def _path(self, name: str, suffix: str) -> Path:
        directory = self.output_dir / DATA_DIR
        directory.mkdir(parents=True, exist_ok=True)
        return directory / f"{self.config.file_prefix(self.chapter, self.place.slug)}{_slug(name)}{suffix}"

    def heading(self, text: str) -> None:
        """A heading inside outputs (myst-nb drops section headings in outputs, so this is a rubric;
        use markdown cells for the chapter's own sections)."""
        _display_markdown(f"```{{rubric}} {text}\n```")

    def text(self, markdown: str) -> None:
        _display_markdown(markdown)

    def findings(self, items: Iterable, title: str = "Key findings", limit: int = 5) -> None:
        """Show the key findings at the top of the page: findings records ranked by
        :func:`phna.findings.rank` (at most ``limit``), written by :func:`phna.wording.finding_sentence`.

        Plain sentences are still accepted (shown in the order given) while chapters move to records.
        The records shown are attached to the output as metadata, so the runner can build each place's
        messages page from them.
        """
        from phna.findings import Finding, rank, with_chapter

        items = [i for i in items if i]
        records = with_chapter([i for i in items if isinstance(i, Finding)], self.chapter)
        sentences = [i for i in items if not isinstance(i, Finding)]
        chosen = rank(records, limit=limit)
        lines = [f.sentence for f in chosen] + sentences[: max(0, limit - len(chosen))]
        if not lines:
            lines = ["No findings could be generated for this place from the data available."]
        body = "\n".join(f"- {s}" for s in lines)
        _display_markdown(
            f":::{{admonition}} {title}\n:class: tip findings\n\n{body}\n:::\n",
            metadata={"phna_findings": [f.as_record() for f in chosen]},
        )

    def unavailable(self, what: str, why: str) -> None:
        """Say plainly that a chart or table cannot be shown, and why (never a blank chart)."""
        _display_markdown(f":::{{note}} {what}: not shown\n{why}\n:::\n")

    def write_csv(self, data: pd.DataFrame, name: str) -> Path:
        path = self._path(name, ".csv")
        data.to_csv(path, index=False)
        return path

    def figure(
        self,
        fig,
        *,
        name: str,
        alt: str,
        caption: str,
        source: str,
        data: pd.DataFrame,
        format: str = "svg",  # noqa: A002 - the word matplotlib uses
    ) -> None:
        """Publish a figure: the image with alt text, caption with its source, and the CSV behind it.

        Charts are SVG by default: their text stays sharp at any width and the site checks measure it (the
        text stays text; dense layers such as thousands of points or small-area shapes are rasterised inside
        the SVG to keep it small). ``format="png"`` is still accepted. Alt text says what the chart is and its
        one message in at most :data:`ALT_LIMIT` characters (the numbers are in the CSV); longer alt text is cut
        at a sentence (or word) boundary with a warning.
        """
        if not alt or not alt.strip():
            raise ValueError(f"figure {name!r} needs alt text describing what it shows")
        if format not in ("svg", "png"):
            raise ValueError(f"figure {name!r}: format must be 'svg' or 'png', not {format!r}")
        if data is None or len(data) == 0:
            plt.close(fig)
            self.unavailable(caption, "There are no data for this place and period.")
            return
        image = self._path(name, f".{format}")
        title = chart_title(fig)
        save_figure(fig, image)
        plt.close(fig)
        csv = self.write_csv(data, name)
        self._figures += 1
        label = f"fig-{self.place.slug}-{self.chapter}-{_slug(name)}"
        alt_text = short_alt(alt, name)
        what = self._distinct(title or first_sentence(caption), first_sentence(caption))
        _display_markdown(
            f"```{{figure}} {DATA_DIR}/{image.name}\n:alt: {alt_text}\n:name: {label}\n:class: phna-chart\n\n"
            f"{caption} *Source: {source}.*\n```\n\n"
            f"{download_link(f'Download the data behind the chart “{what}” (CSV)', csv)}\n"
        )

    def table(
        self,
        data: pd.DataFrame,
        *,
        name: str,
        caption: str,
        source: str,
        formatters: dict | None = None,
        columns: dict[str, str] | None = None,
        max_rows: int = 60,
        money: Sequence[str] | None = None,
        decimals: int | dict[str, int] | None = None,
        max_columns: int = tables.MAX_COLUMNS,
    ) -> None:
        """Publish a table for people, with its caption, source and a CSV download (see :mod:`phna.tables`).

        The CSV holds every column at full precision; the page shows ``columns`` (a mapping of column →
        heading; default: all but method metadata and area codes, headed in words), at most ``max_columns``
        of them, with counts as whole numbers, ``money`` columns in pounds, other numbers rounded for reading
        (or to ``decimals``, to match the text), and a dash with a note for a missing value.
        """
        if data is None or len(data) == 0:
            self.unavailable(caption, "There are no data for this place and period.")
            return
        csv = self.write_csv(data, name)
        page = tables.render(data, caption=caption, columns=columns, formatters=formatters, money=money,
                             decimals=decimals, max_columns=max_columns, max_rows=max_rows)
        notes = " ".join(page.notes)
        what = self._distinct(first_sentence(caption), first_sentence(caption, 140))
        _display_markdown(
            f'<div class="phna-table-wrap">\n{page.html}\n</div>\n\n'
            + (f"{notes}\n\n" if notes else "")
            + f"*Source: {source}.* {download_link(f'Download the table “{what}” (CSV)', csv)}\n"
        )

    def _distinct(self, name: str, fallback: str) -> str:
        """A name for a download link not yet used on this page (a screen reader lists links by name)."""
        used = self.__dict__.setdefault("_link_names", set())
        for candidate in (name, fallback, *(f"{name} ({k})" for k in range(2, 100))):
            if candidate and candidate not in used:
                used.add(candidate)
                return candidate
        return name

    def footer(self) -> None:
        """Show how this chapter was made, in words, and record it for the runner."""
        # an analyst's file is named by neither path nor name on a published page (nor in the run record)
        shown = {k: ("a local file (not published)" if k == "deaths_extract" and v else v)
                 for k, v in self.parameters.items()}
        record = provenance.collect(shown)
        rows = provenance.catalogue_summary(record["sources"])
        settings = "".join(
            f"<tr><th scope=\"row\" class=\"text\">{html.escape(k)}</th><td class=\"text\">{html.escape(v)}</td></tr>"
            for k, v in self.settings_in_words()
        )
        sources = "\n".join(
            f"- {_md(str(r['title']).replace('_', ' '))}: {_md(str(r['publisher']))}; {_md(str(r['licence']))}; "
            f"checksum {str(r['sha256'])[:12]}"
            for r in rows
        )
        text = (
            "```{rubric} About this chapter\n```\n\n"
            f"Made by the book's own code (version {record['phna_version']}) on {record['run_at']}. "
            "Methods are described in {doc}`/book/methods`; "
            "every source is listed in {doc}`/book/data-sources`.\n\n"
            '<div class="phna-table-wrap">\n<table class="phna-table phna-about"><caption>How this chapter was run'
            '</caption><thead><tr><th scope="col">Setting</th><th scope="col">Value</th></tr></thead>'
            f"<tbody>{settings}</tbody></table>\n</div>\n\n"
            "Data sources read for this chapter (publisher; licence; the first 12 characters of the file's SHA-256 "
            "checksum):\n\n" + sources + "\n"
        )
        _display_markdown(text, metadata={"phna_provenance": record})

    def settings_in_words(self) -> list[tuple[str, str]]:
        """The chapter's parameters as a reader would say them ("Confidence levels", "95 % and 99.8 %")."""
        out = []
        for key, value in self.parameters.items():
            if key == "place":
                out.append(("Place", self.name))
            elif key == "comparators":
                out.append(("Compared with", join_names(self.comparator_names())))
            elif key == "deprivation_index":
                out.append(("Deprivation index", DEPRIVATION_INDICES.get(str(value), str(value))))
            elif key == "confidence":
                levels = [value] if isinstance(value, (int, float)) else list(value)
                out.append((plural(len(levels), "Confidence level").split(" ", 1)[1].capitalize(),
                            join_names([f"{float(c) * 100:g} %" for c in levels])))
            elif key == "period":
                out.append(("Period", "the latest published for each source" if value == "latest" else str(value)))
            else:
                out.append((tables.humanise(key).replace("_", " "), setting_words(value)))
        return out


def _md(text: str) -> str:
    """Text safe to put in Markdown as it is (no emphasis, links or roles)."""
    return re.sub(r"([\\`*_\[\]{}<>|#])", r"\\\1", text)


def chapter(name: str, **parameters: Any) -> ChapterContext:
    """Create the context for chapter ``name`` (the template's second cell) and show which place it is about.

    Analyses that look across places create contexts for the other places with :class:`ChapterContext`
    directly, which shows nothing.
    """
    ctx = ChapterContext(name, **parameters)
    ctx.banner()
    return ctx
