"""Life expectancy chapter: analysis functions on the real mirror, edge cases, and the template run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from phna.analyses import life_expectancy as le
from phna.context import ChapterContext

def assert_reader_rules(text: str) -> None:
    """At most five key findings; no paragraph, bullet or table cell says "not compared" beside a significance word."""
    box = text[text.index("Key findings"):]
    bullets = [line for line in box[: box.index(":::")].splitlines() if line.startswith("- ")]
    assert 1 <= len(bullets) <= 5
    for block in re.split(r"\n\s*\n|\n- |</tr>|<tr>", text):
        if "not compared" in block:
            assert not re.search(r"\b(better|worse|significant(ly)?)\b", block, re.I), block[:300]
    assert "100 ranked units" not in text and "deaths_extract`" not in text.split("About this chapter")[0]


TEMPLATE = Path(__file__).resolve().parents[2] / "analyses" / "life-expectancy.ipynb"


@pytest.fixture
def ctx_for(mirror, monkeypatch):
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))

    def make(place, **kwargs):
        """The chapter's parameters (analyses take ``ctx.params``, never the context)."""
        kwargs = {"comparators": ["E92000001", "E12000005"], **kwargs}
        return ChapterContext("life-expectancy", place=place, **kwargs).params

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
    assert (table["lower_95"] < table["value"]).all() and (table["value"] < table["upper_95"]).all()
    # the finding quotes the table's numbers, and is never a headline (2014 is context)
    male = table.loc[("place", "male")]
    finding = next(f for f in result.findings if f.sex == "male")
    assert f"{male['value']:.1f} years (95 % CI {male['lower_95']:.1f} to {male['upper_95']:.1f})" in finding.sentence
    assert finding.period == "2014" and finding.kind == "context" and not finding.headline


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
    params = ctx_for("coventry")
    result = le.computed(params)
    gap = le.gap_by_age(params, result)
    for sex, part in gap.table.groupby("sex"):
        assert part["contribution"].sum() == pytest.approx(part["gap"].iloc[0], abs=1e-6)
        computed = result.table[(result.table["role"] == "place") & (result.table["sex"] == sex)]["value"].iloc[0]
        england = result.table[(result.table["role"] == "England") & (result.table["sex"] == sex)]["value"].iloc[0]
        assert part["gap"].iloc[0] == pytest.approx(computed - england, abs=1e-6)
    assert len(gap.findings) == 2 and "shorter" in gap.findings[0].sentence


def test_within_place_msoas_and_sii(ctx_for):
    result = le.within_place(ctx_for("rugby"))
    assert result.msoas["msoa11_code"].nunique() == 12  # SOURCES.md: Rugby has 12 MSOAs in the ONS file
    assert set(result.sii["sex"]) == {"male", "female"}
    # deprivation rank 1 = highest population-weighted IMD score
    male = result.msoas[result.msoas["sex"] == "male"]
    assert male.sort_values("deprivation_rank")["deprivation_score"].is_monotonic_decreasing
    # life expectancy rises with affluence in Rugby: positive SII, each MSOA one unit (12 < 50)
    assert (result.sii["sii"] > 0).all()
    assert (result.sii["sii_lower_95"] < result.sii["sii"]).all()
    assert result.units == "MSOAs" and result.deciles.empty
    assert {f.key for f in result.findings} == {"sii-msoa/male", "sii-msoa/female", "msoa-range/male",
                                                "msoa-range/female"}


def test_published_uses_ohid_comparison(ctx_for):
    result = le.published(ctx_for("south-warwickshire"))
    latest = result.latest.set_index(["area_name", "sex"])
    # Fingertips 90366, 2023-25: Stratford-on-Avon men 81.7 better; Warwick women 84.1 similar (OHID)
    assert result.period == "2023-25"
    assert latest.loc[("Stratford-on-Avon", "male"), "value"] == pytest.approx(81.7)
    assert latest.loc[("Stratford-on-Avon", "male"), "comparison"] == "better"
    assert latest.loc[("Warwick", "female"), "compared_with_england"] == "similar (OHID)"
    assert set(result.districts) == {"Stratford-on-Avon", "Warwick"}
    assert all(f.source == "OHID" and f.headline for f in result.findings)  # two districts: each a headline
    assert "as published by OHID" in result.findings[0].sentence


def test_healthy_coverage(ctx_for):
    coventry = le.healthy(ctx_for("coventry"))
    latest = coventry.latest.set_index(["area_code", "sex"])
    # ELS SOURCES.md spot check: Coventry 2022-24 male 59.2 (55.9-62.6)
    assert coventry.period == "2022-24"
    assert latest.loc[("E08000026", "male"), "value"] == pytest.approx(59.2)
    assert latest.loc[("E08000026", "male"), "lower_95"] == pytest.approx(55.9)
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
    params = ChapterContext("life-expectancy", place=place, comparators=["E92000001", "E12000005"]).params
    expected = le.computed(params).table
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
    assert "ONS deaths registered by area of usual residence, 2014" in text
    assert "the only year with public deaths by age for every district" in text
    # the key findings lead with the latest published period, never 2014
    box = text[text.index("Key findings"):]
    box = box[: box.index(":::")]
    first = box.split("\n- ")[1]
    assert "2023-25" in first and "as published by OHID" in first and "2014" not in first
    assert_reader_rules(text)
