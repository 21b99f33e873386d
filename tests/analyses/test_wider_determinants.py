"""Wider determinants chapter: analysis functions on the real mirror, edge cases on generated data, and the
template run with papermill for two places.

Known values and where they come from:
- Fuel poverty, Coventry 2021: 20.8 % of households (mirror fuel_poverty/SOURCES.md spot check); England 2019:
  13.42 % as published in the 2019 file's England row (3,175,979 of 23,661,751 households), which the sum of
  the districts' counts must reproduce.
- Employment rate, Rugby 2023: 85.6 % (95 % CI 79.5 to 91.7), ONS Explore Local Statistics employment-rate.csv.
- IoD: by construction 20 % of England's LSOAs are in deciles 1-2 of every domain (MHCLG IoD technical report).
"""

from __future__ import annotations

import json
import os
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import dataclasses

from phna.analyses import indicators as registry
from phna.analyses import le_gradient
from phna.analyses import wider_determinants as wd
from phna.analyses import wider_indicators as wi
from phna.charts import spine
from phna.findings import by_key
from _projects import run_template

REPO_TEMPLATE = os.path.join(os.path.dirname(__file__), "..", "..", "analyses", "wider-determinants.ipynb")


@pytest.fixture(scope="module")
def data_env(mirror):
    old = os.environ.get("PHNA_DATA_MIRROR")
    os.environ["PHNA_DATA_MIRROR"] = str(mirror)
    yield mirror
    if old is None:
        os.environ.pop("PHNA_DATA_MIRROR", None)
    else:
        os.environ["PHNA_DATA_MIRROR"] = old


@pytest.fixture(scope="module")
def rugby(data_env, tmp_path_factory):
    import phna

    return phna.chapter("wider-determinants", place="rugby", output_dir=tmp_path_factory.mktemp("rugby")).params


@pytest.fixture(scope="module")
def north(data_env, tmp_path_factory):
    import phna

    return phna.chapter("wider-determinants", place="warwickshire-north",
                        output_dir=tmp_path_factory.mktemp("north")).params


# ----------------------------------------------------------------------------------------- registry
def test_registry_is_valid_and_unique():
    ids = [i.id for i in registry.REGISTRY]
    assert len(ids) == len(set(ids))
    assert {i.domain for i in registry.REGISTRY} >= {"income", "work", "education", "housing", "environment"}
    with pytest.raises(ValueError, match="polarity"):
        registry.Indicator("x", "X", "els", "d", "f", "%", "higher is better", "work", "s")
    with pytest.raises(KeyError, match="unknown indicator"):
        registry.get("nope")


def test_every_indicator_loads_for_english_districts(data_env):
    for ind in registry.REGISTRY:
        frame = registry.load(ind)
        english = frame[registry.is_english_district(frame["area_code"])]
        assert english["area_code"].nunique() > 250, ind.id
        assert not frame.duplicated(["area_code", "time"]).any(), ind.id
        assert list(frame.columns) == registry.COLUMNS


def test_fuel_poverty_known_values(data_env):
    frame = registry.load("fuel_poverty")
    assert set(frame["period"]) == {"2019", "2020", "2021"}  # LILEE only: no values across the 2019 break
    coventry = frame[(frame["area_code"] == "E08000026") & (frame["period"] == "2021")]
    assert coventry["value"].iloc[0] == pytest.approx(20.8, abs=0.05)
    england = frame[(frame["area_code"] == "E92000001") & (frame["period"] == "2019")]
    assert england["count"].iloc[0] == 3175979
    assert england["denominator"].iloc[0] == 23661751


def test_employment_rate_known_value(data_env):
    frame = registry.load("employment_rate")
    row = frame[(frame["area_code"] == "E07000220") & (frame["period"] == "2023")].iloc[0]
    assert (row["value"], row["lower_ci"], row["upper_ci"]) == pytest.approx((85.6, 79.5, 91.7))


# -------------------------------------------------------------------------------------- deprivation
def test_domain_shares_are_twenty_percent_across_england(data_env):
    from phna import data

    for index, frame in (("imd2019", data.imd2019_lsoa()), ("iod2025", data.iod2025_lsoa())):
        shares = wd.domain_shares(frame, index)
        assert len(shares) == 8
        assert shares["share"].to_numpy() == pytest.approx(np.full(8, 20.0), abs=0.1)


def test_domain_shares_empty_selection():
    empty = pd.DataFrame({f"{d}_decile": pd.Series([], dtype="int64") for d in ["imd", *wd.DOMAIN_LABELS]})
    shares = wd.domain_shares(empty, "imd2019")
    assert (shares["lsoas"] == 0).all() and shares["share"].isna().all()


def test_deprivation_reuses_overview_and_domains(rugby):
    from phna.analyses import overview

    dep = wd.deprivation(rugby)
    core = overview.deprivation(rugby)
    pd.testing.assert_frame_equal(dep.imd2019.deciles, core.deciles)
    assert dep.iod2025 is not None and len(dep.iod2025.lsoas) == len(rugby.areas.lsoa21)
    assert len(dep.core20) == 2
    domains = wd.domains(rugby)
    imd_row = domains.table[(domains.table["index"] == "IMD 2019") & (domains.table["domain"] == "imd")].iloc[0]
    assert imd_row["lsoas_in_deciles_1_2"] == dep.imd2019.core20["lsoas_in_core20"].iloc[0]
    assert domains.findings


