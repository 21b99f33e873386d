"""Best start in life: values against the source files (read here independently), geography, comparisons and
their sources, suppression, parameters, and the template run with papermill for two places.

Where each expected number comes from:
- Year 6 obesity, Rugby (E07000220) and Coventry, 2024/25: fingertips_trafford/trafford_themes/children__obese_year6.csv
  (rows with period "2024/25"); OHID's comparison in its compared_to_England column (Coventry 24.8, "worse").
- Infant mortality 2023, Warwickshire (LA 937) 3.7, Coventry (331) 5.5, England 3.9:
  children_dfe_lait/bds_long_0.parquet (also the mirror's SOURCES.md spot check).
- Injuries 0-14, 2023/24: fingertips_child_injuries/la_hospital_admissions_2324.csv, Coventry 84.59 (78.07-92.14),
  Worse; 99.8 % limits from the same row.
- Children under 5 in IMD 2019 deciles 1-2: population/nhsrpopulation_sape22dt2_mid2019_lsoa11_syoa_sex_CovWarks.csv
  summed over LSOAs with imd2019_lsoa/File_1 deciles 1-2.
"""

from __future__ import annotations

import csv
import json
import os

import pandas as pd
import pytest

from phna.analyses import best_start as bs
from phna.analyses import best_start_core20 as c20
from phna.analyses import best_start_indicators as bsi
from phna.analyses import best_start_views as views
from phna.findings import rank
from _projects import run_template

REPO_TEMPLATE = os.path.join(os.path.dirname(__file__), "..", "..", "analyses", "best-start.ipynb")


def _params(place, comparators=("E92000001", "E12000005"), **kwargs):
    from phna.context import ChapterContext

    return ChapterContext("best-start", place=place, comparators=list(comparators), **kwargs).params


@pytest.fixture(scope="module")
def rugby(mirror):
    return bs.indicators(_params("rugby"))


@pytest.fixture(scope="module")
def coventry(mirror):
    return bs.indicators(_params("coventry"))


def _row(ind, key, code):
    hit = ind.table[(ind.table["key"] == key) & (ind.table["area_code"] == code)]
    assert len(hit) == 1, (key, code)
    return hit.iloc[0]


def _trafford(mirror, name, code, period):
    with open(mirror / "fingertips_trafford/trafford_themes" / name, encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["area_code"] == code and r["period"] == period]
    assert len(rows) == 1
    return rows[0]


def test_registry_keys_unique_and_sections_known():
    keys = [s.key for s in bsi.REGISTRY]
    assert len(keys) == len(set(keys))
    assert {s.section for s in bsi.REGISTRY} == set(bsi.SECTIONS)
    assert all(s.superseded_by in bsi.BY_KEY for s in bsi.REGISTRY if s.superseded_by)


def test_district_measure_is_the_district_own_value(rugby, mirror):
    raw = _trafford(mirror, "children__obese_year6.csv", "E07000220", "2024/25")
    row = _row(rugby, "obesity-year6", "E07000220")
    assert row["value"] == pytest.approx(float(raw["value"]))
    assert row["comparison"] == raw["compared_to_England"].lower() and row["comparison_source"] == "OHID"
    assert row["area_name"] == "Rugby"


def test_upper_tier_measure_is_the_county_named_as_such(rugby, mirror):
    raw = pd.read_parquet(mirror / "children_dfe_lait/bds_long_0.parquet")
    value = float(raw[(raw["Short Desc"] == "InfMort") & (raw["LA Number"] == 937) & (raw["Years"] == "2023")]["Values"].iloc[0])
    row = _row(rugby, "infant-mortality", "E10000031")
    assert row["value"] == pytest.approx(value) == pytest.approx(3.7)
    assert row["area_name"] == "Warwickshire (county)" and row["period"] == "2023"
    assert row["england"] == pytest.approx(3.9)
    # No Rugby row for an upper-tier measure, and no comparison without limits.
    assert not ((rugby.table["key"] == "infant-mortality") & (rugby.table["area_code"] == "E07000220")).any()
    assert row["comparison"] == "not compared" and row["comparison_source"] == "none"
    finding = next(f for f in rugby.findings if f.key == "infant-mortality/E10000031")
    assert finding.area == "Warwickshire county" and "Warwickshire county" in finding.sentence


