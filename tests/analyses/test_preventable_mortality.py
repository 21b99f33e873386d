"""Preventable mortality chapter: analysis functions on the real mirror (known published values), the generic
funnel and scatter charts and the fit on generated data, and the template run for two places."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest

import phna
from phna import data, geography
from phna.context import ChapterContext
from phna.analyses import preventable_mortality as pm
from phna.charts.funnel import funnel_plot
from phna.charts.scatter import scatter_fit
from phna.stats import funnel_limits

REPO = Path(__file__).resolve().parents[2]
def assert_reader_rules(text: str) -> None:
    """At most five key findings; no paragraph, bullet or table cell says "not compared" beside a significance word."""
    box = text[text.index("Key findings"):]
    bullets = [line for line in box[: box.index(":::")].splitlines() if line.startswith("- ")]
    assert 1 <= len(bullets) <= 5
    for block in re.split(r"\n\s*\n|\n- |</tr>|<tr>", text):
        if "not compared" in block:
            assert not re.search(r"\b(better|worse|significant(ly)?)\b", block, re.I), block[:300]
    assert "100 ranked units" not in text and "deaths_extract`" not in text.split("About this chapter")[0]


TEMPLATE = REPO / "analyses" / "preventable-mortality.ipynb"


@pytest.fixture(autouse=True)
def _mirror_env(monkeypatch, request):
    if "mirror" in request.fixturenames:
        monkeypatch.setenv("PHNA_DATA_MIRROR", str(request.getfixturevalue("mirror")))


def context(place: str, **kwargs):
    """The chapter's parameters for a place (analyses take ``ctx.params``, never the context)."""
    kwargs = {"comparators": ["E92000001", "E12000005"], "confidence": [0.95, 0.998], **kwargs}
    return ChapterContext("preventable-mortality", place=place, **kwargs).params


# ------------------------------------------------------------------------------ real data, known values
def test_trend_uses_one_consistent_extract_with_ohid_comparison(mirror):
    result = pm.preventable_trend(context("rugby"))
    t = result.table
    assert t["source_file"].nunique() == 1  # the newest extract only: no step between extracts
    assert (result.first_period, result.latest_period) == ("2014", "2024")
    rugby = t[(t["area_code"] == "E07000220") & (t["sex"] == "persons")].set_index("period")["value"]
    assert rugby["2014"] == pytest.approx(128.6) and rugby["2024"] == pytest.approx(139.2)  # Fingertips 93721
    assert set(result.latest["sex"]) == {"persons", "male", "female"}
    # OHID's published comparison (Fingertips 93721, 2024: Rugby similar to England) is used and labelled
    persons = result.latest.set_index("sex").loc["persons"]
    assert persons["comparison"] == "similar" and persons["comparison_source"] == "OHID"
    assert persons["compared_with_england"] == "similar (OHID)"
    assert not {"lower_ci", "upper_ci"} & set(t.columns)  # no empty limit columns
    trend = next(f for f in result.findings if f.key == "pm-trend/E07000220")
    assert "128.6" in trend.sentence and "139.2" in trend.sentence and "signific" not in trend.sentence


def test_cvd_known_value_and_significance(mirror):
    result = pm.preventable_cvd(context("coventry"))
    row = result.latest.iloc[0]
    # SOURCES.md spot check: Coventry 2022-24 40.3 (35.8-45.2); England 30.2
    assert result.latest_period == "2022-24"
    assert (round(row["value"], 1), round(row["lower_95"], 1), round(row["upper_95"], 1)) == (40.3, 35.8, 45.2)
    assert round(row["england"], 1) == 30.2
    assert row["comparison"] == "worse" and row["comparison_E12000005"] == "worse"
    finding = result.findings[0]
    assert finding.source == "computed" and finding.comparison == "worse"
    assert "40.3 per 100,000 (95 % CI 35.8 to 45.2)" in finding.sentence


def test_dsr_2014_sums_counts_and_agrees_with_ons(mirror):
    result = pm.dsr_2014(context("warwickshire-north"))
    t = result.table
    place = t[(t["role"] == "place") & (t["ages"] == "all ages")].set_index("sex")
    # SOURCES.md: North Warwickshire 298/317, Nuneaton and Bedworth 581/572 deaths (M/F)
    assert place.loc["male", "deaths"] == 298 + 581 and place.loc["female", "deaths"] == 317 + 572
    assert place.loc["persons", "deaths"] == 298 + 581 + 317 + 572
    # the two districts are also shown, each from its own counts
    assert set(t.loc[t["role"] == "district", "area_code"]) == {"E07000218", "E07000219"}
    assert {"icb", "region", "country"} <= set(t["role"])
    # all-age rates agree with ONS Table 1a ASMRs (ESP2013, under-1/1-4 split) to 0.2 % (ONS used other populations)
    asmr = data.ons_asmr_2014().set_index(["area_code", "sex"])["value"]
    for (code, sex), value in t[t["ages"] == "all ages"].set_index(["area_code", "sex"])["value"].items():
        if (code, sex) in asmr.index:
            assert value == pytest.approx(asmr[(code, sex)], rel=0.002), (code, sex)  # as tests/stats
    eng = t[(t["area_code"] == "E92000001")]
    assert (eng["comparison"] == "benchmark").all()
    assert {"lower_99_8", "upper_99_8", "comparison_99_8"} <= set(t.columns)
    assert (t["lower_95"] < t["value"]).all() and (t["value"] < t["upper_95"]).all()
    assert result.findings and result.findings[0].area == "Warwickshire North"


