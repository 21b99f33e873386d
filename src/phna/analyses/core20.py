"""Core20PLUS5 across the ICB: the Core20 population of each place, who they are, how their health differs,
the PLUS groups and the five clinical areas.

Core20 = people living in the most deprived 20 % of small areas in England (national deciles 1-2 of the
chosen deprivation index). The Core20 count of each place comes from :func:`phna.analyses.overview.deprivation`
(one definition in the book). Functions take the chapter's parameters (:class:`phna.parameters.Parameters`)
and return tables and findings records; charts are drawn in :mod:`phna.charts.inequalities`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna import data, geography
from phna.analyses import overview
from phna.analyses.core20_plus import clinical_areas, load_plus_file, plus_groups  # noqa: F401 (page API)
from phna.analyses.small_areas import (INDEX_LABELS, add_meanings, compare_with, lsoa11_deprivation, lsoa_population,
                                       place_lsoas)
from phna.findings import Finding
from phna.parameters import limit_columns
from phna.wording import fmt_int, fmt_num, fmt_pct, join_names, plural

MOSTLY_CORE20 = 0.5  # an MSOA is "mostly Core20" when at least half its residents live in Core20 LSOAs

#: Small-area indicators compared between mostly-Core20 and other MSOAs: id → (label, source, period, unit).
MSOA_INDICATORS = {
    "le_male": ("Life expectancy at birth, males", "ONS life expectancy by MSOA", "2016-20", "years"),
    "le_female": ("Life expectancy at birth, females", "ONS life expectancy by MSOA", "2016-20", "years"),
    "smr_under75_preventable": ("Deaths under 75 from preventable causes", "OHID Local Health", "2015-19", "SMR"),
    "smr_under75_all_causes": ("Deaths under 75, all causes", "OHID Local Health", "2015-19", "SMR"),
    "smr_under75_circulatory": ("Deaths under 75 from circulatory disease", "OHID Local Health", "2015-19", "SMR"),
    "smr_under75_cancer": ("Deaths under 75 from cancer", "OHID Local Health", "2015-19", "SMR"),
    "smr_respiratory": ("Deaths from respiratory disease, all ages", "OHID Local Health", "2015-19", "SMR"),
}
MSOA_LABELS = {key: value[0] for key, value in MSOA_INDICATORS.items()}
COMPARISON_WORDS = {"higher": "more than", "lower": "fewer than", "similar": "close to"}


def _places(params) -> list:
    """The page's place first, then the places of the config that divide it between them without overlapping
    (for the ICB: its four places; a place inside another, such as Foleshill in Coventry, is not counted twice)."""
    return [params.place, *geography.partition_places(params.config, params.place).places]


# ------------------------------------------------------------------------------------------ Core20 counts
@dataclass
class Core20Result:
    table: pd.DataFrame  # place, index, unit, core20, total, share, lower_95/upper_95 per level, lsoas, basis
    lsoas: pd.DataFrame  # the page place's 2011 LSOAs: decile by the chosen index, population
    index_label: str
    findings: list[Finding] = field(default_factory=list)


def core20_by_place(params) -> Core20Result:
    """Core20 people (IMD 2019, ONS mid-2019 small-area populations) and small areas (IMD 2025) per place, with
    Wilson limits at every confidence level; the findings use the chosen deprivation index."""
    rows = []
    for place in _places(params):
        for index in ("imd2019", "iod2025"):
            dep = overview.deprivation(dataclasses.replace(params, place=place, deprivation_index=index))
            c = dep.core20.iloc[0]
            limits = {col: float(c[col]) for level in params.confidence for col in limit_columns(level)}
            rows.append({
                "place": place.name, "place_slug": place.slug, "index": dep.label,
                "unit": "people" if dep.counts_people else "small areas (2021)",
                "core20": int(c["x"]), "total": int(c["n"]), "share": float(c["value"]), **limits,
                "level": params.level, "lsoas_in_core20": int(c["lsoas_in_core20"]), "lsoas": int(c["lsoas"]),
                "basis": dep.population_basis, "population_period": dep.population_period,
            })
    table = pd.DataFrame(rows)
    label = INDEX_LABELS[params.deprivation_index]
    return Core20Result(table=table, lsoas=place_lsoas(params), index_label=label,
                        findings=_core20_findings(params, table, label))


def _core20_findings(params, table: pd.DataFrame, label: str) -> list[Finding]:
    lower, upper = limit_columns(params.level)
    level = f"{params.level * 100:g} %"
    rows = table[table["index"] == label].reset_index(drop=True)
    findings = []
    for i, r in rows.iterrows():
        comparison = compare_with(r[lower], r[upper], 20.0)
        what = "people" if r["unit"] == "people" else "small areas"
        counted = f", counted on {r['population_period']} populations" if r["population_period"] else ""
        text = (f"{fmt_int(r['core20'])} {what} in {r['place']} ({fmt_pct(r['share'])}, {level} CI "
                f"{fmt_num(r[lower])} to {fmt_num(r[upper])} %) are in the Core20: England's most deprived 20 % of "
                f"small areas ({label}{counted})"
                + (f": {COMPARISON_WORDS[comparison]} the 20 % across England." if i == 0 else "."))
        findings.append(Finding(
            key=f"core20/{r['place_slug']}", topic=f"share of {what} in the Core20", area=r["place"],
            period=r["population_period"] or label, value=float(r["share"]), unit="%", lower=float(r[lower]),
            upper=float(r[upper]), level=params.level, comparator="England", comparator_value=20.0,
            comparison=comparison if i == 0 else "none", source="computed" if i == 0 else "none",
            kind="level" if i == 0 else "context", importance=2 if i == 0 else 0, text=text,
            evidence="core20-by-place"))
    parts = rows.iloc[1:]
    if len(parts) and rows["core20"].iloc[0]:
        top = parts.sort_values("core20", ascending=False).iloc[0]
        share = 100 * top["core20"] / rows["core20"].iloc[0]
        findings.append(Finding(
            key="core20/largest-place", topic="where the Core20 live", area=rows["place"].iloc[0],
            period=top["population_period"] or label, value=share, unit="%", kind="context", importance=1,
            evidence="core20-by-place",
            text=(f"{top['place']} is home to {fmt_pct(share, 0)} of the Core20 {'people' if top['unit'] == 'people' else 'small areas'} "
                  f"of {rows['place'].iloc[0]} ({fmt_int(top['core20'])} of {fmt_int(rows['core20'].iloc[0])}).")))
    return findings


# ------------------------------------------------------------------------------------------ age profile
AGE_BANDS = [(0, 4), (5, 17), (18, 24), (25, 44), (45, 64), (65, 74), (75, 84), (85, 90)]


def _age_band(age: pd.Series) -> pd.Series:
    labels = ["85+" if lo == 85 else f"{lo}-{hi}" for lo, hi in AGE_BANDS]
    return pd.cut(age, bins=[-1] + [hi for _, hi in AGE_BANDS], labels=labels).astype(str)


@dataclass
class AgeProfile:
    table: pd.DataFrame | None  # age_band, group, population, share
    message: str = ""
    findings: list[Finding] = field(default_factory=list)


def age_profile(params, lsoas: pd.DataFrame) -> AgeProfile:
    """Age structure of the Core20 population against everyone else in the place (ONS mid-2019 LSOA estimates)."""
    name = params.name
    pop = data.lsoa_population_2019()
    pop = pop[pop["lsoa11_code"].isin(lsoas["lsoa_code"])]
    if pop["lsoa11_code"].nunique() < len(lsoas):
        return AgeProfile(None, message="ONS mid-2019 small-area estimates by age are in the book's data only for "
                                        "Coventry and Warwickshire.")
    core = set(lsoas.loc[lsoas["imd_decile"] <= 2, "lsoa_code"])
    rest = "Rest of " + name
    pop = pop.assign(group=np.where(pop["lsoa11_code"].isin(core), "Core20", rest), age_band=_age_band(pop["age"]))
    table = pop.groupby(["group", "age_band"], as_index=False, sort=False)["population"].sum()
    table["share"] = 100 * table["population"] / table.groupby("group")["population"].transform("sum")
    order = {b: i for i, b in enumerate(dict.fromkeys(_age_band(pd.Series([hi for _, hi in AGE_BANDS]))))}
    table = table.sort_values(["group", "age_band"], key=lambda s: s.map(order) if s.name == "age_band" else s)
    table.insert(0, "area", name)
    table["period"] = "mid-2019"
    if not core:
        return AgeProfile(table, findings=[Finding(key="core20/age-profile", topic="age of the Core20", area=name,
                                                   kind="context", text=f"No small area of {name} is in the Core20.")])

    def share(group: str, bands) -> float:
        part = table[table["group"] == group]
        return float(part.loc[part["age_band"].isin(bands), "share"].sum())

    kids, old = ["0-4", "5-17"], ["65-74", "75-84", "85+"]
    younger = share("Core20", kids) > share(rest, kids)
    text = (f"{'The Core20 population is younger: ' if younger else ''}{fmt_pct(share('Core20', kids))} are children "
            f"aged 0-17 against {fmt_pct(share(rest, kids))} elsewhere in {name}; {fmt_pct(share('Core20', old))} are "
            f"65 or over against {fmt_pct(share(rest, old))} (mid-2019).")
    finding = Finding(key="core20/age-profile", topic="age of the Core20", area=name, period="mid-2019",
                      value=share("Core20", kids), unit="%", comparator=f"rest of {name}",
                      comparator_value=share(rest, kids), kind="context", importance=1, text=text,
                      evidence="core20-age-profile",
                      meaning="Children's and maternity services reach many Core20 families." if younger else "")
    return AgeProfile(table, findings=add_meanings([finding]))


# ------------------------------------------------------------------------------------------ MSOA comparison
@dataclass
class MsoaComparison:
    msoas: pd.DataFrame  # msoa11_code, msoa11_name, core20_share, group, indicator, label, unit, period, value
    summary: pd.DataFrame  # indicator, label, unit, period, group, msoas, median, minimum, maximum
    findings: list[Finding] = field(default_factory=list)


def msoa_core20_share(msoas, index: str = "imd2019") -> pd.DataFrame:
    """Share of each MSOA's residents living in Core20 LSOAs (chosen index; ONS mid-2019 or IoD mid-2015 people)."""
    lookup = data.lsoa11_lookup()
    rows = lookup[lookup["msoa11_code"].isin(list(msoas))][["lsoa11_code", "msoa11_code", "msoa11_name"]]
    population, basis = lsoa_population(rows["lsoa11_code"])
    deciles = lsoa11_deprivation(index, rows["lsoa11_code"]).set_index("lsoa11_code")["imd_decile"]
    rows = rows.assign(population=rows["lsoa11_code"].map(population), core=rows["lsoa11_code"].map(deciles) <= 2)
    rows["core_pop"] = rows["population"] * rows["core"]
    out = rows.groupby(["msoa11_code", "msoa11_name"], as_index=False)[["population", "core_pop"]].sum()
    out["core20_share"] = out["core_pop"] / out["population"]
    out["group"] = np.where(out["core20_share"] >= MOSTLY_CORE20, "Mostly Core20", "Other")
    out.attrs["population_basis"] = basis
    return out.drop(columns="core_pop")


