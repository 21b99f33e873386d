"""Published preventable mortality: OHID's under-75 rates per district, with OHID's comparison with England.

- :func:`preventable_trend` — under-75 mortality from causes considered preventable (Fingertips 93721, 2019
  OECD/Eurostat definition), per district of the place and England, persons/male/female;
- :func:`preventable_cancer` — under-75 preventable cancer mortality (Fingertips 40502, older extract);
- :func:`preventable_cvd` — under-75 preventable cardiovascular mortality (ONS Explore Local Statistics, with
  95 % intervals), compared here with England and the region.

The Fingertips extracts have no confidence limits but carry OHID's published comparison with England
(``compared_to_england``: better / similar / worse, at 95 %); it is used and labelled as OHID's. Functions take
the chapter's parameters (:class:`phna.parameters.Parameters`) and return tables and findings records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna import data, geography
from phna.analyses.le_published import OHID_WORDS, ohid_comparison
from phna.analyses.limits import compare_levels
from phna.findings import Finding
from phna.geography import ENGLAND
from phna.parameters import limit_columns
from phna.wording import fmt_num, join_names

SEXES = ("persons", "male", "female")
UNIT = "per 100,000"
PREVENTABLE_ID = 93721
CANCER_ID = 40502
CVD_DATASET = "preventable-cardiovascular-mortality-england"
SOURCE_PREVENTABLE = "OHID Fingertips, indicator 93721 (under-75 mortality from causes considered preventable)"
SOURCE_CANCER = "OHID Fingertips, indicator 40502 (under-75 mortality from cancer considered preventable)"
SOURCE_CVD = "ONS Explore Local Statistics, preventable cardiovascular mortality (OHID Fingertips indicator 93722)"
TOPICS = {
    PREVENTABLE_ID: "under-75 mortality rate from causes considered preventable",
    CANCER_ID: "under-75 mortality rate from cancers considered preventable",
}


def districts_of(params) -> tuple[str, ...]:
    """The place's districts (none for a place defined by small areas: district figures do not describe it)."""
    return tuple(params.areas.districts) if getattr(params.place, "districts", ()) else ()


def comparators(params) -> list[str]:
    """England first, then the other comparators (regions)."""
    return list(dict.fromkeys([ENGLAND] + [c for c in params.comparators if c != ENGLAND]))


def _period_key(period: str) -> int:
    return int(str(period)[:4])


PEOPLE = {"male": "men", "female": "women", "persons": "people", None: "people"}


def rate_meaning(area: str, value, england, comparison: str, sex: str | None = None) -> str:
    """"Coventry's rate is 36 % higher than England's: more people die before 75 ..." (or within chance)."""
    if comparison not in ("better", "similar", "worse") or pd.isna(value) or pd.isna(england) or not england:
        return ""
    share = abs(float(value) / float(england) - 1) * 100
    words = "higher" if value > england else "lower"
    whose = f"{area}'s rate" if sex in (None, "persons") else f"The rate for {PEOPLE[sex]} in {area}"
    if round(share) == 0:
        return f"{whose} is about the same as England's."
    if comparison == "similar":
        return f"{whose} is {share:.0f} % {words} than England's, within what chance alone could give."
    return (f"{whose} is {share:.0f} % {words} than England's: {'more' if value > england else 'fewer'} "
            f"{PEOPLE[sex]} die before 75 from causes that could be prevented.")


@dataclass
class TrendResult:
    table: pd.DataFrame  # area_code, area_name, role, sex, period, value, indicator, unit, comparison, source_file
    latest: pd.DataFrame  # one row per district x sex: latest value, England, OHID's comparison
    first_period: str | None
    latest_period: str | None
    message: str | None = None  # why the place could not be shown, when it could not
    findings: list[Finding] = field(default_factory=list)


def _fingertips_series(indicator_id: int) -> pd.DataFrame:
    """One Fingertips indicator, keeping only the newest extract's consistent series.

    The extracts of different ages disagree for the periods they share (later extracts use revised population
    estimates), so joining an older extract's early years to a newer extract's later years would put a step into
    the trend. Only the newest extract holding the indicator is kept.
    """
    df = data.fingertips(indicator_id)
    newest = {f: max(_period_key(p) for p in df.loc[df["source_file"] == f, "period"]) for f in df["source_file"].unique()}
    return df[df["source_file"] == max(newest, key=newest.get)].reset_index(drop=True)


