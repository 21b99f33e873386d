"""Published life expectancy: OHID's latest figures per district (with OHID's comparison), OHID's SII, ONS's HLE.

Each function takes the chapter's parameters (:class:`phna.parameters.Parameters`) and returns tidy tables
and findings records (:class:`phna.findings.Finding`). Published life expectancies are shown per district and
never averaged. The Fingertips extracts carry no confidence limits but do carry OHID's own published
comparison with England (``compared_to_england``: better / similar / worse, at 95 %), which is used and
labelled as OHID's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna import data, geography, stats
from phna.analyses.limits import compare_levels
from phna.findings import Finding
from phna.geography import ENGLAND
from phna.parameters import limit_columns
from phna.wording import gap_phrase, join_names

SEXES = ("male", "female")
PEOPLE = {"male": "men", "female": "women"}
OHID_COMPARISONS = ("better", "similar", "worse")
#: How OHID's comparison reads in a table column.
OHID_WORDS = {"better": "better (OHID)", "similar": "similar (OHID)", "worse": "worse (OHID)"}
SOURCE_LE = "OHID Fingertips indicator 90366 (life expectancy at birth), via Trafford Data Lab extracts"
SOURCE_LE_API = "OHID Fingertips indicator 90366 (life expectancy at birth), from the Fingertips API"
SOURCE_SII = "OHID Fingertips indicator 92901 (inequality in life expectancy at birth), via Trafford Data Lab extracts"
SOURCE_HLE = "ONS Health state life expectancies, via ONS Explore Local Statistics"


def ohid_comparison(value) -> tuple[str, str]:
    """OHID's published comparison as (comparison, source): ("worse", "OHID") or ("none", "none")."""
    word = str(value).strip().lower() if isinstance(value, str) else ""
    return (word, "OHID") if word in OHID_COMPARISONS else ("none", "none")


def life_meaning(sex: str, area: str, value, england, comparison: str, *, healthy: bool = False) -> str:
    """What a comparison means, in plain words: "Men in Coventry can expect to live 2.0 years less than the
    average for England." (or, when the difference is not significant, that it is within what chance gives)."""
    phrase = gap_phrase(value, england, "years")
    if phrase == "not comparable with" or comparison not in OHID_COMPARISONS:
        return ""
    live = "live in good health" if healthy else "live"
    people = f"{PEOPLE[sex].capitalize()} in {area}"
    if comparison == "similar":
        return (f"{people} can expect to {live} about as long as the average for England: the difference "
                f"({phrase.replace(' than', '')}) is within what chance alone could give.")
    return f"{people} can expect to {live} {phrase} the average for England."


# --------------------------------------------------------------------------------------------- published
@dataclass
class PublishedLE:
    trend: pd.DataFrame  # area_code, area_name, role, sex, period, value, unit, indicator, comparison, source
    latest: pd.DataFrame  # one row per place district and sex at the latest period, with England and OHID's comparison
    period: str
    findings: list[Finding] = field(default_factory=list)
    source: str = SOURCE_LE
    #: Who made the comparison in ``latest``: "OHID" (published, the extracts) or "computed" (from the published
    #: limits, when a refreshed Fingertips table carries them: the same code path for both).
    compared_by: str = "OHID"
    limits: tuple[str, str] | None = None  # the limit columns of ``latest`` at the main level, when published

    @property
    def districts(self) -> list[str]:
        """Names of the place's districts as they appear in the trend (to highlight them)."""
        return list(dict.fromkeys(self.trend.loc[self.trend["role"] == "place district", "area_name"]))


