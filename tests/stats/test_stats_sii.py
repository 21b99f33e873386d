"""SII / RII.

Data: the example in PHEindicatormethods ``phe_sii`` documentation (R/SII_function.R,
repo ukhsa-collaboration/PHEindicatormethods, commit 0031e305105d675dae6af8529d6e611eff92faaa):
two areas x 10 deciles of life expectancy with 95 % limits.
Expected point values: statsmodels WLS (value on relative rank, population-share weights),
the regression phe_sii fits; agreement 1e-10. The simulated limits cannot be matched
draw-for-draw with R's generator; for normal values the SII is linear in the values, so
its simulated distribution is exactly normal with variance sum(c_i^2 SE_i^2): the limits
must agree with SII +/- z sqrt(that) within Monte Carlo error.
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import phna.stats as S
from phna.stats._validate import z_value
from phna.stats.sii import sii_weights

DATA = pd.DataFrame({
    "area": ["Area1"] * 10 + ["Area2"] * 10,
    "decile": list(range(1, 11)) * 2,
    "population": [7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534, 21675,
                   20065, 19750, 24713, 20112, 19618, 22408, 19752, 18939, 19312],
    "value": [75.9, 78.3, 83.8, 83.6, 80.5, 81.1, 81.7, 84.2, 80.6, 86.3, 70.5,
              71.6, 72.5, 73.5, 73.1, 76.2, 78.7, 80.6, 80.9, 80],
    "lowerCL": [72.7, 75.3, 80.9, 80.2, 77.1, 78, 79, 81.4, 75.8, 83.2,
                70.1, 71.1, 72, 73.1, 72.7, 75.7, 78.2, 80.1, 80.4, 79.5],
    "upperCL": [79.1, 81.4, 86.8, 87.1, 83.8, 84.2, 84.4, 86.9, 85.4,
                89.4, 71, 72.1, 73.2, 73.7, 75.8, 78.8, 79.8, 81.2, 81.3, 80.9],
})


def run(data=DATA, **kw):
    args = dict(quantile="decile", population="population", value="value",
                lower_cl="lowerCL", upper_cl="upperCL", by="area", seed=42)
    args.update(kw)
    return S.sii(data, **args)


def test_point_estimates_match_statsmodels_wls():
    got = run(rii=True, repetitions=1000).set_index("area")
    for area, g in DATA.groupby("area"):
        a = g.population / g.population.sum()
        b = a.cumsum() - a / 2
        fit = sm.WLS(g.value.to_numpy(), sm.add_constant(b.to_numpy()), weights=a.to_numpy()).fit()
        intercept, slope = fit.params
        assert abs(got.loc[area, "sii"] - slope) < 1e-10
        assert abs(got.loc[area, "rii"] - (intercept + slope) / intercept) < 1e-12


def test_simulated_limits_agree_with_exact_normal_limits():
    got = run(confidence=[0.95, 0.998], repetitions=200_000).set_index("area")
    P = DATA.pivot(index="area", columns="decile", values="population").to_numpy(float)
    se = ((DATA.upperCL - DATA.lowerCL) / (2 * z_value(0.95))).to_numpy().reshape(2, 10)
    _, _, c, _ = sii_weights(P)
    sd = np.sqrt((c**2 * se**2).sum(axis=1))
    for level, suffix in ((0.95, "95_0"), (0.998, "99_8")):
        z = z_value(level)
        lo = got["sii"].to_numpy() - z * sd
        up = got["sii"].to_numpy() + z * sd
        assert np.allclose(got[f"sii_lower{suffix}cl"], lo, atol=0.02 * sd.max() * z)
        assert np.allclose(got[f"sii_upper{suffix}cl"], up, atol=0.02 * sd.max() * z)


def test_seed_reproducible_and_limits_bracket():
    a = run(rii=True, repetitions=5000, seed=7)
    b = run(rii=True, repetitions=5000, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert (a.sii_lowercl < a.sii).all() and (a.sii < a.sii_uppercl).all()
    assert (a.rii_lowercl < a.rii).all() and (a.rii < a.rii_uppercl).all()


def test_rate_and_proportion_scales():
    r = run(value_type="rate", repetitions=20_000)
    assert (r.sii_lowercl < r.sii).all() and (r.sii < r.sii_uppercl).all()
    p = DATA.assign(value=DATA.value / 100, lowerCL=DATA.lowerCL / 100, upperCL=DATA.upperCL / 100)
    q = run(p, value_type="proportion", repetitions=20_000)
    assert np.allclose(q.sii, r.sii / 100)


def test_negative_multiplier_reverses_sign_and_inverts_rii():
    pos = run(rii=True, repetitions=2000)
    neg = run(rii=True, repetitions=2000, multiplier=-1)
    assert np.allclose(neg.sii, -pos.sii)
    assert np.allclose(neg.rii, 1 / pos.rii)
    assert (neg.sii_lowercl < neg.sii).all() and (neg.sii < neg.sii_uppercl).all()


def test_incomplete_group_suppressed():
    d = DATA[~((DATA.area == "Area2") & (DATA.decile == 4))]
    got = run(d, repetitions=1000).set_index("area")
    assert got.loc["Area2", "suppressed"] and np.isnan(got.loc["Area2", "sii"])
    assert not got.loc["Area1", "suppressed"]


@pytest.mark.parametrize(
    "change, kw, match",
    [
        ({"population": 0}, {}, "greater than zero"),
        ({"population": -5}, {}, "negative"),
        ({"value": "x"}, {}, "non-numeric"),
        ({}, {"value_type": "ratio"}, "value_type"),
        ({}, {"confidence": 0}, "between 0 and 1"),
        ({}, {"repetitions": 10}, "1000"),
        ({}, {"value_type": "proportion"}, "strictly between 0 and 1"),
    ],
)
def test_bad_input(change, kw, match):
    d = DATA.copy()
    for col, v in change.items():
        d[col] = d[col].astype(object)
        d.loc[3, col] = v
    with pytest.raises(ValueError, match=match):
        run(d, **{"repetitions": 1000, **kw})
