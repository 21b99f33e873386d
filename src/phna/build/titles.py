"""Page titles that name the place: "Life expectancy in Rugby", "Health equity assessment (HEAT): Rugby".

A template's first markdown cell starts with its title (``# Life expectancy``), written once for every
place. When a finished run is stored, the runner rewrites that heading for the run's place, so the page's
title, its browser tab and search results say which place the page is about. The navigation keeps the short
chapter titles (``_toc.yml`` gives each entry its title), under the place's own heading.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

_HEADING = re.compile(r"^#\s+(?P<title>.+?)\s*$")


def place_title(title: str, place_name: str, *, per_place_page: bool = False) -> str:
    """The title of a page about ``place_name``.

    - a title that already names the place is kept;
    - an ICB page run once per place becomes "<Title>: <Place>" (the page belongs to a set, one per place);
    - a title saying "the ICB" names it instead ("Core20PLUS5 across Coventry and Warwickshire ICB");
    - a title with a subtitle becomes "<Title> in <Place>: <subtitle>";
    - any other becomes "<Title> in <Place>".
    """
    if not place_name or place_name.lower() in title.lower():
        return title
    if per_place_page:
        return f"{title}: {place_name}"
    if re.search(r"\bthe ICB\b", title):
        return re.sub(r"\bthe ICB\b", place_name, title, count=1)
    head, colon, subtitle = title.partition(": ")
    if colon:
        return f"{head} in {place_name}: {subtitle}"
    return f"{title} in {place_name}"


def retitle_notebook(path: Path, place_name: str, *, per_place_page: bool = False) -> str | None:
    """Rewrite the first heading of a notebook's first markdown cell for the place; return the new title."""
    nb = nbformat.read(path, as_version=4)
    cell = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if cell is None:
        return None
    lines = cell.source.splitlines()
    for number, line in enumerate(lines):
        match = _HEADING.match(line)
        if match:
            title = place_title(match["title"], place_name, per_place_page=per_place_page)
            lines[number] = f"# {title}"
            cell.source = "\n".join(lines)
            nbformat.write(nb, path)
            return title
        if line.strip():
            return None  # the cell does not start with a title: leave it alone
    return None
