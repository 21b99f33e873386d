"""Preventable mortality: deaths under 75 from causes considered preventable, and premature mortality.

Each function takes the chapter context (place + parameters) and returns tidy tables and the findings they
support; the template draws and publishes them. Numbers come only from the data layer and the statistics in
:mod:`phna.stats`:

- :func:`preventable_trend` — under-75 mortality from causes considered preventable (Fingertips 93721, 2019
  OECD/Eurostat definition), per district of the place and England, persons/male/female;
- :func:`preventable_cvd` — under-75 preventable cardiovascular mortality (ONS Explore Local Statistics, with
  95 % intervals), compared with England and the region;
- :func:`preventable_cancer` — under-75 preventable cancer mortality (Fingertips 40502, older extract);
- :func:`dsr_2014` — all-age and under-75 directly standardised death rates computed from the ONS 2014 counts for
  the place, its districts, its ICB, its region and England (Dobson limits, significance against England);
- :func:`funnel_2014` — the same rates for every English district/UA on a funnel plot;
- :func:`msoa_smr` — small-area (MSOA) standardised mortality ratios for under-75 preventable deaths against
  deprivation, with the fitted relationship and the MSOAs well above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as sps

from phna import data, stats
from phna.wording import comparison_phrase, fmt_int, fmt_num, fmt_value_ci, join_names

ENGLAND = "E92000001"
DISTRICT_PREFIXES = ("E06", "E07", "E08", "E09")
SEXES = ("persons", "male", "female")
UNIT = "per 100,000 (age-standardised, 2013 European Standard Population)"

PREVENTABLE_ID = 93721
CANCER_ID = 40502
CVD_DATASET = "preventable-cardiovascular-mortality-england"

SOURCE_PREVENTABLE = "OHID Fingertips, indicator 93721 (under-75 mortality from causes considered preventable)"
SOURCE_CANCER = "OHID Fingertips, indicator 40502 (under-75 mortality from cancer considered preventable)"
SOURCE_CVD = ("ONS Explore Local Statistics, preventable cardiovascular mortality (OHID Fingertips indicator 93722)")
SOURCE_2014 = "ONS deaths registered by area of usual residence, 2014, and ONS mid-2014 population estimates (MYE2)"
SOURCE_FUNNEL = SOURCE_2014 + "; funnel limits after Spiegelhalter (2005) as OHID's funnel plot tool"
SOURCE_MSOA = ("OHID Local Health, standardised mortality ratios 2015-19 (MSOA 2011); MHCLG English Indices of "
               "Deprivation 2019 (LSOA scores and mid-2015 population denominators)")

NOT_COMPARED_REASON = ("not compared: the Fingertips extract has no confidence intervals, so the difference from "
                       "England cannot be tested")


# ----------------------------------------------------------------------------------------------- helpers
def _names() -> dict[str, str]:
    """Area code → a readable name (districts and regions from the 2024 district lookup, England)."""
    lookup = data.district_lookup()
    names = dict(zip(lookup["region_code"], lookup["region_name"]))
    names.update(zip(lookup["district_code"], lookup["district_name"]))
    names[ENGLAND] = "England"
    return names


def _districts(ctx) -> tuple[str, ...]:
    return tuple(ctx.areas.districts) if getattr(ctx.place, "districts", ()) else ()


def _comparators(ctx) -> list[str]:
    """England first, then the other comparators (regions)."""
    codes = [ENGLAND] + [c for c in ctx.comparators if c != ENGLAND]
    return list(dict.fromkeys(codes))


def _limit_names(levels: list[float]) -> list[tuple[str, str]]:
    """Column names of the limits in the book's tables: lower_ci/upper_ci for the first level, then
    lower_ci_99_8/upper_ci_99_8 and so on."""
    out = []
    for i, level in enumerate(levels):
        suffix = "" if i == 0 else "_" + f"{level * 100:g}".replace(".", "_")
        out.append((f"lower_ci{suffix}", f"upper_ci{suffix}"))
    return out


def _rename_limits(df: pd.DataFrame, levels: list[float]) -> pd.DataFrame:
    """Rename :mod:`phna.stats` limit columns (``lowercl`` or ``lower95_0cl``…) to the book's names."""
    lows = [c for c in df.columns if c.startswith("lower") and c.endswith("cl")]
    ups = [c for c in df.columns if c.startswith("upper") and c.endswith("cl")]
    mapping = {}
    for (lo, up), (new_lo, new_up) in zip(zip(lows, ups), _limit_names(levels)):
        mapping[lo], mapping[up] = new_lo, new_up
    return df.rename(columns=mapping)