def test_dsr_2014_coventry_finding_matches_table(mirror):
    result = pm.dsr_2014(context("coventry"))
    t = result.table
    row = t[(t["role"] == "place") & (t["ages"] == "under 75") & (t["sex"] == "persons")].iloc[0]
    assert row["comparison"] == "worse"
    finding = next(f for f in result.findings if f.key == "dsr-2014/under-75")
    assert f"{row['value']:,.0f} per 100,000" in finding.sentence
    assert finding.comparison == "worse" and finding.source == "computed" and finding.period == "2014"
    assert "worse than England" in finding.sentence and "not compared" not in finding.sentence
    assert (t["area_code"] == "place:coventry").sum() == 6  # 3 sexes x 2 age groups
    assert "district" not in set(t["role"])  # a one-district place is not repeated as its district


def test_small_counts_are_suppressed():
    bands = phna.stats.ESP2013_ONS.index
    counts = pd.DataFrame({"area_code": "X", "sex": "persons", "age_start": bands, "deaths": 0,
                           "population": 1000})
    counts.loc[counts["age_start"] == 70, "deaths"] = 5
    from phna.analyses.pm_rates import _dsr_table

    out = _dsr_table(counts, [0.95, 0.998], "under 75")
    assert out["suppressed"].iloc[0] and np.isnan(out["value"].iloc[0])
    assert "10" in str(out["reason"].iloc[0])


def test_funnel_all_english_districts(mirror):
    result = pm.funnel_2014(context("south-warwickshire"))
    p = result.points
    from phna.analyses.pm_rates import DISTRICT_PREFIXES

    assert len(p) == 325 and p["area_code"].str[:3].isin(DISTRICT_PREFIXES).all()
    assert set(p.loc[p["in_place"], "area_code"]) == {"E07000221", "E07000222"}
    assert 300 < result.baseline < 370
    assert set(p["significance"]) <= {"High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)", "Not significant"}
    # the derived population equals 100,000 x deaths / DSR
    np.testing.assert_allclose(p["population_derived"], 1e5 * p["deaths"] / p["value"])
    assert {f.area for f in result.findings} == {"Stratford-on-Avon", "Warwick"}
    with pytest.raises(ValueError):
        pm.funnel_2014(context("rugby"), ages="under 65")


def test_msoa_smr_outliers_defined_by_prediction_limit(mirror):
    result = pm.msoa_smr(context("coventry"))
    m = result.msoas
    assert len(m) == 6791
    place = m[m["in_place"]]
    assert len(place) == 42  # SOURCES.md: Coventry 42 MSOAs
    assert (place["outlier"] == (place["smr"] > place["pred_upper"])).all()
    assert list(result.outliers["msoa11_code"]) == list(place.loc[place["outlier"], "msoa11_code"])
    assert result.model["slope"] > 0 and result.model["r2_ols"] > 0.5
    assert 0.01 < m["outlier"].mean() < 0.05  # about 2.5 % above a 95 % prediction limit nationally
    outliers = next(f for f in result.findings if f.key == "msoa-smr/outliers")
    for _, r in result.outliers.head(5).iterrows():
        assert r["msoa_name"] in outliers.sentence


def test_lsoa_place_degrades_with_messages(mirror):
    lsoas = tuple(data.lsoa11_lookup().query("district_code == 'E07000220'")["lsoa11_code"].head(10))
    place = SimpleNamespace(slug="bit-of-rugby", name="Part of Rugby", kind="lsoas", districts=(), lsoas=lsoas,
                            comparators=("E92000001",), icb_code=None)
    ctx = SimpleNamespace(place=place, name=place.name, areas=geography.place_areas(place),
                          comparators=("E92000001", "E12000005"), confidence=(0.95, 0.998), level=0.95,
                          select_period=lambda periods, what, strict=True: max(periods))
    trend = pm.preventable_trend(ctx)
    assert trend.table.empty and "small areas" in trend.message
    assert pm.preventable_cvd(ctx).table.empty
    rates = pm.dsr_2014(ctx)
    assert "place" not in set(rates.table["role"]) and any("LSOAs" in n for n in rates.notes)
    assert "icb" in set(rates.table["role"])  # the ICB is still shown


