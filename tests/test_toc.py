"""_toc.yml is generated from the configuration, and the committed copy is up to date."""

from __future__ import annotations

from pathlib import Path

import yaml

from phna.build.toc import render_toc, toc_data
from phna.config import load_config

REPO = Path(__file__).resolve().parents[1]


def test_toc_has_a_part_per_kind_and_a_section_per_chapter():
    config = load_config(REPO / "analyses" / "config.yaml", check_codes=False)
    data = toc_data(config)
    assert data["format"] == "jb-book" and data["root"] == "book/intro"
    places = next(p for p in data["parts"] if p["caption"] == "Places")
    assert [c["file"] for c in places["chapters"]] == [f"book/places/{p.slug}/index" for p in config.places]
    for entry, place in zip(places["chapters"], config.places):
        assert [s["file"] for s in entry["sections"]] == [f"book/places/{place.slug}/{c.id}" for c in config.chapters]


def test_toc_can_be_restricted_to_some_places():
    config = load_config(REPO / "analyses" / "config.yaml", check_codes=False)
    data = toc_data(config, [config.place("rugby")])
    places = next(p for p in data["parts"] if p["caption"] == "Places")
    assert [c["file"] for c in places["chapters"]] == ["book/places/rugby/index"]


def test_committed_toc_matches_the_configuration():
    config = load_config(REPO / "analyses" / "config.yaml", check_codes=False)
    committed = (REPO / "_toc.yml").read_text()
    assert committed == render_toc(config), "run `phna toc` to regenerate _toc.yml"
    assert yaml.safe_load(committed)["root"] == "book/intro"


def test_hand_written_pages_in_the_toc_exist():
    config = load_config(REPO / "analyses" / "config.yaml", check_codes=False)
    data = toc_data(config)
    files = [data["root"]] + [c["file"] for part in data["parts"] for c in part["chapters"]]
    for name in files:
        if "/places/" in name or name.startswith("book/icb/"):
            continue
        assert (REPO / f"{name}.md").is_file(), name
