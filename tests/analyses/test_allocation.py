"""Proportionate-universalism allocation: the pure method on generated data, need measures on the mirror,
and the template run twice with different parameters."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phna.analyses import allocation
from phna.findings import by_key
from phna.analyses.allocation import allocate

REPO_TEMPLATE = os.path.join(os.path.dirname(__file__), "..", "..", "analyses", "proportionate-universalism.ipynb")


def units(need=(1.0, 2.0, 3.0), population=(1000, 2000, 3000)):
    return pd.DataFrame({"unit": [f"u{i}" for i in range(len(need))], "population": population, "need": need})


def test_allocations_sum_to_budget_exactly():
    out = allocate(units(), 1_000_000)
    assert out["allocation"].sum() == 1_000_000
    assert out["flat_allocation"].sum() == 1_000_000
    assert list(out.columns[:3]) == ["unit", "population", "need"]
    for column in ("weight", "share", "allocation", "flat_allocation", "difference", "per_head"):
        assert column in out


def test_equal_need_equals_flat():
    out = allocate(units(need=(2.5, 2.5, 2.5)), 600_000)
    assert (out["allocation"] == out["flat_allocation"]).all()
    assert np.allclose(out["difference"], 0)
    assert np.allclose(out["need_index"], 1)


def test_share_is_population_times_need():
    out = allocate(units(need=(1, 2, 3), population=(1000, 2000, 3000)), 1_400_000)
    # weights 1000, 4000, 9000 of 14000
    assert out["allocation"].tolist() == [100_000, 400_000, 900_000]
    assert np.allclose(out["flat_allocation"], [233_333, 466_667, 700_000], atol=1)


def test_doubling_need_raises_share_as_expected():
    base = allocate(units(need=(1, 1, 1), population=(100, 100, 100)), 900)
    doubled = allocate(units(need=(2, 1, 1), population=(100, 100, 100)), 900)
    assert base["share"].iloc[0] == pytest.approx(1 / 3)
    assert doubled["share"].iloc[0] == pytest.approx(2 / 4)
    assert doubled["allocation"].tolist() == [450, 225, 225]


def test_budget_scales_linearly():
    small = allocate(units(need=(1.3, 2.9, 0.4)), 1_000)
    big = allocate(units(need=(1.3, 2.9, 0.4)), 1_000_000)
    assert np.allclose(big["share"], small["share"])
    assert np.allclose(big["allocation"], 1000 * small["allocation"], atol=1000)
    assert np.allclose(big["allocation"], big["share"] * 1_000_000, atol=1)


def test_decimals_allow_pence():
    out = allocate(units(need=(1, 1, 1), population=(1, 1, 1)), 100.01, decimals=2)
    assert round(out["allocation"].sum() * 100) == 10001
    with pytest.raises(ValueError, match="not a whole multiple"):
        allocate(units(), 100.5)


@pytest.mark.parametrize(
    "frame, budget, message",
    [
        (units(need=(1, -1, 2)), 100, "negative"),
        (units(need=(1, np.nan, 2)), 100, "missing or not finite"),
        (units(need=(0, 0, 0)), 100, "need is 0 for every unit"),
        (units(population=(0, 1, 2)), 100, "population must be a positive"),
        (units(), 0, "budget must be a positive"),
        (units(), "lots", "budget must be a number"),
        (units().drop(columns="need"), 100, "no column"),
        (units().iloc[:0], 100, "no units"),
        (pd.concat([units(), units()]), 100, "repeated"),
    ],
)
def test_clear_errors(frame, budget, message):
    with pytest.raises(ValueError, match=message):
        allocate(frame, budget)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 10**6), st.floats(0, 100)), min_size=1, max_size=12),
    st.integers(1, 10**9),
)
def test_property_exact_sum_and_non_negative(rows, budget):
    frame = pd.DataFrame({"unit": range(len(rows)), "population": [r[0] for r in rows], "need": [r[1] for r in rows]})
    if sum(p * n for p, n in rows) <= 0:
        with pytest.raises(ValueError):
            allocate(frame, budget)
        return
    out = allocate(frame, budget)
    assert int(out["allocation"].sum()) == budget
    assert int(out["flat_allocation"].sum()) == budget
    assert (out["allocation"] >= 0).all()
    # each allocation is within 1 of the exact proportional amount
    assert np.all(np.abs(out["allocation"] - budget * out["share"]) < 1)


# ------------------------------------------------------------------------------------------------ real data
@pytest.fixture
def icb_ctx(mirror, monkeypatch):
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    import phna

    return phna.chapter("proportionate-universalism", place="icb", budget=1_000_000, need_measure="imd_score").params


def test_place_and_decile_units_cover_the_icb(icb_ctx):
    places, notes, basis = allocation.place_units(icb_ctx, "imd_score")
    assert places["unit"].tolist() == ["Coventry", "Warwickshire North", "Rugby", "South Warwickshire"]
    assert notes == []
    assert basis.startswith("ONS mid-2019")
    # Coventry mid-2019 LSOA total (data layer docstring / SOURCES spot check)
    assert places.loc[places["unit"] == "Coventry", "population"].iloc[0] == 371_521
    deciles, _ = allocation.decile_units(icb_ctx, "imd_score")
    assert deciles["population"].sum() == places["population"].sum()
    assert deciles["lsoas"].sum() == len(icb_ctx.areas.lsoa11)
    # IMD score rises with deprivation: decile 1 has the highest mean score
    assert deciles["need"].is_monotonic_decreasing


@pytest.mark.parametrize("measure", list(allocation.NEED_MEASURES))
def test_every_need_measure_allocates(icb_ctx, measure):
    result = allocation.proportionate(icb_ctx, need_measure=measure)
    assert result.places["allocation"].sum() == 1_000_000
    assert result.deciles["allocation"].sum() == 1_000_000
    assert (result.places["need"] >= 0).all()
    assert len(result.findings) == 3
    # Coventry, the most deprived place, gains on every measure of need
    cov = result.places.set_index("unit").loc["Coventry"]
    assert cov["difference"] > 0


def test_need_measure_changes_result(icb_ctx):
    a = allocation.proportionate(icb_ctx, need_measure="imd_score").places["allocation"]
    b = allocation.proportionate(icb_ctx, need_measure="le_gap").places["allocation"]
    assert not np.allclose(a, b)


def test_deprivation_index_changes_rankings_and_allocations(icb_ctx):
    import dataclasses

    newer = dataclasses.replace(icb_ctx, deprivation_index="iod2025")
    old_deciles, _ = allocation.decile_units(icb_ctx, "imd_score")
    new_deciles, _ = allocation.decile_units(newer, "imd_score")
    # the same residents, ranked into national deciles by another index
    assert new_deciles["population"].sum() == old_deciles["population"].sum()
    assert not np.array_equal(new_deciles["population"].to_numpy(), old_deciles["population"].to_numpy())
    a = allocation.proportionate(icb_ctx)
    b = allocation.proportionate(newer)
    assert not np.allclose(a.places["allocation"], b.places["allocation"])
    assert a.measure_label == "IMD 2019 score" and b.measure_label == "IMD 2025 score"
    assert "IMD 2025" in b.findings[0].sentence and "Indices of Deprivation 2025" in b.source
    assert set(b.long("deciles")["unit_type"]) == {"national IMD 2025 decile"}
    # measures that are not deprivation scores keep their need, only the deciles move
    c = allocation.proportionate(icb_ctx, need_measure="le_gap")
    d = allocation.proportionate(newer, need_measure="le_gap")
    assert np.allclose(c.places["allocation"], d.places["allocation"])
    assert not np.allclose(c.deciles["per_head"].iloc[:3], d.deciles["per_head"].iloc[:3])


def test_money_is_written_as_money(icb_ctx):
    result = allocation.proportionate(icb_ctx)
    assert allocation.per_head(1.0512) == "£1.05" and allocation.money(1_000_000) == "£1,000,000"
    assert all("£" in f.sentence for f in result.findings)
    assert "£1.05 per resident" in by_key(result.findings, "allocation/shift").sentence


def test_unknown_measure(icb_ctx):
    with pytest.raises(ValueError, match="need_measure must be one of"):
        allocation.proportionate(icb_ctx, need_measure="vibes")


def test_district_fallback_for_a_single_place(mirror, monkeypatch):
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    import phna

    params = phna.chapter("proportionate-universalism", place="south-warwickshire").params
    result = allocation.proportionate(params, budget=10_000, need_measure="income_score")
    assert set(result.places["unit"]) == {"Stratford-on-Avon", "Warwick"}
    assert "districts are used" in result.notes[0]


@pytest.mark.slow
def test_template_reruns_with_different_parameters(mirror, tmp_path):
    import papermill as pm

    env_before = os.environ.get("PHNA_DATA_MIRROR")
    os.environ["PHNA_DATA_MIRROR"] = str(mirror)
    try:
        tables = {}
        for run, params in {"a": {"budget": 1_000_000, "need_measure": "imd_score"},
                            "b": {"budget": 250_000, "need_measure": "smr_under75_preventable"}}.items():
            folder = tmp_path / run
            folder.mkdir()
            pm.execute_notebook(REPO_TEMPLATE, str(folder / "out.ipynb"), parameters={"place": "icb", **params},
                                cwd=str(folder), kernel_name="python3", progress_bar=False)
            table = pd.read_csv(folder / "data" / "proportionate-universalism-places-table.csv")
            assert table["allocation"].sum() == params["budget"]
            assert (table["need_measure"] == params["need_measure"]).all()
            chart = pd.read_csv(folder / "data" / "proportionate-universalism-places.csv")
            prop = chart[chart["method"] == "proportionate"].set_index("unit")["allocation"]
            assert prop.to_dict() == table.set_index("unit")["allocation"].to_dict()
            assert (folder / "data" / "proportionate-universalism-deciles.png").is_file()
            tables[run] = table.set_index("unit")
        assert not np.allclose(tables["a"]["share"], tables["b"]["share"])
        assert not np.allclose(tables["a"]["allocation"], tables["b"]["allocation"])
    finally:
        if env_before is None:
            os.environ.pop("PHNA_DATA_MIRROR", None)
        else:
            os.environ["PHNA_DATA_MIRROR"] = env_before