def test_injuries_carry_published_limits_and_ohid_comparison(coventry, mirror):
    with open(mirror / "fingertips_child_injuries/la_hospital_admissions_2324.csv", encoding="utf-8-sig") as handle:
        raw = next(r for r in csv.DictReader(handle) if r["Area Code"] == "E08000026" and r["Time period"] == "2023/24"
                   and r["Sex"] == "Persons" and r["Category"] == "")
    row = _row(coventry, "injuries", "E08000026")
    assert row["value"] == pytest.approx(float(raw["Value"])) == pytest.approx(84.59, abs=0.005)
    assert (row["lower"], row["upper"]) == pytest.approx((float(raw["Lower CI 95.0 limit"]), float(raw["Upper CI 95.0 limit"])))
    assert row["comparison"] == raw["Compared to England value or percentiles"].lower() == "worse"
    assert row["comparison_source"] == "OHID"
    assert row["region"] == pytest.approx(73.18, abs=0.01)  # West Midlands, region file
    assert row["trend_source"] == "computed" and row["trend"] in ("increasing", "decreasing", "no significant change")
    assert row["verdict"] == f"worse (OHID); recent trend: {row['trend']}"
    finding = next(f for f in coventry.findings if f.key == "injuries/E08000026")
    assert finding.source == "OHID" and finding.lower == pytest.approx(row["lower"]) and finding.level == 0.95
    assert "as published by OHID" in finding.sentence


def test_confidence_level_changes_the_comparison_basis(mirror):
    ind = bs.indicators(_params("coventry", confidence=[0.998, 0.95]))
    row = _row(ind, "injuries", "E08000026")
    with open(mirror / "fingertips_child_injuries/la_hospital_admissions_2324.csv", encoding="utf-8-sig") as handle:
        raw = next(r for r in csv.DictReader(handle) if r["Area Code"] == "E08000026" and r["Time period"] == "2023/24"
                   and r["Sex"] == "Persons" and r["Category"] == "")
    assert row["lower"] == pytest.approx(float(raw["Lower CI 99.8 limit"]))
    assert row["comparison_source"] == "computed"  # OHID publishes its comparison at 95 % only
    assert row["comparison"] == ("worse" if float(raw["Lower CI 99.8 limit"]) > row["england"] else "similar")


def test_region_comparator_is_the_one_chosen(mirror):
    # LAIT infant mortality 2023: West Midlands 6.1 (bds_long_0.parquet); another region gives another value.
    raw = pd.read_parquet(mirror / "children_dfe_lait/bds_long_0.parquet")
    east = float(raw[(raw["Short Desc"] == "InfMort") & (raw["LA and Regions"] == "East Midlands")
                     & (raw["Years"] == "2023")]["Values"].iloc[0])
    ind = bs.indicators(_params("coventry", comparators=("E92000001", "E12000004")))
    assert ind.region_name == "East Midlands"
    assert _row(ind, "infant-mortality", "E08000026")["region"] == pytest.approx(east)
    assert views.table_headings(ind.region_name)["region_text"] == "East Midlands"
    default = bs.indicators(_params("coventry"))
    assert _row(default, "infant-mortality", "E08000026")["region"] == pytest.approx(6.1)


def test_suppressed_values_never_reach_findings(coventry):
    row = _row(coventry, "breastfeeding", "E08000026")
    assert row["suppressed"] and pd.isna(row["value"]) and row["value_text"] == "suppressed"
    finding = next(f for f in coventry.findings if f.key == "breastfeeding/E08000026")
    assert finding.suppressed
    assert all(not f.key.startswith("breastfeeding") for f in rank(coventry.findings, limit=100))


def test_older_series_are_kept_apart(coventry):
    assert set(coventry.older["key"]) == {s.key for s in bsi.REGISTRY if s.superseded_by}
    assert not coventry.table["key"].isin(coventry.older["key"]).any()


