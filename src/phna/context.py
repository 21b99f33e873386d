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
from pathlib import Path
from typing import Any, Iterable, Sequence

import matplotlib.pyplot as plt
import pandas as pd

from phna import provenance
from phna.wording import fmt_num
from phna.config import Config, Place, load_config
from phna.parameters import resolve
from phna.errors import ConfigError

DATA_DIR = "data"

#: Self-describing columns of phna.stats output: kept in the CSV, left out of tables on the page.
METADATA_COLUMNS = {
    "statistic", "method", "confidence", "suppressed", "polarity", "source_file", "value_type", "multiplier",
}  # fmt: skip


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
    ) -> None:
        """Publish a figure: PNG with alt text, caption with its source, and the CSV behind it."""
        if not alt or not alt.strip():
            raise ValueError(f"figure {name!r} needs alt text describing what it shows")
        if data is None or len(data) == 0:
            plt.close(fig)
            self.unavailable(caption, "There are no data for this place and period.")
            return
        png = self._path(name, ".png")
        fig.savefig(png)
        plt.close(fig)
        csv = self.write_csv(data, name)
        self._figures += 1
        label = f"fig-{self.place.slug}-{self.chapter}-{_slug(name)}"
        alt_text = " ".join(alt.split()).replace("\n", " ")
        _display_markdown(
            f"```{{figure}} {DATA_DIR}/{png.name}\n:alt: {alt_text}\n:name: {label}\n:width: 100%\n\n"
            f"{caption} *Source: {source}.*\n```\n\n"
            f"{{download}}`Download the data behind this chart (CSV) <{DATA_DIR}/{csv.name}>`\n"
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
    ) -> None:
        """Publish a table (HTML) with its caption, source and a CSV download.

        The CSV holds every column at full precision; the page shows ``columns`` (a mapping of column →
        heading; default all) with numbers rounded for reading (see :func:`display_format`).
        """
        if data is None or len(data) == 0:
            self.unavailable(caption, "There are no data for this place and period.")
            return
        csv = self.write_csv(data, name)
        shown = data.head(max_rows)
        hidden = []
        if columns:
            shown = shown[list(columns)].rename(columns=columns)
        else:
            # Method metadata stays in the CSV; on the page it would crowd out the numbers.
            hidden = [c for c in shown.columns if c in METADATA_COLUMNS or (c == "reason" and shown[c].isna().all())]
            shown = shown.drop(columns=hidden)
        formats = {c: display_format(shown[c]) for c in shown.columns if pd.api.types.is_float_dtype(shown[c])}
        formats.update(formatters or {})
        table_html = shown.to_html(index=False, na_rep="–", formatters=formats, border=0, classes="phna-table")
        more = f" (first {max_rows} of {len(data)} rows; all rows in the CSV)" if len(data) > max_rows else ""
        if hidden:
            more += f" ({', '.join(hidden)} in the CSV)"
        _display_markdown(
            f"**{html.escape(caption)}**{more}\n\n<div class=\"phna-table-wrap\">\n{table_html}\n</div>\n\n"
            f"*Source: {source}.* {{download}}`Download this table (CSV) <{DATA_DIR}/{csv.name}>`\n"
        )

    def footer(self) -> None:
        """Show how this chapter was made, and record it for the runner."""
        # an analyst's file is named by neither path nor name on a published page (nor in the run record)
        shown = {k: ("a local file (not published)" if k == "deaths_extract" and v else v)
                 for k, v in self.parameters.items()}
        record = provenance.collect(shown)
        rows = provenance.catalogue_summary(record["sources"])
        params = "\n".join(f"| `{k}` | `{v}` |" for k, v in shown.items())
        sources = "\n".join(
            f"| {r['title']} | {r['publisher']} | {r['licence']} | `{r['sha256'][:12]}` |" for r in rows
        )
        text = (
            "```{rubric} About this chapter\n```\n\n"
            f"Generated by `phna` {record['phna_version']} on {record['run_at']} "
            f"from the template `analyses/{self.chapter}.ipynb`. "
            "Methods are described in {doc}`/book/methods`; "
            "every source is listed in {doc}`/book/data-sources`.\n\n"
            "| parameter | value |\n|---|---|\n" + params + "\n\n"
            "| data source read | publisher | licence | sha256 |\n|---|---|---|---|\n" + sources + "\n"
        )
        _display_markdown(text, metadata={"phna_provenance": record})


def chapter(name: str, **parameters: Any) -> ChapterContext:
    """Create the context for chapter ``name`` (the template's second cell) and show which place it is about.

    Analyses that look across places create contexts for the other places with :class:`ChapterContext`
    directly, which shows nothing.
    """
    ctx = ChapterContext(name, **parameters)
    ctx.banner()
    return ctx
