"""The deaths extract end to end, through ``phna``: the example builds both chapters' extract sections; every bad
file stops the run with file, line and column and leaves the site byte-identical; a small-number extract publishes
nothing derived from suppressed numbers; the analyst's path appears nowhere in the site.

All extracts are GENERATED (``phna extract example`` and small frames written here).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from _projects import make_project

PHNA = [sys.executable, "-m", "phna.cli"]
PAGES = Path("_build") / "html" / "book" / "places" / "rugby"


def run_phna(args, root: Path, mirror: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PHNA_ROOT=str(root), PHNA_DATA_MIRROR=str(mirror))
    env.pop("PHNA_CONFIG", None)
    return subprocess.run([*PHNA, *args], capture_output=True, text=True, env=env, cwd=root, timeout=900)


def snapshot(root: Path) -> dict[str, str]:
    """Hash of every file of the site and of the executed chapters."""
    out = {}
    for folder in (root / "_build" / "html", root / "book" / "places"):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def published_text(root: Path) -> str:
    """Everything the site gives a reader: pages, CSV downloads, the about page (not the vendored scripts)."""
    site = root / "_build" / "html"
    files = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".csv", ".ipynb", ".txt", ".json")
             and not {"mathjax", "_static"} & set(p.relative_to(site).parts)]
    return "\n".join(p.read_text(errors="ignore") for p in files)


@pytest.fixture(scope="module")
def built(tmp_path_factory, mirror):
    root = make_project(tmp_path_factory.mktemp("extract") / "project")
    (root / "local").mkdir()
    result = run_phna(["extract", "example", "--out", "local/deaths.csv"], root, mirror)
    assert result.returncode == 0, result.stderr
    for chapter in ("life-expectancy", "preventable-mortality"):
        # a relative path, taken from where the command runs (the chapter itself runs in a staging folder)
        result = run_phna(["run", chapter, "--place", "rugby", "-p", "deaths_extract", "local/deaths.csv"], root, mirror)
        assert result.returncode == 0, result.stderr
    return root


@pytest.mark.slow
def test_example_builds_quintiles_sii_and_the_cause_chart(built):
    page = (built / PAGES / "life-expectancy.html").read_text()
    assert "Life expectancy by deprivation, and the causes of the gap, from local deaths" in page
    assert "Quintile 1 (most deprived)" in page and "Slope index of inequality in life expectancy across Rugby" in page
    assert "extract-quintiles.svg" in page and "extract-gap-causes.svg" in page
    pm = (built / PAGES / "preventable-mortality.html").read_text()
    assert "Preventable deaths by deprivation, from local deaths" in pm
    assert "Quintile 5 (least deprived)" in pm
    text = published_text(built)
    assert str(built / "local") not in text and "local/deaths.csv" not in text and "deaths.csv" not in text
    assert not (built / "_build" / "html" / "_sources").exists()


def bad_files(good: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """name -> (file text, what the message must name)."""
    header = ",".join(good.columns)
    body = good.head(30).to_csv(index=False, header=False).strip().splitlines()
    row = body[4].split(",")
    negative = [*row[:-1], "-2"]
    text = [*row[:-1], "two"]
    unknown_sex = [row[0], "x", *row[2:]]
    return {
        "negative": ("\n".join([header, *body[:4], ",".join(negative), *body[5:]]), "line 6"),
        "text": ("\n".join([header, *body[:4], ",".join(text), *body[5:]]), "line 6"),
        "header": ("\n".join([header.replace("icd10", "cause"), *body]), "line 1"),
        "empty": ("", "empty"),
        "header-only": (header, "no rows"),
        "sex": ("\n".join([header, *body[:4], ",".join(unknown_sex), *body[5:]]), "line 6"),
        "duplicate": ("\n".join([header, *body, body[0]]), "line 2"),
        "outside": ("\n".join([header, *body, "E01000001," + ",".join(row[1:])]), "line 32"),
    }


@pytest.mark.slow
def test_bad_extracts_stop_the_run_and_leave_the_site_alone(built, mirror):
    good = pd.read_csv(built / "local" / "deaths.csv", dtype=str)
    before = snapshot(built)
    for name, (text, where) in bad_files(good).items():
        path = built / "local" / f"bad-{name}.csv"
        path.write_text(text + ("\n" if text else ""), encoding="utf-8")
        result = run_phna(["run", "life-expectancy", "--place", "rugby", "-p", "deaths_extract",
                           f"local/bad-{name}.csv"], built, mirror)
        assert result.returncode != 0, name
        assert f"bad-{name}.csv" in result.stderr and where in result.stderr, (name, result.stderr[-2000:])
        assert snapshot(built) == before, name


def small_extract(root: Path) -> Path:
    """Rugby at 9 deaths and 7,660 people per sex (the issue's example), with populations."""
    from phna.context import ChapterContext

    lsoas = sorted(ChapterContext("life-expectancy", place="rugby").params.areas.lsoa11)
    bands = ["0", "1-4"] + [f"{a}-{a + 4}" for a in range(5, 90, 5)] + ["90+"]
    dead = {(lsoas[i], band): 1 for band in ("80-84", "85-89", "90+") for i in range(3)}
    rows = [[lsoa, sex, band, "2022", "I21", dead.get((lsoa, band), 0), round(7660 / (len(lsoas) * 20), 3)]
            for sex in ("male", "female") for lsoa in lsoas for band in bands]
    path = root / "local" / "small.csv"
    pd.DataFrame(rows, columns=["lsoa11_code", "sex", "age_band", "period", "icd10", "deaths", "population"]).to_csv(
        path, index=False)
    return path


@pytest.mark.slow
def test_small_numbers_publish_nothing_derived_from_them(built, mirror, monkeypatch):
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    from phna import stats
    from phna.analyses.extract_areas import extract_counts, group_counts
    from phna.context import ChapterContext

    path = small_extract(built)
    p = ChapterContext("life-expectancy", place="rugby").params
    cells = group_counts(extract_counts(p, path))
    raw = stats.life_expectancy(cells, deaths="deaths", population="population", age_start="age_start",
                                by=["group", "sex"], confidence=[0.95, 0.998])
    limits = [c for c in raw.columns if c.startswith(("lower", "upper"))]
    forbidden = {f"{v:.1f}" for c in ["value", *limits] for v in raw[c].dropna()}
    assert forbidden  # the raw life table of the place has (withheld) limits the page must not show
    for chapter in ("life-expectancy", "preventable-mortality"):
        result = run_phna(["run", chapter, "--place", "rugby", "-p", "deaths_extract", "local/small.csv"], built,
                          mirror)
        assert result.returncode == 0, result.stderr[-2000:]
    csvs = [*(built / "book" / "places" / "rugby").rglob("*extract*.csv")]  # the site's downloads are copies
    # the tables remain (with dashes); the quintile chart and the cause breakdown are not drawn at all
    assert {p.stem for p in csvs} >= {"life-expectancy-extract-life-expectancy", "life-expectancy-extract-sii",
                                      "preventable-mortality-extract-preventable"}
    extract_text = "\n".join(p.read_text() for p in csvs)
    numbers = {f"{float(n):.1f}" for n in re.findall(r"(?<![\d.])\d+\.\d+", extract_text)}
    assert not forbidden & numbers, forbidden & numbers
    for csv in csvs:
        table = pd.read_csv(csv)
        if "deaths" in table:
            assert not (table["deaths"].dropna() < 10).any(), csv.name
    pages = [(built / PAGES / f"{c}.html").read_text() for c in ("life-expectancy", "preventable-mortality")]
    anchors = ['id="life-expectancy-by-deprivation', 'id="preventable-deaths-by-deprivation']
    section = [page.split(anchor, 1)[1].split('id="data-and-methods"', 1)[0] for page, anchor in zip(pages, anchors)]
    page_numbers = {f"{float(n):.1f}" for s in section for n in re.findall(r"(?<![\d.])\d+\.\d+", s)}
    assert not forbidden & page_numbers
    assert "was withheld" in section[0] or "withheld" in section[0]
