"""Life expectancy within the place: its neighbourhoods (MSOAs), ranked by deprivation, and the SII.

ONS publishes life expectancy at birth for every MSOA (2011) for 2016-20, with deaths, person-years and a 95 %
interval, but not deaths by age. Functions take the chapter's parameters (:class:`phna.parameters.Parameters`).

Rules (documented on the pages' methods section):

- **Deprivation**: each MSOA's score is the population-weighted score of its LSOAs in the chosen index
  (:func:`phna.geography.msoa_deprivation`); MSOAs are ranked within the place, 1 = most deprived.
- **Limits at any level**: ONS's 95 % limits are value ± 1.96 SE, so limits at the other levels of ``confidence``
  are derived from the same standard error (:func:`phna.analyses.limits.from_symmetric_95`).
- **Naming an extreme** (:data:`RELIABLE_WIDTH`): an MSOA is named as having the highest or lowest life
  expectancy only when its value is reliable: its 95 % interval is at most 6 years wide *and* the place's
  average (person-years-weighted mean of its MSOAs' values) lies outside its interval at the main level.
- **SII**: places with at least :data:`DECILES_FROM` MSOAs with a value (the whole ICB) are split into ten local
  deprivation deciles of about equal person-years, as OHID's SII uses local deciles; each decile's life expectancy
  is the person-years-weighted mean of its MSOAs' values, with a standard error from theirs (independent
  estimates). Smaller places use each MSOA as one unit. The SII is the population-weighted regression of the
  units' life expectancy on the midpoint of their cumulative population share, with limits simulated from the
  units' intervals (:func:`phna.stats.sii`, Low & Low 2004, as PHEindicatormethods ``phe_sii``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna import data, geography, stats
from phna.analyses.limits import from_symmetric_95, level_words, limit_names, rename_stats_limits
from phna.findings import Finding
from phna.parameters import DEPRIVATION_INDICES, limit_columns
from phna.stats._validate import z_value
from phna.wording import fmt_num, fmt_value_ci, join_names, plural

SEXES = ("male", "female")
PEOPLE = {"male": "men", "female": "women"}
PERIOD = "2016-20"
#: Widest 95 % interval (years) of an MSOA value that may be named as an extreme.
RELIABLE_WIDTH = 6.0
#: Places with at least this many MSOAs with a value are grouped into local deprivation deciles for the SII.
DECILES_FROM = 50
SOURCE = "ONS life expectancy by MSOA 2016 to 2020 (user-requested data REQ3292)"


@dataclass
class WithinPlace:
    msoas: pd.DataFrame  # one row per MSOA and sex: LE with limits, deaths, person-years, deprivation, reliable
    sii: pd.DataFrame  # one row per sex: SII with limits at each level, units used
    deciles: pd.DataFrame  # the local deprivation deciles behind the SII (places with many MSOAs), else empty
    extremes: pd.DataFrame  # per sex: most/least deprived MSOA and the highest/lowest reliable LE
    deprivation_basis: str
    units: str  # "local deprivation deciles" or "MSOAs"
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _weighted_mean(part: pd.DataFrame) -> tuple[float, float]:
    """Person-years-weighted mean of MSOA values and its standard error (independent MSOA estimates)."""
    w = part["person_years"] / part["person_years"].sum()
    return float((w * part["value"]).sum()), float(np.sqrt((w**2 * part["se"] ** 2).sum()))


def local_deciles(part: pd.DataFrame) -> pd.DataFrame:
    """Ten local deprivation deciles of about equal person-years (1 = most deprived), from one sex's MSOAs.

    Each MSOA goes to the decile holding the midpoint of its cumulative person-years share (MSOAs ordered by
    ``deprivation_rank``); the decile's value is the person-years-weighted mean of its MSOAs (standard errors in
    ``se``) with 95 % limits (the input of the SII's simulation).
    """
    lo, up = limit_columns(0.95)
    part = part.sort_values("deprivation_rank")
    cum = part["person_years"].cumsum()
    mid = (cum - part["person_years"] / 2) / part["person_years"].sum()
    part = part.assign(decile=np.minimum(10, np.floor(mid * 10).astype(int) + 1))
    rows = []
    for decile, group in part.groupby("decile"):
        value, se = _weighted_mean(group)
        rows.append({"decile": int(decile), "msoas": len(group), "person_years": float(group["person_years"].sum()),
                     "deaths": float(group["deaths"].sum()), "value": value, "se": se,
                     lo: value - z_value(0.95) * se, up: value + z_value(0.95) * se})
    return pd.DataFrame(rows)


def _sii(units: pd.DataFrame, quantile: str, levels, seed) -> pd.Series:
    result = stats.sii(units, quantile=quantile, population="person_years", value="value", se="se",
                       value_type="normal", confidence=list(levels), seed=seed)
    return rename_stats_limits(result, levels, prefix="sii_").iloc[0]


def within_place(params, quintiles: int = 5, seed: int = 20240501) -> WithinPlace:
    """MSOA life expectancy (ONS, 2016-20) across the place by deprivation, the SII, and reliable extremes."""
    levels = list(params.confidence)
    main_lo, main_up = limit_columns(levels[0])
    label = DEPRIVATION_INDICES[params.deprivation_index]
    msoa_codes = list(params.areas.msoa11)
    le = data.msoa_life_expectancy()
    le = le[le["msoa11_code"].isin(msoa_codes) & le["sex"].isin(SEXES)].copy()
    if le.empty:
        raise data.DataError(f"no ONS MSOA life expectancy rows for the MSOAs of {params.name}")
    dep = geography.msoa_deprivation(params.deprivation_index)
    dep = dep[dep["msoa11_code"].isin(msoa_codes)].sort_values("score", ascending=False, ignore_index=True)
    dep["deprivation_rank"] = np.arange(1, len(dep) + 1)
    dep["local_quintile"] = (pd.qcut(dep["deprivation_rank"], quintiles, labels=False) + 1
                             if len(dep) >= quintiles else 1)
    lookup = data.lsoa11_lookup().drop_duplicates("msoa11_code")[["msoa11_code", "district_code", "district_name"]]
    le = le.merge(dep[["msoa11_code", "score", "deprivation_rank", "local_quintile"]], on="msoa11_code", how="left")
    le = le.merge(lookup, on="msoa11_code", how="left").rename(columns={"score": "deprivation_score"})
    le = from_symmetric_95(le.rename(columns={"population": "person_years"}), levels)
    le["area_name"] = params.name
    le["deprivation_index"] = label
    le["indicator"] = "Life expectancy at birth"
    le = le.sort_values(["sex", "deprivation_rank"], ignore_index=True)
    notes = []
    unpublished = le[le["value"].isna()]
    for sex in SEXES:
        names = sorted(set(unpublished.loc[unpublished["sex"] == sex, "msoa11_name"]))
        if names:
            notes.append(
                f"ONS did not publish {sex} life expectancy for {join_names(names)}. The file has "
                f"{'its' if len(names) == 1 else 'their'} deaths and person-years but not by age, so it cannot be "
                "rebuilt here; "
                f"{'it is' if len(names) == 1 else 'they are'} left out of the ranking and the SII for {PEOPLE[sex]}."
            )

    sii_rows, extremes, decile_tables, findings = [], [], [], []
    reliable_flags = pd.Series(False, index=le.index)
    units_used = "MSOAs"
    for sex in SEXES:
        part = le[(le["sex"] == sex) & le["value"].notna()]
        n = len(part)
        if n < 5:
            notes.append(f"The SII for {PEOPLE[sex]} needs at least 5 neighbourhoods with a published value; "
                         f"{params.name} has {n}.")
            continue
        average, _ = _weighted_mean(part)
        width = 2 * z_value(0.95) * part["se"]  # the published 95 % interval
        outside = (part[main_lo] > average) | (part[main_up] < average)
        reliable = (width <= RELIABLE_WIDTH) & outside
        reliable_flags.loc[part.index] = reliable
        if n >= DECILES_FROM:
            units_used = "local deprivation deciles"
            deciles = local_deciles(part).assign(area_name=params.name, sex=sex, period=PERIOD, unit="years")
            decile_tables.append(deciles)
            result = _sii(deciles, "decile", levels, seed)
            units = f"ten local deprivation deciles of {plural(n, 'MSOA')} ({label})"
        else:
            result = _sii(part.assign(unit_rank=part["deprivation_rank"].rank(method="first").astype(int)),
                          "unit_rank", levels, seed)
            units = f"{plural(n, 'MSOA')} ranked by {label} score"
        row = {"area_name": params.name, "sex": sex, "period": PERIOD, "sii": result["sii"],
               **{c: result[c] for c in limit_names(levels, "sii_")}, "msoas": n, "units": units,
               "place_average": average, "unit": "years", "method": result.get("method", "")}
        sii_rows.append(row)
        lo, up = row[f"sii_{main_lo}"], row[f"sii_{main_up}"]
        significant = not (lo <= 0 <= up)
        meaning = (f"{PEOPLE[sex].capitalize()} in the most deprived neighbourhoods of {params.name} can expect to "
                   f"live about {fmt_num(abs(row['sii']), 0)} years {'less' if row['sii'] > 0 else 'more'} than those "
                   "in the least deprived." if significant else "")
        findings.append(Finding(
            key=f"sii-msoa/{sex}", topic="gap in life expectancy between the most and least deprived neighbourhoods",
            area=params.name, sex=sex, period=PERIOD, value=float(row["sii"]), unit="years", lower=float(lo),
            upper=float(up), level=levels[0], comparator="no gap", comparator_value=0.0,
            comparison="higher" if significant and row["sii"] > 0 else "lower" if significant else "similar",
            source="computed", kind="inequality", importance=1, meaning=meaning,
            text=(f"Across the {plural(n, 'neighbourhood')} (MSOAs) of {params.name} with a published figure, the gap "
                  f"in {sex} life expectancy between the most and least deprived ends (slope index of inequality) was "
                  f"{fmt_value_ci(row['sii'], lo, up, 'years', 1, levels[0])} in {PERIOD}"
                  + (", a significant gap. " + meaning if significant else ", not significantly different from no gap.")),
            evidence="sii-msoa",
        ))
        most, least = part.loc[part["deprivation_rank"].idxmin()], part.loc[part["deprivation_rank"].idxmax()]
        picked = [("most deprived MSOA", most), ("least deprived MSOA", least)]
        good = part[reliable]
        if len(good):
            picked += [("highest reliable life expectancy", good.loc[good["value"].idxmax()]),
                       ("lowest reliable life expectancy", good.loc[good["value"].idxmin()])]
        extremes.append(pd.DataFrame([{
            "area_name": params.name, "sex": sex, "which": which, "msoa11_code": r.msoa11_code,
            "msoa11_name": r.msoa11_name, "value": r.value, **{c: r[c] for c in limit_names(levels)},
            "deprivation_score": r.deprivation_score, "deprivation_rank": r.deprivation_rank,
        } for which, r in picked]))
        findings.append(_range_finding(params.name, sex, part, good, average, levels[0]))
    le["reliable"] = reliable_flags.to_numpy()
    keep = ["area_name", "msoa11_code", "msoa11_name", "district_code", "district_name", "sex", "period", "value",
            *limit_names(levels), "se", "deaths", "person_years", "deprivation_index", "deprivation_score",
            "deprivation_rank", "local_quintile", "reliable", "indicator", "unit"]
    return WithinPlace(
        msoas=le[keep], sii=pd.DataFrame(sii_rows),
        deciles=pd.concat(decile_tables, ignore_index=True) if decile_tables else pd.DataFrame(),
        extremes=pd.concat(extremes, ignore_index=True) if extremes else pd.DataFrame(),
        deprivation_basis=f"population-weighted average of the {label} scores of each MSOA's small areas (LSOAs)",
        units=units_used, findings=findings, notes=notes,
    )


def _range_finding(name: str, sex: str, part: pd.DataFrame, good: pd.DataFrame, average: float,
                   level: float) -> Finding:
    """Which neighbourhoods stand out reliably (the naming rule), or that none does."""
    if good.empty:
        text = (f"No neighbourhood of {name} has a {sex} life expectancy in {PERIOD} that is both precise (95 % "
                f"interval at most {RELIABLE_WIDTH:g} years wide) and significantly different from the place's "
                f"average ({fmt_num(average)} years), so none is named as the highest or lowest.")
    else:
        low, high = good.loc[good["value"].idxmin()], good.loc[good["value"].idxmax()]
        named = (f"it is {low.msoa11_name} ({fmt_num(low.value)} years)" if low.msoa11_code == high.msoa11_code
                 else f"the lowest was {low.msoa11_name} ({fmt_num(low.value)} years) and the highest "
                      f"{high.msoa11_name} ({fmt_num(high.value)} years)")
        text = (f"{plural(len(good), 'neighbourhood')} of {name} {'has' if len(good) == 1 else 'have'} a {sex} life "
                f"expectancy in {PERIOD} reliably different from the place's average of {fmt_num(average)} years "
                f"(precise and significantly different at {level_words(level)}){';' if len(good) == 1 else '; among these,'} {named}.")
    return Finding(key=f"msoa-range/{sex}", topic="life expectancy by neighbourhood", area=name, sex=sex,
                   period=PERIOD, value=float(len(good)), unit="", decimals=0, kind="context", importance=0,
                   text=text, evidence=f"msoa-ranked-{sex}")