def test_one_finding_per_topic_keeps_the_furthest_district(mirror):
    ind = bs.indicators(_params("south-warwickshire"))
    decay = [f for f in ind.findings if f.key.startswith("dental-decay/")]
    assert len(decay) == 2
    kept = [f for f in bs.one_per_topic(ind.findings) if f.key.startswith("dental-decay/")]
    same = decay[0].comparison == decay[1].comparison
    assert len(kept) == (1 if same else 2)
    if same:
        assert kept[0].relative_difference == max(f.relative_difference for f in decay)


def test_fsm_gap(coventry):
    gap = bs.fsm_gap(coventry)
    fsm = _row(coventry, "good-development-fsm", "E08000026")["value"]
    non = _row(coventry, "good-development-non-fsm", "E08000026")["value"]
    assert gap.table["gap"].iloc[0] == pytest.approx(non - fsm) == pytest.approx(69.3 - 50.5)
    assert gap.findings[0].kind == "gap" and "18.8 percentage points" in gap.findings[0].sentence


def test_children_core20_against_the_source_files(mirror):
    params = _params("coventry")
    result = c20.children_core20(params)
    pop = pd.read_csv(mirror / "population/nhsrpopulation_sape22dt2_mid2019_lsoa11_syoa_sex_CovWarks.csv")
    imd = pd.read_csv(mirror / "imd2019_lsoa/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv", encoding="utf-8-sig")
    code_col = next(c for c in imd.columns if "LSOA code" in c)
    decile_col = next(c for c in imd.columns if "Decile" in c)
    core = set(imd.loc[imd[decile_col] <= 2, code_col])
    lsoa_col, age_col, value_col = "lsoa_code", "age", "n"
    under5 = pop[pop[lsoa_col].isin(params.areas.lsoa11) & (pop[age_col] <= 4)]
    row = result.table.set_index("age_group").loc["Under 5"]
    assert row["children"] == int(under5[value_col].sum())
    assert row["in_core20"] == int(under5.loc[under5[lsoa_col].isin(core), value_col].sum())
    assert row["comparison"] in ("higher", "lower", "similar") and row["england_share"] == pytest.approx(24.8, abs=0.1)


def test_deprivation_index_changes_core20(mirror):
    a = c20.children_core20(_params("coventry")).table.set_index("age_group")
    b = c20.children_core20(_params("coventry", deprivation_index="iod2025")).table.set_index("age_group")
    assert set(a["index"]) == {"IMD 2019"} and set(b["index"]) == {"IMD 2025"}
    assert a.loc["Under 5", "in_core20"] != b.loc["Under 5", "in_core20"]
    assert b["england_share"].isna().all() and set(b["comparison"]) == {"not compared"}


def test_cyp_view_uses_this_page_values(coventry):
    table = c20.cyp_core20plus5(coventry.table)
    assert list(table["clinical_area"]) == ["Asthma", "Diabetes", "Epilepsy", "Oral health", "Mental health"]
    oral = table.set_index("clinical_area").loc["Oral health", "latest"]
    assert "Coventry 23.8 (2023/24" in oral
    assert table.set_index("clinical_area").loc["Asthma", "latest"] == "–"


def test_section_views_and_trends(rugby):
    view = views.section_view(rugby.table, "health", "Rugby")
    assert len(view.alt) <= 250 and view.charted
    assert "worse than England" in view.title or "better than England" in view.title
    assert len(views.TABLE_HEADINGS) <= 7
    series, places = views.trend_series(rugby.series, rugby.table)
    assert places[0] == "Rugby"  # the place's own district before the county
    assert (series.groupby("key")["time"].nunique() >= 5).all()


def test_spine_positions_better_to_the_right():
    from phna.charts.best_start import positions

    df = pd.DataFrame({"polarity": ["low is good", "high is good"], "england": [10.0, 10.0], "range_median": [10.0, 10.0],
                       "range_min": [5.0, 5.0], "range_q25": [8.0, 8.0], "range_q75": [12.0, 12.0],
                       "range_max": [15.0, 15.0], "value": [12.0, 12.0], "region": [float("nan")] * 2})
    out = positions(df)
    assert out["pos_value"].tolist() == pytest.approx([-0.4, 0.4])


