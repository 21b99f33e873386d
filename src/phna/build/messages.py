"""A place's messages: its most important findings across its chapters, each linked to its evidence.

Every chapter attaches the findings records it showed as its key findings to that output (metadata
``phna_findings``, written by :meth:`phna.context.ChapterContext.findings`). This module reads them back from
the built notebooks of a place, ranks them with the book's one rule (:func:`phna.findings.rank`, at most
seven) and writes them as a list for the place's index page, each linking to the chapter and, when the record
names its figure or table (``evidence``) and the chapter has that anchor, to the figure itself. Nothing here
is written by hand: a place whose chapters recorded no findings gets no list.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import nbformat

from phna.findings import Finding, rank

#: Output metadata key under which a chapter records the findings it showed.
FINDINGS_KEY = "phna_findings"
#: At most this many messages per place.
LIMIT = 7

_LABEL = re.compile(r"^:name:\s*(\S+)\s*$", re.MULTILINE)
_FIELDS = {f.name for f in dataclasses.fields(Finding)}


@dataclass(frozen=True)
class Page:
    """A built chapter page of a place: its title, how an index page links to it, and its notebook."""

    chapter_id: str
    title: str
    doc: str  # the target of a {doc} link from the place's index page
    notebook: Path


@dataclass(frozen=True)
class Message:
    finding: Finding
    page: Page
    anchor: str | None  # the label of the figure or table behind the finding, when the page has it


def _outputs(notebook: Path) -> Iterable[dict]:
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        yield from cell.get("outputs", [])


def notebook_findings(notebook: Path) -> list[Finding]:
    """The findings records a built chapter attached to its outputs."""
    found = []
    for output in _outputs(notebook):
        for record in output.get("metadata", {}).get(FINDINGS_KEY, []) or []:
            found.append(Finding(**{k: v for k, v in record.items() if k in _FIELDS}))
    return found


def notebook_labels(notebook: Path) -> set[str]:
    """The figure and table labels (``:name:``) a built chapter defines, which other pages can link to."""
    labels: set[str] = set()
    for output in _outputs(notebook):
        text = output.get("data", {}).get("text/markdown", "")
        labels.update(_LABEL.findall("".join(text) if isinstance(text, list) else text))
    return labels


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def evidence_anchor(evidence: str, labels: set[str]) -> str | None:
    """The label a record's ``evidence`` names: the label itself, or a figure/table name whose label ends with it."""
    if not evidence:
        return None
    if evidence in labels:
        return evidence
    suffix = f"-{_slug(evidence)}"
    matches = sorted(label for label in labels if label.endswith(suffix))
    return matches[0] if len(matches) == 1 else None


def place_messages(pages: Sequence[Page], limit: int = LIMIT) -> list[Message]:
    """The place's most important findings across its pages, ranked by :func:`phna.findings.rank`."""
    by_chapter = {page.chapter_id: page for page in pages}
    records: list[Finding] = []
    labels: dict[str, set[str]] = {}
    for page in pages:
        found = notebook_findings(page.notebook)
        records += [dataclasses.replace(f, chapter=page.chapter_id) for f in found]
        if found:
            labels[page.chapter_id] = notebook_labels(page.notebook)
    messages = []
    for finding in rank(records, limit=limit):
        page = by_chapter[finding.chapter]
        messages.append(Message(finding, page, evidence_anchor(finding.evidence, labels.get(page.chapter_id, set()))))
    return messages


def render(messages: Sequence[Message], place_name: str) -> str:
    """The messages as a Markdown section (empty when there are none)."""
    if not messages:
        return ""
    lines = [
        "## Main messages",
        "",
        f"The most important findings for {place_name} across its chapters, most important first, chosen by the "
        "same rule as each chapter's key findings. Each links to the evidence behind it.",
        "",
    ]
    for number, message in enumerate(messages, 1):
        finding, page = message.finding, message.page
        sentence = " ".join(finding.sentence.split())
        meaning = " ".join(finding.meaning.split())
        evidence = f"{{doc}}`{page.title} <{page.doc}>`"
        if message.anchor:
            what = "the chart" if message.anchor.startswith("fig-") else "the table"
            evidence += f" ({{ref}}`{what} <{message.anchor}>`)"
        # The sentence of a record already ends with its meaning (phna.wording.finding_sentence); a record
        # with its own text may not.
        text = sentence + (f" {meaning}" if meaning and meaning not in sentence else "")
        lines.append(f"{number}. {text} Evidence: {evidence}.")
    return "\n".join(lines) + "\n"
