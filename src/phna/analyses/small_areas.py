"""Small areas (2011 LSOAs) by the chosen deprivation index, and confidence limits in the book's convention.

Pages that count people use ONS's mid-2019 populations of 2011 LSOAs (the only small-area populations by age
in the book's data). To rank those same small areas by IMD 2025, which is published for 2021 LSOAs, each 2011
LSOA takes the IMD 2025 values of the 2021 LSOA(s) it became (ONS best-fit lookup): the mean score, and the
median decile rounded towards more deprived. This is the rule :func:`phna.geography.msoa_deprivation` uses
for scores, so MSOA and LSOA rankings agree.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import numpy as np
import pandas as pd

from phna import data, stats
from phna.parameters import DEPRIVATION_INDICES, limit_columns

#: How each index is named on pages.
INDEX_LABELS = {"imd2019": "IMD 2019", "iod2025": "IMD 2025"}
SCORES = ("imd_score", "income_score", "employment_score")


@functools.lru_cache(maxsize=2)
def _lsoa11_deprivation(index: str) -> pd.DataFrame:
    imd = data.imd2019_lsoa()
    if index == "imd2019":
        return imd[["lsoa11_code", "imd_decile", *SCORES]].reset_index(drop=True)
    pairs = data.lsoa11_lsoa21_lookup()[["lsoa11_code", "lsoa21_code"]]
    iod = data.iod2025_lsoa()[["lsoa21_code", "imd_decile", *SCORES]]
    merged = pairs.merge(iod, on="lsoa21_code", how="inner")
    out = merged.groupby("lsoa11_code").agg(
        imd_decile=("imd_decile", lambda s: int(np.floor(s.median()))),
        **{score: (score, "mean") for score in SCORES},
    ).reset_index()
    return out


def lsoa11_deprivation(index: str = "imd2019", codes=None) -> pd.DataFrame:
    """Deprivation decile and scores of 2011 LSOAs by either index.

    Parameters
    ----------
    index : {"imd2019", "iod2025"}
    codes : iterable of LSOA 2011 codes, optional
        Keep only these (in the order given; codes the index does not cover are dropped).

    Returns
    -------
    pandas.DataFrame
        ``lsoa11_code, imd_decile`` (national decile, 1 = most deprived), ``imd_score``, ``income_score``,
        ``employment_score`` (proportions of residents deprived).
    """
    if index not in DEPRIVATION_INDICES:
        raise ValueError(f"deprivation index must be one of {', '.join(DEPRIVATION_INDICES)}, not {index!r}")
    out = _lsoa11_deprivation(index).copy()
    if codes is not None:
        wanted = list(dict.fromkeys(codes))
        out = out.set_index("lsoa11_code").reindex(wanted).dropna(subset=["imd_decile"]).reset_index()
        out["imd_decile"] = out["imd_decile"].astype(int)
    return out


def wilson(x: int, n: int, levels) -> dict[str, float]:
    """A proportion (%) with Wilson limits (%) at each confidence level, in ``lower_95``/``upper_95`` columns."""
    out: dict[str, float] = {}
    for level in levels:
        row = stats.proportion(pd.DataFrame({"x": [x], "n": [n]}), x="x", n="n", confidence=level,
                               multiplier=100).iloc[0]
        lower, upper = limit_columns(level)
        out["value"] = float(row["value"])
        out[lower], out[upper] = float(row["lowercl"]), float(row["uppercl"])
    return out


def compare_with(value_lower: float, value_upper: float, benchmark: float) -> str:
    """"higher", "lower" or "similar": the benchmark outside or inside the interval (Fingertips method)."""
    if value_lower > benchmark:
        return "higher"
    if value_upper < benchmark:
        return "lower"
    return "similar"


def lsoa_population(lsoa11_codes) -> tuple[pd.Series, str]:
    """Persons per LSOA (2011): ONS mid-2019 estimates where the data have every LSOA, else IoD mid-2015.

    Returns the populations (indexed by ``lsoa11_code``) and a phrase naming the basis.
    """
    codes = list(dict.fromkeys(lsoa11_codes))
    totals = data.lsoa_population_2019().groupby("lsoa11_code")["population"].sum()
    if set(codes) <= set(totals.index):
        return totals.reindex(codes).astype("int64"), "ONS mid-2019 small-area population estimates"
    imd = data.imd2019_lsoa().set_index("lsoa11_code")["population_mid2015"]
    return imd.reindex(codes).astype("int64"), "IoD 2019 mid-2015 population denominators"


def place_lsoas(params) -> pd.DataFrame:
    """The place's 2011 LSOAs with their national decile by the chosen index and their population.

    Returns ``lsoa_code, imd_decile, imd_score, population``; ``attrs["population_basis"]`` names the
    population used.
    """
    deciles = lsoa11_deprivation(params.deprivation_index, params.areas.lsoa11)
    population, basis = lsoa_population(deciles["lsoa11_code"])
    out = pd.DataFrame({"lsoa_code": deciles["lsoa11_code"], "imd_decile": deciles["imd_decile"].astype(int),
                        "imd_score": deciles["imd_score"],
                        "population": deciles["lsoa11_code"].map(population).astype("int64")})
    out = out.sort_values("imd_score", ascending=False, ignore_index=True)
    out.attrs["population_basis"] = basis
    return out


def add_meanings(records):
    """Records whose own sentence (``text``) ends with what the finding means for the place, so the chapter's
    key findings say it (the sentence of a record with ``text`` is that text)."""
    return [replace(r, text=f"{r.text} {r.meaning}") if r.text and r.meaning and r.meaning not in r.text else r
            for r in records]