def published(params, indicator_id: int = 90366) -> PublishedLE:
    """Published life expectancy at birth (Fingertips 90366) for the place's districts, the ICB's others, England.

    The latest period (or the ``period`` asked for) of each district of the place is the chapter's headline,
    with OHID's published comparison with England; the ICB's other districts are grey context lines in the trend.
    """
    ft = data.fingertips(indicator_id)
    ft = ft[ft["sex"].isin(SEXES) & ft["inequality"].isna()]
    districts = list(params.areas.districts)
    context = list(geography.icb_districts(params.areas.icb_code)) if params.areas.icb_code else []
    rows = ft[ft["area_code"].isin(set(districts) | set(context) | {ENGLAND})].copy()
    if not rows["area_code"].isin(districts).any():
        raise data.DataError(f"Fingertips {indicator_id} has no rows for the districts of {params.name}: {districts}")
    rows["role"] = np.where(rows["area_code"] == ENGLAND, "England",
                            np.where(rows["area_code"].isin(districts), "place district", "other ICB district"))
    compared = rows["compared_to_england"].map(ohid_comparison)
    rows["comparison"] = [c for c, _ in compared]
    rows["comparison_source"] = [s for _, s in compared]
    lower, upper = limit_columns(params.level)
    limit_cols = [c for c in (lower, upper) if c in rows.columns]
    trend = rows[["area_code", "area_name", "role", "sex", "period", "value", *limit_cols, "comparison",
                  "comparison_source", "unit", "indicator", "source_file"]].sort_values(["sex", "period", "area_code"],
                                                                                        ignore_index=True)
    trend["indicator_id"] = str(indicator_id)
    period = params.select_period(trend["period"], f"published life expectancy (Fingertips {indicator_id})")
    trend = trend[trend["period"] <= period].reset_index(drop=True)  # the trend up to the period shown
    latest = trend[(trend["period"] == period) & (trend["role"] == "place district")].copy()
    england = trend[(trend["period"] == period) & (trend["area_code"] == ENGLAND)].set_index("sex")["value"]
    latest["england"] = latest["sex"].map(england).astype("float64")
    # Richer data first: where the table carries limits at the main level (a refreshed Fingertips table), the
    # comparison is computed from them (Fingertips' rule); otherwise OHID's published comparison is kept.
    has_limits = (latest[lower].notna() & latest[upper].notna()) if len(limit_cols) == 2 else pd.Series(False, latest.index)
    if has_limits.any():
        computed = stats.compare_to_benchmark(latest.loc[has_limits], lower_cl=lower, upper_cl=upper,
                                              benchmark="england", polarity="high is good")
        latest.loc[has_limits, "comparison"] = computed["comparison"].to_numpy()
        latest.loc[has_limits, "comparison_source"] = "computed"
    words = {"OHID": OHID_WORDS, "computed": {c: f"{c} ({params.level * 100:g} % CI)" for c in OHID_COMPARISONS}}
    latest["compared_with_england"] = [words.get(src, {}).get(c, "not published")
                                       for c, src in zip(latest["comparison"], latest["comparison_source"])]
    from_api = latest["source_file"].astype("string").str.startswith("fingertips_live").fillna(False).any()
    compared_by = "computed" if has_limits.all() and len(latest) else "OHID"
    latest = latest.sort_values(["sex", "area_name"], ascending=[False, True], ignore_index=True)  # men first
    # The headline of a place of one or two districts; the ICB's six districts compete with its other findings
    # (its own ICB-wide inequality figure first).
    headline = len(districts) <= 2
    findings = [
        Finding(
            key=f"le-published/{row.area_code}/{row.sex}", topic="life expectancy at birth", area=row.area_name,
            area_code=row.area_code, sex=row.sex, period=period, value=float(row.value), unit="years",
            lower=_limit(row, lower), upper=_limit(row, upper),
            level=params.level if _limit(row, lower) is not None else None,
            comparator="England", comparator_value=england.get(row.sex), comparison=row.comparison,
            source=row.comparison_source, kind="level", importance=2 if headline else 0, headline=headline,
            meaning=life_meaning(row.sex, row.area_name, row.value, england.get(row.sex), row.comparison),
            evidence="published-latest",
        )
        for row in latest.itertuples() if pd.notna(row.value)
    ]
    findings = geography.name_published(findings, params.place)
    latest = latest.drop(columns=["source_file"])
    return PublishedLE(trend=trend.drop(columns=["source_file"]), latest=latest, period=period, findings=findings,
                       source=SOURCE_LE_API if from_api else SOURCE_LE, compared_by=compared_by,
                       limits=(lower, upper) if has_limits.any() else None)


def _limit(row, column: str) -> float | None:
    value = getattr(row, column, None)
    return None if value is None or pd.isna(value) else float(value)


@dataclass
class PublishedSII:
    trend: pd.DataFrame
    period: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def districts(self) -> list[str]:
        return list(dict.fromkeys(self.trend.loc[self.trend["role"] == "place district", "area_name"]))


def published_sii(params, indicator_id: int = 92901) -> PublishedSII:
    """Published SII in life expectancy at birth (Fingertips 92901) for the place's districts and England.

    The extract has neither limits nor a published comparison, so the values are shown without one.
    """
    ft = data.fingertips(indicator_id)
    ft = ft[ft["sex"].isin(SEXES) & ft["area_code"].isin(list(params.areas.districts) + [ENGLAND])].copy()
    ft["role"] = np.where(ft["area_code"] == ENGLAND, "England", "place district")
    trend = ft[["area_code", "area_name", "role", "sex", "period", "value", "unit", "indicator"]]
    trend = trend.sort_values(["sex", "period", "area_code"], ignore_index=True)
    trend = trend[trend["period"].str.match(r"^\d{4}-\d{2}$")].reset_index(drop=True)
    if trend.empty:
        return PublishedSII(trend=trend)
    # A secondary series: the chosen period where it has it, else its latest (the caption names the period).
    latest = params.select_period(trend["period"], f"published SII (Fingertips {indicator_id})", strict=False)
    trend = trend[trend["period"] <= latest].reset_index(drop=True)
    now = trend[trend["period"] == latest]
    england = now[now["role"] == "England"].set_index("sex")["value"]
    findings = [
        Finding(
            key=f"sii-published/{r.area_code}/{r.sex}", topic="gap in life expectancy between the most and least "
            "deprived ends (slope index of inequality, OHID)", area=r.area_name, area_code=r.area_code, sex=r.sex,
            period=latest, value=float(r.value), unit="years", kind="inequality", importance=0,
            text=(f"The gap in {r.sex} life expectancy between the most and least deprived ends of {r.area_name} "
                  f"(slope index of inequality over local deprivation tenths, published by OHID) was {r.value:.1f} years in {latest}"
                  + (f"; England's was {england[r.sex]:.1f} years." if r.sex in england.index else ".")),
            evidence=f"published-sii-{r.sex}",
        )
        for r in now[now["role"] == "place district"].itertuples() if pd.notna(r.value)
    ]
    return PublishedSII(trend=trend, period=latest, findings=findings)