def _period_sort_key(period: str) -> int:
    return int(str(period)[:4])


def _level_label(level: float) -> str:
    return f"{level * 100:g} %"


# ------------------------------------------------------------------------------ Fingertips 93721 trend
@dataclass
class TrendResult:
    table: pd.DataFrame  # area_code, area_name, sex, period, value, lower_ci, upper_ci, indicator, unit, source
    latest: pd.DataFrame  # one row per district x sex: latest value, England, comparison, reason
    first_period: str | None
    latest_period: str | None
    message: str | None = None  # why the place could not be shown, when it could not
    findings: list[str] = field(default_factory=list)


def _fingertips_series(indicator_id: int) -> pd.DataFrame:
    """One Fingertips indicator, keeping only the newest extract's consistent series.

    The extracts of different ages disagree for the periods they share (later extracts use revised population
    estimates), so joining an older extract's early years to a newer extract's later years would put a step into
    the trend. Only the newest extract holding the indicator is kept.
    """
    df = data.fingertips(indicator_id)
    latest_by_file = {f: max(_period_sort_key(p) for p in df.loc[df["source_file"] == f, "period"])
                      for f in df["source_file"].unique()}
    keep = max(latest_by_file, key=latest_by_file.get)
    return df[df["source_file"] == keep].reset_index(drop=True)


def _trend(ctx, indicator_id: int, sexes=SEXES) -> TrendResult:
    names = _names()
    districts = _districts(ctx)
    series = _fingertips_series(indicator_id)
    series = series[series["sex"].isin(sexes)]
    if not districts:
        return TrendResult(pd.DataFrame(), pd.DataFrame(), None, None,
                           message=f"{ctx.name} is defined by small areas (LSOAs); Fingertips publishes this "
                                   "indicator only for whole districts and unitary authorities.")
    wanted = list(districts) + _comparators(ctx)
    rows = series[series["area_code"].isin(wanted)].copy()
    missing = [d for d in districts if d not in set(rows["area_code"])]
    if len(missing) == len(districts):
        return TrendResult(pd.DataFrame(), pd.DataFrame(), None, None,
                           message=f"The Fingertips extract has no rows for {join_names(names.get(d, d) for d in districts)} "
                                   f"(codes {', '.join(districts)}): the district may have a code created after the "
                                   "extract's geography.")
    rows["area_name"] = rows["area_code"].map(names).fillna(rows["area_name"])
    rows["lower_ci"] = np.nan
    rows["upper_ci"] = np.nan
    rows["role"] = np.where(rows["area_code"].isin(districts), "district of the place", "comparator")
    rows = rows.sort_values(["sex", "area_code", "period"], key=lambda s: s.map(_period_sort_key) if s.name == "period" else s)
    table = rows[["indicator_id", "indicator", "area_code", "area_name", "role", "sex", "period", "value",
                  "lower_ci", "upper_ci", "unit", "source_file"]].reset_index(drop=True)
    # The chapter's headline series (93721) shows the `period` asked for, or fails naming the periods it has;
    # secondary series show the same period where they have it, else their latest.
    last = ctx.select_period(table["period"], f"Fingertips indicator {indicator_id}", strict=indicator_id == PREVENTABLE_ID)
    table = table[table["period"].map(_period_sort_key) <= _period_sort_key(last)].reset_index(drop=True)
    periods = sorted(table["period"].unique(), key=_period_sort_key)
    first = periods[0]

    latest = table[table["period"] == last]
    england = latest[latest["area_code"] == ENGLAND].set_index("sex")["value"]
    published = None
    if "compared_to_england" in series.columns:  # the published Fingertips comparison, when the loader gives it
        published = series.set_index(["area_code", "sex", "period"])["compared_to_england"]
    recs = []
    for _, row in latest[latest["area_code"].isin(districts)].iterrows():
        comparison, reason = "not compared", NOT_COMPARED_REASON
        if published is not None:
            value = published.get((row["area_code"], row["sex"], last))
            if isinstance(value, str) and value.strip().lower() in ("better", "worse", "similar"):
                comparison, reason = value.strip().lower(), "as published by OHID (95 % confidence interval)"
        recs.append({"area_code": row["area_code"], "area_name": row["area_name"], "sex": row["sex"],
                     "period": last, "value": row["value"], "england": england.get(row["sex"], np.nan),
                     "comparison": comparison, "reason": reason, "unit": row["unit"],
                     "indicator": row["indicator"]})
    latest_table = pd.DataFrame(recs)
    message = None
    if missing:
        message = (f"No Fingertips rows for {join_names(missing)}; the other districts are shown.")
    return TrendResult(table=table, latest=latest_table, first_period=first, latest_period=last, message=message)