def test_change_is_consistent(north):
    dep = wd.deprivation(north)
    change = wd.change(north, dep)
    lsoas = change.lsoas
    assert len(lsoas) == len(dep.iod2025.lsoas)
    assert change.moved_in == (lsoas["movement"] == "moved into the most deprived 20 %").sum()
    assert change.moved_out == (lsoas["movement"] == "moved out of the most deprived 20 %").sum()
    # Deciles 1-2 in 2025 = (2019 status, carried onto 2021 LSOAs) + in - out.
    carried = lsoas["imd2019_core20"].fillna(False).astype(bool).sum()
    assert lsoas["iod2025_core20"].sum() == carried + change.moved_in - change.moved_out
    for label, frame in (("IMD 2019", dep.imd2019.lsoas), ("IMD 2025", dep.iod2025.lsoas)):
        part = change.deciles[change.deciles["index"] == label]
        assert part["lsoas"].sum() == len(frame)
        assert part["share"].sum() == pytest.approx(100)
    assert "moved into the most deprived 20 %" in by_key(change.findings, "deprivation/change").sentence


def test_imd2019_on_lsoa21_unchanged_areas_keep_their_decile(data_env):
    from phna import data

    lookup = data.lsoa11_lsoa21_lookup()
    unchanged = lookup[lookup["change_code"] == "U"].head(200)
    carried = wd.imd2019_on_lsoa21(unchanged["lsoa21_code"])
    imd = data.imd2019_lsoa().set_index("lsoa11_code")["imd_decile"]
    merged = unchanged.merge(carried, on="lsoa21_code")
    assert (merged["lsoa11_code"].map(imd).to_numpy() == merged["imd2019_decile"].to_numpy()).all()
    assert (merged["imd2019_core20"] == (merged["imd2019_decile"] <= 2)).all()


# --------------------------------------------------------------------------------------- indicators
def test_indicator_table_two_districts(north):
    result = wi.indicator_table(north)
    table = result.table
    assert set(table["area_code"]) == {"E07000218", "E07000219"}  # each district, never averaged
    assert len(table) == 2 * len(registry.REGISTRY) - 2 * len(result.unavailable)
    with_ci = table.dropna(subset=["lower_ci", "upper_ci", "england"])
    assert (with_ci["comparison"] != "not compared").all()
    assert (table.loc[table["lower_ci"].isna(), "comparison"] == "not compared").all()
    # Comparison agrees with the Fingertips rule and the polarity.
    for r in with_ci.itertuples():
        outside_high, outside_low = r.lower_ci > r.england, r.upper_ci < r.england
        if not (outside_high or outside_low):
            assert r.comparison == "similar"
        elif r.polarity == "high is good":
            assert r.comparison == ("better" if outside_high else "worse")
        elif r.polarity == "low is good":
            assert r.comparison == ("worse" if outside_high else "better")
    assert (table["england_districts_min"] <= table["england_districts_q25"]).all()
    assert (table["similar_n"] > 10).all()
    assert (table["similar_min"] <= table["similar_median"]).all()
    # One record per indicator and district, with the comparison computed from the published limits.
    for r in table.itertuples():
        record = by_key(result.findings, f"indicator/{r.indicator_id}/{r.area_code}")
        assert record.comparison == r.comparison and record.area == r.area_name
        assert record.source == ("computed" if r.comparison != "not compared" else "none")
    # Money is in cash terms: no trend is tested or claimed for it.
    money = table[table["unit"].str.startswith("£")]
    assert len(money) and (money["trend"] == wi.CASH_TREND).all()
    assert not any(f.kind == "trend" and f.key.split("/")[1] in set(money["indicator_id"]) for f in result.findings)
    assert money["value_text"].str.startswith("£").all()


def test_indicator_table_for_a_place_of_lsoas():
    ctx = SimpleNamespace(name="My neighbourhoods", place=SimpleNamespace(districts=()),
                          areas=SimpleNamespace(districts=()))
    result = wi.indicator_table(ctx)
    assert result.table.empty and result.unavailable
    assert "local authorities" in result.unavailable[0][1]
    # Small areas inside one district: that district's values, said plainly.
    inside = SimpleNamespace(name="My neighbourhoods", place=SimpleNamespace(districts=()),
                             areas=SimpleNamespace(districts=("E07000220",)))
    result = wi.indicator_table(inside)
    assert set(result.table["area_code"]) == {"E07000220"}
    assert "Rugby" in result.note and "not of My neighbourhoods itself" in result.note