@pytest.mark.slow
@pytest.mark.parametrize("place", ["coventry", "rugby"])
def test_template_runs(place, mirror, tmp_path, monkeypatch):
    out, data_dir = run_template(REPO_TEMPLATE, place, tmp_path, mirror, monkeypatch)
    for name in ("spine-pregnancy", "spine-early-years", "spine-health", "trends", "injury-gradient"):
        assert (data_dir / f"best-start-{name}.svg").is_file(), name
    health = pd.read_csv(data_dir / "best-start-spine-health.csv")
    expected = bs.indicators(_params(place)).table
    merged = health.merge(expected, on=["indicator", "area_code"], suffixes=("", "_expected"))
    assert len(merged) == len(health) and merged["value"].to_numpy() == pytest.approx(merged["value_expected"].to_numpy())
    text = json.dumps(json.loads(out.read_text())["cells"])
    assert "Key findings" in text and "About this chapter" in text
    if place == "rugby":
        assert "Warwickshire county" in text and "Warwickshire (county)" in text


@pytest.mark.parametrize("code", ["E08000026", "E10000031"])
def test_injury_trend_agrees_with_ohid(coventry, rugby, mirror, code):
    # OHID's recent trend in the region extract (region_hospital_admissions_2324.csv, 2023/24 row): "Decreasing
    # and getting better" for both. (The county/UA extract's Recent Trend column says "Increasing and getting
    # worse" for Warwickshire although its last five values fall from 100.4 to 67.1, so it is not the reference.)
    with open(mirror / "fingertips_child_injuries/region_hospital_admissions_2324.csv", encoding="utf-8-sig") as handle:
        raw = next(r for r in csv.DictReader(handle) if r["Area Code"] == code and r["Time period"] == "2023/24"
                   and r["Sex"] == "Persons" and r["Category"] == "")
    ind = coventry if code == "E08000026" else rugby
    assert raw["Recent Trend"].lower().startswith(_row(ind, "injuries", code)["trend"])


def test_dated_series_are_context_not_headlines(rugby):
    # Self-harm 10-24: the latest period held here is 2017/18 (fingertips_trafford/dashboard), OHID "worse".
    finding = next(f for f in rugby.findings if f.key == "self-harm/E10000031")
    assert finding.period == "2017/18" and finding.comparison == "worse" and finding.kind == "context"
    assert finding.key not in {f.key for f in rank(bs.one_per_topic(rugby.findings))}
    percent = next(f for f in rugby.findings if f.key == "dental-decay/E07000220")
    assert percent.unit == "%" and "5-year-olds" in percent.topic


def test_injury_gradient_against_the_source(mirror):
    # England by county & UA deprivation decile (IMD2019, 4/23 geography), 2023/24, from
    # fingertips_child_injuries/la_hospital_admissions_2324.csv.
    with open(mirror / "fingertips_child_injuries/la_hospital_admissions_2324.csv", encoding="utf-8-sig") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Area Code"] == "E92000001" and r["Time period"] == "2023/24"
                and r["Sex"] == "Persons" and r["Category Type"].startswith("County & UA deprivation deciles")
                and r["Value"] != ""]
    raw = {r["Category"].replace(" (IMD2019)", ""): float(r["Value"]) for r in rows}
    gradient = c20.injury_gradient(_params("coventry"))
    table = gradient.table.set_index("decile")
    assert table.loc[1, "value"] == pytest.approx(raw["Most deprived decile"])
    assert table.loc[10, "value"] == pytest.approx(raw["Least deprived decile"])
    ratio = raw["Most deprived decile"] / raw["Least deprived decile"]
    assert f"{ratio:.1f} times as often" in gradient.title
    assert gradient.findings[0].kind == "context" and gradient.table["decile"].is_unique
