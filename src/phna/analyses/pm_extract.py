"""What an analyst's deaths extract adds to the preventable mortality chapter.

Under-75 mortality from causes considered preventable (ONS/OHID 2019 definition; the ICD-10 code list is data,
``data/reference/icd10_preventable_2019.csv``) for the place, its ICB and the place's local deprivation quintiles,
as a directly standardised rate per 100,000 a year (2013 European Standard Population, ONS's 20 bands; Dobson
limits), as OHID's indicator 93721. Deaths split between preventable and treatable count one half. Every table
passes through :func:`phna.analyses.extract.publishable`: fewer than 10 deaths are never published.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from phna import stats
from phna.analyses.extract import publishable
from phna.analyses.extract_areas import ExtractCounts, extract_counts, group_counts
from phna.findings import Finding
from phna.wording import fmt_num

UNDER = 75


@dataclass
class ExtractPM:
    counts: ExtractCounts
    table: pd.DataFrame  # group, area_name, role, period, value (per 100,000 a year), lower, upper, deaths
    findings: list[Finding] = field(default_factory=list)


def preventable_from_extract(params, path) -> ExtractPM:
    """Under-75 preventable mortality (persons) by place, ICB and local deprivation quintile from an extract.

    Raises :class:`phna.analyses.extract.ExtractError` for an invalid extract (the run stops).
    """
    counts = extract_counts(params, path)
    cells = group_counts(counts)
    cells = cells[cells["age_start"] < UNDER]
    persons = cells.groupby(["group", "area_name", "role", "age_start"], as_index=False)[
        ["preventable", "population"]].sum()
    rates = stats.dsr(persons, events="preventable", population="population", age_start="age_start",
                      by=["group", "area_name", "role"], confidence=params.level,
                      standard_population=stats.ESP2013_ONS[stats.ESP2013_ONS.index < UNDER])
    # the population is in person-years over the extract's years, so the rate is per 100,000 a year
    table = rates.rename(columns={"lowercl": "lower", "uppercl": "upper", "total_count": "deaths"})
    table["period"] = counts.period
    table = table[["group", "area_name", "role", "period", "value", "lower", "upper", "deaths", "suppressed",
                   "reason"]]
    table = publishable(table, counts=["deaths"], derived=["value", "lower", "upper"])
    findings = []
    by_group = table.set_index("group")
    if {"quintile:1", "quintile:5"} <= set(by_group.index):
        most, least = by_group.loc["quintile:1"], by_group.loc["quintile:5"]
        if pd.notna(most["value"]) and pd.notna(least["value"]):
            separate = most["lower"] > least["upper"] or most["upper"] < least["lower"]
            findings.append(Finding(
                key="pm-extract/quintiles", topic="preventable deaths under 75 by deprivation", area=params.name,
                period=counts.period, value=most["value"] - least["value"], unit="per 100,000 a year",
                source="computed", kind="inequality", importance=2,
                text=(f"In {counts.period}, {fmt_num(most['value'], 0)} people under 75 per 100,000 a year died of "
                      f"preventable causes in {params.name}'s most deprived fifth of areas, against "
                      f"{fmt_num(least['value'], 0)} in the least deprived fifth"
                      + ("." if separate else " (the intervals overlap, so the difference may be chance).")),
                evidence="extract-pm",
            ))
    return ExtractPM(counts=counts, table=table, findings=findings)