def preventable_trend(ctx) -> TrendResult:
    """Under-75 mortality from causes considered preventable, per district of the place and England.

    Fingertips indicator 93721 (directly standardised rate per 100,000, 2019 OECD/Eurostat definition), persons,
    males and females, every year in the newest extract. The extract has no confidence intervals, so the latest
    values are "not compared" with England (said plainly) unless the loader provides OHID's published comparison
    (a ``compared_to_england`` column). Regions are not in the extracts.
    """
    result = _trend(ctx, PREVENTABLE_ID)
    if result.message and result.table.empty:
        return result
    t = result.table
    findings = []
    for code in _districts(ctx):
        part = t[(t["area_code"] == code) & (t["sex"] == "persons")].set_index("period")["value"]
        if part.empty:
            continue
        name = t.loc[t["area_code"] == code, "area_name"].iloc[0]
        start, end = part.get(result.first_period), part.get(result.latest_period)
        if start is None or end is None or np.isnan(start) or np.isnan(end):
            continue
        change = end - start
        verb = "risen" if change > 0 else "fallen" if change < 0 else "stayed at"
        eng = t[(t["area_code"] == ENGLAND) & (t["sex"] == "persons")].set_index("period")["value"]
        eng_text = ""
        if result.first_period in eng.index and result.latest_period in eng.index:
            eng_change = eng[result.latest_period] - eng[result.first_period]
            eng_verb = "rose" if eng_change > 0 else "fell" if eng_change < 0 else "was unchanged"
            eng_text = (f" (England's {eng_verb} from {fmt_num(eng[result.first_period])} to "
                        f"{fmt_num(eng[result.latest_period])})")
        findings.append(
            f"{name}'s rate of under-75 deaths from preventable causes has {verb} "
            + (f"from {fmt_num(start)} per 100,000 in {result.first_period} to {fmt_num(end)} in {result.latest_period}"
               if change != 0 else f"{fmt_num(end)} per 100,000 between {result.first_period} and {result.latest_period}")
            + eng_text + "."
        )
    lat = result.latest
    if not lat.empty:
        persons = lat[lat["sex"] == "persons"]
        published = persons[persons["comparison"] != "not compared"]
        for _, row in published.iterrows():
            findings.append(
                f"In {row['period']} {row['area_name']}'s rate ({fmt_num(row['value'])} per 100,000) was "
                f"{comparison_phrase(row['comparison'], 'England', row['england'])} (OHID's published comparison)."
            )
        untested = persons[persons["comparison"] == "not compared"]
        if not untested.empty:
            england = untested["england"].iloc[0]
            groups = []
            for word, mask in (("higher than", untested["value"] > england), ("lower than", untested["value"] < england),
                               ("the same as", untested["value"] == england)):
                if mask.any():
                    named = join_names(f"{r['area_name']} ({fmt_num(r['value'])})" for _, r in untested[mask].iterrows())
                    groups.append(f"{word} England's ({fmt_num(england)}) in {named}")
            findings.append(
                f"In {result.latest_period} the rate per 100,000 was " + "; and ".join(groups)
                + ". Without confidence intervals in the data we cannot say whether "
                + ("this difference is" if len(untested) == 1 else "these differences are") + " significant."
            )
    result.findings = findings
    return result


