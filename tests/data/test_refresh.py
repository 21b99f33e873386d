"""refresh(): dated vintages, never overwritten, with a change report."""

from __future__ import annotations

import datetime as dt
import json

from phna.data import refresh
from phna.data.refresh import compare_tables

import pandas as pd


def test_refresh_vintages_and_change_report(fake_repo, tmp_path):
    ids = ["esp2013.opensafely", "fuel_poverty.2012", "els.supermarkets"]
    repo = fake_repo(ids)
    out = tmp_path / "vintages"
    day = dt.date(2026, 1, 2)
    first = refresh(out, today=day)
    assert first.vintage.name == "2026-01-02" and first.previous is None
    assert first.changes["changed"] == {} and first.changes["unchanged"] == 3
    manifest = json.loads((first.vintage / "manifest.json").read_text())
    assert set(manifest) == set(ids)
    assert (first.vintage / repo.entry("fuel_poverty.2012")["path"]).is_file()

    # The publisher revises one value and adds a period.
    text = repo.real_bytes("els.supermarkets").decode("utf-8-sig")
    lines = text.splitlines()
    header, row = lines[0], lines[1].split(",")
    revised_row = row.copy()
    revised_row[5] = str(float(row[5]) + 1)
    new_period = row.copy()
    new_period[4] = "2024-08-15"
    changed = "\n".join([header, ",".join(revised_row), *lines[2:], ",".join(new_period)]) + "\n"
    repo.replace("els.supermarkets", changed.encode("utf-8"), update_catalogue=False)

    second = refresh(out, today=day)
    assert second.vintage.name == "2026-01-02-2"  # same day: a new folder, the first is untouched
    assert second.previous == first.vintage
    assert set(second.changes["changed"]) == {"els.supermarkets"}
    table = second.changes["changed"]["els.supermarkets"]["table"]
    assert table["new_periods"] == ["2024-08-15"]
    assert table["revised_values"] == 1 and table["rows_added"] == 1
    markdown = (second.vintage / "CHANGES.md").read_text()
    assert "els.supermarkets" in markdown and "new periods: 2024-08-15" in markdown
    assert json.loads((second.vintage / "changes.json").read_text())["vintage"] == "2026-01-02-2"
    # The first vintage still holds the old file.
    old = (first.vintage / repo.entry("els.supermarkets")["path"]).read_bytes()
    assert old == repo.real_bytes("els.supermarkets")

    # A file removed from the source is reported as unavailable, not silently dropped.
    (repo.mirror / repo.entry("fuel_poverty.2012")["path"]).unlink()
    third = refresh(out, today=dt.date(2026, 2, 1))
    assert third.vintage.name == "2026-02-01"
    assert any(u.startswith("fuel_poverty.2012") for u in third.changes["unavailable"])


def test_compare_tables_without_keys():
    old = pd.DataFrame({"x": ["1", "2"]})
    assert compare_tables(old, old)["revisions"].startswith("not compared")


def test_catalogue_rebuilt_from_a_vintage_matches(mirror, tmp_path):
    from phna.data import catalogue
    from phna.data.catalogue_build import build

    vintage = refresh(tmp_path / "v", mirror=mirror, today=dt.date(2030, 5, 6)).vintage
    rebuilt = build(vintage)
    assert rebuilt["mirror_date"] == "2030-05-06"
    current = catalogue.load()

    def strip(doc):
        return [{k: v for k, v in s.items() if k != "accessed"} for s in doc["sources"]]

    assert strip(rebuilt) == strip(current)