def msoa_comparison(params) -> MsoaComparison:
    """Life expectancy and mortality ratios of mostly-Core20 MSOAs against the rest (distributions, medians)."""
    name = params.name
    shares = msoa_core20_share(params.areas.msoa11, params.deprivation_index)
    le = data.msoa_life_expectancy()
    lh = data.local_health_msoa()
    frames = []
    for sex in ("male", "female"):
        part = le[(le["sex"] == sex) & le["msoa11_code"].isin(shares["msoa11_code"])]
        frames.append(pd.DataFrame({"msoa11_code": part["msoa11_code"], "indicator": f"le_{sex}", "value": part["value"]}))
    part = lh[lh["indicator"].isin(list(MSOA_INDICATORS)) & lh["msoa11_code"].isin(shares["msoa11_code"])]
    frames.append(part[["msoa11_code", "indicator", "value"]])
    values = pd.concat(frames, ignore_index=True).astype({"indicator": str, "msoa11_code": str})
    values = values.dropna(subset=["value"])
    meta = pd.DataFrame([(k, *v) for k, v in MSOA_INDICATORS.items()], columns=["indicator", "label", "source", "period", "unit"])
    msoas = shares.merge(values, on="msoa11_code").merge(meta, on="indicator")
    msoas["value"] = msoas["value"].astype(float)
    summary = (msoas.groupby(["indicator", "label", "unit", "period", "group"], as_index=False, sort=False)["value"]
               .agg(msoas="size", median="median", minimum="min", maximum="max"))
    summary["order"] = summary["indicator"].map({k: i for i, k in enumerate(MSOA_INDICATORS)})
    summary = summary.sort_values(["order", "group"]).drop(columns="order").reset_index(drop=True)
    summary.insert(0, "area", name)
    return MsoaComparison(msoas=msoas, summary=summary, findings=add_meanings(_msoa_findings(name, shares, summary)))