def _trend(params, indicator_id: int, sexes=SEXES) -> TrendResult:
    names = geography.area_names()
    districts = districts_of(params)
    series = _fingertips_series(indicator_id)
    series = series[series["sex"].isin(sexes)]
    if not districts:
        return TrendResult(pd.DataFrame(), pd.DataFrame(), None, None,
                           message=f"{params.name} is defined by small areas (LSOAs); Fingertips publishes this "
                                   "indicator only for whole districts and unitary authorities.")
    rows = series[series["area_code"].isin(list(districts) + comparators(params))].copy()
    missing = [d for d in districts if d not in set(rows["area_code"])]
    if len(missing) == len(districts):
        return TrendResult(pd.DataFrame(), pd.DataFrame(), None, None,
                           message=f"Fingertips has no figures for {join_names(names.get(d, d) for d in districts)}: "
                                   "the district may have been created after the figures were published.")
    rows["area_name"] = rows["area_code"].map(names).fillna(rows["area_name"])
    rows["role"] = np.where(rows["area_code"].isin(districts), "district of the place", "comparator")
    compared = rows["compared_to_england"].map(ohid_comparison)
    rows["comparison"] = [c for c, _ in compared]
    rows["comparison_source"] = [s for _, s in compared]
    rows = rows.sort_values(["sex", "area_code", "period"], key=lambda s: s.map(_period_key) if s.name == "period" else s)
    table = rows[["indicator_id", "indicator", "area_code", "area_name", "role", "sex", "period", "value", "comparison",
                  "comparison_source", "unit", "source_file"]].reset_index(drop=True)
    # The chapter's headline series (93721) shows the `period` asked for, or fails naming the periods it has;
    # secondary series show the same period where they have it, else their latest.
    last = params.select_period(table["period"], f"Fingertips indicator {indicator_id}", strict=indicator_id == PREVENTABLE_ID)
    table = table[table["period"].map(_period_key) <= _period_key(last)].reset_index(drop=True)
    first = min(table["period"], key=_period_key)
    now = table[table["period"] == last]
    england = now[now["area_code"] == ENGLAND].set_index("sex")["value"]
    latest = now[now["area_code"].isin(districts)].copy()
    latest["england"] = latest["sex"].map(england).astype("float64")
    latest["compared_with_england"] = latest["comparison"].map(OHID_WORDS).fillna("not published")
    latest = latest[["area_code", "area_name", "sex", "period", "value", "england", "compared_with_england",
                     "comparison", "comparison_source", "unit", "indicator"]]
    latest = latest.sort_values(["sex", "area_name"], key=lambda c: c.map({"persons": 0, "male": 1, "female": 2})
                                if c.name == "sex" else c, ignore_index=True)
    message = f"No Fingertips figures for {join_names(names.get(d, d) for d in missing)}; the other districts are shown." if missing else None
    return TrendResult(table=table, latest=latest, first_period=first, latest_period=last, message=message)


def _level_findings(result: TrendResult, indicator_id: int, key: str, evidence: str, headline: bool) -> list[Finding]:
    return [
        Finding(
            key=f"{key}/{r.area_code}/{r.sex}", topic=TOPICS[indicator_id], area=r.area_name, area_code=r.area_code,
            sex=r.sex if r.sex != "persons" else None, period=r.period, value=float(r.value), unit=UNIT,
            comparator="England", comparator_value=r.england, comparison=r.comparison, source=r.comparison_source,
            # the chapter's indicator for persons first; the older cancer series (to 2015-17) after the others
            kind="level", importance=(2 if r.sex == "persons" else 0) if indicator_id == PREVENTABLE_ID else -1,
            headline=headline and r.sex == "persons",
            meaning=rate_meaning(r.area_name, r.value, r.england, r.comparison, r.sex),
            evidence=evidence,
        )
        for r in result.latest.itertuples() if pd.notna(r.value)
    ]


def preventable_trend(params) -> TrendResult:
    """Under-75 mortality from causes considered preventable (Fingertips 93721), per district and England.

    Directly standardised rate per 100,000 (2013 European Standard Population), persons, males and females, every
    year in the newest extract. The latest year of each district is the chapter's headline, with OHID's comparison.
    """
    result = _trend(params, PREVENTABLE_ID)
    if result.table.empty:
        return result
    t = result.table
    findings = _level_findings(result, PREVENTABLE_ID, "pm-published", "preventable-latest",
                               headline=len(districts_of(params)) <= 2)
    eng = t[(t["area_code"] == ENGLAND) & (t["sex"] == "persons")].set_index("period")["value"]
    for code in districts_of(params):
        part = t[(t["area_code"] == code) & (t["sex"] == "persons")].set_index("period")["value"]
        start, end = part.get(result.first_period), part.get(result.latest_period)
        if start is None or end is None or pd.isna(start) or pd.isna(end):
            continue
        name = t.loc[t["area_code"] == code, "area_name"].iloc[0]
        england = (f" England's went from {fmt_num(eng[result.first_period])} to {fmt_num(eng[result.latest_period])}."
                   if result.first_period in eng.index and result.latest_period in eng.index else "")
        findings.append(Finding(
            key=f"pm-trend/{code}", topic="trend in " + TOPICS[PREVENTABLE_ID], area=name, area_code=code,
            period=f"{result.first_period} to {result.latest_period}", value=float(end), unit=UNIT, kind="trend",
            text=(f"{name}'s under-75 death rate from preventable causes went from {fmt_num(start)} per 100,000 in "
                  f"{result.first_period} to {fmt_num(end)} in {result.latest_period}.{england}"),
            evidence="preventable-trend-persons",
        ))
    result.findings = findings
    return result


