"""Any place in England, added as the README shows, gets its own ICB, region and comparators (issue 15).

Birmingham (E08000025), Leicestershire's seven districts as one place and Foleshill (11 Coventry LSOAs) are
added to a copy of the book's configuration. Their ICB, region and comparators come from the geography
lookups, published district figures quoted for Foleshill name Coventry, ICB pages never add Foleshill to
Coventry, and the overview and life-expectancy chapters built for them name no Coventry and Warwickshire
area where they should not.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from phna import geography
from phna.config import load_config
from phna.findings import Finding
from phna.parameters import resolve

REPO = Path(__file__).resolve().parents[1]
LEICESTERSHIRE = ["E07000129", "E07000130", "E07000131", "E07000132", "E07000133", "E07000134", "E07000135"]
FOLESHILL = ["E01009564", "E01009565", "E01009566", "E01009567", "E01009568", "E01009575", "E01009606",
             "E01009609", "E01009576", "E01009578", "E01009582"]
NEW_PLACES = [
    {"slug": "birmingham", "name": "Birmingham", "kind": "district", "districts": ["E08000025"]},
    {"slug": "leicestershire", "name": "Leicestershire", "kind": "place", "districts": LEICESTERSHIRE},
    {"slug": "foleshill", "name": "Foleshill", "kind": "lsoas", "lsoas": FOLESHILL},
]
CW_NAMES = ("Coventry and Warwickshire", "Warwickshire", "Coventry", "Rugby", "Nuneaton")


def write_config(tmp_path: Path, *, keep_places: bool = True, chapters=None) -> Path:
    data = yaml.safe_load((REPO / "analyses" / "config.yaml").read_text())
    data["places"] = (data["places"] if keep_places else []) + NEW_PLACES
    if chapters is not None:
        data["chapters"] = [c for c in data["chapters"] if c["id"] in chapters]
        data.pop("icb_pages", None)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_each_place_gets_its_own_icb_region_and_comparators(tmp_path, mirror):
    config = load_config(write_config(tmp_path))
    expected = {
        "birmingham": ("E54000055", "E12000005"),  # Birmingham and Solihull; West Midlands
        "leicestershire": ("E54000015", "E12000004"),  # Leicester, Leicestershire and Rutland; East Midlands
        "foleshill": ("E54000018", "E12000005"),  # Coventry and Warwickshire; West Midlands
    }
    for slug, (icb, region) in expected.items():
        place = config.place(slug)
        areas = geography.place_areas(place)
        assert (areas.icb_code, areas.region_code) == (icb, region), slug
        assert place.comparators == ("E92000001", region), slug
        assert resolve(config, "overview", place).comparators == ("E92000001", region), slug
    assert geography.place_areas(config.place("foleshill")).districts == ("E08000026",)
    assert "Birmingham and Solihull" in geography.icb_name("E54000055")


def test_the_config_may_override_the_comparators(tmp_path, base_config_with_defaults):
    path = base_config_with_defaults(tmp_path, ["E92000001", "E12000005"])
    config = load_config(path)
    # Chosen in the configuration's defaults: every place, Leicestershire too, is compared with them.
    assert config.place("leicestershire").comparators == ("E92000001", "E12000005")
    assert resolve(config, "overview", "leicestershire").comparators == ("E92000001", "E12000005")
    assert resolve(config, "overview", "leicestershire", {"comparators": ["E92000001"]}).comparators == ("E92000001",)


@pytest.fixture
def base_config_with_defaults(mirror):
    def make(tmp_path, comparators):
        path = write_config(tmp_path)
        data = yaml.safe_load(path.read_text())
        data["defaults"]["comparators"] = comparators
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return path

    return make


def test_district_figures_quoted_for_a_place_of_small_areas_name_the_district(tmp_path, mirror):
    config = load_config(write_config(tmp_path))
    foleshill, coventry = config.place("foleshill"), config.place("coventry")
    assert geography.published_area_name(foleshill, "E08000026") == "Coventry (the district Foleshill is in)"
    assert geography.published_area_name(coventry, "E08000026") == "Coventry"
    assert geography.published_area_name(foleshill, "E92000001") == "England"
    record = Finding(key="employment/E08000026", topic="employment rate", area="Foleshill", area_code="E08000026",
                     value=71.9, unit="%")
    named = geography.name_published([record], foleshill)[0]
    assert named.area == "Coventry (the district Foleshill is in)"
    assert geography.name_published([record], coventry)[0].area == "Foleshill"  # a district place: unchanged


def test_icb_pages_add_up_only_places_that_partition_the_icb(tmp_path, mirror):
    config = load_config(write_config(tmp_path))
    partition = geography.partition_places(config)
    assert [p.slug for p in partition.places] == ["coventry", "warwickshire-north", "rugby", "south-warwickshire"]
    assert [p.slug for p in partition.left_out] == ["foleshill"]  # inside Coventry: never counted twice
    assert partition.complete
    assert "Foleshill" in partition.note() and "not added again" in partition.note()
    # Birmingham and Leicestershire are outside the ICB: not parts of it at all.
    assert not {"birmingham", "leicestershire"} & {p.slug for p in (*partition.places, *partition.left_out)}
    # Without Coventry, Foleshill is a part and the ICB is not covered: the note says so.
    data = yaml.safe_load(Path(config.path).read_text())
    data["places"] = [p for p in data["places"] if p["slug"] != "coventry"]
    (tmp_path / "no-coventry.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    partial = geography.partition_places(load_config(tmp_path / "no-coventry.yaml"))
    assert "foleshill" in [p.slug for p in partial.places] and not partial.complete
    assert "in none of the places" in partial.note()


def _page_text(notebook: Path) -> str:
    """The text a reader sees on a built page: markdown cells and text outputs (not code, not images)."""
    nb = json.loads(notebook.read_text())
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            parts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            for kind in ("text/markdown", "text/plain", "text/html"):
                value = output.get("data", {}).get(kind)
                if value:
                    parts.append("".join(value) if isinstance(value, list) else value)
            if output.get("output_type") == "stream":
                parts.append("".join(output.get("text", "")))
    # The sources table names data files by their published titles (one is ONS's "Coventry and Warwickshire
    # subset" of small-area populations, read to check whether a place is in it): not a claim about the place.
    return "\n".join(line for line in "\n".join(parts).splitlines() if "Open Government Licence" not in line)


@pytest.mark.slow
def test_the_new_places_build_with_their_own_names(tmp_path, mirror):
    """Overview and life expectancy for the three places, built through the national runner (a LocalCluster)."""
    from phna.build.national import build_national

    path = write_config(tmp_path, keep_places=False, chapters=("overview", "life-expectancy"))
    (book,) = build_national(configs=[path], out=tmp_path / "national", workers=2, html=False, verify_data=False,
                             store_dir=tmp_path / "store")
    assert not book.failed
    pages = {slug: {c: _page_text(book.root / "book" / "places" / slug / f"{c}.ipynb")
                    for c in ("overview", "life-expectancy")} for slug in ("birmingham", "leicestershire", "foleshill")}
    for slug in ("birmingham", "leicestershire"):
        for chapter, text in pages[slug].items():
            found = [name for name in CW_NAMES if name in text]
            assert not found, f"{slug} {chapter} names {found}"
    assert "Birmingham and Solihull" in pages["birmingham"]["life-expectancy"]
    leicestershire = "\n".join(pages["leicestershire"].values())
    assert "East Midlands" in leicestershire and "West Midlands" not in leicestershire
    foleshill = "\n".join(pages["foleshill"].values())
    assert "Coventry (the district Foleshill is in)" in foleshill


def test_the_icb_index_page_lists_only_the_places_that_divide_it(tmp_path, mirror):
    from phna.build.site import _intro

    config = load_config(write_config(tmp_path))
    text = _intro(config, config.place("icb"))
    assert "in 4 places: Coventry, Warwickshire North, Rugby and South Warwickshire." in text
    assert "Birmingham" not in text and "Foleshill" not in text and "Leicestershire" not in text
    assert "one of the places of Coventry and Warwickshire ICB" in _intro(config, config.place("foleshill"))
    assert "in Birmingham and Solihull ICB" in _intro(config, config.place("birmingham"))


def test_wider_determinants_findings_of_a_place_of_small_areas_name_the_district(tmp_path, mirror):
    """The issue's example: Foleshill's key findings quoted Coventry's employment rate without naming Coventry."""
    from types import SimpleNamespace

    from phna.analyses.wider_indicators import indicator_table

    config = load_config(write_config(tmp_path))
    for slug, named in (("foleshill", True), ("coventry", False)):
        place = config.place(slug)
        ctx = SimpleNamespace(place=place, name=place.name, areas=geography.place_areas(place))
        result = indicator_table(ctx)
        text = " ".join(f.text or "" for f in result.findings)
        assert ("Coventry (the district Foleshill is in)" in text) is named, (slug, text[:300])
        assert set(result.table["area_code"]) == {"E08000026"}


def test_core20_and_allocation_pages_count_foleshill_once(tmp_path, mirror):
    """The issue's example: the Core20PLUS5 page counted Foleshill inside Coventry and again as its own place."""
    from phna.analyses import allocation_need, core20

    data = yaml.safe_load(write_config(tmp_path).read_text())
    # Foleshill listed before Coventry: the whole district is still the one counted.
    data["places"] = [data["places"][0], NEW_PLACES[2], *[p for p in data["places"][1:] if p["slug"] != "foleshill"]]
    (tmp_path / "first.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    config = load_config(tmp_path / "first.yaml")
    core = resolve(config, "core20plus5", "icb")
    assert [p.slug for p in core20._places(core)] == ["icb", "coventry", "warwickshire-north", "rugby",
                                                      "south-warwickshire"]
    places, notes = allocation_need.component_places(resolve(config, "proportionate-universalism", "icb"))
    assert "foleshill" not in [p.slug for p in places] and "coventry" in [p.slug for p in places]
    assert any("Foleshill" in note for note in notes)