# ------------------------------------------------------------------------------ generated data
def test_fit_recovers_a_known_line():
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 60, 3000)
    pop = rng.integers(5000, 12000, 3000)
    mean = 40 + 3 * x
    y = rng.normal(mean, np.sqrt(mean / pop * 8000))
    df = pd.DataFrame({"deprivation_score": x, "smr": y, "population": pop})
    areas, fit, info = pm.fit_smr_deprivation(df)
    assert info["slope"] == pytest.approx(3, abs=0.05) and info["intercept"] == pytest.approx(40, abs=1)
    assert (fit["lower"] <= fit["fit"]).all() and (fit["fit"] <= fit["upper"]).all()
    assert (fit["pred_upper"] > fit["upper"]).all()
    assert 0.01 < (areas["smr"] > areas["pred_upper"]).mean() < 0.045
    with pytest.raises(ValueError, match="at least 3"):
        pm.fit_smr_deprivation(df.head(2))


def test_funnel_plot_draws_every_limit_layout():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"area_name": [f"A{i}" for i in range(40)], "events": rng.integers(20, 200, 40),
                       "denominator": rng.integers(1000, 5000, 40)})
    df["value"] = 100 * df["events"] / df["denominator"]
    limits = funnel_limits(df, numerator="events", denominator="denominator", statistic="proportion")
    fig = funnel_plot(df, title="t", xlabel="x", ylabel="y", limits=limits, highlight=["A1", "A2"])
    ax = fig.axes[0]
    assert len(ax.lines) >= 5  # 4 limits + centre
    assert {t.get_text() for t in ax.texts} - {"Average"} == {"A1", "A2"}  # "Average" names the centre line
    matplotlib.pyplot.close(fig)
    with pytest.raises(ValueError, match="no x column"):
        funnel_plot(df, title="t", xlabel="x", ylabel="y", limits=limits.drop(columns="Population"))


def test_scatter_fit_names_points():
    df = pd.DataFrame({"x": [1.0, 2, 3, 4], "y": [1.0, 2, 3, 9], "name": list("abcd"),
                       "mine": [False, True, True, True], "odd": [False, False, False, True]})
    fit = pd.DataFrame({"x": [1.0, 4], "fit": [1.0, 4], "lower": [0.5, 3.5], "upper": [1.5, 4.5]})
    fig = scatter_fit(df, x="x", y="y", fit=fit, title="t", xlabel="x", ylabel="y", highlight="mine",
                      named="odd", labels="name", reference=1)
    assert [t.get_text() for t in fig.axes[0].texts if not t.get_text().startswith("Reference")] == ["d"]
    matplotlib.pyplot.close(fig)


# ------------------------------------------------------------------------------ the template
@pytest.mark.slow
@pytest.mark.parametrize("place", ["rugby", "warwickshire-north"])
def test_template_runs(place, tmp_path, mirror, monkeypatch):
    import papermill

    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    out = tmp_path / f"{place}.ipynb"
    papermill.execute_notebook(str(TEMPLATE), str(out), parameters={"place": place}, cwd=str(tmp_path),
                               kernel_name="python3", progress_bar=False)
    folder = tmp_path / "data"
    for name in ("preventable-trend-persons", "preventable-trend-male", "preventable-trend-female", "cvd-trend",
                 "cancer-trend", "dsr-2014-under75", "funnel-2014-under75", "msoa-smr-deprivation"):
        assert (folder / f"preventable-mortality-{name}.svg").is_file(), name
        assert (folder / f"preventable-mortality-{name}.csv").is_file(), name
    params = context(place)
    # the CSV behind the chart is exactly the analysis table
    csv = pd.read_csv(folder / "preventable-mortality-dsr-2014.csv")
    table = pm.dsr_2014(params).table
    np.testing.assert_allclose(csv["value"].to_numpy(), table["value"].to_numpy())
    np.testing.assert_array_equal(csv["deaths"].to_numpy(), table["deaths"].to_numpy())
    funnel_csv = pd.read_csv(folder / "preventable-mortality-funnel-2014-under75.csv")
    assert len(funnel_csv) == 325 and funnel_csv["in_place"].sum() == len(params.place.districts)
    # findings at the top carry the table's numbers
    nb = json.loads(out.read_text())
    text = "".join(o.get("data", {}).get("text/markdown", "") if isinstance(o.get("data", {}).get("text/markdown", ""), str)
                   else "".join(o["data"]["text/markdown"])
                   for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []))
    assert "Key findings" in text
    # the first key finding is the latest published rate of the place's (first) district, with OHID's comparison
    first = pm.preventable_trend(params).latest
    first = first[first["sex"] == "persons"].iloc[0]
    box = text[text.index("Key findings"):]
    assert box.index(f"{first['value']:.1f} per 100,000 in 2024") < box.index(":::")
    assert "as published by OHID" in box[: box.index(":::")]
    assert_reader_rules(text)
    assert re.search(r"About this chapter", text)
