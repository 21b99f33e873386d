"""Page titles name the place; the navigation keeps the chapter titles."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from phna.build.titles import place_title, retitle_notebook
from phna.build.toc import toc_data
from phna.config import load_config

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("title", "place", "per_place", "expected"),
    [
        ("Life expectancy", "Rugby", False, "Life expectancy in Rugby"),
        ("Life expectancy", "Coventry and Warwickshire ICB", False, "Life expectancy in Coventry and Warwickshire ICB"),
        ("Health equity assessment (HEAT)", "Rugby", True, "Health equity assessment (HEAT): Rugby"),
        ("Core20PLUS5 across the ICB", "Coventry and Warwickshire ICB", False,
         "Core20PLUS5 across Coventry and Warwickshire ICB"),
        ("Proportionate universalism: sharing a budget by need", "Coventry and Warwickshire ICB", False,
         "Proportionate universalism in Coventry and Warwickshire ICB: sharing a budget by need"),
        ("How Rugby compares", "Rugby", False, "How Rugby compares"),  # already named: unchanged
    ],
)  # fmt: skip
def test_place_title(title, place, per_place, expected):
    assert place_title(title, place, per_place_page=per_place) == expected


def test_only_the_first_heading_of_the_first_markdown_cell_is_rewritten(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("# Life expectancy\n\nHow long do people live here?\n\n# Another heading"),
        nbformat.v4.new_markdown_cell("# Life expectancy"),
    ]
    path = tmp_path / "page.ipynb"
    nbformat.write(nb, path)
    assert retitle_notebook(path, "Rugby") == "Life expectancy in Rugby"
    cells = nbformat.read(path, as_version=4).cells
    assert cells[1].source == "# Life expectancy in Rugby\n\nHow long do people live here?\n\n# Another heading"
    assert cells[2].source == "# Life expectancy"
    nb.cells = [nbformat.v4.new_markdown_cell("Some text first\n# Not a title")]
    nbformat.write(nb, path)
    assert retitle_notebook(path, "Rugby") is None
    assert nbformat.read(path, as_version=4).cells[0].source == "Some text first\n# Not a title"


def test_navigation_uses_the_short_chapter_titles():
    config = load_config(REPO / "analyses" / "config.yaml", check_codes=False)
    data = toc_data(config)
    places = next(p for p in data["parts"] if p["caption"] == "Places")
    for entry in places["chapters"]:
        assert [s["title"] for s in entry["sections"]] == [c.title for c in config.chapters]
    icb = next(p for p in data["parts"] if p["caption"] != "Places" and "ICS" in p["caption"])
    assert [e["title"] for e in icb["chapters"] if "title" in e] == [c.title for c in config.icb_pages if c.scope == "icb"]
