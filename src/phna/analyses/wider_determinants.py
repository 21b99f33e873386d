"""Wider determinants of health: deprivation (IMD 2019 and IoD 2025), income, work, education, housing and
environment indicators, and the link between deprivation and life expectancy.

Each function takes the chapter context (place + parameters) and returns tidy tables and the findings they
support; the template draws and publishes them. The IMD 2019 core (deciles, Core20) is
:func:`phna.analyses.overview.deprivation`, reused here for both indices.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as sps

from phna import data, geography, stats
from phna.analyses import indicators as registry
from phna.analyses import overview
from phna.wording import fmt_ci, fmt_num, fmt_pct, join_names

ENGLAND = "E92000001"
#: IoD domains in their published order, with plain names.
DOMAIN_LABELS = {
    "income": "Income",
    "employment": "Employment",
    "education": "Education, skills and training",
    "health": "Health deprivation and disability",
    "crime": "Crime",
    "barriers": "Barriers to housing and services",
    "living_environment": "Living environment",
}
INDEX_LABELS = overview.INDEX_LABELS


def _with_index(ctx, index: str):
    """The same chapter context with another deprivation index (sharing the place's areas)."""
    other = copy.copy(ctx)
    other.params = dataclasses.replace(ctx.params, deprivation_index=index)
    return other


# ------------------------------------------------------------------------------------ deprivation
@dataclass
class Deprivation:
    imd2019: overview.DeprivationResult
    iod2025: overview.DeprivationResult | None
    iod2025_error: str | None = None
    findings: list[str] = field(default_factory=list)

    def for_index(self, index: str) -> overview.DeprivationResult | None:
        return self.imd2019 if index == "imd2019" else self.iod2025

    @property
    def core20(self) -> pd.DataFrame:
        """The Core20 rows of both indices (IMD 2019 by population, IoD 2025 by small areas)."""
        frames = [r.core20 for r in (self.imd2019, self.iod2025) if r is not None]
        return pd.concat(frames, ignore_index=True)


def deprivation(ctx) -> Deprivation:
    """Deciles and the Core20 share of the place by IMD 2019 and IoD 2025 (via :func:`overview.deprivation`)."""
    imd = overview.deprivation(_with_index(ctx, "imd2019"))
    try:
        iod = overview.deprivation(_with_index(ctx, "iod2025"))
        error = None
    except data.DataError as exc:
        iod, error = None, str(exc)
    findings = [imd.findings[0]]
    if iod is not None:
        findings.append(iod.findings[0])
    return Deprivation(imd2019=imd, iod2025=iod, iod2025_error=error, findings=findings)


@dataclass
class Domains:
    table: pd.DataFrame  # index, domain, domain_label, lsoas_in_deciles_1_2, lsoas, share, england_share
    findings: list[str] = field(default_factory=list)


def _place_lsoas(ctx, index: str) -> pd.DataFrame:
    if index == "imd2019":
        df = data.imd2019_lsoa()
        return df[df["lsoa11_code"].isin(ctx.areas.lsoa11)].rename(columns={"lsoa11_code": "lsoa_code"})
    df = data.iod2025_lsoa()
    return df[df["lsoa21_code"].isin(ctx.areas.lsoa21)].rename(columns={"lsoa21_code": "lsoa_code"})


def domain_shares(lsoas: pd.DataFrame, index: str) -> pd.DataFrame:
    """Share of a set of LSOAs in national deciles 1-2 of the IMD and of each of its seven domains.

    Nationally 20 % of LSOAs are in deciles 1-2 of every domain by construction, so a share above 20 % means
    the domain contributes more than its share to the place's deprivation.
    """
    rows = []
    for domain, label in {"imd": "Index of Multiple Deprivation (overall)", **DOMAIN_LABELS}.items():
        deciles = lsoas[f"{domain}_decile"]
        rows.append({"index": INDEX_LABELS[index], "domain": domain, "domain_label": label,
                     "lsoas_in_deciles_1_2": int((deciles <= 2).sum()), "lsoas": int(deciles.notna().sum())})
    out = pd.DataFrame(rows)
    out["share"] = 100 * out["lsoas_in_deciles_1_2"] / out["lsoas"].where(out["lsoas"] > 0)
    out["england_share"] = 20.0
    return out


def domains(ctx) -> Domains:
    """Which of the seven IoD domains drive the place's deprivation, for IMD 2019 and IoD 2025."""
    frames = []
    for index in ("imd2019", "iod2025"):
        lsoas = _place_lsoas(ctx, index)
        if len(lsoas):
            frames.append(domain_shares(lsoas, index))
    if not frames:
        return Domains(table=pd.DataFrame(), findings=[])
    table = pd.concat(frames, ignore_index=True)
    latest = table[table["index"] == table["index"].iloc[-1]]
    doms = latest[latest["domain"] != "imd"].sort_values("share", ascending=False)
    above = doms[doms["share"] >= 25]
    label = latest["index"].iloc[0]
    if len(above):
        parts = [f"{r.domain_label.lower()} ({fmt_pct(r.share, 0)} of its small areas)" for r in above.itertuples()]
        first = (f"By {label}, deprivation in {ctx.name} is driven most by {join_names(parts)} in the most deprived "
                 f"20 % of England for these domains, against 20 % nationally.")
    else:
        top = doms.iloc[0]
        first = (f"By {label}, no domain of deprivation in {ctx.name} is markedly above the national 20 %: the highest "
                 f"is {top.domain_label.lower()} ({fmt_pct(top.share, 0)} of its small areas in deciles 1-2).")
    low = doms[doms["share"] < 10]
    findings = [first]
    if len(low):
        findings.append(f"Fewer than 10 % of {ctx.name}'s small areas are among England's most deprived 20 % for "
                        f"{join_names(low['domain_label'].str.lower())}.")
    return Domains(table=table, findings=findings)


# ------------------------------------------------------------------------------ change 2019 → 2025
@dataclass
class Change:
    deciles: pd.DataFrame  # index, decile, lsoas, share
    summary: pd.DataFrame  # measure, IMD 2019, IoD 2025
    lsoas: pd.DataFrame  # one row per LSOA21: codes, deciles 2019 (via lookup) and 2025, movement
    moved_in: int
    moved_out: int
    findings: list[str] = field(default_factory=list)


def _areas(n: int) -> str:
    return "no small area" if n == 0 else "1 small area" if n == 1 else f"{n} small areas"


def imd2019_on_lsoa21(lsoa21_codes) -> pd.DataFrame:
    """IMD 2019 deciles carried onto 2021 LSOAs through the ONS best-fit LSOA11→LSOA21 lookup.

    An unchanged or split LSOA takes its 2011 parent's decile; a 2021 LSOA formed by merging (or an irregular
    change) takes the median of its parents' deciles (rounded towards more deprived) and counts as in the
    most deprived 20 % in 2019 when at least half of its parents were.

    Returns
    -------
    pandas.DataFrame
        ``lsoa21_code, imd2019_decile, imd2019_core20`` (bool), ``parents`` (number of 2011 LSOAs), ``change_code``.
    """
    lookup = data.lsoa11_lsoa21_lookup()
    lookup = lookup[lookup["lsoa21_code"].isin(list(lsoa21_codes))]
    imd = data.imd2019_lsoa()[["lsoa11_code", "imd_decile"]]
    merged = lookup.merge(imd, on="lsoa11_code", how="inner")
    merged["core"] = merged["imd_decile"] <= 2
    out = merged.groupby("lsoa21_code").agg(
        imd2019_decile=("imd_decile", lambda s: int(np.floor(s.median()))),
        core_share=("core", "mean"),
        parents=("lsoa11_code", "nunique"),
        change_code=("change_code", lambda s: ",".join(sorted(set(s.astype(str))))),
    ).reset_index()
    out["imd2019_core20"] = out["core_share"] >= 0.5
    return out[["lsoa21_code", "imd2019_decile", "imd2019_core20", "parents", "change_code"]]


def change(ctx, dep: Deprivation | None = None) -> Change | None:
    """What changed between IMD 2019 and IoD 2025: decile distributions and moves into/out of the Core20.

    Both distributions count small areas (the IoD 2025 population denominators are not in the mirror), so
    they compare like with like. Returns None when IoD 2025 does not cover the place.
    """
    dep = dep or deprivation(ctx)
    if dep.iod2025 is None:
        return None
    old, new = dep.imd2019, dep.iod2025
    deciles = []
    for result in (old, new):
        d = result.lsoas.groupby("imd_decile").size().reindex(range(1, 11), fill_value=0)
        deciles.append(pd.DataFrame({"index": result.label, "decile": range(1, 11), "lsoas": d.to_numpy(),
                                     "share": 100 * d.to_numpy() / d.sum()}))
    deciles = pd.concat(deciles, ignore_index=True)
    carried = imd2019_on_lsoa21(new.lsoas["lsoa_code"])
    lsoas = new.lsoas[["lsoa_code", "lsoa_name", "district_name", "imd_decile"]].rename(
        columns={"lsoa_code": "lsoa21_code", "lsoa_name": "lsoa21_name", "imd_decile": "iod2025_decile"})
    lsoas = lsoas.merge(carried, on="lsoa21_code", how="left")
    lsoas["iod2025_core20"] = lsoas["iod2025_decile"] <= 2
    known = lsoas["imd2019_core20"].notna()
    was = lsoas["imd2019_core20"].fillna(False).astype(bool)
    moved_in = int((known & ~was & lsoas["iod2025_core20"]).sum())
    moved_out = int((known & was & ~lsoas["iod2025_core20"]).sum())
    lsoas["movement"] = np.select(
        [~known, ~was & lsoas["iod2025_core20"], was & ~lsoas["iod2025_core20"]],
        ["no 2019 match", "moved into the most deprived 20 %", "moved out of the most deprived 20 %"],
        default="no change in Core20 status")
    lsoas["decile_change"] = lsoas["imd2019_decile"] - lsoas["iod2025_decile"]  # positive = more deprived in 2025

    def share12(result):
        return 100 * (result.lsoas["imd_decile"] <= 2).mean()

    s_old, s_new = share12(old), share12(new)
    summary = pd.DataFrame({
        "measure": ["Small areas (LSOAs)", "LSOAs in national deciles 1-2 (most deprived 20 %)",
                    "% of LSOAs in deciles 1-2", "LSOAs in national deciles 9-10 (least deprived 20 %)",
                    "2021 LSOAs moving into deciles 1-2 since 2019", "2021 LSOAs moving out of deciles 1-2 since 2019"],
        old.label: [len(old.lsoas), int((old.lsoas["imd_decile"] <= 2).sum()), round(s_old, 1),
                    int((old.lsoas["imd_decile"] >= 9).sum()), np.nan, np.nan],
        new.label: [len(new.lsoas), int((new.lsoas["imd_decile"] <= 2).sum()), round(s_new, 1),
                    int((new.lsoas["imd_decile"] >= 9).sum()), moved_in, moved_out],
    })
    diff = s_new - s_old
    trend = ("rose" if diff >= 1 else "fell" if diff <= -1 else "barely changed")
    findings = [
        f"The share of {ctx.name}'s small areas in England's most deprived 20 % {trend}, from {fmt_pct(s_old)} "
        f"(IMD 2019) to {fmt_pct(s_new)} (IoD 2025); {_areas(moved_in)} moved into the most deprived 20 % and "
        f"{_areas(moved_out)} moved out. Ranks are relative to the rest of England and boundaries changed in 2021, so "
        "this shows position, not absolute change."
    ]
    return Change(deciles=deciles, summary=summary, lsoas=lsoas, moved_in=moved_in, moved_out=moved_out,
                  findings=findings)


# ------------------------------------------------------------------------------------- indicators
@dataclass
class Indicators:
    table: pd.DataFrame  # one row per indicator x place district
    unavailable: list[tuple[str, str]] = field(default_factory=list)  # (indicator title, reason)
    title: str = ""
    note: str = ""  # e.g. a place of small areas shown through the districts it lies in
    findings: list[str] = field(default_factory=list)


TABLE_COLUMNS = [
    "domain", "indicator_id", "indicator", "unit", "polarity", "period", "area_code", "area_name", "value",
    "lower_ci", "upper_ci", "england", "england_districts_min", "england_districts_q25",
    "england_districts_median", "england_districts_q75", "england_districts_max", "england_districts_n",
    "centre", "centre_basis", "similar_median", "similar_min", "similar_max", "similar_n", "comparison",
    "district_quartile", "trend", "decimals", "source", "note",
]


#: Columns shown on the page for the Core20 table.
CORE20_HEADINGS = {
    "index": "Index", "x": "In national deciles 1-2", "n": "Total", "value": "Share (proportion)",
    "lowercl": "Lower 95 % CI", "uppercl": "Upper 95 % CI", "lsoas_in_core20": "LSOAs in deciles 1-2",
    "lsoas": "LSOAs", "basis": "Counted as",
}
#: Columns shown on the page for the indicator table (the CSV keeps every column).
INDICATOR_TABLE_HEADINGS = {
    "indicator": "Indicator", "period": "Period", "area_name": "District", "value": "Value",
    "lower_ci": "Lower 95 % CI", "upper_ci": "Upper 95 % CI", "unit": "Unit", "england": "England",
    "similar_median": "Similar areas: median", "similar_min": "Similar areas: lowest",
    "similar_max": "Similar areas: highest", "comparison": "Compared with England",
    "district_quartile": "Among English districts", "trend": "Recent trend",
}
FIT_HEADINGS = {
    "sex": "Sex", "slope_per_10_points": "Change in life expectancy per 10-point rise in IMD score (years)",
    "lower_ci": "Lower CI", "upper_ci": "Upper CI", "r_squared": "R²", "msoas": "MSOAs",
}
PLACE_FIT_HEADINGS = {
    "sex": "Sex", "msoas": "MSOAs in the place", "mean_residual": "Average distance from the national line (years)",
    "lower_ci": "Lower CI", "upper_ci": "Upper CI", "position": "Above, on or below the line",
}


def _quartile_position(value, q25, q75, polarity) -> str:
    if pd.isna(value):
        return "no value"
    if polarity == "no judgement":
        return "highest quarter" if value > q75 else "lowest quarter" if value < q25 else "middle half"
    worse = value < q25 if polarity == "high is good" else value > q75
    better = value > q75 if polarity == "high is good" else value < q25
    return "worst quarter" if worse else "best quarter" if better else "middle half"


def _trends(ind, frame: pd.DataFrame, codes) -> dict:
    """Fingertips recent trend for each district with five or more points that all have CIs."""
    out = {}
    rows = frame[frame["area_code"].isin(codes)].dropna(subset=["value", "lower_ci", "upper_ci"])
    if rows.empty:
        return {c: "not tested (no confidence intervals)" for c in codes}
    result = stats.recent_trend(rows, time="time", value="value", lower_cl="lower_ci", upper_cl="upper_ci",
                                by="area_code")
    for r in result.itertuples():
        out[r.area_code] = r.trend if r.trend != "cannot be calculated" else "cannot be calculated (fewer than 5 points)"
    return {c: out.get(c, "cannot be calculated (fewer than 5 points)") for c in codes}


def indicator_table(ctx, similar_kind: str = "global") -> Indicators:
    """Latest value of each wider-determinant indicator for each of the place's districts.

    Each district is compared with England (Fingertips method, by the indicator's polarity, where its 95 % CI
    is published), placed in the distribution of English districts (quartiles) and set against the median and
    range of its 20 ONS similar areas. Published rates are never averaged across districts.
    """
    districts = list(getattr(ctx.place, "districts", ()) or ())
    names = dict(zip(data.district_lookup()["district_code"], data.district_lookup()["district_name"]))
    note = ""
    if not districts and ctx.areas.districts:
        # A place of small areas: these indicators exist only for whole local authorities.
        districts = list(ctx.areas.districts)
        note = (f"{ctx.name} is made of small areas, and these indicators are published only for whole local "
                f"authorities: the values shown are those of the district(s) it lies in "
                f"({join_names(names.get(c, c) for c in districts)}), not of {ctx.name} itself.")
    neighbours = data.similar_areas(similar_kind)
    rows, unavailable = [], []
    if not districts:
        return Indicators(table=pd.DataFrame(columns=TABLE_COLUMNS),
                          unavailable=[("All indicators", f"{ctx.name} is not made of whole districts: these "
                                        "indicators are published for local authorities only.")])
    for ind in registry.REGISTRY:
        try:
            frame = registry.load(ind)
        except data.DataError as exc:
            unavailable.append((ind.title, str(exc)))
            continue
        english = frame[registry.is_english_district(frame["area_code"])]
        if english.empty:
            unavailable.append((ind.title, "no values for English districts"))
            continue
        latest_time = english["time"].max()
        latest = frame[frame["time"] == latest_time]
        eng_latest = latest[registry.is_english_district(latest["area_code"])]["value"]
        england_row = latest[latest["area_code"] == ENGLAND]
        england = float(england_row["value"].iloc[0]) if len(england_row) else np.nan
        q = eng_latest.quantile([0, 0.25, 0.5, 0.75, 1]).to_numpy()
        centre = england if not np.isnan(england) else q[2]
        basis = "England" if not np.isnan(england) else "median English district"
        trends = _trends(ind, frame, districts)
        for code in districts:
            own = latest[latest["area_code"] == code]
            value = float(own["value"].iloc[0]) if len(own) else np.nan
            lower = float(own["lower_ci"].iloc[0]) if len(own) else np.nan
            upper = float(own["upper_ci"].iloc[0]) if len(own) else np.nan
            peers = neighbours.loc[neighbours["area_code"] == code, "neighbour_code"]
            peer_values = latest.loc[latest["area_code"].isin(peers), "value"]
            comparison = "not compared"
            if not (np.isnan(lower) or np.isnan(upper) or np.isnan(england)):
                comparison = stats.compare_to_benchmark(
                    pd.DataFrame({"lo": [lower], "up": [upper]}), lower_cl="lo", upper_cl="up",
                    benchmark=england, polarity=ind.polarity)["comparison"].iloc[0]
            rows.append({
                "domain": ind.domain, "indicator_id": ind.id, "indicator": ind.title, "unit": ind.unit,
                "polarity": ind.polarity, "period": str(latest["period"].iloc[0]), "area_code": code,
                "area_name": names.get(code, code), "value": value, "lower_ci": lower, "upper_ci": upper,
                "england": england, "england_districts_min": q[0], "england_districts_q25": q[1],
                "england_districts_median": q[2], "england_districts_q75": q[3], "england_districts_max": q[4],
                "england_districts_n": int(eng_latest.size), "centre": centre, "centre_basis": basis,
                "similar_median": float(peer_values.median()) if len(peer_values) else np.nan,
                "similar_min": float(peer_values.min()) if len(peer_values) else np.nan,
                "similar_max": float(peer_values.max()) if len(peer_values) else np.nan,
                "similar_n": int(peer_values.size), "comparison": comparison,
                "district_quartile": _quartile_position(value, q[1], q[3], ind.polarity),
                "trend": trends[code], "decimals": ind.decimals, "source": ind.source_label, "note": ind.note,
            })
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    findings, title = _indicator_findings(ctx, table)
    return Indicators(table=table, unavailable=unavailable, title=title, findings=findings, note=note)


def _value_unit(value, unit: str, decimals: int = 1) -> str:
    """"85.6 %", "£757 per week", "6.25 (ratio)"."""
    number = fmt_num(value, decimals)
    if unit.startswith("£"):
        rest = unit[1:].strip()
        return f"£{number}" + (f" {rest}" if rest else "")
    if unit.startswith("%"):
        return f"{number} %"
    return f"{number} {unit}"


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym ("GCSEs", "PM2.5")."""
    first = text.split(" ", 1)[0]
    return text if sum(c.isupper() for c in first) > 1 else text[:1].lower() + text[1:]


def _indicator_findings(ctx, table: pd.DataFrame) -> tuple[list[str], str]:
    if table.empty:
        return [], f"{ctx.name}: no wider-determinant indicators available"
    findings = []
    # A place of small areas quotes its district's figures: they are named as the district's, always.
    several = table["area_code"].nunique() > 1 or bool(getattr(ctx.place, "lsoas", ()))
    table = table.assign(area_name=[geography.published_area_name(ctx.place, c) for c in table["area_code"]])
    tested = table[table["comparison"] != "not compared"]
    worse = tested[tested["comparison"] == "worse"]
    better = tested[tested["comparison"] == "better"]
    for label, part in (("significantly worse than England", worse), ("significantly better than England", better)):
        if part.empty:
            continue
        items = []
        for _, rows in part.groupby("indicator_id", sort=False):
            r = rows.iloc[0]
            values = [(f"{row.area_name} " if several else "")
                      + f"{_value_unit(row.value, row.unit, row.decimals)} ({fmt_ci(row.lower_ci, row.upper_ci, row.decimals)})"
                      for row in rows.itertuples()]
            items.append(f"{_lower_first(r['indicator'])}, {r['period']}: {join_names(values)}; "
                         f"England {_value_unit(r['england'], r['unit'], r['decimals'])}")
        findings.append(f"{label[0].upper()}{label[1:]}: " + "; ".join(items) + ".")
    if len(tested) and worse.empty and better.empty:
        findings.append(f"None of the {tested['indicator_id'].nunique()} indicators with published confidence "
                        f"intervals is significantly different from England in {ctx.name}.")
    worst_q = table[table["district_quartile"] == "worst quarter"]
    if len(worst_q):
        items = []
        for _, rows in worst_q.groupby("indicator_id", sort=False):
            items.append(_lower_first(rows["indicator"].iloc[0])
                         + (f" ({join_names(rows['area_name'])})" if several else ""))
        findings.append(f"Among the worst quarter of English districts: {'; '.join(items)}.")
    trending = table[table["trend"].isin(["increasing", "decreasing"])]
    if len(trending):
        items = [f"{_lower_first(r.indicator)}" + (f" in {r.area_name}" if several else "") + f" ({r.trend})"
                 for r in trending.itertuples()]
        findings.append(f"Significant recent trends (last five periods): {join_names(items)}.")
    n_tested, n_worse, n_better = len(tested), len(worse), len(better)
    what = "indicators" if not several else "district values"
    if not n_tested:
        title = f"{ctx.name}: wider determinants against the range of English districts"
    elif n_worse and n_better:
        title = (f"{ctx.name}: of {n_tested} {what} with confidence intervals, {n_worse} significantly worse and "
                 f"{n_better} better than England")
    elif n_worse:
        title = f"{ctx.name}: {n_worse} of {n_tested} {what} with confidence intervals significantly worse than England"
    elif n_better:
        title = (f"{ctx.name}: {n_better} of {n_tested} {what} with confidence intervals significantly better than "
                 "England, none worse")
    else:
        title = f"{ctx.name}: no {what} with confidence intervals significantly different from England"
    return findings, title


# ------------------------------------------------------------------ deprivation and life expectancy
@dataclass
class LifeExpectancyGradient:
    points: pd.DataFrame  # msoa11_code, msoa11_name, sex, imd_score, value, lower_ci, upper_ci, in_place, fitted, residual
    fits: pd.DataFrame  # sex, slope_per_10_points, lower_ci, upper_ci, intercept, r_squared, msoas, method
    place: pd.DataFrame  # sex, msoas, mean_residual, lower_ci, upper_ci, position
    findings: list[str] = field(default_factory=list)


def msoa_imd_score() -> pd.DataFrame:
    """IMD 2019 score of each 2011 MSOA: the population-weighted mean of its LSOAs' scores.

    Weights are the IoD 2019 mid-2015 LSOA populations (the denominators the IoD itself uses), the same
    method as the House of Commons Library's MSOA-level IMD.
    """
    imd = data.imd2019_lsoa()[["lsoa11_code", "imd_score", "population_mid2015"]]
    lookup = data.lsoa11_lookup()[["lsoa11_code", "msoa11_code"]]
    df = imd.merge(lookup, on="lsoa11_code", how="inner")
    df["weighted"] = df["imd_score"] * df["population_mid2015"]
    out = df.groupby("msoa11_code", as_index=False)[["weighted", "population_mid2015"]].sum()
    out["imd_score"] = out["weighted"] / out["population_mid2015"]
    return out[["msoa11_code", "imd_score"]]


def le_deprivation(ctx, confidence: float = 0.95) -> LifeExpectancyGradient:
    """Association between neighbourhood deprivation and life expectancy across England's MSOAs, 2016-20.

    Weighted least squares of MSOA life expectancy at birth (ONS, 2016-20) on the MSOA IMD 2019 score, by
    sex, with weights 1/SE² from the published 95 % CIs. The place's MSOAs are then compared with the national
    line: the mean of their residuals, with a t interval, says whether they lie above, below or on it.
    """
    le = data.msoa_life_expectancy()
    le = le[le["sex"].isin(["male", "female"])].dropna(subset=["value", "lower_ci", "upper_ci"])
    df = le.merge(msoa_imd_score(), on="msoa11_code", how="inner")
    df["in_place"] = df["msoa11_code"].isin(ctx.areas.msoa11)
    z = sps.norm.ppf(0.975)
    df["se"] = (df["upper_ci"] - df["lower_ci"]) / (2 * z)
    df = df[df["se"] > 0]
    fits, places, parts = [], [], []
    for sex, part in df.groupby("sex", sort=False):
        X = sm.add_constant(part["imd_score"].to_numpy())
        model = sm.WLS(part["value"].to_numpy(), X, weights=1 / part["se"].to_numpy() ** 2).fit()
        lo, hi = model.conf_int(alpha=1 - confidence)[1]
        fits.append({"sex": sex, "slope_per_10_points": 10 * model.params[1], "lower_ci": 10 * lo,
                     "upper_ci": 10 * hi, "intercept": model.params[0], "r_squared": model.rsquared,
                     "msoas": int(len(part)), "confidence": confidence,
                     "method": "weighted least squares (weights 1/SE²), statsmodels WLS"})
        part = part.assign(fitted=model.predict(X))
        part["residual"] = part["value"] - part["fitted"]
        parts.append(part)
        own = part[part["in_place"]]
        n = len(own)
        if n >= 3:
            mean = own["residual"].mean()
            half = sps.t.ppf(0.5 + confidence / 2, n - 1) * own["residual"].std(ddof=1) / np.sqrt(n)
            lower, upper = mean - half, mean + half
            position = "above" if lower > 0 else "below" if upper < 0 else "on"
        else:
            mean = lower = upper = np.nan
            position = "too few neighbourhoods to say"
        places.append({"sex": sex, "msoas": n, "mean_residual": mean, "lower_ci": lower, "upper_ci": upper,
                       "position": position})
    points = pd.concat(parts, ignore_index=True)[
        ["msoa11_code", "msoa11_name", "sex", "period", "imd_score", "value", "lower_ci", "upper_ci", "in_place",
         "fitted", "residual"]]
    points = points.round({"imd_score": 3, "fitted": 3, "residual": 3})  # keeps the CSV behind the chart small
    fits = pd.DataFrame(fits)
    places = pd.DataFrame(places)
    findings = []
    for fit, pl in zip(fits.itertuples(), places.itertuples()):
        sign = -1 if fit.slope_per_10_points < 0 else 1
        ci_lo, ci_hi = sorted((sign * fit.lower_ci, sign * fit.upper_ci))
        sentence = (
            f"Across England, each 10-point rise in a neighbourhood's deprivation score (IMD 2019) goes with "
            f"{fmt_num(abs(fit.slope_per_10_points), 2)} {'fewer' if fit.slope_per_10_points < 0 else 'more'} years of "
            f"{fit.sex} life expectancy ({fmt_ci(ci_lo, ci_hi, decimals=2, level=confidence)}; MSOAs, 2016-20)"
        )
        if pl.position in ("above", "below"):
            sentence += (f"; {ctx.name}'s {pl.msoas} neighbourhoods lie {pl.position} the national line, by "
                         f"{fmt_num(abs(pl.mean_residual))} years on average "
                         f"({fmt_ci(pl.lower_ci, pl.upper_ci, level=confidence)}).")
        elif pl.position == "on":
            sentence += (f"; {ctx.name}'s {pl.msoas} neighbourhoods follow the national pattern (average difference "
                         f"{fmt_num(pl.mean_residual)} years, {fmt_ci(pl.lower_ci, pl.upper_ci, level=confidence)}).")
        else:
            sentence += f"; {ctx.name} has too few neighbourhoods (MSOAs) to compare with the national line."
        findings.append(sentence)
    return LifeExpectancyGradient(points=points, fits=fits, place=places, findings=findings)