def preventable_cancer(ctx) -> TrendResult:
    """Under-75 mortality from cancer considered preventable (Fingertips 40502), persons, 3-year periods.

    The extract is older (to 2015-17) and uses the definition of preventable cancer in use then; no confidence
    intervals, so not compared with England.
    """
    result = _trend(ctx, CANCER_ID, sexes=("persons",))
    if result.table.empty:
        return result
    t = result.table
    findings = []
    eng = t[t["area_code"] == ENGLAND].set_index("period")["value"]
    for code in _districts(ctx):
        part = t[t["area_code"] == code].set_index("period")["value"]
        if part.empty or result.latest_period not in part.index:
            continue
        name = t.loc[t["area_code"] == code, "area_name"].iloc[0]
        value, england = part[result.latest_period], eng.get(result.latest_period, np.nan)
        direction = "higher than" if value > england else "lower than" if value < england else "the same as"
        findings.append(
            f"Under-75 deaths from preventable cancers in {name}, {result.latest_period}: {fmt_num(value)} per 100,000, "
            f"{direction} England ({fmt_num(england)}; not tested for significance)."
        )
    result.findings = findings
    return result


# --------------------------------------------------------------------------------- ELS preventable CVD
@dataclass
class CvdResult:
    table: pd.DataFrame  # trend rows: districts + comparators, with 95 % CIs
    latest: pd.DataFrame  # districts: value, CI, England, region, comparisons
    latest_period: str | None
    message: str | None = None
    findings: list[str] = field(default_factory=list)


def preventable_cvd(ctx) -> CvdResult:
    """Under-75 preventable cardiovascular mortality (DSR per 100,000, 3-year periods, 95 % CIs).

    From ONS Explore Local Statistics (OHID indicator 93722), for the place's districts, England and the other
    comparators (regions). The latest value of each district is compared with England and with each regional
    comparator by the Fingertips rule (benchmark outside the district's 95 % interval; lower is better).
    """
    names = _names()
    districts = _districts(ctx)
    if not districts:
        return CvdResult(pd.DataFrame(), pd.DataFrame(), None,
                         message=f"{ctx.name} is defined by small areas; this indicator is published only for districts.")
    els = data.els(CVD_DATASET)
    wanted = list(districts) + _comparators(ctx)
    rows = els[els["area_code"].isin(wanted)].copy()
    if not rows["area_code"].isin(districts).any():
        return CvdResult(pd.DataFrame(), pd.DataFrame(), None,
                         message=f"Explore Local Statistics has no rows for {', '.join(districts)}.")
    rows["area_name"] = rows["area_code"].map(names).fillna(rows["area_name"])
    rows["role"] = np.where(rows["area_code"].isin(districts), "district of the place", "comparator")
    rows = rows.sort_values(["area_code", "period_start"])
    table = rows[["indicator", "area_code", "area_name", "role", "period", "value", "lower_ci", "upper_ci",
                  "unit", "status"]].reset_index(drop=True)
    table.insert(0, "sex", "persons")
    last = max(table["period"], key=_period_sort_key)
    latest = table[(table["period"] == last) & table["area_code"].isin(districts)].copy()
    bench = table[table["period"] == last].set_index("area_code")["value"]
    comparators = [c for c in _comparators(ctx) if c in bench.index]
    for code in comparators:
        col = "england" if code == ENGLAND else f"benchmark_{code}"
        latest[col] = bench[code]
        compared = stats.compare_to_benchmark(latest, lower_cl="lower_ci", upper_cl="upper_ci",
                                              benchmark=float(bench[code]), polarity="low is good")
        latest[f"comparison_{'england' if code == ENGLAND else code}"] = compared["comparison"].to_numpy()
    latest = latest.reset_index(drop=True)
    findings = []
    for _, row in latest.iterrows():
        parts = []
        for code in comparators:
            key = "england" if code == ENGLAND else code
            parts.append(comparison_phrase(row[f"comparison_{key}"], names.get(code, code),
                                           bench[code]))
        findings.append(
            f"Under-75 mortality from preventable cardiovascular disease in {row['area_name']}, {last}, was "
            f"{fmt_value_ci(row['value'], row['lower_ci'], row['upper_ci'], 'per 100,000')}: "
            + " and ".join(parts) + "."
        )
    absent = [names.get(c, c) for c in _comparators(ctx) if c not in bench.index]
    message = f"No rows for {join_names(absent)} in this dataset." if absent else None
    return CvdResult(table=table, latest=latest, latest_period=last, message=message, findings=findings)


# ------------------------------------------------------------------------------------- 2014 DSRs
UNDER_75 = 75


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
    out = _rename_limits(out, levels)
    out.insert(2, "ages", ages)
    return out


