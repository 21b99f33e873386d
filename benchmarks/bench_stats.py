"""Timing of the vectorised statistics in phna.stats (a script, not a test).

Run: ``.venv/bin/python benchmarks/bench_stats.py``

Reference (issue 4): PHEindicatormethods in R takes 2.4 s for SII with 100,000
draws on 10 groups and 7.2 s for 722 groups with 1,000 draws.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import phna.stats as S

BANDS = [0, 1, *range(5, 95, 5)]
RATES = np.array([4e-3, 2e-4, 1e-4, 1e-4, 3e-4, 4e-4, 5e-4, 6e-4, 9e-4, 1.3e-3, 2e-3, 3e-3,
                  5e-3, 8e-3, 1.3e-2, 2.2e-2, 4e-2, 7e-2, 1.3e-1, 2.5e-1])


def timed(label, fn, repeat=3):
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    print(f"{label:<55s} {best:8.3f} s")
    return out, best


def le_data(groups, rng):
    pops = rng.integers(3_000, 12_000, size=(groups, 20)).astype(float)
    deaths = rng.poisson(pops * RATES).astype(float)
    return pd.DataFrame({
        "area": np.repeat(np.arange(groups) // 2, 20),
        "sex": np.repeat(np.arange(groups) % 2, 20),
        "age": np.tile(BANDS, groups),
        "pop": pops.ravel(),
        "deaths": deaths.ravel(),
    })


def sii_data(groups, rng):
    dec = np.tile(np.arange(1, 11), groups)
    pop = rng.integers(5_000, 30_000, size=groups * 10).astype(float)
    val = 70 + 1.2 * dec + rng.normal(0, 1, groups * 10)
    se = rng.uniform(0.3, 1.5, groups * 10)
    return pd.DataFrame({"g": np.repeat(np.arange(groups), 10), "decile": dec, "pop": pop,
                         "value": val, "lo": val - 1.96 * se, "up": val + 1.96 * se})


def main():
    rng = np.random.default_rng(2024)
    print(f"numpy {np.__version__}, pandas {pd.__version__}")
    d = le_data(10_000, rng)
    timed("life expectancy, 10,000 area x sex groups", lambda: S.life_expectancy(
        d, deaths="deaths", population="pop", age_start="age", by=["area", "sex"], confidence=[0.95, 0.998]))
    kw = dict(quantile="decile", population="pop", value="value", lower_cl="lo", upper_cl="up", by="g", seed=1)
    s10 = sii_data(10, rng)
    _, t1 = timed("SII + RII, 10 groups, 100,000 draws", lambda: S.sii(s10, repetitions=100_000, rii=True, **kw))
    _, t1r = timed("SII + RII, 10 groups, 100,000 draws, value_type='rate'",
                   lambda: S.sii(s10, repetitions=100_000, rii=True, value_type="rate", **kw))
    s722 = sii_data(722, rng)
    _, t2 = timed("SII + RII, 722 groups, 1,000 draws", lambda: S.sii(s722, repetitions=1_000, rii=True, **kw))
    _, t3 = timed("SII + RII, 722 groups, 100,000 draws", lambda: S.sii(s722, repetitions=100_000, rii=True, **kw), repeat=1)
    _, t4 = timed("SII only, 722 groups, 100,000 draws", lambda: S.sii(s722, repetitions=100_000, **kw), repeat=1)
    print(f"speed-up vs R: 10 groups x 100,000 draws {2.4 / t1:.0f}x (rate scale {2.4 / t1r:.0f}x); 722 groups x 1,000 draws {7.2 / t2:.0f}x; "
          f"722 x 100,000 draws would take R ~{7.2 * 100:.0f} s by linear scaling -> {720 / t3:.0f}x")
    dd = pd.DataFrame({"g": np.repeat(np.arange(10_000), 19), "age": np.tile(S.ESP2013.index, 10_000),
                       "x": rng.poisson(30, 190_000), "n": rng.integers(1_000, 9_000, 190_000)})
    timed("DSR, 10,000 groups", lambda: S.dsr(dd, events="x", population="n", age_start="age", by="g"))


if __name__ == "__main__":
    main()
