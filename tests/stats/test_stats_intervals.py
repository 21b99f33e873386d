"""Wilson, Byar's/exact intervals, crude rates and proportions.

Expected values: PHEindicatormethods test workbooks (repo
ukhsa-collaboration/PHEindicatormethods, commit 093fd288d8f8949dbcfbed70049dbbf385b6141d,
tests/testthat/testdata_Byars_Wilson.xlsx, testdata_Rate.xlsx, testdata_Proportion.xlsx),
read from the data mirror. Agreement required: 4 decimal places (abs diff < 5e-5).
"""

import numpy as np
import pandas as pd
import pytest

import phna.stats as S
from phna.stats._validate import z_value

TOL = 5e-5


def close(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    both_nan = np.isnan(a) & np.isnan(b)
    return bool(np.all(both_nan | (np.abs(a - b) < TOL)))


def test_z_values():
    assert round(z_value(0.95), 6) == 1.959964
    assert round(z_value(0.998), 6) == 3.090232


def test_byars_and_wilson_worked_example(reference_dir):
    bw = pd.read_excel(reference_dir / "testdata_Byars_Wilson.xlsx", sheet_name="testdata_B_W")
    for _, r in bw.iterrows():
        conf = 0.95 if r.confidence == "95%" else 0.998
        if r.method == "Byars":
            lo, up = S.byars([r.x], conf)
        else:
            lo, up = S.wilson([r.x], [r.n], conf)
        assert close(lo, [r.lowercl]) and close(up, [r.uppercl]), r.to_dict()


def test_rate_ungrouped_two_levels(reference_dir):
    exp = pd.read_excel(reference_dir / "testdata_Rate.xlsx", sheet_name="testdata_Rate")
    for mult, sub in exp.groupby("multiplier"):
        got = S.rate(sub, x="Numerator", n="Denominator", confidence=[0.95, 0.998], multiplier=mult)
        for col in ["value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]:
            assert close(got[col], sub[col]), (mult, col)
        known = sub["method"].notna()
        assert (got.loc[known, "method"] == sub.loc[known, "method"]).all()
        assert got["confidence"].iloc[0] == "95%, 99.8%"


def test_rate_grouped(reference_dir):
    exp = pd.read_excel(reference_dir / "testdata_Rate.xlsx", sheet_name="testdata_Rate_g")
    # each area's expected row split into two halves, which the grouping must add back up
    half = exp[["Area", "Numerator", "Denominator"]].assign(
        Numerator=exp.Numerator / 2, Denominator=exp.Denominator / 2)
    data = pd.concat([half, half])
    got = S.rate(data, x="Numerator", n="Denominator", by="Area", confidence=0.95).set_index("Area")
    exp = exp.set_index("Area").loc[got.index]
    for col in ["value", "lowercl", "uppercl"]:
        assert close(got[col], exp[col]), col


def test_proportion_ungrouped_and_grouped(reference_dir):
    exp = pd.read_excel(reference_dir / "testdata_Proportion.xlsx", sheet_name="testdata_Prop")
    for mult, sub in exp.groupby("multiplier"):
        got = S.proportion(sub, x="Numerator", n="Denominator", confidence=(0.95, 0.998), multiplier=mult)
        for col in ["value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]:
            assert close(got[col], sub[col]), (mult, col)
    expg = pd.read_excel(reference_dir / "testdata_Proportion.xlsx", sheet_name="testdata_Prop_g")
    half = expg[["Area", "Numerator", "Denominator"]].assign(
        Numerator=expg.Numerator / 2, Denominator=expg.Denominator / 2)
    data = pd.concat([half, half])
    got = S.proportion(data, x="Numerator", n="Denominator", by="Area").set_index("Area")
    expg = expg.set_index("Area").loc[got.index]
    for col in ["value", "lowercl", "uppercl"]:
        assert close(got[col], expg[col]), col


def test_exact_switch_below_ten():
    lo, up = S.poisson_limits([9, 10], 0.95)
    el, eu = S.exact_poisson([9], 0.95)
    bl, bu = S.byars([10], 0.95)
    assert lo[0] == el[0] and up[0] == eu[0] and lo[1] == bl[0] and up[1] == bu[0]


@pytest.mark.parametrize(
    "frame, kwargs, match",
    [
        (pd.DataFrame({"x": [1, -2], "n": [10, 10]}), {}, "negative"),
        (pd.DataFrame({"x": [1, "a"], "n": [10, 10]}), {}, "non-numeric"),
        (pd.DataFrame({"x": [1, 2], "n": [10, 0]}), {}, "greater than zero"),
        (pd.DataFrame({"x": [1, 2], "n": [10, 10]}), {"confidence": 95}, "between 0 and 1"),
        (pd.DataFrame({"x": [1, 2], "m": [10, 10]}), {}, r"\['n'\]"),
    ],
)
def test_rate_and_proportion_reject_bad_input(frame, kwargs, match):
    for f in (S.rate, S.proportion):
        with pytest.raises(ValueError, match=match):
            f(frame, x="x", n="n", **kwargs)


def test_proportion_rejects_numerator_over_denominator():
    with pytest.raises(ValueError, match="exceeds"):
        S.proportion(pd.DataFrame({"x": [11], "n": [10]}), x="x", n="n")


def test_error_names_offending_rows():
    with pytest.raises(ValueError, match=r"rows \['b'\]"):
        S.rate(pd.DataFrame({"x": [1, -1], "n": [5, 5]}, index=["a", "b"]), x="x", n="n")
