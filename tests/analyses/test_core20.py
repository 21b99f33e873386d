"""Core20PLUS5 page: Core20 counts agree with the overview, the confidence and deprivation-index parameters change
what the page shows, MSOA classification, PLUS groups, findings as records, template run."""

from __future__ import annotations

import ast
import dataclasses
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from phna.analyses import core20, overview
from phna.findings import Finding, by_key, rank

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "analyses" / "core20plus5.ipynb"


@pytest.fixture
def params(mirror, monkeypatch):
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    import phna

    return phna.chapter("core20plus5", place="icb").params


def test_core20_counts_match_overview_and_add_up(params):
    result = core20.core20_by_place(params)
    people = result.table[result.table["index"] == "IMD 2019"].set_index("place_slug")
    assert list(people.index) == ["icb", "coventry", "warwickshire-north", "rugby", "south-warwickshire"]
    # the four places partition the ICB
    assert people.loc[people.index != "icb", "core20"].sum() == people.loc["icb", "core20"]
    assert people.loc[people.index != "icb", "total"].sum() == people.loc["icb", "total"]
    assert people.loc["coventry", "total"] == 371_521  # ONS mid-2019 LSOA total (data layer docstring)
    rugby = dataclasses.replace(params, place=params.config.place("rugby"), chapter="overview")
    assert people.loc["rugby", "core20"] == overview.deprivation(rugby).core20["x"].iloc[0]
    for row in people.itertuples():
        assert row.lower_95 <= row.share <= row.upper_95
        assert row.lower_99_8 <= row.lower_95 and row.upper_95 <= row.upper_99_8
    head = by_key(result.findings, "core20/icb")
    assert head.sentence.startswith(f"{people.loc['icb', 'core20']:,} people")
    assert head.comparison == "lower" and head.source == "computed"  # 14 % of the ICB against 20 % in England


def test_confidence_changes_limits_columns_and_findings(params):
    base = core20.core20_by_place(params)
    at_99 = core20.core20_by_place(dataclasses.replace(params, confidence=(0.99,)))
    several = core20.core20_by_place(dataclasses.replace(params, confidence=(0.9, 0.998)))
    assert {"lower_99", "upper_99"} <= set(at_99.table.columns) and "lower_95" not in at_99.table.columns
    assert {"lower_90", "upper_90", "lower_99_8", "upper_99_8"} <= set(several.table.columns)
    assert (at_99.table["lower_99"] < base.table["lower_95"]).all()
    assert (several.table["lower_90"] > base.table["lower_95"]).all()
    assert "99 % CI" in by_key(at_99.findings, "core20/icb").sentence
    assert "90 % CI" in by_key(several.findings, "core20/icb").sentence
    assert by_key(several.findings, "core20/icb").level == 0.9


def test_deprivation_index_changes_the_core20_areas_and_neighbourhoods(params):
    imd = core20.core20_by_place(params)
    iod = core20.core20_by_place(dataclasses.replace(params, deprivation_index="iod2025"))
    assert imd.index_label == "IMD 2019" and iod.index_label == "IMD 2025"
    assert set(imd.lsoas["lsoa_code"]) == set(iod.lsoas["lsoa_code"])  # the same 2011 small areas ...
    assert (imd.lsoas["imd_decile"] <= 2).sum() != (iod.lsoas["imd_decile"] <= 2).sum()  # ... ranked differently
    assert "IMD 2025" in by_key(iod.findings, "core20/icb").sentence
    shares_imd = core20.msoa_core20_share(params.areas.msoa11, "imd2019")
    shares_iod = core20.msoa_core20_share(params.areas.msoa11, "iod2025")
    assert not np.allclose(shares_imd["core20_share"], shares_iod["core20_share"])


def test_age_profile_shares(params):
    result = core20.core20_by_place(params)
    ages = core20.age_profile(params, result.lsoas)
    sums = ages.table.groupby("group")["share"].sum()
    assert np.allclose(sums, 100)
    core_pop = ages.table.loc[ages.table["group"] == "Core20", "population"].sum()
    assert core_pop == result.table.iloc[0]["core20"]


