"""The front page summary: the latest published figures with their periods and OHID's comparison, read from
the chapters' own CSVs; never a 2014 computed figure; a dash when a chapter is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from phna.build.glance import at_a_glance
from phna.config import load_config

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def config():
    return load_config(REPO / "analyses" / "config.yaml", check_codes=False)


def _folder(root: Path, slug: str) -> Path:
    folder = root / "book" / "places" / slug / "data"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _row(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| {name} |"))


def _published(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["area_code", "area_name", "role", "sex", "period", "value", "comparison",
                                       "comparison_source"])


def test_latest_published_figures_with_periods_and_ohid_comparison(tmp_path, config):
    folder = _folder(tmp_path, "rugby")
    pd.DataFrame({"population": [60000, 56436], "period": ["mid-2023", "mid-2023"]}).to_csv(
        folder / "overview-population-pyramid.csv", index=False)
    pd.DataFrame({"value": [3.77], "population_period": ["mid-2019"]}).to_csv(folder / "overview-core20.csv",
                                                                             index=False)
    _published([
        ("E07000220", "Rugby", "place district", "male", "2020-22", 79.9, "similar", "OHID"),
        ("E07000220", "Rugby", "place district", "male", "2023-25", 79.4, "worse", "OHID"),
        ("E92000001", "England", "comparator", "male", "2023-25", 79.7, "", "none"),
        ("E07000220", "Rugby", "place district", "female", "2023-25", 83.8, "not compared", "none"),
    ]).to_csv(folder / "life-expectancy-published-latest.csv", index=False)
    pd.DataFrame({"area_code": ["E07000220"], "area_name": ["Rugby"], "sex": ["persons"], "period": ["2024"],
                  "value": [139.2], "comparison": ["similar"], "reason": ["as published by OHID (95 % CI)"]}).to_csv(
        folder / "preventable-mortality-preventable-latest.csv", index=False)
    # 2014 figures computed from deaths by age are still published by the chapters: never on the front page.
    pd.DataFrame({"role": ["place"], "value": [80.54], "comparison": ["similar"]}).to_csv(
        folder / "life-expectancy-computed-male.csv", index=False)
    pd.DataFrame({"role": ["place"], "sex": ["persons"], "value": [305.2], "comparison": ["better"]}).to_csv(
        folder / "preventable-mortality-dsr-2014-under75.csv", index=False)
    text = at_a_glance(tmp_path, config)
    rugby = _row(text, "Rugby")
    assert rugby == "| Rugby | 116,436 | 3.8 % | 79.4 (worse) | 83.8 | 139 (similar) |"
    # one period per column, shared by every place: stated in the heading
    assert text.splitlines()[0] == (
        "| Place | Population, mid-2023 | In Core20 areas, mid-2019 "
        "| Life expectancy, men, 2023-25 | Life expectancy, women, 2023-25 "
        "| Preventable deaths under 75 per 100,000, 2024 |")
    assert "2014" not in text and "80.5" not in text and "305" not in text
    assert "as published by OHID" in text
    assert _row(text, "Coventry") == "| Coventry | – | – | – | – | – |"


def test_two_districts_are_named_and_the_icb_shows_its_range(tmp_path, config):
    north = _folder(tmp_path, "warwickshire-north")
    _published([
        ("E07000218", "North Warwickshire", "place district", "male", "2023-25", 78.7, "worse", "OHID"),
        ("E07000219", "Nuneaton and Bedworth", "place district", "male", "2023-25", 78.6, "worse", "OHID"),
    ]).to_csv(north / "life-expectancy-published-latest.csv", index=False)
    icb = _folder(tmp_path, "icb")
    _published([(code, name, "place district", "male", "2023-25", value, comparison, "OHID") for code, name, value,
                comparison in [("E08000026", "Coventry", 77.7, "worse"), ("E07000220", "Rugby", 79.4, "similar"),
                               ("E07000221", "Stratford-on-Avon", 81.7, "better")]]).to_csv(
        icb / "life-expectancy-published-latest.csv", index=False)
    text = at_a_glance(tmp_path, config)
    lines = text.splitlines()
    at = lines.index(_row(text, "Warwickshire North"))
    assert lines[at] == "| Warwickshire North | – | – |  | – | – |"
    assert lines[at + 1] == "| · North Warwickshire |  |  | 78.7 (worse) |  |  |"
    assert lines[at + 2] == "| · Nuneaton and Bedworth |  |  | 78.6 (worse) |  |  |"
    assert "| 77.7 to 81.7 (1 of 3 worse) |" in _row(text, "Coventry and Warwickshire ICB")


def test_periods_that_differ_between_places_are_stated_in_each_cell(tmp_path, config):
    for slug, period, value in (("rugby", "2023-25", 79.4), ("coventry", "2022-24", 77.9)):
        pd.DataFrame({"area_code": ["E0"], "sex": ["male"], "period": [period], "value": [value]}).to_csv(
            _folder(tmp_path, slug) / "life-expectancy-published-latest.csv", index=False)
    text = at_a_glance(tmp_path, config)
    assert "| 79.4 (2023-25) |" in _row(text, "Rugby") and "| 77.9 (2022-24) |" in _row(text, "Coventry")
    assert "Life expectancy, men |" in text.splitlines()[0]


def test_a_comparison_without_its_source_is_not_shown(tmp_path, config):
    folder = _folder(tmp_path, "rugby")
    pd.DataFrame({"area_code": ["E07000220"], "sex": ["male"], "period": ["2023-25"], "value": [79.4],
                  "comparison": ["worse"]}).to_csv(folder / "life-expectancy-published-latest.csv", index=False)
    text = at_a_glance(tmp_path, config)
    rugby = _row(text, "Rugby")
    assert "| 79.4 |" in rugby and "worse" not in rugby and "OHID" not in text


def test_real_latest_published_figures(tmp_path, config, mirror, monkeypatch):
    """From the real Fingertips extracts (OHID's own comparison) and the real overview outputs: the front page
    states Coventry men's 2023-25 life expectancy as worse than England (OHID), and every figure has a period."""
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    import phna
    from phna import data
    from phna.analyses import overview

    params = phna.chapter("overview", place="coventry").params
    folder = _folder(tmp_path, "coventry")
    overview.population(params).pyramid.to_csv(folder / "overview-population-pyramid.csv", index=False)
    overview.deprivation(params).core20.to_csv(folder / "overview-core20.csv", index=False)
    for indicator, name in ((90366, "life-expectancy-published-latest.csv"),
                            (93721, "preventable-mortality-published-latest.csv")):
        ft = data.fingertips(indicator)
        rows = ft[(ft["area_code"] == "E08000026") & ft["inequality"].isna()]
        rows = rows[rows["period"] == rows["period"].max()]
        rows.rename(columns={"compared_to_england": "comparison"}).assign(comparison_source="OHID").to_csv(
            folder / name, index=False)
    text = at_a_glance(tmp_path, config)
    coventry = _row(text, "Coventry")
    cells = [c.strip() for c in coventry.strip("|").split("|")][1:]
    headings = [c.strip() for c in text.splitlines()[0].strip("|").split("|")][1:]
    assert cells[0] == "360,702" and headings[0] == "Population, mid-2023"  # ONS mid-2023 (population/SOURCES.md)
    assert headings[1].endswith("mid-2019")  # the Core20 count's own year, named beside it
    assert cells[2] == "77.7 (worse)"
    for heading in headings[2:]:
        assert re.search(r", 20\d\d(-\d\d)?$", heading), heading
    assert "2014" not in text
