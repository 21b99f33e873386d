"""Place overview against the real data: one population year per page (the latest, mid-2023) with the Core20
count's own year named beside it, the confidence and deprivation-index parameters change what the page shows,
findings are records (at most five shown), and the page has no build language."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path

import pytest

from phna.analyses import overview
from phna.findings import Finding, by_key, rank

TEMPLATE = Path(__file__).resolve().parents[2] / "analyses" / "overview.ipynb"


@pytest.fixture
def params(mirror, monkeypatch):
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    import phna

    return phna.chapter("overview", place="coventry").params


def test_population_is_the_latest_mid_year_estimate(params):
    pop = overview.population(params)
    assert pop.year == 2023 and pop.total == 360_702  # ONS mid-2023 (population/SOURCES.md)
    assert set(pop.pyramid["period"]) == {"mid-2023"} and set(pop.summary["period"]) == {"mid-2023"}
    assert all(f.period == "mid-2023" for f in pop.findings)
    assert by_key(pop.findings, "population/total").sentence.startswith("360,702 people lived in Coventry in mid-2023")
    earlier = overview.population(dataclasses.replace(params, period="2022"))
    assert earlier.year == 2022 and earlier.total != pop.total
    with pytest.raises(Exception, match="available periods: 2019, 2021, 2022, 2023"):
        overview.population(dataclasses.replace(params, period="2020"))


def test_core20_names_its_own_population_year_beside_the_page_population(params):
    pop, dep = overview.population(params), overview.deprivation(params)
    assert dep.population_period == "mid-2019" and dep.core20["population_period"].iloc[0] == "mid-2019"
    core20 = by_key(dep.findings, "core20")
    assert "mid-2019" in core20.sentence and core20.period == "mid-2019"
    bases = overview.population_bases(pop, dep)
    assert "mid-2023" in bases and "mid-2019" in bases and "360,702" in bases and "371,521" in bases
    # a page whose population is mid-2019 too needs no such sentence
    assert overview.population_bases(overview.population(params, year=2019), dep) == ""


def test_confidence_changes_the_core20_limits_columns_and_finding(params):
    base = overview.deprivation(params).core20.iloc[0]
    at_99 = overview.deprivation(dataclasses.replace(params, confidence=(0.99,)))
    several = overview.deprivation(dataclasses.replace(params, confidence=(0.9, 0.998)))
    row99, row9 = at_99.core20.iloc[0], several.core20.iloc[0]
    assert "lower_95" not in at_99.core20.columns and {"lower_99", "upper_99"} <= set(at_99.core20.columns)
    assert {"lower_90", "upper_90", "lower_99_8", "upper_99_8"} <= set(several.core20.columns)
    assert row99["lower_99"] < base["lower_95"] < row9["lower_90"] < base["value"] < row9["upper_90"]
    assert row9["level"] == 0.9 and row99["level"] == 0.99
    assert "99 % CI" in by_key(at_99.findings, "core20").sentence
    finding = by_key(several.findings, "core20")
    assert "90 % CI" in finding.sentence and finding.level == 0.9 and finding.lower == pytest.approx(row9["lower_90"])


def test_deprivation_index_changes_the_deciles_and_core20(params):
    imd = overview.deprivation(params)
    iod = overview.deprivation(dataclasses.replace(params, deprivation_index="iod2025"))
    assert imd.label == "IMD 2019" and iod.label == "IMD 2025"
    assert not iod.counts_people and iod.core20["population_period"].iloc[0] == ""
    assert iod.core20["lsoas"].iloc[0] != imd.core20["lsoas"].iloc[0]  # 2021 small areas against 2011 ones
    assert "IMD 2025" in by_key(iod.findings, "core20").sentence and "small areas" in by_key(iod.findings, "core20").sentence


def test_findings_are_records_ranked_at_most_five(params):
    records = overview.population(params).findings + overview.deprivation(params).findings
    assert all(isinstance(f, Finding) and f.evidence for f in records) and len(records) > 5
    chosen = rank(records)
    assert len(chosen) == 5
    assert chosen[0].key == "core20" and chosen[0].comparison == "higher" and chosen[0].source == "computed"


def test_wording_agrees_with_counts(params):
    rugby = dataclasses.replace(params, place=params.config.place("rugby"), deprivation_index="iod2025")
    spread = by_key(overview.deprivation(rugby).findings, "deprivation/deciles")
    assert re.search(r"\b2 of its 67 small areas \(LSOAs\) are\b", spread.sentence)


def _markdown_outputs(notebook: Path) -> str:
    nb = json.loads(notebook.read_text())
    texts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            texts.append("".join(output.get("data", {}).get("text/markdown", "")))
    return "\n".join(texts)


@pytest.mark.slow
def test_template_with_parameters(mirror, tmp_path):
    import papermill as pm

    os.environ["PHNA_DATA_MIRROR"] = str(mirror)
    pm.execute_notebook(str(TEMPLATE), str(tmp_path / "out.ipynb"),
                        parameters={"place": "coventry", "confidence": [0.9, 0.998]}, cwd=str(tmp_path),
                        kernel_name="python3", progress_bar=False)
    import pandas as pd

    core20 = pd.read_csv(tmp_path / "data" / "overview-coventry-core20.csv"
                         if (tmp_path / "data" / "overview-coventry-core20.csv").is_file()
                         else tmp_path / "data" / "overview-core20.csv")
    assert {"lower_90", "upper_90", "lower_99_8", "upper_99_8"} <= set(core20.columns)
    text = _markdown_outputs(tmp_path / "out.ipynb")
    assert "90 % CI" in text and "Lower 90 % limit" in text
    assert "mid-2023" in text and "mid-2019" in text
    findings = re.search(r"Key findings\n:class: tip findings\n\n(.*?)\n:::", text, re.S).group(1)
    assert 1 <= findings.count("\n- ") + 1 <= 5
    for word in ("deprivation_index", "`confidence`", "population_period", "lower_9", ".yaml", "phna.", "iod2025"):
        assert word not in text.split("About this chapter")[0], word
    alts = re.findall(r":alt: (.*)", text)
    assert alts and all(len(alt) <= 250 for alt in alts), [len(a) for a in alts]


def test_map_outlines_every_district_of_the_place(mirror, monkeypatch):
    """The deprivation map draws and names each of the place's districts (several for Warwickshire North)."""
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    import phna

    params = phna.chapter("overview", place="warwickshire-north").params
    boundaries = overview.lsoa_boundaries(params)
    codes = sorted(f["properties"]["code"] for f in boundaries.districts["features"])
    assert len(codes) > 1 and codes == sorted(params.areas.districts)
    assert all(f["properties"].get("name") for f in boundaries.districts["features"])
    assert "district boundaries" in boundaries.source
    assert boundaries.areas["features"]  # the small areas are still there beneath the outline
