"""Life expectancy computed here from deaths and populations by age (Chiang II), and the gap with England by age.

The public deaths by age cover every district for one year only, 2014 (ONS): the chapter shows these figures in
a section about the place as a whole, never as its headline (an analyst's more recent extract is used by
:mod:`phna.analyses.le_extract`). Functions take the chapter's parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from phna import data, geography, stats
from phna.analyses.extract import AGE_BAND_LABELS
from phna.analyses.limits import compare_levels, comparison_columns, limit_names, rename_stats_limits
from phna.findings import Finding
from phna.geography import ENGLAND
from phna.parameters import limit_columns
from phna.wording import fmt_num, join_names

SEXES = ("male", "female")
SEX_WORDS = {"male": "Male", "female": "Female"}
BAND_LABEL = dict(zip([0, 1, *range(5, 95, 5)], AGE_BAND_LABELS))
ONS_2014_SOURCE = "ONS deaths registered by area of usual residence, 2014 registrations; ONS mid-2014 population estimates"


@dataclass
class ComputedLE:
    table: pd.DataFrame  # one row per area and sex: role, value, limits, deaths, population, comparison
    counts: pd.DataFrame  # the deaths and populations by age used (area_code, area_name, role, sex, age_band…)
    period: str
    source: str
    data_label: str  # "ONS 2014"
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _area_name(code: str) -> str:
    """A readable name for an area code (the shared names, else the ONS 2014 tables, which name every area)."""
    names = geography.area_names()
    if code in names:
        return names[code]
    d = data.deaths_population_2014().drop_duplicates("area_code").set_index("area_code")["area_name"]
    return str(d[code]).title().replace(" And ", " and ").replace(" Of ", " of ") if code in d.index else code


def _sum(part: pd.DataFrame, code: str, name: str, role: str, members) -> pd.DataFrame:
    summed = part.groupby(["sex", "age_start", "age_band"], as_index=False)[["deaths", "population"]].sum()
    return summed.assign(area_code=code, area_name=name, role=role, n_areas=len(members))


def _groups_by_district(params, codes: set[str], what: str) -> tuple[list, list[str]]:
    """(code, name, role, member district codes) for the place, its ICB, its comparators and England."""
    notes: list[str] = []
    districts = list(params.areas.districts)
    missing = sorted(set(districts) - codes)
    if missing:
        raise data.DataError(f"{what} has no rows for {missing} (district codes changed since?), so "
                             f"{params.name}'s life expectancy cannot be computed from it")
    groups = [(f"place:{params.place.slug}", params.name, "place", districts)]
    icb = params.areas.icb_code
    icb_districts = list(geography.icb_districts(icb)) if icb else []
    if icb_districts and set(icb_districts) != set(districts):
        if set(icb_districts) <= codes:
            groups.append((icb, geography.icb_name(icb), "ICB", icb_districts))
        else:
            notes.append(f"The ICB is not shown: some of its districts are not in the {what}.")
    for code in [c for c in params.comparators if c != ENGLAND] + [ENGLAND]:
        if code in codes:
            groups.append((code, _area_name(code), "England" if code == ENGLAND else "comparator", [code]))
        else:
            notes.append(f"{_area_name(code)} is not in the {what} and is not shown.")
    return groups, notes


def _counts_ons2014(params) -> tuple[pd.DataFrame, list[str]]:
    d = data.deaths_population_2014()
    d = d[d["sex"].isin(SEXES)]
    if params.place.lsoas:
        raise data.DataError(f"{params.name} is defined by small areas (LSOAs); the public 2014 deaths by age are "
                             "published for local authorities only. An analyst's deaths extract by small area is "
                             "needed to compute its life expectancy.")
    groups, notes = _groups_by_district(params, set(d["area_code"]), "2014 ONS deaths by age")
    frames = [_sum(d[d["area_code"].isin(members)], code, name, role, members) for code, name, role, members in groups]
    return pd.concat(frames, ignore_index=True), notes


def computed(params) -> ComputedLE:
    """Life expectancy at birth computed (Chiang II) for the place, its ICB, comparators and England.

    Uses the ONS 2014 deaths and mid-2014 populations by sex and the 20 life-table age bands (summed over the
    place's districts); an analyst's extract is used by :mod:`phna.analyses.le_extract`. Limits at every level
    of ``params.confidence`` (``lower_95``/``upper_95``...); each area is compared with England at each level
    (``comparison`` at the first, main level), as Fingertips.
    """
    counts, notes = _counts_ons2014(params)
    period, source, label = "2014", ONS_2014_SOURCE, "ONS 2014"
    counts = counts.astype({"area_code": "string", "area_name": "string", "role": "string", "sex": "string"})
    levels = list(params.confidence)
    le = stats.life_expectancy(counts, deaths="deaths", population="population", age_start="age_start",
                               by=["area_code", "sex"], confidence=levels)
    le = rename_stats_limits(le, levels)
    meta = counts.drop_duplicates(["area_code", "sex"])[["area_code", "sex", "area_name", "role", "n_areas"]]
    table = meta.merge(le, on=["area_code", "sex"], how="left")
    england = table[table["area_code"] == ENGLAND].set_index("sex")["value"]
    table["england"] = table["sex"].map(england).astype("float64")
    table = compare_levels(table, levels, "england", polarity="high is good")
    for column in comparison_columns(levels):
        table.loc[table["area_code"] == ENGLAND, column] = "benchmark"
    table["period"] = period
    table["indicator"] = "Life expectancy at birth (computed)"
    table["unit"] = "years"
    table["data"] = label
    order = {"place": 0, "ICB": 1, "comparator": 2, "England": 3}
    sex_order = {"male": 0, "female": 1}
    table = table.sort_values(["sex", "role"], key=lambda s: s.map(order if s.name == "role" else sex_order),
                              ignore_index=True)
    keep = ["area_code", "area_name", "role", "sex", "period", "value", *limit_names(levels), "england",
            *comparison_columns(levels), "total_deaths", "total_pop", "n_areas", "suppressed", "reason", "indicator",
            "unit", "data", "method"]
    table = table[keep].rename(columns={"total_deaths": "deaths", "total_pop": "population"})
    lo, up = limit_columns(levels[0])
    findings = [
        Finding(
            key=f"le-computed/{row.sex}", topic="life expectancy at birth (computed from deaths by age)",
            area=row.area_name, area_code=row.area_code, sex=row.sex, period=period, value=row.value, unit="years",
            lower=getattr(row, lo), upper=getattr(row, up), level=levels[0],
            comparator="England" if pd.notna(row.england) else None, comparator_value=row.england,
            comparison=row.comparison if row.comparison in ("better", "similar", "worse") else "none",
            source="computed" if row.comparison in ("better", "similar", "worse") else "none",
            kind="context", importance=-1, suppressed=bool(row.suppressed) or pd.isna(row.value),
            evidence=f"computed-{row.sex}",
        )
        for row in table[table["role"] == "place"].itertuples()
    ]
    return ComputedLE(table=table, counts=counts, period=period, source=source, data_label=label, notes=notes,
                      findings=findings)


# ----------------------------------------------------------------------------------------- decomposition
@dataclass
class GapByAge:
    table: pd.DataFrame  # sex, age_start, age_band, contribution (years), share, gap, le_place, le_england
    findings: list[Finding] = field(default_factory=list)


def _age_words(band: str) -> str:
    return "under 1" if band == "0" else band


def _bands(rows: pd.DataFrame) -> str:
    return join_names(f"{_age_words(r.age_band)} ({fmt_num(abs(r.contribution), 2)} years)" for r in rows.itertuples())


def gap_by_age(params, result: ComputedLE, top: int = 3) -> GapByAge:
    """Which age bands contribute most to the gap between the place and England (Arriaga), in both directions.

    The sentence for each sex says first whether the gap itself is significant (the place's interval at the main
    level against England's value); when it is not, the breakdown may reflect chance and is said to. It names the
    ``top`` largest contributions that shorten the place's life expectancy and the ``top`` that lengthen it.
    """
    counts = result.counts
    place = counts[counts["role"] == "place"]
    england = counts[counts["area_code"] == ENGLAND]
    if place.empty or england.empty:
        return GapByAge(table=pd.DataFrame())
    dec = stats.arriaga(england, place, deaths="deaths", population="population", age_start="age_start", by="sex")
    dec = dec[~dec["suppressed"]].copy()
    dec["age_band"] = dec["age_start"].astype(int).map(BAND_LABEL)
    dec = dec.rename(columns={"le_reference": "le_england", "le_comparison": "le_place"})
    dec.insert(0, "area_name", params.name)
    dec["period"] = result.period
    dec["unit"] = "years"
    table = dec[["area_name", "sex", "period", "age_start", "age_band", "direct", "indirect", "contribution",
                 "share", "gap", "le_place", "le_england", "unit", "method"]].reset_index(drop=True)
    compared = result.table[result.table["role"] == "place"].set_index("sex")["comparison"]
    level = f"{params.level * 100:g} %"
    findings = []
    for sex in SEXES:
        part = table[table["sex"] == sex]
        if part.empty:
            continue
        gap = float(part["gap"].iloc[0])
        comparison = compared.get(sex, "none")
        significant = comparison in ("better", "worse")
        direction = "shorter" if gap < 0 else "longer"
        if significant:
            first = (f"{SEX_WORDS[sex]} life expectancy in {params.name} was {fmt_num(abs(gap))} years {direction} than "
                     f"England's in {result.period}, a significant difference (at {level}).")
        else:
            first = (f"The {fmt_num(abs(gap))}-year difference between {params.name}'s and England's {sex} life "
                     f"expectancy in {result.period} ({params.name}'s {direction}) is not statistically significant "
                     f"(at {level}), so its breakdown by age may reflect chance.")
        took = part[part["contribution"] < 0].nsmallest(top, "contribution")
        added = part[part["contribution"] > 0].nlargest(top, "contribution")
        parts = []
        if len(took):
            parts.append(f"deaths in the age groups {_bands(took)} took most years from {params.name}'s life "
                         "expectancy compared with England")
        if len(added):
            parts.append(f"deaths in the age groups {_bands(added)} added most")
        joined = "; ".join(parts)
        text = first + (f" {joined[:1].upper()}{joined[1:]}." if parts else "")
        findings.append(Finding(
            key=f"le-gap/{sex}", topic="gap in life expectancy with England by age", area=params.name, sex=sex,
            period=result.period, value=abs(gap), unit="years", comparator="England",
            comparison=comparison if comparison in ("better", "similar", "worse") else "none",
            source="computed" if comparison in ("better", "similar", "worse") else "none", kind="context",
            importance=-1, text=text, evidence="gap-by-age",
        ))
    return GapByAge(table=table, findings=findings)