def preventable_cancer(params) -> TrendResult:
    """Under-75 mortality from cancer considered preventable (Fingertips 40502), persons, 3-year periods to 2015-17.

    The extract is older and uses the definition of preventable cancer in use then; OHID's comparison is used.
    """
    result = _trend(params, CANCER_ID, sexes=("persons",))
    if not result.table.empty:
        result.findings = _level_findings(result, CANCER_ID, "pm-cancer", "cancer-latest", headline=False)
    return result


@dataclass
class CvdResult:
    table: pd.DataFrame  # trend rows: districts + comparators, with 95 % limits
    latest: pd.DataFrame  # districts: value, limits, England, region, comparisons
    latest_period: str | None
    message: str | None = None
    findings: list[Finding] = field(default_factory=list)


def preventable_cvd(params) -> CvdResult:
    """Under-75 preventable cardiovascular mortality (DSR per 100,000, 3-year periods, published 95 % limits).

    From ONS Explore Local Statistics (OHID indicator 93722), for the place's districts, England and the other
    comparators. The latest value of each district is compared here with England and each regional comparator by
    the Fingertips rule at 95 % (the level of the published limits; lower is better).
    """
    names = geography.area_names()
    districts = districts_of(params)
    if not districts:
        return CvdResult(pd.DataFrame(), pd.DataFrame(), None,
                         message=f"{params.name} is defined by small areas; this indicator is published only for districts.")
    els = data.els(CVD_DATASET)
    rows = els[els["area_code"].isin(list(districts) + comparators(params))].copy()
    if not rows["area_code"].isin(districts).any():
        return CvdResult(pd.DataFrame(), pd.DataFrame(), None,
                         message=f"Explore Local Statistics has no figures for {join_names(names.get(d, d) for d in districts)}.")
    lo, up = limit_columns(0.95)
    rows["area_name"] = rows["area_code"].map(names).fillna(rows["area_name"])
    rows["role"] = np.where(rows["area_code"].isin(districts), "district of the place", "comparator")
    rows = rows.sort_values(["area_code", "period_start"]).rename(columns={"lower_ci": lo, "upper_ci": up})
    table = rows[["indicator", "area_code", "area_name", "role", "period", "value", lo, up, "unit", "status"]]
    table = table.reset_index(drop=True)
    table.insert(0, "sex", "persons")
    last = max(table["period"], key=_period_key)
    latest = table[(table["period"] == last) & table["area_code"].isin(districts)].copy()
    bench = table[table["period"] == last].set_index("area_code")["value"]
    present = [c for c in comparators(params) if c in bench.index]
    for code in present:
        column = "england" if code == ENGLAND else f"benchmark_{code}"
        latest[column] = float(bench[code])
        compared = compare_levels(latest, [0.95], float(bench[code]), polarity="low is good")
        latest["comparison" if code == ENGLAND else f"comparison_{code}"] = compared["comparison"].to_numpy()
    latest = latest.reset_index(drop=True)
    findings = []
    if "comparison" in latest.columns:
        findings = [
            Finding(
                key=f"pm-cvd/{r.area_code}", topic="under-75 mortality rate from preventable cardiovascular disease",
                area=r.area_name, area_code=r.area_code, period=last, value=float(r.value), unit=UNIT,
                lower=float(getattr(r, lo)), upper=float(getattr(r, up)), level=0.95, comparator="England",
                comparator_value=float(r.england), comparison=r.comparison,
                source="computed" if r.comparison in ("better", "similar", "worse") else "none", kind="level",
                importance=0, evidence="cvd-latest",
                meaning=rate_meaning(r.area_name, r.value, r.england, r.comparison).replace(
                    "causes that could be prevented", "heart disease and stroke that could be prevented"),
            )
            for r in latest.itertuples() if pd.notna(r.value)
        ]
    absent = [names.get(c, c) for c in comparators(params) if c not in bench.index]
    message = f"No figures for {join_names(absent)} in this dataset." if absent else None
    return CvdResult(table=table, latest=latest, latest_period=last, message=message, findings=findings)
