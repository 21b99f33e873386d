"""The Fingertips adapter against a local server answering in the API's exact CSV layout, and the loader's
richer columns once a refreshed file is catalogued."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np
import pytest

from phna.data import DataError, fingertips, refresh
from phna.data.sources import fingertips as ft_source
from phna.data.sources import items

from publisher_fixtures import NEW_PERIOD, PublisherServer, api_header, life_expectancy_responses

LE_IDS = ["fingertips.trafford_themes.health__life_expectancy"]


def serve_life_expectancy(server: PublisherServer, mirror, **kwargs) -> None:
    responses = life_expectancy_responses(mirror, **kwargs)
    for url, (child, _parent) in zip(ft_source.endpoints("90366", server.url), ft_source.AREA_TYPES):
        server.add(url, responses[child])


def test_endpoints_are_the_api_csv_endpoint_per_area_type():
    urls = ft_source.endpoints(90366)
    assert urls[0] == ("https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_ids=90366"
                       "&child_area_type_id=501&parent_area_type_id=6")
    assert [u.split("child_area_type_id=")[1].split("&")[0] for u in urls] == ["501", "502", "6"]
    ids = ft_source.indicator_ids()
    for wanted in ("90366", "92901", "90362", "93721", "40502", "90284", "93014", "92443"):
        assert wanted in ids


def test_every_fingertips_indicator_the_chapters_read_is_refreshed():
    import re
    from pathlib import Path

    import phna.analyses

    read = set()
    for path in Path(phna.analyses.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r'"fingertips",\s*"(\d+)"', text)) | set(re.findall(r"fingertips\((\d+)\)", text))
        if "child_injuries()" in text:
            read.add("90284")
    assert len(read) >= 20 and "90366" in read
    missing = read - set(ft_source.indicator_ids())
    assert not missing, f"indicators read by the chapters but not refreshed from Fingertips: {sorted(missing)}"


def test_stacked_responses_read_with_limits_counts_and_comparisons(mirror, tmp_path):
    with PublisherServer() as server:
        serve_life_expectancy(server, mirror)
        item = next(i for i in items(["fingertips"], {"fingertips": server.url}) if i.source_id == "fingertips_live.90366")
        from phna.data.sources import get

        item.write([get(u) for u in item.urls], tmp_path / "90366.csv")
    header = (tmp_path / "90366.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == api_header(mirror)  # every column of the API's layout, in its order
    table = item.read(tmp_path / "90366.csv")
    assert set(table["area_type"]) == {"district", "country"}  # the mirror's extract has no counties or regions
    england = table[table["area_code"] == "E92000001"]
    assert not england.duplicated(["period", "sex"]).any()  # England came in all three responses, kept once
    rugby = table[(table["area_code"] == "E07000220") & (table["sex"] == "male") & (table["period"] == "2024-26")]
    assert len(rugby) == 1 and rugby["compared_to_england"].iloc[0] == "worse"
    assert rugby["lower_95"].iloc[0] == pytest.approx(77.1 - 0.9) and rugby["upper_99_8"].iloc[0] == pytest.approx(77.1 + 1.5)
    assert rugby["count"].iloc[0] == 1234


def test_an_html_error_page_is_not_a_table(tmp_path):
    with pytest.raises(DataError, match="Indicator ID"):
        ft_source.stack([b"<html>Service unavailable</html>\n<p>try later</p>\n"], tmp_path / "x.csv")


def test_refresh_from_fingertips_reports_new_period_and_unreadable_layout(fake_repo, mirror, tmp_path, monkeypatch):
    repo = fake_repo(LE_IDS)
    out = tmp_path / "vintages"
    with PublisherServer() as server:
        serve_life_expectancy(server, mirror)
        # The publisher renames a column of indicator 92901: the loader cannot read it.
        broken = life_expectancy_responses(mirror)[501].decode().replace("Indicator ID,", "IndicatorId,", 1)
        broken = broken.replace(",90366,", ",92901,").replace("\n90366,", "\n92901,")
        for url in ft_source.endpoints("92901", server.url):
            server.add(url, broken.encode())
        result = refresh(out, today=dt.date(2026, 12, 1), sources=["fingertips"], base_urls={"fingertips": server.url})
        assert all(r.startswith("/api/all_data/csv/by_indicator_id?") for r in server.requests)
    changes = json.loads((result.vintage / "changes.json").read_text())
    le = changes["publishers"]["fingertips_live.90366"]
    assert le["status"] == "new" and le["compared_with"] == "the data the book reads now"
    assert le["new_periods"] == ["2024-26"] and le["latest_period"] == "2024-26"
    assert le["revised_values"] == 0  # the mirror's published values came back unchanged
    assert le["filled_values"] > 0  # the limits and counts the extracts did not have
    sii = changes["publishers"]["fingertips_live.92901"]
    assert sii["status"] == "error" and "Indicator ID" in sii["error"]
    assert not (result.vintage / "fingertips_live" / "92901.csv").exists()  # never half-taken
    assert any(e.startswith("fingertips_live.92901") for e in changes["errors"])
    markdown = result.report_markdown.read_text()
    assert "new periods: 2024-26" in markdown and "**Errors**" in markdown and "fingertips_live.92901" in markdown
    assert (result.vintage / "fingertips_live" / "90366.csv").is_file()
    assert json.loads((result.vintage / "manifest.json").read_text())["fingertips_live.90366"]["endpoints"]

    # A second refresh: OHID revises Rugby's new value; the report names the revision, not a new period.
    with PublisherServer() as server:
        serve_life_expectancy(server, mirror, new_value=77.3)
        second = refresh(out, today=dt.date(2026, 12, 1), sources=["fingertips"], base_urls={"fingertips": server.url})
    le2 = second.changes["publishers"]["fingertips_live.90366"]
    assert second.vintage.name == "2026-12-01-2"
    assert le2["status"] == "changed" and le2["new_periods"] == [] and le2["compared_with"] == "vintage 2026-12-01"
    assert {e["column"] for e in le2["revision_examples"]} == {"value", "lower_95", "upper_95", "lower_99_8", "upper_99_8"}
    assert le2["revised_values"] == 5

    # Fingertips is down: the previous vintage's file is kept and the error reported.
    with PublisherServer() as server:
        third = refresh(out, today=dt.date(2026, 12, 2), sources=["fingertips"], base_urls={"fingertips": server.url})
    assert third.changes["publishers"]["fingertips_live.90366"]["status"] == "error"
    kept = third.vintage / "fingertips_live" / "90366.csv"
    assert kept.read_bytes() == (second.vintage / "fingertips_live" / "90366.csv").read_bytes()

    # Catalogued, the refreshed file gives the loader its limits, counts and OHID's comparison.
    repo.doc["sources"].append({**repo.entry(LE_IDS[0]), "id": "fingertips_live.90366", "path": "fingertips_live/90366.csv",
                                "sha256": hashlib.sha256(kept.read_bytes()).hexdigest(), "size": kept.stat().st_size})
    repo.write_catalogue()
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(third.vintage))
    df = fingertips(90366)
    rugby = df[(df["area_code"] == "E07000220") & (df["sex"] == "male")].set_index("period")
    assert rugby.loc["2024-26", "value"] == pytest.approx(77.3)
    assert rugby.loc["2024-26", "compared_to_england"] == "worse"
    assert rugby.loc["2024-26", "lower_95"] == pytest.approx(76.4)
    assert rugby.loc["2024-26", "source_file"] == "fingertips_live.90366"
    assert rugby.loc["2024-26", "unit"] == rugby.loc["2015-17", "unit"]  # the extracts' words for the unit


def test_values_only_extracts_have_missing_limits_and_keep_ohid_comparison(fake_repo):
    fake_repo(LE_IDS)
    df = fingertips(90366)
    for column in ("lower_95", "upper_95", "lower_99_8", "upper_99_8", "count", "denominator"):
        assert column in df.columns and df[column].isna().all()
    assert df["compared_to_england"].isin(["similar", "worse", "better"]).any()
    assert not np.isin(df["source_file"], ["fingertips_live.90366"]).any()