def icb_districts(ctx) -> tuple[str | None, str | None, tuple[str, ...]]:
    """The place's ICB (2022 lookup): its code, name and the districts with most of their LSOAs in it."""
    code = ctx.areas.icb_code
    lookup = data.lsoa11_lookup()
    if code is None:
        icbs = lookup.loc[lookup["lsoa11_code"].isin(ctx.areas.lsoa11), "icb_code"]
        if icbs.empty:
            return None, None, ()
        code = icbs.mode().iloc[0]
    share = lookup.assign(inside=lookup["icb_code"] == code).groupby("district_code")["inside"].mean()
    members = tuple(sorted(share[share > 0.5].index))
    name = lookup.loc[lookup["icb_code"] == code, "icb_name"].iloc[0]
    return code, str(name), members


@dataclass
class Dsr2014Result:
    table: pd.DataFrame  # one row per area x sex x ages
    notes: list[str]
    findings: list[str] = field(default_factory=list)


def dsr_2014(ctx) -> Dsr2014Result:
    """All-age and under-75 DSRs, 2014, from ONS counts: the place, its districts, its ICB, regions and England.

    The place's rate comes from its districts' summed deaths and populations (never an average of rates). Rates are
    standardised to the 2013 European Standard Population with ONS's split of the 0-4 weight (under 1 = 1,000;
    1-4 = 4,000) and carry Dobson limits at each confidence level; no rate from fewer than 10 deaths. Each area is
    compared with England (lower is better).
    """
    levels = list(ctx.confidence)
    names = _names()
    deaths = data.deaths_population_2014()
    deaths = deaths[deaths["area_code"].str.startswith("E")]
    available = set(deaths["area_code"])
    districts = _districts(ctx)
    notes: list[str] = []
    frames = []  # (role, area_code, area_name, counts by sex x age)

    def add(role: str, code: str, name: str, members: tuple[str, ...]) -> None:
        absent = [m for m in members if m not in available]
        if absent:
            notes.append(f"{name}: no 2014 deaths for {join_names(absent)} (a code created after 2014?), so no rate.")
            return
        part = deaths[deaths["area_code"].isin(members)]
        summed = part.groupby(["sex", "age_start"], as_index=False)[["deaths", "population"]].sum()
        summed.insert(0, "area_code", code)
        frames.append((role, code, name, summed))

    if districts:
        add("place", f"place:{ctx.place.slug}", ctx.name, districts)
        if len(districts) > 1:
            for d in districts:
                add("district", d, names.get(d, d), (d,))
    else:
        notes.append(f"{ctx.name} is defined by small areas (LSOAs); the 2014 deaths are published only for "
                     "districts, so the place itself has no rate here.")
    icb_code, icb_name, icb_members = icb_districts(ctx)
    if icb_code and set(icb_members) != set(districts):
        add("icb", icb_code, icb_name.replace("NHS ", "").replace(" Integrated Care Board", " ICB"), icb_members)
    for code in _comparators(ctx):
        if code in available:
            add("country" if code == ENGLAND else "region", code, names.get(code, code), (code,))
        else:
            notes.append(f"{names.get(code, code)} ({code}) is not in the 2014 deaths tables.")
    if not frames:
        return Dsr2014Result(pd.DataFrame(), notes)
    counts = pd.concat([f[3] for f in frames], ignore_index=True)
    counts = _with_persons(counts)
    table = pd.concat([_dsr_table(counts, levels, a) for a in ("all ages", "under 75")], ignore_index=True)
    meta = pd.DataFrame([(r, c, n) for r, c, n, _ in frames], columns=["role", "area_code", "area_name"])
    table = meta.merge(table, on="area_code", how="right")
    england = table[table["area_code"] == ENGLAND].set_index(["sex", "ages"])["value"]
    table["england"] = [england.get((s, a), np.nan) for s, a in zip(table["sex"], table["ages"])]
    lo99 = next((c for c in table.columns if c.startswith("lower_ci_")), None)
    up99 = lo99.replace("lower", "upper") if lo99 else None
    compared = stats.compare_to_benchmark(table, lower_cl="lower_ci", upper_cl="upper_ci", benchmark="england",
                                          polarity="low is good", lower_cl_99_8=lo99, upper_cl_99_8=up99)
    table["comparison"] = np.where(table["area_code"] == ENGLAND, "benchmark", compared["comparison"])
    if lo99:
        table["comparison_99_8"] = np.where(table["area_code"] == ENGLAND, "benchmark", compared["comparison_99_8"])
    table["period"] = "2014"
    table["unit"] = UNIT
    table = table.rename(columns={"total_count": "deaths", "total_pop": "population"})
    table["deaths"] = table["deaths"].astype("int64")
    table["population"] = table["population"].astype("int64")
    order = {"place": 0, "district": 1, "icb": 2, "region": 3, "country": 4}
    table = table.sort_values(["ages", "sex", "role"], key=lambda s: s.map(order) if s.name == "role" else s)
    table = table.reset_index(drop=True)

    findings = []
    level = _level_label(levels[0])
    main = table[(table["role"] == "place") & (table["sex"] == "persons")]
    if main.empty:
        main = table[(table["role"] == "icb") & (table["sex"] == "persons")]
    for _, row in main.sort_values("ages", ascending=False).iterrows():
        if row["suppressed"]:
            findings.append(f"{row['ages'].capitalize()} mortality in {row['area_name']} in 2014 is not shown: "
                            f"{row['reason']}.")
            continue
        verb = {"worse": "significantly higher than", "better": "significantly lower than",
                "similar": "not significantly different from"}.get(row["comparison"], "not compared with")
        findings.append(
            f"{'Under-75' if row['ages'] == 'under 75' else 'All-age'} mortality in {row['area_name']} in 2014, "
            f"{fmt_value_ci(row['value'], row['lower_ci'], row['upper_ci'], 'per 100,000', 0, levels[0])}, was {verb} "
            f"England's ({fmt_num(row['england'], 0)}); {fmt_int(row['deaths'])} deaths."
        )
    del level
    return Dsr2014Result(table=table, notes=notes, findings=findings)