def _msoa_findings(name: str, shares: pd.DataFrame, summary: pd.DataFrame) -> list[Finding]:
    wide = summary.pivot(index="indicator", columns="group", values="median")
    n_core = int((shares["group"] == "Mostly Core20").sum())
    if not n_core or "Other" not in wide or "Mostly Core20" not in wide:
        return [Finding(key="msoa/le", topic="life expectancy in mostly-Core20 neighbourhoods", area=name,
                        kind="context", text=f"None of {name}'s neighbourhoods (MSOAs) has most of its residents in "
                                             "the Core20, so they are not compared.")]
    counts = summary[summary["indicator"] == "le_male"].set_index("group")["msoas"]
    findings = []
    for sex in ("male", "female"):
        core, other = wide.loc[f"le_{sex}", "Mostly Core20"], wide.loc[f"le_{sex}", "Other"]
        findings.append(Finding(
            key=f"msoa/le_{sex}", topic="median life expectancy, mostly-Core20 against other neighbourhoods",
            area=name, sex=sex, period="2016-20", value=float(core - other), unit="years", kind="gap",
            importance=1 if sex == "male" else 0, evidence="msoa-life-expectancy",
            text=(f"In {plural(counts.get('Mostly Core20', 0), 'neighbourhood')} (MSOAs) of {name} where most residents "
                  f"live in the Core20, the median {sex} life expectancy at birth in 2016-20 was {fmt_num(core)} years, "
                  f"against {fmt_num(other)} in its other {fmt_int(counts.get('Other', 0))} (medians of neighbourhood "
                  "values)."),
            meaning=(f"{'Men' if sex == 'male' else 'Women'} in the most deprived neighbourhoods live shorter lives."
                     if core < other else "")))
    p = wide.loc["smr_under75_preventable"]
    findings.append(Finding(
        key="msoa/smr_under75_preventable", topic="median preventable mortality ratio, mostly-Core20 against others",
        area=name, period="2015-19", value=float(p["Mostly Core20"] - p["Other"]), kind="gap",
        evidence="msoa-mortality",
        text=(f"Deaths under 75 from preventable causes (2015-19): median standardised mortality ratio "
              f"{fmt_num(p['Mostly Core20'], 0)} in mostly-Core20 neighbourhoods and {fmt_num(p['Other'], 0)} "
              "elsewhere (England = 100).")))
    return findings