def test_spine_positions_orient_better_to_the_right():
    df = pd.DataFrame({
        "indicator": ["good high", "good low"], "polarity": ["high is good", "low is good"],
        "centre": [50.0, 50.0], "england_districts_min": [30.0, 30.0], "england_districts_q25": [45.0, 45.0],
        "england_districts_q75": [55.0, 55.0], "england_districts_max": [90.0, 90.0], "value": [70.0, 70.0],
    })
    pos = spine.spine_positions(df)
    assert pos["pos_value"].tolist() == pytest.approx([0.5, -0.5])  # 70 is good when high, bad when low is good
    assert (pos["pos_min"] >= -1).all() and (pos["pos_max"] <= 1).all()
    assert (pos["pos_min"] <= pos["pos_q25"]).all() and (pos["pos_q25"] <= pos["pos_q75"]).all()


# ------------------------------------------------------------------- deprivation and life expectancy
def test_le_gradient(rugby):
    result = le_gradient.le_deprivation(rugby)
    fits = result.fits.set_index("sex")
    for sex in ("male", "female"):
        slope, lower, upper = fits.loc[sex, ["slope_per_10_points", "lower_95", "upper_95"]]
        assert -3 < lower < slope < upper < -1  # years per 10 IMD points: a clear national gradient
    assert fits.loc["male", "slope_per_10_points"] < fits.loc["female", "slope_per_10_points"]
    own = result.points[result.points["in_place"]]
    assert own["msoa11_code"].nunique() == 12  # Rugby's 12 MSOAs (mirror SOURCES.md)
    assert result.place["msoas"].tolist() == [12, 12]
    male = fits.loc["male", "slope_per_10_points"]
    assert f"{abs(male):.2f} fewer years of male life expectancy" in by_key(result.findings, "gradient/slope/male").sentence


def test_gradient_follows_the_deprivation_index_and_confidence(rugby):
    base = le_gradient.le_deprivation(rugby)
    newer = le_gradient.le_deprivation(dataclasses.replace(rugby, deprivation_index="iod2025"))
    assert newer.index_label == "IMD 2025" and "IMD 2025" in by_key(newer.findings, "gradient/slope/male").sentence
    assert not np.allclose(base.fits["slope_per_10_points"], newer.fits["slope_per_10_points"])
    assert not np.allclose(base.points["imd_score"], newer.points["imd_score"])
    wide = le_gradient.le_deprivation(dataclasses.replace(rugby, confidence=(0.99,)))
    assert {"lower_99", "upper_99"} <= set(wide.fits.columns) and "lower_95" not in wide.place.columns
    assert (wide.fits["lower_99"] < base.fits["lower_95"]).all()


def test_findings_are_records_with_evidence(north):
    dep = wd.deprivation(north)
    iod = wd.deprivation(dataclasses.replace(north, deprivation_index="iod2025"))
    assert "IMD 2019" in by_key(dep.findings, "core20").sentence
    assert "IMD 2025" in by_key(iod.findings, "core20").sentence
    records = dep.findings + wd.domains(north).findings + wi.indicator_table(north).findings
    assert all(f.evidence for f in records)
    assert by_key(wd.domains(dataclasses.replace(north, deprivation_index="iod2025")).findings,
                  "domains/driver").period == "IMD 2025"


# ------------------------------------------------------------------------------------ the template
@pytest.mark.slow
@pytest.mark.parametrize("place", ["rugby", "warwickshire-north"])
def test_template_runs(place, mirror, tmp_path, monkeypatch):
    out, data_dir = run_template(REPO_TEMPLATE, place, tmp_path, mirror, monkeypatch)
    for name in ("deprivation-deciles", "deprivation-domains", "deprivation-map", "deprivation-change",
                 "indicators-spine", "le-deprivation"):
        assert (data_dir / f"wider-determinants-{name}.svg").is_file(), name
        assert (data_dir / f"wider-determinants-{name}.csv").is_file(), name
    import phna

    ctx = phna.chapter("wider-determinants", place=place, output_dir=tmp_path / "check")
    expected = wi.indicator_table(ctx.params).table
    spine_csv = pd.read_csv(data_dir / "wider-determinants-indicators-spine.csv")
    assert len(spine_csv) == len(expected)
    assert spine_csv["value"].to_numpy() == pytest.approx(expected["value"].to_numpy(), nan_ok=True)
    assert list(spine_csv["comparison"]) == list(expected["comparison"])
    fit_csv = pd.read_csv(data_dir / "wider-determinants-le-deprivation-fit.csv")
    text = json.dumps(json.loads(out.read_text())["cells"])
    slope = abs(fit_csv.loc[fit_csv["sex"] == "male", "slope_per_10_points"].iloc[0])
    assert f"men lose {slope:.1f} years per 10 points" in text  # the chart's one message, from the fit table
    # Findings quote the Core20 share from the deciles table.
    deciles = pd.read_csv(data_dir / "wider-determinants-deprivation-deciles.csv")
    core = deciles.loc[deciles["decile"] <= 2, "share"].sum()
    assert re.search(rf"{ctx.name} \({core:.1f} %, 95 % CI", text)
    assert "Nominal" not in text and "pay (increasing)" not in text
    alts = re.findall(r":alt: ([^\\]*)\\n", text)
    assert len(alts) >= 6 and all(len(alt) <= 250 for alt in alts), [len(a) for a in alts]
    assert "About this chapter" in text