# --------------------------------------------------------------------------------------- funnel 2014
@dataclass
class FunnelResult:
    points: pd.DataFrame  # every English district/UA: area, deaths, population_derived, value, significance, in_place
    limits: pd.DataFrame  # phna.stats.funnel_limits output (rates)
    ages: str
    sex: str
    baseline: float
    findings: list[str] = field(default_factory=list)


def funnel_2014(ctx, ages: str = "under 75", sex: str = "persons") -> FunnelResult:
    """DSRs of every English district/UA in 2014 on a Poisson funnel (95 % and 99.8 % limits).

    Each area's rate is computed from its own 2014 counts (ESP2013, ONS 0-4 split); the x axis is the
    population implied by the DSR (``100,000 x deaths / DSR``), as OHID's funnel tool; areas with fewer than 10
    deaths are left off. Significance is OHID's funnel rule (:func:`phna.stats.funnel_significance`).
    """
    if ages not in ("under 75", "all ages") or sex not in SEXES:
        raise ValueError(f"funnel_2014: ages must be 'under 75' or 'all ages' and sex one of {SEXES}; "
                         f"got {ages!r}, {sex!r}")
    names = _names()
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
    points = plotted[["area_code", "area_name", "deaths", "population", "value", "lower_ci", "upper_ci"]].copy()
    points["population_derived"] = pts["denominator_derived"].to_numpy()
    points["significance"] = sig["significance"].astype(str).to_numpy()
    districts = _districts(ctx)
    points["in_place"] = points["area_code"].isin(districts)
    points["ages"], points["sex"], points["period"], points["unit"] = ages, sex, "2014", UNIT
    points = points.sort_values("value", ascending=False).reset_index(drop=True)
    baseline = float(limits["baseline"].iloc[0])

    n = len(points)
    high3 = int((points["significance"] == "High (0.001)").sum())
    low3 = int((points["significance"] == "Low (0.001)").sum())
    findings = [
        f"Of England's {n} districts and unitary authorities, {high3} had {'under-75' if ages == 'under 75' else 'all-age'} death rates in 2014 above the "
        f"99.8 % funnel limit and {low3} below it (more variation than chance alone would give)."
    ]
    words = {"High (0.001)": "well above (outside the 99.8 % limit)", "High (0.025)": "above (outside the 95 % limit)",
             "Low (0.001)": "well below (outside the 99.8 % limit)", "Low (0.025)": "below (outside the 95 % limit)",
             "Not significant": "within the limits around"}
    for _, row in points[points["in_place"]].iterrows():
        rank = int((points["value"] > row["value"]).sum()) + 1
        findings.append(
            f"{row['area_name']} ({fmt_num(row['value'], 0)} per 100,000) was {words.get(row['significance'], row['significance'])} "
            f"the average of {fmt_num(baseline, 0)}, ranking {rank} of {n} from the highest."
        )
    return FunnelResult(points=points, limits=limits, ages=ages, sex=sex, baseline=baseline, findings=findings)


