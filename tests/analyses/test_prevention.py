"""Prevention chapter: indicators against the source files (read here with the csv module, independently of
the data layer), comparisons and their sources, old series labelled with their period, the size of the prize,
the parameters, the small-area view, and the template run for two places."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from phna.analyses import prevention as pv
from phna.analyses import prevention_indicators as registry
from phna.analyses import prevention_prize as pp
from phna.context import ChapterContext
from phna.data import DataError
from _projects import run_template

REPO_TEMPLATE = str(Path(__file__).resolve().parents[2] / "analyses" / "prevention.ipynb")
COVENTRY, RUGBY, WARWICK = "E08000026", "E07000220", "E07000222"


def params(place, **kwargs):
    return ChapterContext("prevention", place=place, **kwargs).params


@pytest.fixture(scope="module")
def coventry(mirror):
    return pv.latest(params("coventry", comparators=["E92000001", "E12000005"]))


def source_rows(mirror, relative, **match):
    """Rows of a mirror CSV (read with the csv module) whose columns equal ``match``."""
    with open(mirror / relative, encoding="utf-8-sig", newline="") as handle:
        return [r for r in csv.DictReader(handle) if all(r[k] == v for k, v in match.items())]


def row(table, indicator_id, area_code):
    found = table[(table["indicator_id"] == indicator_id) & (table["area_code"] == area_code)]
    assert len(found) == 1, (indicator_id, area_code)
    return found.iloc[0]


# --------------------------------------------------------------------------------------- the registry
def test_parse_published():
    assert registry.parse_published("worse") == ("worse", 0.95)
    assert registry.parse_published("higher 99.8") == ("higher", pytest.approx(0.998))
    assert registry.parse_published("Not compared") == ("not compared", None)
    assert registry.parse_published(pd.NA) == (None, None)
    with pytest.raises(DataError, match="unknown published comparison 'amber'"):
        registry.parse_published("amber")


def test_every_indicator_loads_one_kind_of_period(mirror):
    for ind in registry.REGISTRY:
        frame = registry.load(ind)
        assert frame["value"].notna().all(), ind.id  # missing (suppressed) values never reach a table
        assert frame["period"].str.match(ind.periods).all(), ind.id
        assert (frame["area_code"] == registry.ENGLAND).any(), ind.id
    # Routine and manual smoking: the pooled series only (the extract mixes single years and 3-year pools).
    periods = set(registry.load("smoking_routine_manual")["period"])
    assert "2022-24" in periods and "2023" not in periods


# ------------------------------------------------------------------- values against the source files
def test_fingertips_values_and_published_comparisons(mirror, coventry):
    t = coventry.table
    # fingertips_trafford/trafford_themes/health__adults_smoking.csv, Coventry 2024: 10.6, similar; England 10.4
    src = source_rows(mirror, "fingertips_trafford/trafford_themes/health__adults_smoking.csv",
                      area_code=COVENTRY, period="2024")[0]
    eng = source_rows(mirror, "fingertips_trafford/trafford_themes/health__adults_smoking.csv",
                      area_code="E92000001", period="2024")[0]
    r = row(t, "smoking", COVENTRY)
    assert (r["period"], r["value"], r["england"]) == ("2024", float(src["value"]), float(eng["value"]))
    assert (r["comparison"], r["comparison_source"]) == (src["compared_to_England"].lower(), "OHID")
    # trafford_themes/health__inactive_adults.csv, Coventry 2024/25: 29.6, worse than England (21.8)
    src = source_rows(mirror, "fingertips_trafford/trafford_themes/health__inactive_adults.csv",
                      area_code=COVENTRY, period="2024/25")[0]
    r = row(t, "inactive", COVENTRY)
    assert (r["value"], r["comparison"]) == (float(src["value"]), src["compared_to_England"].lower())
    assert r["comparison"] == "worse"
    # trafford_themes/health__adults_depression.csv, Coventry 2024/25: "lower 99.8" (OHID compared at 99.8 %)
    src = source_rows(mirror, "fingertips_trafford/trafford_themes/health__adults_depression.csv",
                      area_code=COVENTRY, period="2024/25")[0]
    r = row(t, "depression", COVENTRY)
    assert src["compared_to_England"] == "Lower 99.8" or src["compared_to_England"].lower() == "lower 99.8"
    assert (r["value"], r["comparison"], r["comparison_level"]) == (float(src["value"]), "lower", pytest.approx(0.998))
    assert pv.comparison_words(r) == "Lower (OHID, 99.8 %)"
    # trafford_themes/health__nhs_health_checks.csv: the latest cumulative period, Coventry 39.9, England 34.4
    src = source_rows(mirror, "fingertips_trafford/trafford_themes/health__nhs_health_checks.csv",
                      area_code=COVENTRY, period="2021/22 Q1 - 2025/26 Q3")[0]
    r = row(t, "health_checks", COVENTRY)
    assert (r["value"], r["period"]) == (float(src["value"]), "2021/22 Q1-2025/26 Q3")


def test_ons_values_and_computed_comparisons(mirror, coventry):
    # ons_explore_local_statistics/data/cancer-diagnosis-at-stage-1-and-2.csv, Coventry 2022 (59.8, 57.0-62.5);
    # England 56.76: England below the interval, so better (computed here).
    relative = "ons_explore_local_statistics/data/cancer-diagnosis-at-stage-1-and-2.csv"
    src = source_rows(mirror, relative, areacd=COVENTRY, period="2022-01-01/P1Y")[0]
    eng = source_rows(mirror, relative, areacd="E92000001", period="2022-01-01/P1Y")[0]
    r = row(coventry.table, "cancer_early_stage", COVENTRY)
    assert r["value"] == pytest.approx(float(src["observation"]))
    assert (r["lower_95"], r["upper_95"]) == (pytest.approx(float(src["lci_95"])), pytest.approx(float(src["uci_95"])))
    assert r["england"] == pytest.approx(float(eng["observation"]))
    assert float(src["lci_95"]) > float(eng["observation"])
    assert (r["comparison"], r["comparison_source"]) == ("better", "computed")
    # The region (West Midlands, E12000005) is shown where ONS publishes it.
    reg = source_rows(mirror, relative, areacd="E12000005", period="2022-01-01/P1Y")[0]
    assert r["value_E12000005"] == pytest.approx(float(reg["observation"]))
    # cigarette-smokers.csv, Coventry 2020-24: 13.2 (11.7-14.7) against England 11.5: worse
    src = source_rows(mirror, "ons_explore_local_statistics/data/cigarette-smokers.csv", areacd=COVENTRY,
                      period="2020-01-01/P5Y")[0]
    r = row(coventry.table, "cigarette_smokers", COVENTRY)
    assert (r["period"], r["value"], r["comparison"]) == ("2020-24", float(src["observation"]), "worse")


def test_old_series_are_labelled_with_their_period(mirror, coventry):
    # fingertips_trafford/dashboard/health__alcohol_related_admissions.csv ends in 2017/18 (Coventry 788)
    src = source_rows(mirror, "fingertips_trafford/dashboard/health__alcohol_related_admissions.csv",
                      area_code=COVENTRY, period="2017/18")[0]
    r = row(coventry.table, "alcohol_admissions", COVENTRY)
    assert (r["period"], r["value"], bool(r["current"])) == ("2017/18", float(src["value"]), False)
    old = coventry.table[~coventry.table["current"]]
    assert set(old["indicator_id"]) == {"alcohol_admissions", "alcohol_mortality", "self_harm", "dementia_diagnosis",
                                        "falls"}
    assert (old["period"].str[:4].astype(int) <= 2018).all()
    # No old series leads a finding, and every section table says the period beside the indicator.
    assert not any(f.key.split("/")[0] in set(old["indicator_id"]) for f in coventry.findings)
    part, headings = pv.section_table(coventry.table, "alcohol", {})
    assert part["indicator_period"].str.contains("2017").all()
    assert len(headings) <= 7


def test_findings_state_the_comparison_and_its_source(mirror, coventry):
    inactive = next(f for f in coventry.findings if f.key == f"inactive/{COVENTRY}")
    assert (inactive.comparison, inactive.source, inactive.period) == ("worse", "OHID", "2024/25")
    assert "as published by OHID" in inactive.sentence
    cancer = next(f for f in coventry.findings if f.key == f"cancer_early_stage/{COVENTRY}")
    assert "computed here" in cancer.sentence and "2022" in cancer.sentence


def test_health_checks_not_shown_for_a_two_tier_district(mirror):
    result = pv.latest(params("rugby"))
    assert "health_checks" not in set(result.table["indicator_id"])
    assert any("NHS Health Checks" in what and "Rugby" in why for what, why in pv.unavailable_in(result, "detection"))


# --------------------------------------------------------------------------------- the parameters
def test_confidence_level_changes_limits_and_computed_comparisons(mirror, coventry):
    strict = pv.latest(params("coventry", confidence=[0.998]))
    r95 = row(coventry.table, "cigarette_smokers", COVENTRY)
    r998 = row(strict.table, "cigarette_smokers", COVENTRY)
    assert "lower_99_8" in strict.table and "lower_95" not in strict.table
    assert r998["lower_99_8"] < r95["lower_95"] and r998["upper_99_8"] > r95["upper_95"]
    # 13.2 (11.7-14.7 at 95 %) against 11.5: worse at 95 %, not significant with 99.8 % limits.
    assert (r95["comparison"], r998["comparison"]) == ("worse", "similar")
    # OHID's published comparisons do not change with the chapter's level.
    assert row(strict.table, "inactive", COVENTRY)["comparison"] == "worse"


def test_limits_at_reproduce_published_limits_at_95():
    lo, hi = pv.limits_at(11.7, 14.7, 13.2, 0.95)
    assert (lo, hi) == (11.7, 14.7)
    lo, hi = pv.limits_at(11.7, 14.7, 13.2, 0.998)
    se = 3.0 / (2 * 1.959964)
    assert (float(lo), float(hi)) == (pytest.approx(13.2 - 3.090232 * se), pytest.approx(13.2 + 3.090232 * se))


def test_comparators_choose_the_region_column(mirror, coventry):
    alone = pv.latest(params("coventry", comparators=["E92000001"]))
    assert "value_E12000005" in coventry.table and "value_E12000005" not in alone.table
    _, headings = pv.section_table(coventry.table, "activity", {"E12000005": "West Midlands"})
    assert "West Midlands" in headings.values()
    _, headings = pv.section_table(coventry.table, "tobacco", {"E12000005": "West Midlands"})
    # No tobacco source here publishes a West Midlands value: no empty column.
    assert "West Midlands" not in headings.values()


def test_period_parameter_is_refused(mirror):
    from phna.errors import ConfigError

    with pytest.raises(ConfigError, match="does not take period"):
        params("coventry", period="2019-21")


# ----------------------------------------------------------------------------------- size of the prize
def test_prize_is_gap_times_population(mirror, coventry):
    prize = pp.prize(coventry.table)
    r = prize.table[(prize.table["indicator_id"] == "inactive") & (prize.table["area_code"] == COVENTRY)].iloc[0]
    adults = pp.adults([COVENTRY], (19, 90))[COVENTRY]
    assert r["population"] == adults
    assert r["people"] == pytest.approx((29.6 - 21.8) / 100 * adults)
    assert r["people_rough"] % 100 == 0 and abs(r["people_rough"] - r["people"]) <= 50
    # Only significantly worse current risks measured as shares of residents are counted.
    assert set(prize.table["indicator_id"]) <= {i.id for i in registry.REGISTRY if i.ages and i.current}
    broken = coventry.table.assign(comparison="similar")
    assert pp.prize(broken).table.empty
    worded = pp.with_prize(coventry.findings, prize.table)
    meaning = next(f for f in worded if f.key == f"inactive/{COVENTRY}").meaning
    assert f"about {r['people_rough']:,} more adults aged 19+" in meaning and "mid-2022" in meaning


def test_rough():
    assert (pp.rough(4703.1), pp.rough(964.0), pp.rough(np.nan)) == (4700, 960, 0)


def test_prize_adds_districts_for_a_place_of_several(mirror):
    result = pv.latest(params("warwickshire-north"))
    prize = pp.prize(result.table)
    inactive = prize.table[prize.table["indicator_id"] == "inactive"]
    assert len(inactive) == 2  # North Warwickshire and Nuneaton and Bedworth, both worse than England
    total = prize.totals.set_index("indicator_id").loc["inactive"]
    assert total["people"] == pytest.approx(inactive["people"].sum())


# ------------------------------------------------------------------------------------------ small areas
def test_small_areas_follow_the_deprivation_index(mirror):
    imd = pp.small_areas(params("rugby"))
    iod = pp.small_areas(params("rugby", deprivation_index="iod2025"))
    assert imd.points["msoa11_code"].nunique() == 12  # Rugby's 12 MSOAs
    assert not np.allclose(imd.points["deprivation_score"], iod.points["deprivation_score"])
    assert set(imd.summary["index"]) == {"IMD 2019"} and set(iod.summary["index"]) == {"IMD 2025"}
    cov = pp.small_areas(params("coventry"))
    first = cov.summary.set_index("measure").loc["smr_under75_preventable"]
    assert first["rho"] > 0.5 and first["p_value"] < 0.05
    assert next(f for f in cov.findings if f.key == "small-areas/smr_under75_preventable").kind == "inequality"


# ---------------------------------------------------------------------------------------- the template
@pytest.mark.slow
@pytest.mark.parametrize("place", ["icb", "rugby"])
def test_template_runs(place, mirror, tmp_path, monkeypatch):
    out, data_dir = run_template(REPO_TEMPLATE, place, tmp_path, mirror, monkeypatch)
    for name in ("spine", "spine-older", "tobacco-trends", "activity-trends", "small-areas"):
        assert (data_dir / f"prevention-{name}.svg").is_file(), name
        assert (data_dir / f"prevention-{name}.csv").is_file(), name
    expected = pv.latest(params(place)).table
    spine = pd.read_csv(data_dir / "prevention-spine.csv")
    current = expected[expected["current"]]
    assert spine["value"].to_numpy() == pytest.approx(current["value"].to_numpy())
    assert list(spine["comparison"]) == list(current["comparison"])
    text = json.dumps(json.loads(out.read_text())["cells"])
    assert "Key findings" in text and "About this chapter" in text
    assert "mid-2022" in text  # the population year used for the size of the prize is stated
    outputs = [o for c in json.loads(out.read_text())["cells"] for o in c.get("outputs", [])]
    findings = [o["metadata"]["phna_findings"] for o in outputs if "phna_findings" in o.get("metadata", {})]
    assert findings and 1 <= len(findings[0]) <= 5
    alts = re.findall(r":alt: ([^\\]*)\\n", text)
    assert len(alts) >= 5 and max(len(a) for a in alts) <= 250, max(alts, key=len)


def test_section_caption_names_missing_comparators(mirror, coventry):
    regions = {"E12000005": "West Midlands"}
    _, headings = pv.section_table(coventry.table, "tobacco", regions)
    assert pv.section_caption("Tobacco", "Coventry", headings, regions).endswith(
        "; no West Midlands figure is published in these data")
    _, headings = pv.section_table(coventry.table, "activity", regions)
    text = pv.section_caption("Physical activity and weight", "Coventry", headings, regions)
    assert "England, West Midlands, the median" in text and "no West Midlands" not in text


def test_small_area_title_states_the_finding(mirror):
    result = pp.small_areas(params("coventry"))
    assert result.title == "In Coventry, deaths from preventable causes rise with neighbourhood deprivation"
    assert (pp.fmt_p(0.0004), pp.fmt_p(0.0123), pp.fmt_p(np.nan)) == ("< 0.001", "0.012", "–")


def test_spine_title_states_the_counts(mirror, coventry):
    current = coventry.table[coventry.table["current"]]
    worse = int((current["comparison"] == "worse").sum())
    better = int((current["comparison"] == "better").sum())
    assert (worse, better) == (3, 2)  # inactive, active, cigarette smokers; health checks, cancer stage
    assert pv.spine_title("Coventry", current) == "Coventry: 3 indicators significantly worse than England, 2 better"
    assert pv.spine_title("X", current.assign(comparison="similar")) == \
        "X: no indicators significantly better or worse than England"
