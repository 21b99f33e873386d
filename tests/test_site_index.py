"""Each place's index page lists its main messages, generated from its chapters' findings records."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from phna.build import messages, site
from phna.config import load_config
from phna.findings import Finding, rank

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "analyses" / "config.yaml"


def finding(key, comparison="similar", source="computed", kind="level", importance=0, **kw) -> Finding:
    values = dict(topic=f"topic {key}", area="Rugby", value=80.0, comparator="England", comparator_value=79.0,
                  period="2021-23", unit="years")  # fmt: skip
    values.update(kw)
    return Finding(key=key, comparison=comparison, source=source, kind=kind, importance=importance, **values)


def write_chapter(path: Path, records: list[Finding], labels: tuple[str, ...] = (), chapter: str = "") -> None:
    """A built chapter as the runner leaves it: a Key findings output carrying its records, and figures."""
    nb = nbformat.v4.new_notebook()
    findings_output = nbformat.v4.new_output(
        "display_data",
        data={"text/markdown": ":::{admonition} Key findings\n" + "".join(f"- {f.sentence}\n" for f in records) + ":::"},
        metadata={"phna_findings": [r.as_record() | {"chapter": chapter} for r in records]},
    )
    figures = [
        nbformat.v4.new_output(
            "display_data", data={"text/markdown": f"```{{figure}} data/x.png\n:alt: A chart\n:name: {label}\n\nA caption\n```"}
        )
        for label in labels
    ]
    cell = nbformat.v4.new_code_cell("ctx.findings(...)")
    cell.outputs = [findings_output, *figures]
    nb.cells = [nbformat.v4.new_markdown_cell("# A chapter"), cell]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.fixture
def config():
    return load_config(CONFIG, check_codes=False)


@pytest.fixture
def rugby_book(tmp_path, config):
    """A book folder with two built chapters and the HEAT page for Rugby, and one chapter for Coventry."""
    root = tmp_path
    write_chapter(
        root / "book/places/rugby/life-expectancy.ipynb",
        [
            finding("le/male", "worse", "OHID", importance=2, sex="male", topic="life expectancy at birth",
                    evidence="trend", meaning="Men in Rugby live shorter lives than men across England."),
            finding("le/female", "similar", sex="female", topic="life expectancy at birth", evidence="no-such-chart"),
            finding("le/gone", "worse", "computed", topic="suppressed rate", suppressed=True),
        ],
        labels=("fig-rugby-life-expectancy-trend", "fig-rugby-life-expectancy-map"),
        chapter="life-expectancy",
    )  # fmt: skip
    write_chapter(
        root / "book/places/rugby/overview.ipynb",
        [finding(f"ov/{i}", "higher" if i < 3 else "similar", topic=f"indicator {i}") for i in range(8)]
        + [finding("ov/gap", "none", "none", kind="gap", topic="gap in life expectancy", value=7.1)],
        chapter="overview",
    )
    write_chapter(root / "book/icb/heat/rugby.ipynb", [finding("heat/sii", "none", "none", kind="inequality",
                                                               topic="inequality in life expectancy", value=6.2)],
                  chapter="heat")  # fmt: skip
    write_chapter(root / "book/places/coventry/overview.ipynb", [finding("cov", "worse", area="Coventry")],
                  chapter="overview")
    return root


def test_the_index_lists_at_most_seven_messages_ranked_and_linked_above_the_chapters(rugby_book, config, mirror):
    rugby = config.place("rugby")
    path = site.write_place_index(rugby_book, config, rugby, config.chapters)
    text = path.read_text()
    assert text.index("## Main messages") < text.index("## Chapters")
    items = re.findall(r"^(\d+)\. (.*)$", text, flags=re.MULTILINE)
    assert len(items) == 7

    # The same choice as the book's one ranking rule, over every record of the place's built pages.
    pages = site.place_pages(rugby_book, config, rugby, config.chapters)
    records = [f for p in pages for f in messages.notebook_findings(p.notebook)]
    expected = [f.sentence for f in rank(records, limit=7)]
    for (_, line), sentence in zip(items, expected):
        assert line.startswith(sentence), (line, sentence)

    first = items[0][1]  # significant, OHID-published, the chapter's headline
    assert first.startswith("Male life expectancy at birth in Rugby was 80.0 years in 2021-23, worse than England")
    assert first.count("Men in Rugby live shorter lives than men across England.") == 1  # its meaning, once
    assert "{doc}`Life expectancy <life-expectancy>`" in first
    assert "{ref}`the chart <fig-rugby-life-expectancy-trend>`" in first
    assert "suppressed rate" not in text  # a suppressed value never reaches a message
    assert "Coventry" not in text.split("## Main messages")[1]  # only this place's records
    assert "no-such-chart" not in text  # an evidence label the page does not have is not linked


def test_messages_include_the_icb_pages_run_for_the_place(rugby_book, config, mirror):
    found = messages.place_messages(site.place_pages(rugby_book, config, config.place("rugby"), config.chapters), 20)
    heat = [m for m in found if m.page.chapter_id == "heat"]
    assert heat and heat[0].page.doc == "/book/icb/heat/rugby"
    assert len(found) == 12  # 3 + 9 + 1 records, less one suppressed


def test_a_place_whose_chapters_recorded_no_findings_gets_no_messages(tmp_path, config, mirror):
    write_chapter(tmp_path / "book/places/rugby/overview.ipynb", [], chapter="overview")
    text = site.write_place_index(tmp_path, config, config.place("rugby"), config.chapters[:1]).read_text()
    assert "Main messages" not in text and "## Chapters" in text


def test_a_place_outside_the_icb_is_not_said_to_be_in_it(tmp_path, mirror):
    import yaml

    data = yaml.safe_load(CONFIG.read_text())
    data["places"].append({"slug": "birmingham", "name": "Birmingham", "kind": "district", "districts": ["E08000025"]})
    (tmp_path / "analyses").mkdir()
    for chapter in data["chapters"] + data["icb_pages"]:
        chapter["template"] = str(REPO / chapter["template"])
    path = tmp_path / "analyses" / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    config = load_config(path)
    text = site.write_place_index(tmp_path, config, config.place("birmingham"), []).read_text()
    assert "Coventry and Warwickshire" not in text and "Birmingham is in " in text
    rugby = site.write_place_index(tmp_path, config, config.place("rugby"), []).read_text()
    assert "Rugby is one of the places of Coventry and Warwickshire ICB" in rugby


# ------------------------------------------------------------------------------------- the real built pages
def built_places() -> list[Path]:
    return sorted(p for p in (REPO / "book" / "places").glob("*/index.md")) if (REPO / "book" / "places").is_dir() else []


@pytest.mark.skipif(not built_places(), reason="the book has not been built here (phna build)")
@pytest.mark.parametrize("index", built_places(), ids=lambda p: p.parent.name)
def test_real_place_pages_list_their_chapters_messages_with_working_links(index, mirror):
    config = load_config(CONFIG, check_codes=False)
    place = config.place(index.parent.name)
    pages = site.place_pages(REPO, config, place, config.chapters)
    records = [f for p in pages for f in messages.notebook_findings(p.notebook)]
    text = index.read_text()
    items = re.findall(r"^\d+\. (.*)$", text, flags=re.MULTILINE)
    expected = rank(records, limit=7)
    assert len(items) == len(expected) <= 7
    assert ("## Main messages" in text) == bool(expected)
    for line, record in zip(items, expected):
        assert line.startswith(" ".join(record.sentence.split()))
        page = next(p for p in pages if p.chapter_id == record.chapter)
        assert f"<{page.doc}>`" in line and page.notebook.is_file()
    html = REPO / "_build" / "html" / index.relative_to(REPO).with_suffix(".html")
    if expected and html.is_file():
        section = html.read_text().split('id="main-messages"')[1].split('id="chapters"')[0]
        hrefs = re.findall(r'<a class="reference internal" href="([^"#]+)(?:#([^"]+))?"', section)
        assert len(hrefs) >= len(expected)  # every message links to its evidence
        for href, anchor in hrefs:
            target = (html.parent / href).resolve()
            assert target.is_file(), href
            if anchor:
                assert f'id="{anchor}"' in target.read_text(), anchor
