"""Death rates computed here from the 2014 ONS counts: the place as a whole, and every district on a funnel.

2014 is the only year with public deaths by age for every district, so these rates describe the place as a
whole (from its districts' summed deaths and populations, never an average of rates) in a section titled as
such; they are never the chapter's headline. Functions take the chapter's parameters.

- :func:`dsr_2014` — all-age and under-75 directly standardised rates for the place, its districts, its ICB,
  its region and England (Dobson limits at every level of ``confidence``, comparison with England);
- :func:`funnel_2014` — the same rates for every English district/UA on a funnel plot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna import data, geography, stats
from phna.analyses.limits import compare_levels, comparison_columns, limit_names, rename_stats_limits
from phna.analyses.pm_published import comparators, districts_of
from phna.findings import Finding
from phna.geography import ENGLAND
from phna.parameters import limit_columns
from phna.wording import fmt_int, fmt_num, join_names

DISTRICT_PREFIXES = ("E06", "E07", "E08", "E09")
SEXES = ("persons", "male", "female")
UNIT = "per 100,000 (age-standardised, 2013 European Standard Population)"
UNDER_75 = 75
SOURCE_2014 = "ONS deaths registered by area of usual residence, 2014, and ONS mid-2014 population estimates (MYE2)"
SOURCE_FUNNEL = SOURCE_2014 + "; funnel limits after Spiegelhalter (2005) as OHID's funnel plot tool"


def _standard(ages: str) -> pd.Series:
    """ONS's ESP2013 (under 1 and 1-4 split), cut to the age range."""
    std = stats.ESP2013_ONS
    return std[std.index < UNDER_75] if ages == "under 75" else std


def _with_persons(df: pd.DataFrame) -> pd.DataFrame:
    persons = df.groupby(["area_code", "age_start"], as_index=False)[["deaths", "population"]].sum()
    persons["sex"] = "persons"
    return pd.concat([df[["area_code", "sex", "age_start", "deaths", "population"]], persons], ignore_index=True)


def _dsr_table(counts: pd.DataFrame, levels: list[float], ages: str) -> pd.DataFrame:
    """DSR per area_code x sex for ``ages`` ("all ages" or "under 75") from counts by age band."""
    part = counts[counts["age_start"] < UNDER_75] if ages == "under 75" else counts
    out = stats.dsr(part, events="deaths", population="population", age_start="age_start",
                    by=["area_code", "sex"], confidence=levels, standard_population=_standard(ages))
    out = rename_stats_limits(out, levels)
    out.insert(2, "ages", ages)
    return out


@dataclass
class Dsr2014Result:
    table: pd.DataFrame  # one row per area x sex x ages
    notes: list[str]
    findings: list[Finding] = field(default_factory=list)


