"""What an analyst's deaths extract adds to the life expectancy chapter.

Life expectancy for the place and its ICB for the extract's years; by local deprivation quintile of the place's
small areas with the slope index of inequality (SII), as OHID computes them (Chiang II life tables, SII by
weighted regression on the quintiles' population midpoints with simulated limits); and the gap between the most
and least deprived quintiles broken down by age and cause group (Arriaga). Every table passes through
:func:`phna.analyses.extract.publishable` before it leaves this module, and findings are made from those tables
only, so a withheld value cannot reach a finding, chart, table or CSV.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from phna import stats
from phna.analyses.extract import publishable
from phna.analyses.extract_areas import ExtractCounts, extract_counts, group_counts
from phna.data.icd10 import CAUSE_GROUP_LABELS
from phna.findings import Finding
from phna.parameters import limit_columns
from phna.wording import fmt_num

SEXES = ("male", "female")
PEOPLE = {"male": "men", "female": "women"}
BAND = dict(zip([0, 1, *range(5, 95, 5)], ["0", "1-4"] + [f"{a}-{a + 4}" for a in range(5, 90, 5)] + ["90+"]))


@dataclass
class ExtractLE:
    counts: ExtractCounts
    table: pd.DataFrame  # place, ICB and quintiles by sex: value, limits, deaths (withheld under 10), suppressed
    sii: pd.DataFrame  # by sex: sii and limits
    decomposition: pd.DataFrame  # sex, age_band, cause, contribution (most minus least deprived quintile)
    findings: list[Finding] = field(default_factory=list)


def _life_expectancy(params, counts: ExtractCounts) -> pd.DataFrame:
    cells = group_counts(counts)
    le = stats.life_expectancy(cells, deaths="deaths", population="population", age_start="age_start",
                               by=["group", "sex"], confidence=params.level)
    meta = cells.drop_duplicates(["group"])[["group", "area_name", "role"]]
    table = meta.merge(le, on="group")
    table = table.rename(columns={"lowercl": "lower", "uppercl": "upper", "total_deaths": "deaths",
                                  "total_pop": "person_years"})
    table["period"] = counts.period
    table["quintile"] = pd.to_numeric(table["group"].str.extract(r"quintile:(\d)", expand=False))
    keep = ["group", "area_name", "role", "quintile", "sex", "period", "value", "lower", "upper", "deaths", "person_years",
            "suppressed", "reason"]
    return publishable(table[keep], counts=["deaths"], derived=["value", "lower", "upper"])


def _sii(params, table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for sex in SEXES:
        q = table[(table["role"] == "quintile") & (table["sex"] == sex)].copy()
        if len(q) != 5 or q["suppressed"].any():
            rows.append({"sex": sex, "sii": float("nan"), "lower": float("nan"), "upper": float("nan"),
                         "suppressed": True})
            continue
        q["quintile"] = q["group"].str.split(":").str[1].astype(int)
        out = stats.sii(q, quantile="quintile", population="person_years", value="value", lower_cl="lower",
                        upper_cl="upper", confidence=params.level, seed=2024,
                        cl_confidence=params.level)
        r = out.iloc[0]
        rows.append({"sex": sex, "sii": r["sii"], "lower": r["sii_lowercl"], "upper": r["sii_uppercl"],
                     "suppressed": bool(r["suppressed"])})
    frame = pd.DataFrame(rows).assign(period=table["period"].iloc[0])
    return publishable(frame, derived=["sii", "lower", "upper"])


def _decomposition(table: pd.DataFrame, counts: ExtractCounts) -> pd.DataFrame:
    keys = ["quintile:5", "quintile:1"]
    if not set(keys) <= set(counts.groups):
        return pd.DataFrame()
    cells = group_counts(counts, keys, by_cause=True)
    withheld = table[table["group"].isin(keys)].groupby("sex")["suppressed"].any()
    dec = stats.arriaga_by_cause(cells[cells["group"] == keys[0]], cells[cells["group"] == keys[1]],
                                 deaths="deaths", population="population", age_start="age_start",
                                 cause="cause_group", by="sex")
    dec["suppressed"] = dec["suppressed"].fillna(True).astype(bool) | dec["sex"].map(withheld).fillna(True)
    dec["age_band"] = dec["age_start"].map(BAND)
    dec["cause_label"] = dec["cause"].map(CAUSE_GROUP_LABELS)
    dec["period"] = counts.period
    dec = dec.rename(columns={"le_reference": "le_least_deprived", "le_comparison": "le_most_deprived"})
    out = publishable(dec, derived=["contribution", "gap", "le_least_deprived", "le_most_deprived"])
    out = out[~out["suppressed"]]
    return out[["sex", "period", "age_start", "age_band", "cause", "cause_label", "contribution", "gap",
                "le_most_deprived", "le_least_deprived", "method"]].reset_index(drop=True)


def _findings(params, result: ExtractLE) -> list[Finding]:
    findings = []
    lo, up = limit_columns(params.level)
    for row in result.table[result.table["role"] == "place"].itertuples():
        if pd.isna(row.value):
            continue
        findings.append(Finding(
            key=f"le-extract/{row.sex}", topic="life expectancy at birth (from local deaths)", area=row.area_name,
            sex=row.sex, period=row.period, value=row.value, unit="years", lower=row.lower, upper=row.upper,
            level=params.level, source="computed", kind="level", importance=2, evidence="extract-le",
        ))
    for row in result.sii.itertuples():
        if pd.isna(row.sii):
            continue
        significant = row.lower > 0 or row.upper < 0
        findings.append(Finding(
            key=f"le-extract-sii/{row.sex}", topic="inequality in life expectancy within the place",
            area=params.name, sex=row.sex, period=row.period, value=row.sii, unit="years", lower=row.lower,
            upper=row.upper, level=params.level, source="computed", kind="inequality", importance=3,
            comparison="worse" if significant and row.sii > 0 else "similar" if not significant else "better",
            text=(f"In {params.name}, {PEOPLE[row.sex]} in the least deprived areas could expect to live "
                  f"{fmt_num(abs(row.sii))} years {'longer' if row.sii > 0 else 'less'} than those in the most "
                  f"deprived areas in {row.period} (slope index of inequality"
                  f"{'' if significant else ', not statistically significant'})."),
            evidence="extract-sii",
        ))
    dec = result.decomposition
    for sex in SEXES:
        part = dec[dec["sex"] == sex]
        if part.empty:
            continue
        by_cause = part.groupby("cause_label")["contribution"].sum().sort_values()
        top = by_cause.index[0]
        findings.append(Finding(
            key=f"le-extract-causes/{sex}", topic="causes of the deprivation gap in life expectancy",
            area=params.name, sex=sex, period=result.counts.period, value=abs(float(by_cause.iloc[0])),
            unit="years", source="computed", kind="gap", importance=1,
            text=(f"{top} causes made the largest part of the gap in {sex} life expectancy between {params.name}'s "
                  f"most and least deprived fifths of areas in {result.counts.period}: "
                  f"{fmt_num(abs(float(by_cause.iloc[0])))} of {fmt_num(abs(float(part['gap'].iloc[0])))} years."),
            evidence="extract-decomposition",
        ))
    return findings


def life_expectancy_from_extract(params, path) -> ExtractLE:
    """Life expectancy, its deprivation gradient and the causes of the gap, from an analyst's deaths extract.

    Raises :class:`phna.analyses.extract.ExtractError` for an invalid extract (the run stops).
    """
    counts = extract_counts(params, path)
    table = _life_expectancy(params, counts)
    result = ExtractLE(counts=counts, table=table, sii=_sii(params, table),
                       decomposition=_decomposition(table, counts))
    result.findings = _findings(params, result)
    return result
