"""Life expectancy (Chiang II, Silcocks) and the life table.

Worked example (inputs df1 and expected ``answer1``, all 20 ages): PHEindicatormethods
tests/testthat/testLifeExpectancy.R, repo ukhsa-collaboration/PHEindicatormethods,
commit 005c05b0e1a6be4a7d35e2d737f90bc01d9b3b06 (the same data is the example in the
``phe_life_expectancy`` documentation, R/LifeExpectancy.R). The R test compares values
rounded to 4 decimal places; we require abs diff < 5e-5.
"""

import numpy as np
import pandas as pd
import pytest

import phna.stats as S

BANDS = [0, 1, *range(5, 95, 5)]
POPS = [7060, 35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601, 50209, 56416,
        46411, 39820, 37978, 37039, 33288, 23306, 11936, 11936]
DEATHS = [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605, 1936, 1937]
ANSWER_VALUE = [80.16960813, 79.36245674, 75.44193645, 70.47299936, 65.52909542, 60.67510088,
                55.78835987, 50.92752727, 46.06740425, 41.24505636, 36.49322717, 31.83343842,
                27.26027992, 22.9719144, 18.76856852, 14.95858336, 11.51684445, 8.618849241,
                6.163942934, 6.16210635]
ANSWER_LOWER = [79.88268548, 79.0898816, 75.17407307, 70.20675732, 65.26548673, 60.41876577,
                55.53801579, 50.68279939, 45.82666794, 41.00842831, 36.26223216, 31.60996318,
                27.04337271, 22.76653134, 18.57570352, 14.77985004, 11.34831778, 8.451134045,
                5.978358351, 5.887683386]
ANSWER_UPPER = [80.45653078, 79.63503188, 75.70979983, 70.7392414, 65.79270412, 60.931436,
                56.03870395, 51.17225516, 46.30814055, 41.48168441, 36.72422219, 32.05691365,
                27.47718713, 23.17729746, 18.96143352, 15.13731667, 11.68537112, 8.786564437,
                6.349527517, 6.436529314]
TOL = 5e-5


def df1():
    return pd.DataFrame({"startage": BANDS, "pops": POPS, "deaths": DEATHS})


def le(df, **kw):
    return S.life_expectancy(df, deaths="deaths", population="pops", age_start="startage", **kw)


def test_worked_example_all_ages():
    got = le(df1(), le_age="all")
    assert np.all(np.abs(got["value"] - ANSWER_VALUE) < TOL)
    assert np.all(np.abs(got["lowercl"] - ANSWER_LOWER) < TOL)
    assert np.all(np.abs(got["uppercl"] - ANSWER_UPPER) < TOL)
    assert not got["suppressed"].any()
    assert got["method"].iloc[0].startswith("Chiang")


def test_default_is_birth_and_order_of_rows_irrelevant():
    shuffled = df1().sample(frac=1, random_state=3)
    got = le(shuffled)
    assert len(got) == 1 and got["le_age"].iloc[0] == 0
    assert abs(got["value"].iloc[0] - ANSWER_VALUE[0]) < TOL


def test_band_labels_and_le_ages():
    labels = ["0", "1-4"] + [f"{a} – {a + 4}" for a in range(5, 90, 5)] + ["90 +"]
    d = df1().assign(startage=labels)
    got = le(d, le_age=[5, 25])
    assert got["le_age"].tolist() == [5, 25]
    assert np.allclose(got["value"], [ANSWER_VALUE[2], ANSWER_VALUE[6]], atol=TOL)


def test_grouped_and_several_levels():
    d = pd.concat([df1().assign(area="A"), df1().assign(area="B", deaths=np.array(DEATHS) * 2)])
    got = le(d, by="area", confidence=[0.95, 0.998])
    assert {"lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"} <= set(got.columns)
    a = got.set_index("area")
    assert abs(a.loc["A", "lower95_0cl"] - ANSWER_LOWER[0]) < TOL
    assert a.loc["B", "value"] < a.loc["A", "value"]
    assert (a["lower99_8cl"] < a["lower95_0cl"]).all() and (a["upper99_8cl"] > a["upper95_0cl"]).all()


def _variant(**changes):
    d = df1()
    for band, (col, val) in changes.items():
        if isinstance(val, str):
            d[col] = d[col].astype(object)
        d.loc[d.startage == int(band[1:]), col] = val
    return d


@pytest.mark.parametrize(
    "data, reason",
    [
        (_variant(a20=("pops", 0)), "population of zero"),
        (_variant(a85=("pops", 119)), "deaths exceed population"),
        (df1().iloc[:-1], "incomplete"),
        (_variant(a90=("deaths", 0)), "no deaths in the 90+"),
        (pd.DataFrame({"startage": BANDS, "pops": [128, 152, 120, 176, 194, 180, 145, 149, 107, 185, 165, 109,
                                                    100, 122, 133, 189, 123, 121, 147, 138],
                       "deaths": [58, 93, 78, 94, 59, 71, 80, 73, 69, 72, 91, 69, 78, 71, 54, 91, 82, 53, 50, 84]}),
         "5,000 or less"),
    ],
)
def test_suppression_rules(data, reason):
    got = le(data, confidence=[0.95, 0.998])
    assert got["suppressed"].all() and reason in got["reason"].iloc[0]
    assert got[["value", "lower95_0cl", "upper99_8cl"]].isna().all().all()


def test_grouped_suppression_keeps_good_groups():
    good = df1().assign(area="good")
    bad = _variant(a20=("pops", 0)).assign(area="zero pop")
    got = le(pd.concat([good, bad]), by="area").set_index("area")
    assert not got.loc["good", "suppressed"] and got.loc["zero pop", "suppressed"]
    assert abs(got.loc["good", "value"] - ANSWER_VALUE[0]) < TOL


def test_wide_interval_withholds_value_but_keeps_limits():
    # just over 5,000 people and a single death (at 90+) gives a 95 % interval far wider than 20 years
    d = pd.DataFrame({"startage": BANDS, "pops": [60] + [270] * 19, "deaths": [0] * 19 + [1]})
    got = le(d)
    assert got["uppercl"].iloc[0] - got["lowercl"].iloc[0] > 20
    assert np.isnan(got["value"].iloc[0]) and not np.isnan(got["lowercl"].iloc[0])
    assert "wider than 20 years" in got["reason"].iloc[0]


@pytest.mark.parametrize(
    "data, kw, match",
    [
        (_variant(a10=("deaths", -5)), {}, "negative"),
        (_variant(a10=("deaths", "x")), {}, "non-numeric"),
        (df1(), {"confidence": 1.5}, "between 0 and 1"),
        (df1(), {"le_age": 4}, "not a band start"),
        (df1().assign(startage=[0, 2] + BANDS[2:]), {}, "start ages"),
        (df1().drop(columns="pops"), {}, "not found"),
    ],
)
def test_bad_input(data, kw, match):
    with pytest.raises(ValueError, match=match):
        le(data, **kw)


def test_life_table_matches_life_expectancy():
    lt = S.life_table(df1(), deaths="deaths", population="pops", age_start="startage")
    assert len(lt) == 20 and lt["l"].iloc[0] == 100_000
    assert np.allclose(lt["e"], ANSWER_VALUE, atol=TOL)
    assert np.isclose(lt["T"].iloc[0] / lt["l"].iloc[0], lt["e"].iloc[0])