def dsr_2014(params) -> Dsr2014Result:
    """All-age and under-75 DSRs, 2014, from ONS counts: the place, its districts, its ICB, regions and England.

    Rates are standardised to the 2013 European Standard Population with ONS's split of the 0-4 weight (under 1
    = 1,000; 1-4 = 4,000) and carry Dobson limits at each confidence level; no rate from fewer than 10 deaths.
    Each area is compared with England at each level (``comparison`` at the main level; lower is better).
    """
    levels = list(params.confidence)
    names = geography.area_names()
    deaths = data.deaths_population_2014()
    deaths = deaths[deaths["area_code"].str.startswith("E")]
    available = set(deaths["area_code"])
    districts = districts_of(params)
    notes: list[str] = []
    frames = []  # (role, area_code, area_name, counts by sex x age)

    def add(role: str, code: str, name: str, members) -> None:
        absent = [m for m in members if m not in available]
        if absent:
            notes.append(f"{name}: no 2014 deaths for {join_names(names.get(a, a) for a in absent)} (an area "
                         "created after 2014?), so no rate.")
            return
        part = deaths[deaths["area_code"].isin(members)]
        summed = part.groupby(["sex", "age_start"], as_index=False)[["deaths", "population"]].sum()
        summed.insert(0, "area_code", code)
        frames.append((role, code, name, summed))

    if districts:
        add("place", f"place:{params.place.slug}", params.name, districts)
        if len(districts) > 1:
            for d in districts:
                add("district", d, names.get(d, d), (d,))
    else:
        notes.append(f"{params.name} is defined by small areas (LSOAs); the 2014 deaths are published only for "
                     "districts, so the place itself has no rate here.")
    icb = params.areas.icb_code
    icb_members = geography.icb_districts(icb) if icb else ()
    if icb and set(icb_members) != set(districts):
        add("icb", icb, geography.icb_name(icb), icb_members)
    for code in comparators(params):
        if code in available:
            add("country" if code == ENGLAND else "region", code, names.get(code, code), (code,))
        else:
            notes.append(f"{names.get(code, code)} is not in the 2014 deaths tables.")
    if not frames:
        return Dsr2014Result(pd.DataFrame(), notes)
    counts = _with_persons(pd.concat([f[3] for f in frames], ignore_index=True))
    table = pd.concat([_dsr_table(counts, levels, a) for a in ("all ages", "under 75")], ignore_index=True)
    meta = pd.DataFrame([(r, c, n) for r, c, n, _ in frames], columns=["role", "area_code", "area_name"])
    table = meta.merge(table, on="area_code", how="right")
    england = table[table["area_code"] == ENGLAND].set_index(["sex", "ages"])["value"]
    table["england"] = [england.get((s, a), np.nan) for s, a in zip(table["sex"], table["ages"])]
    table = compare_levels(table, levels, "england", polarity="low is good")
    for column in comparison_columns(levels):
        table.loc[table["area_code"] == ENGLAND, column] = "benchmark"
    table["period"] = "2014"
    table["unit"] = UNIT
    table = table.rename(columns={"total_count": "deaths", "total_pop": "population"})
    table["deaths"] = table["deaths"].astype("int64")
    table["population"] = table["population"].astype("int64")
    order = {"place": 0, "district": 1, "icb": 2, "region": 3, "country": 4}
    table = table.sort_values(["ages", "sex", "role"], key=lambda s: s.map(order) if s.name == "role" else s)
    table = table.reset_index(drop=True)
    lo, up = limit_columns(levels[0])
    main = table[(table["role"] == "place") & (table["sex"] == "persons")]
    if main.empty:
        main = table[(table["role"] == "icb") & (table["sex"] == "persons")]
    findings = [
        Finding(
            key=f"dsr-2014/{r.ages.replace(' ', '-')}",
            topic=f"{'under-75' if r.ages == 'under 75' else 'all-age'} death rate from all causes (computed)",
            area=r.area_name, area_code=r.area_code, period="2014", value=r.value, unit="per 100,000", decimals=0,
            lower=getattr(r, lo), upper=getattr(r, up), level=levels[0], comparator="England",
            comparator_value=r.england, comparison=r.comparison if r.comparison in ("better", "similar", "worse") else "none",
            source="computed" if r.comparison in ("better", "similar", "worse") else "none", kind="context",
            importance=-1, suppressed=bool(r.suppressed) or pd.isna(r.value),
            meaning=f"{fmt_int(r.deaths)} deaths." if pd.notna(r.deaths) else "",
            evidence="dsr-2014",
        )
        for r in main.sort_values("ages", ascending=False).itertuples()
    ]
    keep = ["role", "area_code", "area_name", "sex", "ages", "period", "value", *limit_names(levels), "england",
            *comparison_columns(levels), "deaths", "population", "unit"]
    keep += [c for c in table.columns if c not in keep]
    return Dsr2014Result(table=table[keep], notes=notes, findings=findings)


@dataclass
class FunnelResult:
    points: pd.DataFrame  # every English district/UA: area, deaths, population_derived, value, significance, in_place
    limits: pd.DataFrame  # phna.stats.funnel_limits output (rates)
    ages: str
    sex: str
    baseline: float
    summary: str = ""
    findings: list[Finding] = field(default_factory=list)