def comparison_title(place_name: str, summary: pd.DataFrame, indicator: str, what: str) -> str:
    """Chart title stating the direction of the median difference, e.g. "life expectancy is lower in …"."""
    part = summary[summary["indicator"] == indicator].set_index("group")["median"]
    if not {"Mostly Core20", "Other"} <= set(part.index):
        return f"{place_name}: {what} in mostly-Core20 and other neighbourhoods"
    word = "higher" if part["Mostly Core20"] > part["Other"] else "lower" if part["Mostly Core20"] < part["Other"] else "similar"
    return f"{place_name}: {what} is {word} in mostly-Core20 neighbourhoods"


def map_source() -> str:
    return ("ONS LSOA 2011 and local authority boundaries (generalised), via geographr; contains OS data © Crown "
            "copyright")


def plus_finding(name: str, table: pd.DataFrame) -> Finding:
    """What the data say about the PLUS groups, as one context record."""
    measured = table.dropna(subset=["people"])
    text = (f"Of the {plural(len(table), 'PLUS group')} listed, the data give numbers for {len(measured)} "
            f"({join_names(measured['group'].str.lower())}); the others need local or primary care data."
            if len(measured) else f"None of the {plural(len(table), 'PLUS group')} listed can be counted from the "
            "data in the book.")
    return Finding(key="plus/measured", topic="PLUS groups", area=name, kind="context", importance=-1, text=text,
                   evidence="plus-groups")


def map_layers(params, lsoas: pd.DataFrame) -> tuple[dict, dict | None]:
    """Boundaries for the Core20 map: the place's 2011 small areas and its districts' outlines."""
    areas = data.boundaries("lsoa11", codes=lsoas["lsoa_code"])
    districts = data.boundaries("ltla24", codes=params.areas.districts) if params.areas.districts else None
    return areas, districts
