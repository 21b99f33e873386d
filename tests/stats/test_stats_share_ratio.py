"""Ratio of a group's share to the population's share (phna.stats.share_ratio) and the Katz log interval.

Expected values and where they come from:
- Katz log interval, Perondi et al. (2004) trial (7 of 34 against 1 of 34): ratio 7.0000, 95 % CI 0.9096 to
  53.8695. Source: Fagerland, Lydersen and Laake, Statistical Analysis of Contingency Tables (2017), chapter 4,
  as checked by the authors' R package: ocbe-uio/contingencytables, tests/testthat/test-ch4.R
  (commit 677d664b66b2605b4fb4e9061f5c7f87553e7a8a), `Katz_log_CI_2x2`. Agreement: 4 decimal places.
- Ratio to the whole population for the same counts (group 7 of 34, rest 1 of 34, so everyone 8 of 68 and the
  group's weight w = 0.5): R = RR / (w RR + 1 - w) = 2 RR / (RR + 1). Worked by hand from the published limits:
  R = 14 / 8 = 1.75; lower 2 × 0.9096 / 1.9096 = 0.9527; upper 2 × 53.8695 / 54.8695 = 1.9636 (4 d.p., to the
  rounding of the published limits: tolerance 1e-4).
"""

import numpy as np
import pandas as pd
import pytest

import phna.stats as S


def test_katz_worked_example():
    ratio, lower, upper = S.katz_ratio([7], [34], [1], [34], 0.95)
    assert ratio[0] == pytest.approx(7.0, abs=5e-5)
    assert lower[0] == pytest.approx(0.9096, abs=5e-5)
    assert upper[0] == pytest.approx(53.8695, abs=5e-5)


def test_share_ratio_worked_example():
    df = pd.DataFrame({"x": [7], "n": [34], "x_total": [8], "n_total": [68]})
    out = S.share_ratio(df, x="x", n="n", x_total="x_total", n_total="n_total", min_count=1)
    row = out.iloc[0]
    assert row["value"] == pytest.approx(1.75, abs=1e-9)
    assert row["lowercl"] == pytest.approx(0.9527, abs=1e-4)
    assert row["uppercl"] == pytest.approx(1.9636, abs=1e-4)
    assert row["share"] == pytest.approx(7 / 34) and row["share_total"] == pytest.approx(8 / 68)
    assert not row["suppressed"]


def test_small_group_tends_to_the_independent_ratio():
    # A group that is a tiny part of the population: its ratio to everyone ≈ its ratio to everyone else.
    df = pd.DataFrame({"x": [40], "n": [100], "x_total": [40 + 200_000], "n_total": [100 + 1_000_000]})
    out = S.share_ratio(df, x="x", n="n", x_total="x_total", n_total="n_total")
    rr, lo, up = S.katz_ratio([40], [100], [200_000], [1_000_000])
    assert out["lowercl"].iloc[0] == pytest.approx(lo[0], rel=2e-4)
    assert out["uppercl"].iloc[0] == pytest.approx(up[0], rel=2e-4)


def test_interval_contains_one_exactly_when_group_equals_rest():
    # RR = 1 → R = 1 whatever the weight; an interval around it must contain 1.
    df = pd.DataFrame({"x": [50, 500], "n": [200, 2000], "x_total": [250, 2500], "n_total": [1000, 10000]})
    out = S.share_ratio(df, x="x", n="n", x_total="x_total", n_total="n_total", confidence=[0.95, 0.998])
    assert np.allclose(out["value"], 1.0)
    assert (out["lower95_0cl"] < 1).all() and (out["upper95_0cl"] > 1).all()
    # wider at 99.8 %, and narrower with ten times the counts
    assert (out["lower99_8cl"] < out["lower95_0cl"]).all()
    assert out["upper95_0cl"].iloc[1] < out["upper95_0cl"].iloc[0]


def test_suppression_rule():
    df = pd.DataFrame({"group": ["few", "none outside", "ok"], "x": [9, 30, 30], "n": [100, 100, 100],
                       "x_total": [100, 30, 100], "n_total": [1000, 1000, 1000]})
    out = S.share_ratio(df, x="x", n="n", x_total="x_total", n_total="n_total").set_index(pd.Index(df["group"]))
    assert out.loc["few", "suppressed"] and np.isnan(out.loc["few", "value"]) and np.isnan(out.loc["few", "share"])
    assert "fewer than 10" in out.loc["few", "reason"]
    assert out.loc["none outside", "suppressed"] and np.isnan(out.loc["none outside", "lowercl"])
    assert not out.loc["ok", "suppressed"] and out.loc["ok", "value"] == pytest.approx(3.0)


@pytest.mark.parametrize("bad", [
    {"x": [20], "n": [10], "x_total": [50], "n_total": [100]},   # more in the numerator than in the group
    {"x": [10], "n": [20], "x_total": [5], "n_total": [100]},    # group numerator above the total numerator
    {"x": [10], "n": [200], "x_total": [50], "n_total": [100]},  # group larger than the population
    {"x": [-1], "n": [20], "x_total": [50], "n_total": [100]},   # negative count
])
def test_bad_input_is_refused(bad):
    with pytest.raises(ValueError):
        S.share_ratio(pd.DataFrame(bad), x="x", n="n", x_total="x_total", n_total="n_total")
