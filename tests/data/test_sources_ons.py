"""The ONS Explore Local Statistics adapter against a local server answering in ONS's exact CSV layout."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from phna.data import refresh
from phna.data.sources import ons

IDS = ["els.cigarette-smokers", "els.healthy-life-expectancy"]


def test_endpoint_is_the_dataset_csv_in_ons_data_repository():
    assert ons.endpoint("cigarette-smokers") == ("https://raw.githubusercontent.com/ONSdigital/"
                                                 "explore-local-statistics-data/main/cigarette-smokers/cigarette-smokers.csv")


def test_refresh_from_ons_takes_new_periods_and_refuses_a_changed_layout(fake_repo, mirror, tmp_path, http_mirror):
    repo = fake_repo(IDS)
    site = tmp_path / "ons"
    text = repo.real_bytes("els.cigarette-smokers").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    period = rows[0].index("period")
    newest = max(r[period] for r in rows[1:])
    row = next(r for r in rows[1:] if r[0] == "E07000220").copy()
    row[period] = f"{int(newest[:4]) + 1}{newest[4:]}"  # ONS adds a year for Rugby
    (site / "cigarette-smokers").mkdir(parents=True)
    with (site / "cigarette-smokers" / "cigarette-smokers.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows + [row])
    # ONS renames the value column of the other dataset: the loader cannot read it.
    hle = repo.real_bytes("els.healthy-life-expectancy").decode("utf-8-sig").replace("observation", "value", 1)
    (site / "healthy-life-expectancy").mkdir()
    (site / "healthy-life-expectancy" / "healthy-life-expectancy.csv").write_text(hle)
    base = http_mirror(site)

    result = refresh(tmp_path / "v", today=dt.date(2026, 12, 1), sources=["ons"], base_urls={"ons": base})
    smokers = result.changes["publishers"]["els.cigarette-smokers"]
    assert smokers["status"] == "changed" and smokers["compared_with"] == "the catalogued file"
    assert len(smokers["new_periods"]) == 1 and smokers["revised_values"] == 0
    assert "els.cigarette-smokers" in result.changes["changed"]  # the vintage holds ONS's newer file
    hle_entry = result.changes["publishers"]["els.healthy-life-expectancy"]
    assert hle_entry["status"] == "error" and "observation" in hle_entry["error"]
    kept = result.vintage / repo.entry("els.healthy-life-expectancy")["path"]
    assert kept.read_bytes() == repo.real_bytes("els.healthy-life-expectancy")  # the previous file is kept
    assert "els.healthy-life-expectancy" not in result.changes["changed"]
    manifest = json.loads((result.vintage / "manifest.json").read_text())
    assert manifest["els.cigarette-smokers"]["endpoints"] == [f"{base}/cigarette-smokers/cigarette-smokers.csv"]
