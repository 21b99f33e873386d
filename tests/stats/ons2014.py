"""Minimal, test-only parsing of ONS "Deaths registered by area of usual residence, 2014".

Private to the tests (the official loader lives in ``phna.data``). Source files
(see ``<mirror>/ons_deaths_area_2014/SOURCES.md``): ONS workbook
``deathsarea2014tcm77431322`` (Table 1a: published age-standardised mortality
rates; Table 2: deaths by area x sex x age band, area names only) and MYE2
mid-2014 population estimates by single year of age (with codes).

Quirks handled: footnote digits glued to names ("ENGLAND AND WALES1"),
trailing spaces, U+201A "‚" used as a comma ("Rhondda‚ Cynon‚ Taff"),
thousands separators inside quoted numbers, ":" for not available, Cornwall
and the Isles of Scilly combined in the deaths tables but separate in MYE2,
and a few spelling differences between the workbooks.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

BANDS = [0, 1, *range(5, 95, 5)]
SEXES = ("male", "female")

# deaths-table name (normalised) -> MYE2 names (normalised) whose populations make it up
ALIASES = {
    "cornwall and isles of scilly": ["cornwall", "isles of scilly"],
    "somerset county": ["somerset"],
    "vale of glamorgan": ["the vale of glamorgan"],
    "rhondda cynon taff": ["rhondda cynon taf"],
}


def mirror_dir() -> Path:
    """``$PHNA_DATA_MIRROR`` if set, else ``<repo>/../shared/data``."""
    env = os.environ.get("PHNA_DATA_MIRROR")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    return repo.parent / "shared" / "data"


def ons_dir() -> Path:
    return mirror_dir() / "ons_deaths_area_2014"


def norm_name(s) -> str:
    s = str(s).replace("\u201a", ",").replace("&", " and ").replace("\u00ad", " ")
    s = re.sub(r"\d+\s*$", "", s.strip())
    s = re.sub(r"[,.'\-]", " ", s.lower())
    return re.sub(r"\s+", " ", s).strip()


def _num(v) -> float:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return np.nan
    v = str(v).strip().replace(",", "")
    if v in ("", ":", "-", "u"):
        return np.nan
    return float(v)


_NUMBER = re.compile(r"^\s*[\d,]+(\.\d+)?\s*$")


@lru_cache(maxsize=1)
def deaths() -> pd.DataFrame:
    """Table 2: columns area, sex, age_start, deaths (England & Wales areas)."""
    raw = pd.read_csv(ons_dir() / "deathsarea2014_Table_2.csv", header=None, dtype=str, encoding="utf-8")
    rows = raw[raw[0].notna() & raw[1].fillna("").str.match(_NUMBER)]
    # WALES appears twice (after England and again before the Welsh authorities); same numbers
    rows = rows[~rows[0].map(norm_name).duplicated()]
    recs = []
    for _, r in rows.iterrows():
        area = norm_name(r[0])
        for b, band in enumerate(BANDS):
            for s, sex in enumerate(SEXES):
                recs.append((area, sex, band, _num(r[3 + 2 * b + s])))
    out = pd.DataFrame(recs, columns=["area", "sex", "age_start", "deaths"])
    # check the all-ages columns against the sum of the bands
    tot = rows.set_index(rows[0].map(norm_name))[[1, 2]].map(_num)
    summed = out.groupby(["area", "sex"])["deaths"].sum().unstack()
    assert np.allclose(summed.loc[tot.index, "male"], tot[1]) and np.allclose(summed.loc[tot.index, "female"], tot[2])
    return out


@lru_cache(maxsize=1)
def populations() -> pd.DataFrame:
    """MYE2 mid-2014: columns code, area, sex, age_start, population (20 life-table bands)."""
    frames = []
    for sex, fname in (("male", "MYE2_mid2014_UK_males.csv"), ("female", "MYE2_mid2014_UK_females.csv"),
                       ("persons", "MYE2_mid2014_UK_persons.csv")):
        raw = pd.read_csv(ons_dir() / fname, header=None, dtype=str, skiprows=2)
        header = raw.iloc[0].tolist()
        raw = raw.iloc[1:]
        raw.columns = header
        raw = raw[raw["CODE"].notna() & raw["NAME"].notna()]
        ages = [str(a) for a in range(91)]
        single = raw[ages].map(_num).to_numpy()
        band_of_age = np.searchsorted(BANDS, np.arange(91), side="right") - 1
        banded = np.zeros((len(raw), len(BANDS)))
        for j in range(len(BANDS)):
            banded[:, j] = single[:, band_of_age == j].sum(axis=1)
        df = pd.DataFrame(banded, columns=BANDS)
        df["code"] = raw["CODE"].to_numpy()
        df["area"] = [norm_name(n) for n in raw["NAME"]]
        df = df.melt(id_vars=["code", "area"], var_name="age_start", value_name="population")
        df["sex"] = sex
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out["age_start"] = out["age_start"].astype(int)
    return out


@lru_cache(maxsize=1)
def published_asmr() -> pd.DataFrame:
    """Table 1a: columns area, sex ('persons', 'male', 'female'), asmr (per 100,000)."""
    raw = pd.read_csv(ons_dir() / "deathsarea2014_Table_1a.csv", header=None, dtype=str, encoding="utf-8")
    rows = raw[raw[0].notna() & raw[4].fillna("").str.match(_NUMBER)]
    recs = []
    for _, r in rows.iterrows():
        area = norm_name(r[0])
        for sex, col in (("persons", 11), ("male", 12), ("female", 14)):
            recs.append((area, sex, _num(r[col])))
    return pd.DataFrame(recs, columns=["area", "sex", "asmr"]).drop_duplicates(["area", "sex"])


def deaths_with_populations() -> pd.DataFrame:
    """Deaths (male, female and persons = male + female) joined to MYE2 populations by name.

    Areas whose populations cannot be found (Inner/Outer London, residence
    outside England and Wales) are left out.
    """
    d = deaths()
    d = pd.concat([d, d.groupby(["area", "age_start"], as_index=False)["deaths"].sum().assign(sex="persons")],
                  ignore_index=True)
    p = populations()
    pops = []
    known = set(p["area"])
    for area in d["area"].unique():
        parts = ALIASES.get(area, [area])
        if not all(x in known for x in parts):
            continue
        sub = p[p["area"].isin(parts)].groupby(["sex", "age_start"], as_index=False)["population"].sum()
        pops.append(sub.assign(area=area))
    pops = pd.concat(pops, ignore_index=True)
    return d.merge(pops, on=["area", "sex", "age_start"], how="inner")