def test_msoa_classification(params):
    shares = core20.msoa_core20_share(params.areas.msoa11)
    assert shares["core20_share"].between(0, 1).all()
    assert ((shares["core20_share"] >= 0.5) == (shares["group"] == "Mostly Core20")).all()
    comp = core20.msoa_comparison(params)
    wide = comp.summary.pivot(index="indicator", columns="group", values="median")
    # medians come straight from the MSOA values
    part = comp.msoas[(comp.msoas["indicator"] == "le_male") & (comp.msoas["group"] == "Other")]["value"]
    assert wide.loc["le_male", "Other"] == pytest.approx(part.median())
    male = by_key(comp.findings, "msoa/le_male")
    assert f"{wide.loc['le_male', 'Mostly Core20']:.1f}" in male.sentence
    assert male.value == pytest.approx(wide.loc["le_male", "Mostly Core20"] - wide.loc["le_male", "Other"])


def test_findings_are_records_at_most_five_shown(params):
    counts = core20.core20_by_place(params)
    records = (counts.findings + core20.age_profile(params, counts.lsoas).findings
               + core20.msoa_comparison(params).findings)
    assert all(isinstance(f, Finding) for f in records) and len(records) > 5
    chosen = rank(records)
    assert len(chosen) == 5 and chosen[0].key == "core20/icb"
    assert all(f.evidence for f in records)


def test_plus_groups_and_clinical_areas(params, tmp_path):
    result = core20.core20_by_place(params)
    table = core20.plus_groups(params, result.lsoas)
    older = table.set_index("group").loc["Older people"]
    assert older["people"] > 0 and older["in_core20"] <= older["people"]
    assert table["what_the_data_give"].str.len().gt(0).all()
    assert "PLUS group" in core20.plus_finding(params.name, table).sentence
    areas = core20.clinical_areas(None)
    assert len(areas) == 11 and set(areas["framework"]) == {"Adults", "Children and young people"}
    bad = tmp_path / "plus.yaml"
    bad.write_text("plus_groups:\n  - {id: x, name: X, description: d, data: census}\nclinical_areas: []\n")
    with pytest.raises(ValueError, match="data must be one of"):
        core20.load_plus_file(bad)


def test_age_profile_unavailable_outside_the_mirrors_lsoa_populations(params):
    fake = pd.DataFrame({"lsoa_code": ["E01000001"], "imd_decile": [9]})  # City of London: no LSOA ages in mirror
    assert core20.age_profile(params, fake).table is None


def test_analyses_take_parameters_not_contexts():
    for module in ("core20", "core20_plus", "overview", "small_areas"):
        source = (ROOT / "src" / "phna" / "analyses" / f"{module}.py").read_text()
        assert "ChapterContext" not in source and "phna.context" not in source, module
        assert len(source.splitlines()) <= 400, module
        names = {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)}
        assert "ctx" not in names, module


@pytest.mark.slow
def test_template_runs(mirror, tmp_path):
    import papermill as pm

    os.environ["PHNA_DATA_MIRROR"] = str(mirror)
    pm.execute_notebook(str(TEMPLATE), str(tmp_path / "out.ipynb"), parameters={"place": "icb", "confidence": 0.99},
                        cwd=str(tmp_path), kernel_name="python3", progress_bar=False)
    out = tmp_path / "data"
    for name in ("core20-map", "core20-age-profile", "msoa-life-expectancy", "msoa-mortality"):
        assert (out / f"core20plus5-{name}.png").is_file()
    table = pd.read_csv(out / "core20plus5-core20-by-place.csv")
    assert {"lower_99", "upper_99"} <= set(table.columns)
    import phna

    expected = core20.core20_by_place(phna.chapter("core20plus5", place="icb").params).table
    assert table["core20"].tolist() == expected["core20"].tolist()
    text = (tmp_path / "out.ipynb").read_text()
    assert f"{expected['core20'].iloc[0]:,} people" in text and "99 % CI" in text
    import nbformat

    shown = "\n".join(  # what a reader sees: markdown cells and displayed outputs, not the run's metadata
        [c.source for c in nbformat.reads(text, as_version=4).cells if c.cell_type == "markdown"]
        + [o.get("data", {}).get("text/markdown", "") for c in nbformat.reads(text, as_version=4).cells
           for o in c.get("outputs", [])]
    )
    assert "For local input" not in shown and "plus_groups.yaml" not in shown
    import re

    alts = re.findall(r":alt: ([^\\]*)\\n", text)
    assert len(alts) >= 4 and all(len(alt) <= 250 for alt in alts), [len(a) for a in alts]