FUNNEL_WORDS = {"High (0.001)": "well above (outside the 99.8 % limit)", "High (0.025)": "above (outside the 95 % limit)",
                "Low (0.001)": "well below (outside the 99.8 % limit)", "Low (0.025)": "below (outside the 95 % limit)",
                "Not significant": "within the limits around"}


def funnel_2014(params, ages: str = "under 75", sex: str = "persons") -> FunnelResult:
    """DSRs of every English district/UA in 2014 on a Poisson funnel (OHID's 95 % and 99.8 % limits).

    Each area's rate is computed from its own 2014 counts (ESP2013, ONS 0-4 split); the x axis is the population
    implied by the DSR (``100,000 x deaths / DSR``), as OHID's funnel tool; areas with fewer than 10 deaths are
    left off. Significance is OHID's funnel rule (:func:`phna.stats.funnel_significance`), whose two limits are
    fixed by the method (not by the ``confidence`` parameter).
    """
    if ages not in ("under 75", "all ages") or sex not in SEXES:
        raise ValueError(f"funnel_2014: ages must be 'under 75' or 'all ages' and sex one of {SEXES}; "
                         f"got {ages!r}, {sex!r}")
    names = geography.area_names()
    deaths = data.deaths_population_2014()
    deaths = deaths[(deaths["area_type"] == "district") & deaths["area_code"].str.startswith(DISTRICT_PREFIXES)]
    counts = _with_persons(deaths)
    counts = counts[counts["sex"] == sex]
    rates = _dsr_table(counts, [0.95], ages)
    rates["area_name"] = rates["area_code"].map(names).fillna(
        rates["area_code"].map(dict(zip(deaths["area_code"], deaths["area_name"]))))
    rates = rates.rename(columns={"total_count": "deaths", "total_pop": "population"})
    plotted = rates[rates["deaths"] >= 10].copy()
    pts = stats.funnel_points(plotted, numerator="deaths", rate="value", rate_type="dsr", years_of_data=1,
                              multiplier=100_000)
    sig = stats.funnel_significance(plotted, numerator="deaths", rate="value", rate_type="dsr", statistic="rate",
                                    multiplier=100_000)
    limits = stats.funnel_limits(plotted, numerator="deaths", rate="value", statistic="rate", rate_type="dsr",
                                 multiplier=100_000, years_of_data=1)
    lo, up = limit_columns(0.95)
    points = plotted[["area_code", "area_name", "deaths", "population", "value", lo, up]].copy()
    points["population_derived"] = pts["denominator_derived"].to_numpy()
    points["significance"] = sig["significance"].astype(str).to_numpy()
    points["in_place"] = points["area_code"].isin(districts_of(params))
    points["ages"], points["sex"], points["period"], points["unit"] = ages, sex, "2014", UNIT
    points = points.sort_values("value", ascending=False).reset_index(drop=True)
    baseline = float(limits["baseline"].iloc[0])
    n = len(points)
    high3 = int((points["significance"] == "High (0.001)").sum())
    low3 = int((points["significance"] == "Low (0.001)").sum())
    what = "under-75" if ages == "under 75" else "all-age"
    summary = (f"Of England's {n} districts and unitary authorities, {high3} had {what} death rates in 2014 above the "
               f"99.8 % funnel limit and {low3} below it: more variation than chance alone would give.")
    findings = []
    for r in points[points["in_place"]].itertuples():
        rank = int((points["value"] > r.value).sum()) + 1
        findings.append(Finding(
            key=f"funnel-2014/{r.area_code}", topic=f"{what} death rate among England's districts (2014)",
            area=r.area_name, area_code=r.area_code, period="2014", value=float(r.value), unit="per 100,000",
            decimals=0, kind="context", importance=-1,
            text=(f"In 2014 {r.area_name}'s {what} death rate ({fmt_num(r.value, 0)} per 100,000) was "
                  f"{FUNNEL_WORDS.get(r.significance, r.significance)} the average of English districts "
                  f"({fmt_num(baseline, 0)}), ranking {rank} of {n} from the highest."),
            evidence="funnel-2014-under75",
        ))
    return FunnelResult(points=points, limits=limits, ages=ages, sex=sex, baseline=baseline, summary=summary,
                        findings=findings)
