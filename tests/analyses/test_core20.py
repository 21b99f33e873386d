"""Core20PLUS5 page: Core20 counts agree with the overview, MSOA classification, PLUS groups, template run."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from phna.analyses import core20, overview

TEMPLATE = Path(__file__).resolve().parents[2] / "analyses" / "core20plus5.ipynb"


@pytest.fixture
def ctx(mirror, monkeypatch):
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    import phna

    return phna.chapter("core20plus5", place="icb")


def test_core20_counts_match_overview_and_add_up(ctx):
    import phna

    result = core20.core20_by_place(ctx)
    people = result.table[result.table["index"] == "IMD 2019"].set_index("place_slug")
    assert list(people.index) == ["icb", "coventry", "warwickshire-north", "rugby", "south-warwickshire"]
    # the four places partition the ICB
    assert people.loc[people.index != "icb", "core20"].sum() == people.loc["icb", "core20"]
    assert people.loc[people.index != "icb", "total"].sum() == people.loc["icb", "total"]
    assert people.loc["coventry", "total"] == 371_521  # ONS mid-2019 LSOA total (data layer docstring)
    dep = overview.deprivation(phna.chapter("overview", place="rugby"))
    assert people.loc["rugby", "core20"] == dep.core20["x"].iloc[0]
    for row in people.itertuples():
        assert row.lowercl <= row.share <= row.uppercl
    assert result.findings[0].startswith(f"{people.loc['icb', 'core20']:,} people")


def test_age_profile_shares(ctx):
    result = core20.core20_by_place(ctx)
    ages = core20.age_profile(ctx, result.lsoas)
    sums = ages.table.groupby("group")["share"].sum()
    assert np.allclose(sums, 100)
    core_pop = ages.table.loc[ages.table["group"] == "Core20", "population"].sum()
    assert core_pop == result.table.iloc[0]["core20"]


def test_msoa_classification(ctx):
    shares = core20.msoa_core20_share(ctx.areas.msoa11)
    assert shares["core20_share"].between(0, 1).all()
    assert ((shares["core20_share"] >= 0.5) == (shares["group"] == "Mostly Core20")).all()
    comp = core20.msoa_comparison(ctx)
    wide = comp.summary.pivot(index="indicator", columns="group", values="median")
    # medians come straight from the MSOA values
    part = comp.msoas[(comp.msoas["indicator"] == "le_male") & (comp.msoas["group"] == "Other")]["value"]
    assert wide.loc["le_male", "Other"] == pytest.approx(part.median())
    assert f"{wide.loc['le_male', 'Mostly Core20']:.1f}" in comp.findings[0]


def test_plus_groups_and_clinical_areas(ctx, tmp_path):
    result = core20.core20_by_place(ctx)
    table, findings = core20.plus_groups(ctx, result.lsoas)
    older = table.set_index("group").loc["Older people"]
    assert older["people"] > 0 and older["in_core20"] <= older["people"]
    assert table["what_the_data_give"].str.len().gt(0).all()
    areas = core20.clinical_areas(None)
    assert len(areas) == 11 and set(areas["framework"]) == {"Adults", "Children and young people"}
    bad = tmp_path / "plus.yaml"
    bad.write_text("plus_groups:\n  - {id: x, name: X, description: d, data: census}\nclinical_areas: []\n")
    with pytest.raises(ValueError, match="data must be one of"):
        core20.load_plus_file(bad)


def test_age_profile_unavailable_outside_the_mirrors_lsoa_populations(ctx):
    fake = pd.DataFrame({"lsoa_code": ["E01000001"], "imd_decile": [9]})  # City of London: no LSOA ages in mirror
    assert core20.age_profile(ctx, fake).table is None


@pytest.mark.slow
def test_template_runs(mirror, tmp_path):
    import papermill as pm

    os.environ["PHNA_DATA_MIRROR"] = str(mirror)
    pm.execute_notebook(str(TEMPLATE), str(tmp_path / "out.ipynb"), parameters={"place": "icb"}, cwd=str(tmp_path),
                        kernel_name="python3", progress_bar=False)
    out = tmp_path / "data"
    for name in ("core20-map", "core20-age-profile", "msoa-life-expectancy", "msoa-mortality"):
        assert (out / f"core20plus5-{name}.svg").is_file()
    table = pd.read_csv(out / "core20plus5-core20-by-place.csv")
    import phna

    expected = core20.core20_by_place(phna.chapter("core20plus5", place="icb")).table
    assert table["core20"].tolist() == expected["core20"].tolist()
    text = (tmp_path / "out.ipynb").read_text()
    assert f"{expected['core20'].iloc[0]:,} people" in text
    assert "For local input" not in text
