"""Arriaga decomposition: contributions sum to the gap; direction and suppression."""

import numpy as np
import pandas as pd

import phna.stats as S
from test_stats_life_expectancy import BANDS, DEATHS, POPS


def frame(deaths, **extra):
    return pd.DataFrame({"age": BANDS, "pop": POPS, "deaths": deaths, **extra})


def test_contributions_sum_to_gap_grouped():
    ref = pd.concat([frame(DEATHS, sex="m"), frame(np.array(DEATHS) * 0.9, sex="f")])
    cmp_ = pd.concat([frame(np.array(DEATHS) * 1.3, sex="m"), frame(np.array(DEATHS) * 1.1, sex="f")])
    got = S.arriaga(ref, cmp_, deaths="deaths", population="pop", age_start="age", by="sex")
    for sex, g in got.groupby("sex"):
        assert np.isclose(g["contribution"].sum(), g["gap"].iloc[0], atol=1e-10)
        le_ref = S.life_expectancy(ref[ref.sex == sex], deaths="deaths", population="pop", age_start="age")
        assert np.isclose(g["le_reference"].iloc[0], le_ref["value"].iloc[0])
        assert g["gap"].iloc[0] < 0 and (g["contribution"] <= 1e-12).all()


def test_only_one_band_differs():
    d2 = list(DEATHS)
    d2[10] *= 2
    got = S.arriaga(frame(DEATHS), frame(d2), deaths="deaths", population="pop", age_start="age")
    assert np.isclose(got["contribution"].sum(), got["gap"].iloc[0])
    others = got.drop(index=10)
    assert np.allclose(others["contribution"], 0, atol=1e-12) and got["contribution"].iloc[10] < 0


def test_suppressed_table_gives_reason():
    bad = frame(DEATHS)
    bad.loc[19, "deaths"] = 0
    got = S.arriaga(frame(DEATHS), bad, deaths="deaths", population="pop", age_start="age")
    assert got["suppressed"].all() and "comparison" in got["reason"].iloc[0]
