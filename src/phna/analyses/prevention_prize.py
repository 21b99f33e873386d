"""The size of the prize in people, and what small-area data can say about prevention within a place.

:func:`prize` turns each significant gap with England into a rough number of people; :func:`small_areas`
relates neighbourhood death rates from causes that prevention acts on to neighbourhood deprivation.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as sps

from phna import data, geography
from phna.analyses import prevention_indicators as registry
from phna.findings import Finding
from phna.wording import fmt_int, fmt_num, plural, possessive

#: The mid-year population estimate the size of the prize uses (the newest single-year-of-age file in the
#: data mirror that the data layer reads).
POPULATION_YEAR = 2022


def rough(people: float) -> int:
    """People rounded for a rough statement: to the nearest 10 below 1,000, else to the nearest 100."""
    if pd.isna(people):
        return 0
    step = 10 if abs(people) < 1000 else 100
    return int(step * round(float(people) / step))


def adults(codes, ages: tuple[int, int], year: int = POPULATION_YEAR) -> pd.Series:
    """Residents of each area aged ``ages`` (inclusive; 90 means 90 and over), ONS mid-year estimates."""
    pop = data.population_single_year(year)
    pop = pop[pop["area_code"].isin(list(codes)) & pop["age"].between(*ages)]
    return pop.groupby("area_code")["population"].sum()


@dataclass
class Prize:
    table: pd.DataFrame  # indicator x district: value, england, gap (points), population, people, people_rough
    totals: pd.DataFrame  # indicator: people across the place's districts that are worse than England
    method: str = ""


def prize(table: pd.DataFrame) -> Prize:
    """For each current risk where a district is significantly worse than England, roughly how many people
    the difference represents.

    Method: the gap in percentage points between the district and England, times the district's residents
    of the indicator's age band (ONS mid-year estimates, :data:`POPULATION_YEAR`). The district counts add up
    to the place (counts aggregate; rates do not). Only percentages of the resident population qualify
    (not rates per 100,000, nor percentages of a group whose size is not published).
    """
    rows = []
    for row in table[(table["comparison"] == "worse") & table["current"]].itertuples():
        ind = registry.get(row.indicator_id)
        if ind.ages is None or ind.unit != "%":
            continue
        population = adults([row.area_code], ind.ages).get(row.area_code, np.nan)
        gap = row.value - row.england if ind.polarity == "low is good" else row.england - row.value
        people = gap / 100 * population
        rows.append({"indicator_id": ind.id, "indicator": ind.title, "label": ind.short, "period": row.period,
                     "area_code": row.area_code, "area_name": row.area_name, "value": row.value,
                     "england": row.england, "gap_points": gap, "ages": f"{ind.ages[0]}+" if ind.ages[1] >= 90
                     else f"{ind.ages[0]}-{ind.ages[1]}", "population": population,
                     "population_year": f"mid-{POPULATION_YEAR}", "people": people, "people_rough": rough(people),
                     "comparison_source": row.comparison_source})
    out = pd.DataFrame(rows, columns=["indicator_id", "indicator", "label", "period", "area_code", "area_name",
                                      "value", "england", "gap_points", "ages", "population", "population_year",
                                      "people", "people_rough", "comparison_source"])
    totals = (out.groupby(["indicator_id", "label", "period"], as_index=False, sort=False)
              .agg(people=("people", "sum"), districts=("area_code", "size")))
    totals["people_rough"] = totals["people"].map(rough)
    method = (f"Gap with England in percentage points × residents of the indicator's age band (ONS mid-{POPULATION_YEAR}"
              " estimates), for each district significantly worse than England; district counts added up for the "
              "place. A rough size: survey percentages carry sampling error, and the population is a year or more "
              "older than some survey periods.")
    return Prize(table=out, totals=totals, method=method)


def with_prize(findings: list[Finding], prize_table: pd.DataFrame) -> list[Finding]:
    """The level findings with the size of the prize added to their meaning, where there is one."""
    people = {f"{r.indicator_id}/{r.area_code}": r for r in prize_table.itertuples()}
    out = []
    for f in findings:
        r = people.get(f.key)
        if r is not None and f.kind == "level" and r.people_rough > 0:
            ind = registry.get(r.indicator_id)
            more = "fewer" if ind.polarity == "high is good" else "more"
            extra = (f"That is about {fmt_int(r.people_rough)} {more} adults aged {r.ages} than if "
                     f"{r.area_name} matched England (mid-{POPULATION_YEAR} population).")
            f = dataclasses.replace(f, meaning=(f.meaning + " " + extra).strip())
        out.append(f)
    return out


# ------------------------------------------------------------------------------------- small areas
#: Local Health measures (2015-19, MSOAs) that bear on prevention, with plain names.
SMALL_AREA_MEASURES = {
    "smr_under75_preventable": "Deaths under 75 from preventable causes",
    "smr_respiratory": "Deaths from respiratory disease",
    "smr_chd": "Deaths from coronary heart disease",
    "smr_under75_cancer": "Deaths from cancer under 75",
}


@dataclass
class SmallAreas:
    points: pd.DataFrame  # msoa11_code, msoa11_name, measure, label, period, smr, deprivation score
    summary: pd.DataFrame  # measure: neighbourhoods, rank correlation and p (place; England)
    findings: list = field(default_factory=list)
    title: str = ""  # states the finding for deaths under 75 from preventable causes


def fmt_p(value) -> str:
    """A p-value for a table: "< 0.001", "0.012", or a dash when missing."""
    return "–" if pd.isna(value) else "< 0.001" if value < 0.001 else f"{value:.3f}"


def fmt_rho(value) -> str:
    return fmt_num(value, 2)


def small_areas(params) -> SmallAreas:
    """How neighbourhood death rates from causes prevention acts on follow deprivation within the place.

    For each measure, Spearman's rank correlation between the place's MSOAs' standardised mortality ratios
    (OHID Local Health, 2015-19; England = 100) and their deprivation score (``params.deprivation_index``,
    population-weighted from LSOAs by :func:`phna.geography.msoa_deprivation`), with its p-value, and the same
    across England's MSOAs for reference. The data hold point estimates only, so no single neighbourhood is
    named.
    """
    msoas = set(params.areas.msoa11)
    health = data.local_health_msoa()
    health = health[health["indicator"].isin(list(SMALL_AREA_MEASURES))].dropna(subset=["value"])
    scores = geography.msoa_deprivation(params.deprivation_index)[["msoa11_code", "score"]]
    merged = health.merge(scores, on="msoa11_code", how="inner")
    merged["in_place"] = merged["msoa11_code"].isin(msoas)
    alpha = 1 - params.level
    rows, findings = [], []
    label = params.deprivation_label
    for measure, name in SMALL_AREA_MEASURES.items():
        part = merged[merged["indicator"] == measure]
        own = part[part["in_place"]]
        eng_rho = sps.spearmanr(part["score"], part["value"]).statistic
        if len(own) >= 5:
            test = sps.spearmanr(own["score"], own["value"])
            rho, p = float(test.statistic), float(test.pvalue)
        else:
            rho, p = np.nan, np.nan
        rows.append({"measure": measure, "label": name, "period": str(part["period"].iloc[0]),
                     "neighbourhoods": int(len(own)), "rho": rho, "p_value": p, "england_rho": float(eng_rho),
                     "index": label, "confidence": params.level})
        if np.isnan(rho):
            continue
        if p < alpha and measure == "smr_under75_preventable":
            how = "rise" if rho > 0 else "fall"
            text = (f"Across {possessive(params.name)} {plural(len(own), 'neighbourhood')} (MSOAs), "
                    f"{name[0].lower() + name[1:]} ({rows[-1]['period']}) {how} with deprivation "
                    f"({label}; rank correlation {fmt_num(rho, 2)}; England {fmt_num(eng_rho, 2)}).")
            kind = "inequality"
        elif p < alpha:
            how = "rise" if rho > 0 else "fall"
            text = (f"{name} ({rows[-1]['period']}) also {how} with deprivation across {possessive(params.name)} "
                    f"neighbourhoods (rank correlation {fmt_num(rho, 2)}; England {fmt_num(eng_rho, 2)}).")
            kind = "context"
        else:
            text = (f"Across {possessive(params.name)} {plural(len(own), 'neighbourhood')} (MSOAs), "
                    f"{name[0].lower() + name[1:]} ({rows[-1]['period']}) show no clear link with deprivation "
                    f"(rank correlation {fmt_num(rho, 2)}, not significant at {params.level * 100:g} %; England "
                    f"{fmt_num(eng_rho, 2)}).")
            kind = "context"
        findings.append(Finding(key=f"small-areas/{measure}", topic=name, area=params.name, period=rows[-1]["period"],
                                value=rho, decimals=2, kind=kind, text=text,
                                evidence=f"fig-{params.place.slug}-prevention-small-areas"))
    points = merged[merged["in_place"]].rename(columns={"area_name": "msoa11_name", "value": "smr",
                                                        "score": "deprivation_score"})
    points["label"] = points["indicator"].map(SMALL_AREA_MEASURES)
    points = points[["msoa11_code", "msoa11_name", "indicator", "label", "period", "smr", "deprivation_score"]]
    points = points.round({"deprivation_score": 2})
    order = {m: k for k, m in enumerate(SMALL_AREA_MEASURES)}
    points = points.sort_values(["indicator", "msoa11_code"], key=lambda c: c.map(order) if c.name == "indicator" else c)
    lead = next((f for f in findings if f.key == "small-areas/smr_under75_preventable"), None)
    if lead is None:
        title = f"Deaths from preventable causes across {possessive(params.name)} neighbourhoods"
    elif lead.kind == "inequality":
        how = "rise" if lead.value > 0 else "fall"
        title = f"In {params.name}, deaths from preventable causes {how} with neighbourhood deprivation"
    else:
        title = f"In {params.name}, deaths from preventable causes show no clear link with deprivation"
    return SmallAreas(points=points.reset_index(drop=True), summary=pd.DataFrame(rows), findings=findings,
                      title=title)
