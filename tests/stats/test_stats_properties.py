"""Property tests (hypothesis)."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import phna.stats as S
from test_stats_life_expectancy import BANDS, DEATHS, POPS

counts = st.integers(min_value=0, max_value=100_000)


@given(x=counts, extra=st.integers(min_value=1, max_value=100_000))
def test_wilson_brackets_and_widens(x, extra):
    n = x + extra
    lo95, up95 = S.wilson([x], [n], 0.95)
    lo998, up998 = S.wilson([x], [n], 0.998)
    p = x / n
    assert lo95[0] <= p + 1e-12 and p - 1e-12 <= up95[0]
    assert lo998[0] <= lo95[0] + 1e-12 and up998[0] >= up95[0] - 1e-12


@given(x=counts)
def test_poisson_limits_bracket_and_widen(x):
    lo95, up95 = S.poisson_limits([x], 0.95)
    lo998, up998 = S.poisson_limits([x], 0.998)
    assert lo95[0] <= x <= up95[0]
    assert lo998[0] <= lo95[0] and up998[0] >= up95[0]


@settings(max_examples=50, deadline=None)
@given(scale=st.lists(st.floats(min_value=0.2, max_value=3.0), min_size=19, max_size=19))
def test_dsr_limits_bracket(scale):
    from phna.stats.dsr import ESP2013
    d = pd.DataFrame({"age": ESP2013.index, "x": np.round(np.array(scale) * 30), "n": 10_000})
    r = S.dsr(d, events="x", population="n", age_start="age", confidence=[0.95, 0.998])
    if not r["suppressed"].iloc[0]:
        assert r.lower99_8cl[0] <= r.lower95_0cl[0] <= r.value[0] <= r.upper95_0cl[0] <= r.upper99_8cl[0]


@settings(max_examples=50, deadline=None)
@given(band=st.integers(min_value=0, max_value=19), factor=st.floats(min_value=1.01, max_value=3.0))
def test_le_falls_as_deaths_rise_and_decomposition_sums(band, factor):
    base = pd.DataFrame({"age": BANDS, "pop": POPS, "deaths": np.array(DEATHS, float)})
    more = base.copy()
    more.loc[band, "deaths"] = np.ceil(more.loc[band, "deaths"] * factor)
    kw = dict(deaths="deaths", population="pop", age_start="age")
    e0 = S.life_expectancy(base, **kw, confidence=[0.95, 0.998])
    e1 = S.life_expectancy(more, **kw)
    assert e1.value[0] < e0.value[0]
    assert e0.lower99_8cl[0] < e0.lower95_0cl[0] < e0.value[0] < e0.upper95_0cl[0] < e0.upper99_8cl[0]
    dec = S.arriaga(base, more, **kw)
    assert np.isclose(dec.contribution.sum(), e1.value[0] - e0.value[0], atol=1e-9)