# ------------------------------------------------------------------------------- MSOA SMR vs IMD
@dataclass
class MsoaResult:
    msoas: pd.DataFrame  # all English MSOAs: code, name, smr, imd_score, population, expected, limits, in_place, outlier
    fit: pd.DataFrame  # x, fit, lower, upper (confidence band), pred_lower, pred_upper (typical MSOA)
    model: dict  # intercept, slope, r2, n, method
    outliers: pd.DataFrame  # the place's MSOAs above the prediction limit
    level: float
    findings: list[str] = field(default_factory=list)


def msoa_deprivation() -> pd.DataFrame:
    """Population-weighted IMD 2019 score of every English MSOA (2011) from its LSOAs' scores.

    Weights are the IoD 2019 mid-2015 population denominators. Returns ``msoa11_code, imd_score, population``.
    """
    imd = data.imd2019_lsoa()
    lookup = data.lsoa11_lookup()[["lsoa11_code", "msoa11_code"]]
    merged = imd.merge(lookup, on="lsoa11_code", how="inner")
    merged["weighted"] = merged["imd_score"] * merged["population_mid2015"]
    out = merged.groupby("msoa11_code", as_index=False)[["weighted", "population_mid2015"]].sum()
    out["imd_score"] = out["weighted"] / out["population_mid2015"]
    return out.rename(columns={"population_mid2015": "population"})[["msoa11_code", "imd_score", "population"]]


