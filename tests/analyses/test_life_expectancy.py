"""Life expectancy chapter: analysis functions on the real mirror, edge cases, and the template run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import phna
from phna.analyses import life_expectancy as le

TEMPLATE = Path(__file__).resolve().parents[2] / "analyses" / "life-expectancy.ipynb"


@pytest.fixture
def ctx_for(mirror, monkeypatch):
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))

    def make(place):
        return phna.chapter("life-expectancy", place=place, comparators=["E92000001", "E12000005"])

    return make


def test_computed_rugby_sums_spot_checks(ctx_for):
    result = le.computed(ctx_for("rugby"))
    table = result.table.set_index(["role", "sex"])
    # ONS deathsarea2014 Table 2 spot checks (data/ons_deaths_area_2014/SOURCES.md): Rugby 431 / 453 deaths
    assert table.loc[("place", "male"), "deaths"] == 431
    assert table.loc[("place", "female"), "deaths"] == 453
    # England 2014 single-year life expectancy is close to ONS national life tables 2012-14 (79.5 / 83.2)
    assert table.loc[("England", "male"), "value"] == pytest.approx(79.5, abs=0.3)
    assert table.loc[("England", "female"), "value"] == pytest.approx(83.2, abs=0.3)
    assert set(table.index.get_level_values("role")) == {"place", "ICB", "comparator", "England"}
    assert (table["lower_ci"] < table["value"]).all() and (table["value"] < table["upper_ci"]).all()
    # the finding quotes the table's numbers
    male = table.loc[("place", "male")]
    assert f"{male['value']:.1f} years (95 % CI {male['lower_ci']:.1f} to {male['upper_ci']:.1f})" in result.findings[-1] + result.findings[0]


def test_two_district_place_is_summed_not_averaged(ctx_for):
    result = le.computed(ctx_for("warwickshire-north"))
    place = result.counts[(result.counts["role"] == "place")]
    from phna import data

    d = data.deaths_population_2014()
    both = d[d["area_code"].isin(["E07000218", "E07000219"])]
    assert place["deaths"].sum() == both["deaths"].sum()
    assert place["population"].sum() == both["population"].sum()
    assert (result.table.loc[result.table["role"] == "place", "n_areas"] == 2).all()


def test_gap_by_age_sums_to_gap(ctx_for):
    ctx = ctx_for("coventry")
    result = le.computed(ctx)
    gap = le.gap_by_age(ctx, result)
    for sex, part in gap.table.groupby("sex"):
        assert part["contribution"].sum() == pytest.approx(part["gap"].iloc[0], abs=1e-6)
        computed = result.table[(result.table["role"] == "place") & (result.table["sex"] == sex)]["value"].iloc[0]
        england = result.table[(result.table["role"] == "England") & (result.table["sex"] == sex)]["value"].iloc[0]
        assert part["gap"].iloc[0] == pytest.approx(computed - england, abs=1e-6)
    assert len(gap.findings) == 2 and "shorter" in gap.findings[0]


def test_within_place_msoas_and_sii(ctx_for):
    result = le.within_place(ctx_for("rugby"))
    assert result.msoas["msoa11_code"].nunique() == 12  # SOURCES.md: Rugby has 12 MSOAs in the ONS file
    assert set(result.sii["sex"]) == {"male", "female"}
    # deprivation rank 1 = highest population-weighted IMD score
    male = result.msoas[result.msoas["sex"] == "male"]
    assert male.sort_values("deprivation_rank")["imd_score"].is_monotonic_decreasing
    # life expectancy rises with affluence in Rugby: positive SII
    assert (result.sii["sii"] > 0).all()
    assert (result.sii["sii_lower_ci"] < result.sii["sii"]).all()
    assert len(result.findings) == 2


def test_msoa_deprivation_is_population_weighted(mirror, monkeypatch):
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    from phna import data

    imd = data.imd2019_lsoa()
    lookup = data.lsoa11_lookup()
    code = lookup.loc[lookup["district_code"] == "E07000220", "msoa11_code"].iloc[0]
    lsoas = imd[imd["lsoa11_code"].isin(lookup.loc[lookup["msoa11_code"] == code, "lsoa11_code"])]
    expected = np.average(lsoas["imd_score"], weights=lsoas["population_mid2015"])
    got = le.msoa_deprivation([code]).set_index("msoa11_code").loc[code, "imd_score"]
    assert got == pytest.approx(expected)


def test_icb_has_too_many_msoas_for_sii(ctx_for):
    result = le.within_place(ctx_for("icb"))
    assert result.sii.empty
    assert any("at most 100" in n for n in result.notes)


def test_published_has_no_intervals_so_not_compared(ctx_for):
    result = le.published(ctx_for("south-warwickshire"))
    assert set(result.latest["comparison"]) == {"not compared"}
    assert result.districts == ["Stratford-on-Avon", "Warwick"] or set(result.districts) == {"Stratford-on-Avon", "Warwick"}
    assert "not tested" in result.findings[0]


def test_healthy_coverage(ctx_for):
    coventry = le.healthy(ctx_for("coventry"))
    latest = coventry.latest.set_index(["area_code", "sex"])
    # ELS SOURCES.md spot check: Coventry 2022-24 male 59.2 (55.9-62.6)
    assert coventry.period == "2022-24"
    assert latest.loc[("E08000026", "male"), "value"] == pytest.approx(59.2)
    assert latest.loc[("E08000026", "male"), "lower_ci"] == pytest.approx(55.9)
    rugby = le.healthy(ctx_for("rugby"))
    assert "does not publish" in rugby.coverage
    assert rugby.areas == ["Warwickshire"]


def test_attempt_turns_data_errors_into_reasons():
    from phna import data

    def fails():
        raise data.DataError("no rows for E07000999")

    assert le.attempt(fails) == (None, "no rows for E07000999")


@pytest.mark.slow
@pytest.mark.parametrize("place", ["rugby", "warwickshire-north"])
def test_template_runs(place, tmp_path, mirror, monkeypatch):
    import papermill

    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(TEMPLATE), str(out), parameters={"place": place}, cwd=str(tmp_path),
                               kernel_name="python3", progress_bar=False)
    folder = tmp_path / "data"
    for name in ("published-trend-male", "computed-male", "computed-female", "gap-by-age", "msoa-map-male",
                 "msoa-ranked-female", "published-sii-male", "healthy-female"):
        assert (folder / f"life-expectancy-{name}.svg").exists(), name
        assert (folder / f"life-expectancy-{name}.csv").exists(), name
    ctx = phna.chapter("life-expectancy", place=place, comparators=["E92000001", "E12000005"])
    expected = le.computed(ctx).table
    for sex in ("male", "female"):
        csv = pd.read_csv(folder / f"life-expectancy-computed-{sex}.csv")
        want = expected[expected["sex"] == sex]
        assert csv["value"].round(6).tolist() == want["value"].round(6).tolist()
    sii = pd.read_csv(folder / "life-expectancy-sii-msoa.csv")
    assert set(sii["sex"]) == {"male", "female"}
    text = "".join(
        "".join(o.get("data", {}).get("text/markdown", "")) for c in json.loads(out.read_text())["cells"]
        for o in c.get("outputs", [])
    )
    place_male = want = expected[(expected["role"] == "place") & (expected["sex"] == "male")].iloc[0]
    assert f"{place_male['value']:.1f} years (95 % CI {place_male['lower_ci']:.1f} to {place_male['upper_ci']:.1f})" in text
    assert "ONS deaths registered by area of usual residence, 2014" in text
