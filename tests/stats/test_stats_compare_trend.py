"""Benchmark comparison (Fingertips rule) and recent trend; hand-checked cases."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import phna.stats as S


def test_compare_polarity():
    d = pd.DataFrame({"lo": [1.0, 5.0, 9.0, np.nan], "up": [4.0, 8.0, 12.0, 3.0]})
    hi = S.compare_to_benchmark(d, lower_cl="lo", upper_cl="up", benchmark=6.0)
    assert hi["comparison"].tolist() == ["worse", "similar", "better", "not compared"]
    lo = S.compare_to_benchmark(d, lower_cl="lo", upper_cl="up", benchmark=6.0, polarity="low is good")
    assert lo["comparison"].tolist() == ["better", "similar", "worse", "not compared"]
    nj = S.compare_to_benchmark(d, lower_cl="lo", upper_cl="up", benchmark=6.0, polarity="no judgement")
    assert nj["comparison"].tolist() == ["lower", "similar", "higher", "not compared"]


def test_compare_two_levels_and_column_benchmark():
    d = pd.DataFrame({"lo": [6.5], "up": [8.0], "lo3": [5.5], "up3": [9.0], "eng": [6.0]})
    got = S.compare_to_benchmark(d, lower_cl="lo", upper_cl="up", lower_cl_99_8="lo3", upper_cl_99_8="up3",
                                 benchmark="eng")
    assert got["comparison"].iloc[0] == "better" and got["comparison_99_8"].iloc[0] == "similar"
    with pytest.raises(ValueError, match="polarity"):
        S.compare_to_benchmark(d, lower_cl="lo", upper_cl="up", benchmark=1, polarity="up")


def _armitage(x, n):
    t = np.arange(1, len(x) + 1)
    N, p = n.sum(), x.sum() / n.sum()
    tb = (n * t).sum() / N
    return (x * (t - tb)).sum() ** 2 / (p * (1 - p) * (n * (t - tb) ** 2).sum())


def test_trend_proportions():
    n = np.full(6, 1000.0)
    rising = pd.DataFrame({"area": "A", "year": range(2015, 2021), "x": [100, 100, 120, 150, 180, 210], "n": n})
    flat = pd.DataFrame({"area": "B", "year": range(2015, 2021), "x": [100, 101, 99, 100, 102, 100], "n": n})
    short = pd.DataFrame({"area": "C", "year": range(2018, 2021), "x": [1, 2, 3], "n": n[:3]})
    got = S.recent_trend(pd.concat([rising, flat, short]), time="year", x="x", n="n", by="area").set_index("area")
    assert got.loc["A", "trend"] == "increasing" and got.loc["B", "trend"] == "no significant change"
    assert got.loc["C", "trend"] == "cannot be calculated"
    assert got.loc["A", "points_used"] == 5 and got.loc["A", "first_time"] == 2016
    chi = _armitage(np.array([100, 120, 150, 180, 210.0]), n[:5])
    assert np.isclose(got.loc["A", "chi_square"], chi)
    # chi-square trend statistic equals n * r^2 for the individual-level data (Armitage 1955)
    assert stats.chi2.ppf(0.998, 1) > 9.5


def test_trend_values_with_limits():
    years = np.arange(2016, 2021)
    v = np.array([80.0, 79.0, 78.0, 77.0, 76.0])
    d = pd.DataFrame({"year": years, "v": v, "lo": v - 0.5, "up": v + 0.5})
    got = S.recent_trend(d, time="year", value="v", lower_cl="lo", upper_cl="up")
    assert got["trend"].iloc[0] == "decreasing" and np.isclose(got["slope"].iloc[0], -1.0)
    wobble = d.assign(lo=d.v - 20, up=d.v + 20)
    assert S.recent_trend(wobble, time="year", value="v", lower_cl="lo", upper_cl="up")["trend"].iloc[0] == "no significant change"
    # statistic matches a weighted least-squares fit with known variances (statsmodels WLS, scale fixed at 1)
    import statsmodels.api as sm
    se = (d.up - d.lo) / (2 * stats.norm.ppf(0.975))
    fit = sm.WLS(d.v, sm.add_constant(np.arange(1, 6)), weights=1 / se**2).fit(cov_type="fixed scale")
    assert np.isclose(got["chi_square"].iloc[0], (fit.params.iloc[1] / fit.bse.iloc[1]) ** 2)


def test_trend_bad_input():
    with pytest.raises(ValueError, match="give"):
        S.recent_trend(pd.DataFrame({"year": [1]}), time="year")
    with pytest.raises(ValueError, match="negative"):
        S.recent_trend(pd.DataFrame({"year": range(5), "x": [1, 2, -3, 4, 5], "n": 10}), time="year", x="x", n="n")