def fit_smr_deprivation(df: pd.DataFrame, *, x: str = "imd_score", y: str = "smr", population: str = "population",
                        level: float = 0.95, grid: int = 100) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Straight-line fit of SMR on deprivation score with Poisson-like variance (two-step WLS).

    An SMR's variance is roughly proportional to SMR / expected deaths, and expected deaths to the population, so
    the fit is weighted least squares with weights ``population / fitted SMR`` (fitted values from a first OLS).
    Each area's upper prediction limit is ``fit + t * sqrt(se_fit^2 + scale / weight)``.

    Returns
    -------
    (areas, fit, model)
        ``areas``: the input with ``expected`` (fitted SMR), ``pred_lower``, ``pred_upper`` and ``residual_z``
        ((SMR − fitted) / prediction SE); ``fit``: a grid of ``x`` with ``fit``, ``lower``/``upper`` (confidence band
        of the line) and ``pred_lower``/``pred_upper`` (prediction band for an MSOA of median population);
        ``model``: intercept, slope, r2, n, method.
    """
    import statsmodels.api as sm

    use = df.dropna(subset=[x, y, population])
    use = use[(use[population] > 0)]
    if len(use) < 3:
        raise ValueError(f"fit_smr_deprivation: need at least 3 areas with {x}, {y} and {population}; got {len(use)}")
    X = sm.add_constant(use[x].to_numpy(dtype=float))
    yv = use[y].to_numpy(dtype=float)
    first = sm.OLS(yv, X).fit()
    fitted = np.clip(first.fittedvalues, 1.0, None)
    w = use[population].to_numpy(dtype=float) / fitted
    model = sm.WLS(yv, X, weights=w).fit()
    t = sps.t.ppf(0.5 + level / 2, model.df_resid)
    pred = model.get_prediction(X)
    se_fit = pred.se_mean
    expected = pred.predicted_mean
    se_obs = np.sqrt(se_fit**2 + model.scale / w)
    areas = use.copy()
    areas["expected"] = expected
    areas["pred_lower"] = expected - t * se_obs
    areas["pred_upper"] = expected + t * se_obs
    areas["residual_z"] = (yv - expected) / se_obs
    xs = np.linspace(use[x].min(), use[x].max(), grid)
    Xg = sm.add_constant(xs, has_constant="add")
    pg = model.get_prediction(Xg)
    mean = pg.predicted_mean
    ci = pg.conf_int(alpha=1 - level)
    w_typ = float(np.median(use[population])) / np.clip(mean, 1.0, None)
    se_typ = np.sqrt(pg.se_mean**2 + model.scale / w_typ)
    fit = pd.DataFrame({"x": xs, "fit": mean, "lower": ci[:, 0], "upper": ci[:, 1],
                        "pred_lower": mean - t * se_typ, "pred_upper": mean + t * se_typ})
    info = {"intercept": float(model.params[0]), "slope": float(model.params[1]),
            "r2_ols": float(first.rsquared), "n": int(len(use)), "level": level,
            "method": "WLS, weights population / fitted SMR (statsmodels)"}
    return areas, fit, info


def msoa_smr(ctx, indicator: str = "smr_under75_preventable") -> MsoaResult:
    """Small-area (MSOA) SMRs for under-75 preventable deaths, 2015-19, against deprivation (IMD 2019).

    Every English MSOA's SMR (England = 100) is set against its population-weighted IMD 2019 score (from its
    LSOAs; IoD mid-2015 denominators). The relationship is fitted across all English MSOAs
    (:func:`fit_smr_deprivation`); the place's MSOAs whose SMR lies above the upper prediction limit at the first
    confidence level (95 %) are "outliers": higher than their deprivation predicts by more than chance would
    usually give. Local Health publishes no counts or intervals for these SMRs.
    """
    level = ctx.confidence[0]
    lh = data.local_health_msoa()
    smr = lh[lh["indicator"] == indicator][["msoa11_code", "area_name", "indicator_name", "period", "value"]]
    if smr.empty:
        raise data.DataError(f"msoa_smr: Local Health has no indicator {indicator!r}")
    smr = smr.rename(columns={"value": "smr", "area_name": "msoa_name"})
    dep = msoa_deprivation()
    merged = smr.merge(dep, on="msoa11_code", how="inner")
    areas, fit, info = fit_smr_deprivation(merged, level=level)
    place_msoas = set(ctx.areas.msoa11)
    areas["in_place"] = areas["msoa11_code"].isin(place_msoas)
    areas["outlier"] = areas["smr"] > areas["pred_upper"]
    areas["place_outlier"] = areas["in_place"] & areas["outlier"]
    lookup = data.lsoa11_lookup().drop_duplicates("msoa11_code").set_index("msoa11_code")["district_name"]
    areas["district_name"] = areas["msoa11_code"].map(lookup)
    areas = areas.sort_values(["in_place", "residual_z"], ascending=[False, False]).reset_index(drop=True)
    cols = ["msoa11_code", "msoa_name", "district_name", "indicator_name", "period", "smr", "imd_score", "population",
            "expected", "pred_lower", "pred_upper", "residual_z", "in_place", "outlier", "place_outlier"]
    areas = areas[cols]
    place = areas[areas["in_place"]]
    outliers = place[place["outlier"]].reset_index(drop=True)

    findings = []
    if place.empty:
        findings.append(f"No MSOA of {ctx.name} has a Local Health SMR.")
    else:
        r_place = float(np.corrcoef(place["imd_score"], place["smr"])[0, 1]) if len(place) > 2 else np.nan
        findings.append(
            f"Across England's {fmt_int(info['n'])} neighbourhoods (MSOAs), premature deaths from preventable causes "
            f"rise with deprivation: each 10 points of IMD score adds about {fmt_num(10 * info['slope'], 0)} to the SMR "
            f"(England = 100)."
            + (f" In {ctx.name}'s {len(place)} MSOAs the correlation with deprivation is {fmt_num(r_place, 2)}."
               if not np.isnan(r_place) else "")
        )
        if outliers.empty:
            findings.append(f"None of {ctx.name}'s MSOAs has an SMR above the {_level_label(level)} prediction limit "
                            "for its level of deprivation.")
        else:
            named = [f"{r['msoa_name']} (SMR {fmt_num(r['smr'], 0)} against {fmt_num(r['expected'], 0)} expected)"
                     for _, r in outliers.head(5).iterrows()]
            findings.append(
                f"{len(outliers)} of {ctx.name}'s {len(place)} MSOAs had more under-75 preventable deaths than their "
                f"deprivation predicts (above the {_level_label(level)} prediction limit): {join_names(named)}"
                + (f", and {len(outliers) - 5} more" if len(outliers) > 5 else "") + "."
            )
    return MsoaResult(msoas=areas, fit=fit, model=info, outliers=outliers, level=level, findings=findings)