# ------------------------------------------------------------------------------------- healthy life exp.
@dataclass
class HealthyLE:
    table: pd.DataFrame  # trend: area_code, area_name, role, sex, period, value, lower_95, upper_95
    latest: pd.DataFrame
    period: str | None
    coverage: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def areas(self) -> list[str]:
        """Names of the place's own areas in the table (districts where published, else the county)."""
        if self.table.empty:
            return []
        return list(dict.fromkeys(self.table.loc[self.table["role"].isin(["place district", "county"]), "area_name"]))


def healthy(params) -> HealthyLE:
    """Healthy life expectancy at birth (ONS, via Explore Local Statistics) for the place's areas.

    ONS publishes HLE for upper-tier areas (counties and unitary authorities), regions and England, with 95 %
    limits; the place's districts are shown where published, otherwise the county containing them, saying so.
    Each is compared with England from its published 95 % interval (Fingertips rule, computed here).
    """
    hle = data.els("healthy-life-expectancy")
    hle = hle.assign(sex=np.where(hle["indicator"].str.lower().str.startswith("female"), "female", "male"))
    districts = list(params.areas.districts)
    names = geography.area_names()
    published = [d for d in districts if d in set(hle["area_code"])]
    lookup = data.lsoa11_lookup()
    counties = sorted(set(lookup.loc[lookup["district_code"].isin(districts), "county_code"]) - set(districts))
    counties = [c for c in counties if c in set(hle["area_code"])]
    unpublished = [d for d in districts if d not in published]
    if published and not unpublished:
        coverage = f"ONS publishes healthy life expectancy for {join_names(names.get(d, d) for d in published)}."
    elif published:
        coverage = (f"ONS publishes healthy life expectancy for {join_names(names.get(d, d) for d in published)} but "
                    f"not for {join_names(names.get(d, d) for d in unpublished)}; the county is shown instead.")
    else:
        coverage = (f"ONS does not publish healthy life expectancy for {join_names(names.get(d, d) for d in unpublished)}"
                    + (f"; the figures shown are for the county that contains {'them' if len(unpublished) > 1 else 'it'}."
                       if counties else "."))
    wanted = published + (counties if unpublished else []) + [c for c in params.comparators if c != ENGLAND] + [ENGLAND]
    rows = hle[hle["area_code"].isin(wanted)].copy()
    rows["role"] = np.select([rows["area_code"] == ENGLAND, rows["area_code"].isin(published),
                              rows["area_code"].isin(counties)], ["England", "place district", "county"], "comparator")
    lo, up = limit_columns(0.95)  # ONS publishes 95 % limits only
    rows = rows.rename(columns={"lower_ci": lo, "upper_ci": up})
    table = rows[["area_code", "area_name", "role", "sex", "period", "value", lo, up, "unit", "indicator",
                  "status"]].sort_values(["sex", "period", "area_code"], ignore_index=True)
    if table.empty or not table["role"].isin(["place district", "county"]).any():
        return HealthyLE(table=pd.DataFrame(), latest=pd.DataFrame(), period=None, coverage=coverage)
    period = params.select_period(table["period"], "healthy life expectancy (ONS)", strict=False)
    table = table[table["period"] <= period].reset_index(drop=True)
    latest = table[table["period"] == period].copy()
    england = latest[latest["area_code"] == ENGLAND].set_index("sex")["value"]
    latest["england"] = latest["sex"].map(england).astype("float64")
    latest = compare_levels(latest, [0.95], "england", polarity="high is good")
    latest.loc[latest["area_code"] == ENGLAND, "comparison"] = "benchmark"
    shown = latest[latest["role"].isin(["place district", "county"])].sort_values("sex", ascending=False)
    findings = [
        Finding(
            key=f"hle/{row.area_code}/{row.sex}", topic="healthy life expectancy at birth", area=row.area_name,
            area_code=row.area_code, sex=row.sex, period=period, value=float(row.value), unit="years",
            lower=float(getattr(row, lo)), upper=float(getattr(row, up)), level=0.95, comparator="England",
            comparator_value=england.get(row.sex), comparison=row.comparison,
            source="computed" if row.comparison in OHID_COMPARISONS else "none", kind="level", importance=1,
            meaning=life_meaning(row.sex, row.area_name, row.value, england.get(row.sex), row.comparison, healthy=True),
            evidence="healthy-latest",
        )
        for row in shown.itertuples() if pd.notna(row.value)
    ]
    return HealthyLE(table=table, latest=latest.reset_index(drop=True), period=period, coverage=coverage,
                     findings=findings)


__all__ = ["PublishedLE", "PublishedSII", "HealthyLE", "published", "published_sii", "healthy"]
