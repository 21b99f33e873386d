"""Arriaga by age and cause: reduces to Arriaga with one cause; shares each band's contribution by rate differences.

The frames are GENERATED (Gompertz-shaped rates); the expected values follow from the definition
(Preston, Heuveline and Guillot 2001, eq. 4.9), not from a published example.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from phna.stats import arriaga, arriaga_by_cause

STARTS = [0, 1, *range(5, 95, 5)]


def frame(scale: float, causes: dict[str, float]) -> pd.DataFrame:
    rows = []
    for start in STARTS:
        pop = 10_000.0
        rate = 0.004 if start == 0 else 0.00005 * np.exp(0.09 * start)
        for cause, share in causes.items():
            rows.append({"age_start": start, "cause": cause, "deaths": pop * min(rate * scale, 0.5) * share,
                         "population": pop})
    return pd.DataFrame(rows)


def test_one_cause_is_arriaga():
    ref, comp = frame(1.0, {"all": 1.0}), frame(1.3, {"all": 1.0})
    by_cause = arriaga_by_cause(ref, comp, deaths="deaths", population="population", age_start="age_start",
                                cause="cause")
    plain = arriaga(ref.drop(columns="cause"), comp.drop(columns="cause"), deaths="deaths", population="population",
                    age_start="age_start")
    assert by_cause["contribution"].to_numpy() == pytest.approx(plain["contribution"].to_numpy(), abs=1e-12)


def test_causes_share_each_band_by_their_rate_difference_and_sum_to_the_gap():
    ref = frame(1.0, {"a": 0.5, "b": 0.5})
    comp = ref.copy()
    # only cause "a" is higher in the comparison: it takes the whole gap, "b" none
    comp.loc[comp["cause"] == "a", "deaths"] *= 1.6
    out = arriaga_by_cause(ref, comp, deaths="deaths", population="population", age_start="age_start", cause="cause")
    by_cause = out.groupby("cause")["contribution"].sum()
    assert by_cause["b"] == pytest.approx(0.0, abs=1e-12)
    assert by_cause.sum() == pytest.approx(out["gap"].iloc[0], abs=1e-10) and out["gap"].iloc[0] < 0
    # a broken split (equal shares) would give "b" half the gap: the test can tell
    assert abs(by_cause["a"]) > 0.1
