"""Life expectancy: how long people live in the place, how that compares, and how it varies within it.

Each function takes the chapter context and returns tidy tables with the findings they support; the
template draws and publishes them. Published life expectancies (Fingertips, ONS) are shown per district and
never averaged; the place's own life expectancy is computed from summed deaths and populations by age.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna import data, stats
from phna.analyses.extract import AGE_BAND_LABELS, read_deaths_extract
from phna.wording import comparison_phrase, fmt_num, fmt_value_ci, join_names
from phna.charts import style

ENGLAND = "E92000001"
SEXES = ("male", "female")
SEX_WORDS = {"male": "Male", "female": "Female"}
PEOPLE = {"male": "men", "female": "women"}
BAND_LABEL = dict(zip([0, 1, *range(5, 95, 5)], AGE_BAND_LABELS))
ONS_2014_SOURCE = "ONS deaths registered by area of usual residence, 2014 registrations; ONS mid-2014 population estimates"


def _limit_columns(levels: list[float]) -> dict[str, str]:
    """Map the stats output limit columns to the book's names (lower_ci/upper_ci = 95 %)."""
    if len(levels) == 1:
        return {"lowercl": "lower_ci", "uppercl": "upper_ci"}
    names = {}
    for level in levels:
        suffix = f"{level * 100:.1f}".replace(".", "_")
        book = "ci" if abs(level - 0.95) < 1e-9 else suffix
        names[f"lower{suffix}cl"] = f"lower_{book}"
        names[f"upper{suffix}cl"] = f"upper_{book}"
    return names


def _levels(ctx) -> list[float]:
    """The confidence levels to compute: 95 % always first (the book's main interval), then the others."""
    return [0.95] + [c for c in ctx.confidence if abs(c - 0.95) > 1e-9]


# --------------------------------------------------------------------------------------------- published
@dataclass
class PublishedLE:
    trend: pd.DataFrame  # area_code, area_name, role, sex, period, value, lower_ci, upper_ci, unit, indicator
    latest: pd.DataFrame  # one row per place district and sex at the latest period, with England and comparison
    period: str
    findings: list[str] = field(default_factory=list)

    @property
    def districts(self) -> list[str]:
        """Names of the place's districts as they appear in the trend (to highlight them)."""
        return list(dict.fromkeys(self.trend.loc[self.trend["role"] == "place district", "area_name"]))


def published(ctx, indicator_id: int = 90366) -> PublishedLE:
    """Published life expectancy at birth (Fingertips 90366) for the place's districts and England.

    The ICB's other districts are kept as grey context lines. The extracts carry no confidence limits, so
    the latest values are "not compared" with England (no significance is invented).
    """
    ft = data.fingertips(indicator_id)
    ft = ft[ft["sex"].isin(SEXES) & ft["inequality"].isna()]
    districts = list(ctx.areas.districts)
    context = _icb_districts(ctx)
    rows = ft[ft["area_code"].isin(set(districts) | set(context) | {ENGLAND})].copy()
    if not rows["area_code"].isin(districts).any():
        raise data.DataError(f"Fingertips {indicator_id} has no rows for the districts of {ctx.name}: {districts}")
    rows["role"] = np.where(rows["area_code"] == ENGLAND, "England",
                            np.where(rows["area_code"].isin(districts), "place district", "other ICB district"))
    if "lower_ci" not in rows.columns:
        rows["lower_ci"] = np.nan
        rows["upper_ci"] = np.nan
    trend = rows[["area_code", "area_name", "role", "sex", "period", "value", "lower_ci", "upper_ci", "unit",
                  "indicator"]].sort_values(["sex", "period", "area_code"], ignore_index=True)
    trend["indicator_id"] = str(indicator_id)
    period = ctx.select_period(trend["period"], f"published life expectancy (Fingertips {indicator_id})")
    trend = trend[trend["period"] <= period].reset_index(drop=True)  # the trend up to the period shown
    latest = trend[(trend["period"] == period) & (trend["role"] != "other ICB district")].copy()
    england = latest[latest["area_code"] == ENGLAND].set_index("sex")["value"]
    latest["england"] = latest["sex"].map(england)
    latest = stats.compare_to_benchmark(latest, lower_cl="lower_ci", upper_cl="upper_ci", benchmark="england",
                                        polarity="high is good")
    latest = latest[latest["area_code"] != ENGLAND].reset_index(drop=True)
    findings = []
    for sex in SEXES:
        part = latest[latest["sex"] == sex]
        if part.empty:
            continue
        values = "; ".join(f"{r.area_name} {fmt_num(r.value)} years" for r in part.itertuples())
        findings.append(
            f"Published {sex} life expectancy at birth, {period}: {values} (England {fmt_num(england.get(sex))}; "
            "no confidence intervals are published in the extract, so the difference is not tested)."
        )
    return PublishedLE(trend=trend, latest=latest, period=period, findings=findings)


def _icb_districts(ctx) -> list[str]:
    icb = ctx.areas.icb_code
    if not icb:
        return []
    lookup = data.lsoa11_lookup()
    return sorted(set(lookup.loc[lookup["icb_code"] == icb, "district_code"]))


# ---------------------------------------------------------------------------------------------- computed
@dataclass
class ComputedLE:
    table: pd.DataFrame  # one row per area and sex: role, value, limits, deaths, population, comparison
    counts: pd.DataFrame  # the deaths and populations by age used (area_code, area_name, role, sex, age_band…)
    period: str
    source: str
    data_label: str  # "ONS 2014" or "analyst-supplied extract"
    notes: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


def _counts_ons2014(ctx) -> tuple[pd.DataFrame, list[str]]:
    """The place, its ICB, its comparators and England from the 2014 ONS counts (summed over districts)."""
    d = data.deaths_population_2014()
    d = d[d["sex"].isin(SEXES)]
    notes: list[str] = []
    if ctx.place.lsoas:
        raise data.DataError(f"{ctx.name} is defined by small areas (LSOAs); the public 2014 deaths by age are "
                             "published for local authorities only. Supply a deaths extract by LSOA "
                             "(parameter deaths_extract) to compute its life expectancy.")
    groups: list[tuple[str, str, str, list[str]]] = []  # code, name, role, member codes
    districts = list(ctx.areas.districts)
    missing = sorted(set(districts) - set(d["area_code"]))
    if missing:
        raise data.DataError(f"the 2014 ONS deaths by age have no rows for {missing} (district codes changed "
                             f"since 2014?), so {ctx.name}'s life expectancy cannot be computed from them")
    groups.append((f"place:{ctx.place.slug}", ctx.name, "place", districts))
    icb_districts = _icb_districts(ctx)
    if icb_districts and set(icb_districts) != set(districts):
        if set(icb_districts) <= set(d["area_code"]):
            lookup = data.lsoa11_lookup()
            icb_name = lookup.loc[lookup["icb_code"] == ctx.areas.icb_code, "icb_name"].iloc[0]
            groups.append((ctx.areas.icb_code, str(icb_name), "ICB", icb_districts))
        else:
            notes.append("The ICB is not shown: some of its districts are not in the 2014 ONS deaths by age.")
    for code in [c for c in ctx.comparators if c != ENGLAND] + [ENGLAND]:
        if code in set(d["area_code"]):
            groups.append((code, "England" if code == ENGLAND else None, "England" if code == ENGLAND else "comparator",
                           [code]))
        else:
            notes.append(f"Comparator {code} is not in the 2014 ONS deaths by age and is not shown.")
    frames = []
    for code, name, role, members in groups:
        part = d[d["area_code"].isin(members)]
        name = name or _area_name(code)
        summed = part.groupby(["sex", "age_start", "age_band"], as_index=False)[["deaths", "population"]].sum()
        frames.append(summed.assign(area_code=code, area_name=name, role=role, n_areas=len(members)))
    counts = pd.concat(frames, ignore_index=True)
    return counts, notes


def _area_name(code: str) -> str:
    """A readable name for an area code (from the ONS 2014 tables, which name every English area)."""
    if code == ENGLAND:
        return "England"
    names = data.deaths_population_2014().drop_duplicates("area_code").set_index("area_code")["area_name"]
    if code not in names.index:
        return code
    return str(names[code]).title().replace(" And ", " and ").replace(" Of ", " of ").replace(" Upon ", " upon ")


def _counts_extract(ctx, path) -> tuple[pd.DataFrame, list[str], str]:
    extract = read_deaths_extract(path)
    notes = []
    level = extract.attrs["level"]
    frames = []
    if level == "area":
        codes = set(extract["area_code"])
        districts = list(ctx.areas.districts)
        if ctx.place.lsoas:
            raise data.DataError(f"{ctx.name} is defined by LSOAs; the deaths extract {path} is by area_code. "
                                 "Supply an extract with lsoa11_code.")
        missing = sorted(set(districts) - codes)
        if missing:
            raise data.DataError(f"the deaths extract {path} has no rows for {ctx.name}'s district(s) {missing}")
        groups = [(f"place:{ctx.place.slug}", ctx.name, "place", districts)]
        icb_districts = _icb_districts(ctx)
        if icb_districts and set(icb_districts) != set(districts) and set(icb_districts) <= codes:
            groups.append((ctx.areas.icb_code, "ICB", "ICB", icb_districts))
        for code in [c for c in ctx.comparators if c != ENGLAND] + [ENGLAND]:
            if code in codes:
                groups.append((code, _area_name(code), "England" if code == ENGLAND else "comparator", [code]))
            else:
                notes.append(f"The extract has no rows for comparator {code}; it is not shown.")
        for code, name, role, members in groups:
            part = extract[extract["area_code"].isin(members)]
            summed = part.groupby(["sex", "age_start", "age_band"], as_index=False)[["deaths", "population"]].sum()
            frames.append(summed.assign(area_code=code, area_name=name, role=role, n_areas=len(members)))
    else:
        lsoas = set(ctx.areas.lsoa11)
        have = set(extract["lsoa11_code"])
        missing = sorted(lsoas - have)
        if missing:
            raise data.DataError(f"the deaths extract {path} lacks {len(missing)} of {ctx.name}'s {len(lsoas)} "
                                 f"LSOAs, e.g. {missing[:3]}; the place's total would be incomplete")
        lookup = data.lsoa11_lookup()
        groups = [(f"place:{ctx.place.slug}", ctx.name, "place", lsoas)]
        icb = ctx.areas.icb_code
        if icb:
            members = set(lookup.loc[lookup["icb_code"] == icb, "lsoa11_code"])
            if members != lsoas and members <= have:
                groups.append((icb, str(lookup.loc[lookup["icb_code"] == icb, "icb_name"].iloc[0]), "ICB", members))
        for code in [c for c in ctx.comparators if c != ENGLAND]:
            members = set(lookup.loc[lookup["region_code"] == code, "lsoa11_code"])
            if members and members <= have:
                groups.append((code, _area_name(code), "comparator", members))
        if set(lookup["lsoa11_code"]) <= have:
            groups.append((ENGLAND, "England", "England", set(lookup["lsoa11_code"])))
        else:
            notes.append("The extract does not cover every LSOA in England, so England's life expectancy is not "
                         "computed and the place is not compared with it.")
        for code, name, role, members in groups:
            part = extract[extract["lsoa11_code"].isin(members)]
            summed = part.groupby(["sex", "age_start", "age_band"], as_index=False)[["deaths", "population"]].sum()
            frames.append(summed.assign(area_code=code, area_name=name, role=role, n_areas=len(members)))
    counts = pd.concat(frames, ignore_index=True)
    return counts, notes, extract.attrs["period"]


def computed(ctx, deaths_extract=None) -> ComputedLE:
    """Life expectancy at birth computed (Chiang II) for the place, its ICB, comparators and England.

    Uses the ONS 2014 deaths and mid-2014 populations by sex and the 20 life-table age bands (summed over
    the place's districts), or, when ``deaths_extract`` is a path, the analyst-supplied extract
    (:func:`phna.analyses.extract.read_deaths_extract`). Each area is compared with England's value using
    its 95 % (and 99.8 %) interval, as Fingertips.
    """
    if deaths_extract:
        counts, notes, period = _counts_extract(ctx, deaths_extract)
        source = f"analyst-supplied deaths and population extract ({period})"
        label = "analyst-supplied extract"
    else:
        counts, notes = _counts_ons2014(ctx)
        period, source, label = "2014", ONS_2014_SOURCE, "ONS 2014"
    counts = counts.astype({"area_code": "string", "area_name": "string", "role": "string", "sex": "string"})
    levels = _levels(ctx)
    le = stats.life_expectancy(counts, deaths="deaths", population="population", age_start="age_start",
                               by=["area_code", "sex"], confidence=levels)
    le = le.rename(columns=_limit_columns(levels))
    meta = counts.drop_duplicates(["area_code", "sex"])[["area_code", "sex", "area_name", "role", "n_areas"]]
    table = meta.merge(le, on=["area_code", "sex"], how="left")
    england = table[table["area_code"] == ENGLAND].set_index("sex")["value"]
    table["england"] = table["sex"].map(england).astype("float64")
    extra = {"lower_cl_99_8": "lower_99_8", "upper_cl_99_8": "upper_99_8"} if "lower_99_8" in table.columns else {}
    table = stats.compare_to_benchmark(table, lower_cl="lower_ci", upper_cl="upper_ci", benchmark="england",
                                       polarity="high is good", **extra)
    table.loc[table["area_code"] == ENGLAND, "comparison"] = "benchmark"
    if "comparison_99_8" in table.columns:
        table.loc[table["area_code"] == ENGLAND, "comparison_99_8"] = "benchmark"
    table["period"] = period
    table["indicator"] = "Life expectancy at birth (computed)"
    table["unit"] = "years"
    table["data"] = label
    order = {"place": 0, "ICB": 1, "comparator": 2, "England": 3}
    sex_order = {"male": 0, "female": 1}
    table = table.sort_values(["sex", "role"], key=lambda s: s.map(order if s.name == "role" else sex_order),
                              ignore_index=True)
    keep = ["area_code", "area_name", "role", "sex", "period", "value", "lower_ci", "upper_ci",
            *[c for c in ("lower_99_8", "upper_99_8") if c in table.columns], "england", "comparison",
            *[c for c in ("comparison_99_8",) if c in table.columns], "total_deaths", "total_pop", "n_areas",
            "suppressed", "reason", "indicator", "unit", "data", "method"]
    table = table[keep].rename(columns={"total_deaths": "deaths", "total_pop": "population"})
    findings = [_computed_sentence(row, period) for row in table[table["role"] == "place"].itertuples()]
    return ComputedLE(table=table, counts=counts, period=period, source=source, data_label=label, notes=notes,
                      findings=[f for f in findings if f])


def _computed_sentence(row, period: str) -> str:
    if row.suppressed or pd.isna(row.value):
        return f"{SEX_WORDS[row.sex]} life expectancy in {row.area_name} ({period}) could not be computed: {row.reason}."
    value = fmt_value_ci(row.value, row.lower_ci, row.upper_ci, unit="years")
    if pd.isna(row.england):
        return f"{SEX_WORDS[row.sex]} life expectancy at birth in {row.area_name}, {period}, was {value}."
    return (f"{SEX_WORDS[row.sex]} life expectancy at birth in {row.area_name}, {value} in {period}, is "
            f"{comparison_phrase(_wording(row.comparison), 'England', row.england)}.")


def _wording(category: str) -> str:
    # LE is "high is good"; in plain words say higher/lower rather than better/worse.
    return {"better": "higher", "worse": "lower"}.get(category, category)


# ----------------------------------------------------------------------------------------- decomposition
@dataclass
class GapByAge:
    table: pd.DataFrame  # sex, age_start, age_band, contribution (years), share, gap, le_place, le_england
    findings: list[str] = field(default_factory=list)


def gap_by_age(ctx, result: ComputedLE, top: int = 3) -> GapByAge:
    """Which age bands contribute most to the gap between the place and England (Arriaga)."""
    counts = result.counts
    place = counts[counts["role"] == "place"]
    england = counts[counts["area_code"] == ENGLAND]
    if place.empty or england.empty:
        return GapByAge(table=pd.DataFrame(), findings=[])
    dec = stats.arriaga(england, place, deaths="deaths", population="population", age_start="age_start", by="sex")
    dec = dec[~dec["suppressed"]].copy()
    dec["age_band"] = dec["age_start"].astype(int).map(BAND_LABEL)
    dec = dec.rename(columns={"le_reference": "le_england", "le_comparison": "le_place"})
    dec.insert(0, "area_name", ctx.name)
    dec["period"] = result.period
    dec["unit"] = "years"
    table = dec[["area_name", "sex", "period", "age_start", "age_band", "direct", "indirect", "contribution",
                 "share", "gap", "le_place", "le_england", "unit", "method"]].reset_index(drop=True)
    findings = []
    for sex in SEXES:
        part = table[table["sex"] == sex]
        if part.empty:
            continue
        gap = float(part["gap"].iloc[0])
        sign = np.sign(gap) if gap != 0 else 1.0
        ranked = part.assign(_k=part["contribution"] * sign).sort_values("_k", ascending=False).head(top)
        ranked = ranked[ranked["_k"] > 0]
        bands = join_names(f"{_age_words(r.age_band)} ({fmt_num(abs(r.contribution), 2)} years)"
                           for r in ranked.itertuples())
        direction = "shorter" if gap < 0 else "longer"
        findings.append(
            f"{SEX_WORDS[sex]} life expectancy in {ctx.name} was {fmt_num(abs(gap))} years {direction} than "
            f"England's in {result.period}; the age groups contributing most to the difference were {bands}."
        )
    return GapByAge(table=table, findings=findings)


def _age_words(band: str) -> str:
    return "under 1" if band == "0" else f"aged {band}"


def gap_chart(table: pd.DataFrame, *, title: str):
    """Bars by age band (one panel per sex): years each band adds to (+) or takes from (−) the gap."""
    fig, axes = style.new_figure(9, 5, ncols=2, sharey=True)
    bands = AGE_BAND_LABELS
    y = np.arange(len(bands))
    for ax, sex in zip(axes, SEXES):
        part = table[table["sex"] == sex].set_index("age_band").reindex(bands)
        values = part["contribution"].to_numpy(dtype=float)
        colours = [style.SEX_COLOURS[sex] if v >= 0 else style.HIGHLIGHT for v in np.nan_to_num(values)]
        ax.barh(y, np.nan_to_num(values), color=colours, height=0.8)
        ax.axvline(0, color=style.ENGLAND, linewidth=0.8)
        gap = part["gap"].dropna()
        ax.set_title(f"{SEX_WORDS[sex]}: gap {fmt_num(gap.iloc[0] if len(gap) else np.nan, 1)} years", fontsize=10)
        ax.set_xlabel("Contribution to the gap (years)")
        ax.grid(axis="y", visible=False)
    axes[0].set_yticks(y, bands)
    axes[0].set_ylabel("Age band (years)")
    fig.suptitle(title, x=0.02, ha="left", fontweight="bold", fontsize=12)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------------- within place
@dataclass
class WithinPlace:
    msoas: pd.DataFrame  # one row per MSOA and sex: LE with limits, deaths, person-years, deprivation
    sii: pd.DataFrame  # one row per sex: SII with limits, n MSOAs
    extremes: pd.DataFrame  # per sex: most/least deprived MSOA and highest/lowest LE
    deprivation_basis: str
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def msoa_deprivation(msoas) -> pd.DataFrame:
    """Population-weighted IMD 2019 score of each MSOA (2011) from its LSOAs (mid-2015 IoD denominators)."""
    imd = data.imd2019_lsoa()[["lsoa11_code", "imd_score", "population_mid2015"]]
    lookup = data.lsoa11_lookup()[["lsoa11_code", "msoa11_code"]]
    rows = lookup[lookup["msoa11_code"].isin(list(msoas))].merge(imd, on="lsoa11_code", how="left")
    rows = rows.assign(w=rows["imd_score"] * rows["population_mid2015"])
    out = rows.groupby("msoa11_code", as_index=False).agg(w=("w", "sum"), population_mid2015=("population_mid2015", "sum"),
                                                        lsoas=("lsoa11_code", "size"))
    out["imd_score"] = out["w"] / out["population_mid2015"]
    return out.drop(columns="w")


def within_place(ctx, quintiles: int = 5, seed: int = 20240501) -> WithinPlace:
    """MSOA life expectancy (ONS, 2016-20) across the place, by deprivation, with the SII across MSOAs.

    Notes
    -----
    OHID computes the SII in life expectancy from life expectancy in each local deprivation decile, built
    from deaths and populations by age. The ONS MSOA file has deaths and person-years per MSOA but not by
    age, so decile life expectancies cannot be rebuilt from it. Here each MSOA is one unit: MSOAs are ranked
    by deprivation (population-weighted IMD 2019 score of their LSOAs; 1 = most deprived) and the SII is the
    population-weighted regression of MSOA life expectancy on the midpoint of each MSOA's cumulative
    population share, with limits simulated from each MSOA's 95 % interval (:func:`phna.stats.sii`,
    value_type "normal"). MSOAs without a published value are left out.
    """
    msoa_codes = list(ctx.areas.msoa11)
    le = data.msoa_life_expectancy()
    le = le[le["msoa11_code"].isin(msoa_codes) & le["sex"].isin(SEXES)].copy()
    notes = []
    if le.empty:
        raise data.DataError(f"no ONS MSOA life expectancy rows for the MSOAs of {ctx.name}")
    dep = msoa_deprivation(msoa_codes)
    lookup = data.lsoa11_lookup().drop_duplicates("msoa11_code")[["msoa11_code", "district_code", "district_name"]]
    le = le.merge(dep[["msoa11_code", "imd_score", "population_mid2015"]], on="msoa11_code", how="left")
    le = le.merge(lookup, on="msoa11_code", how="left")
    rank = dep.sort_values("imd_score", ascending=False, ignore_index=True)
    rank["deprivation_rank"] = np.arange(1, len(rank) + 1)
    # local quintiles of MSOAs (equal numbers of MSOAs), 1 = most deprived
    rank["local_quintile"] = pd.qcut(rank["deprivation_rank"], quintiles, labels=False) + 1 if len(rank) >= quintiles else 1
    le = le.merge(rank[["msoa11_code", "deprivation_rank", "local_quintile"]], on="msoa11_code", how="left")
    le["area_name"] = ctx.name
    le["indicator"] = "Life expectancy at birth"
    le = le.sort_values(["sex", "deprivation_rank"], ignore_index=True)
    msoas = le[["area_name", "msoa11_code", "msoa11_name", "district_code", "district_name", "sex", "period", "value",
                "lower_ci", "upper_ci", "deaths", "population", "imd_score", "deprivation_rank", "local_quintile",
                "indicator", "unit"]].rename(columns={"population": "person_years"})
    unpublished = msoas[msoas["value"].isna()]
    if len(unpublished):
        notes.append(f"{unpublished['msoa11_code'].nunique()} MSOA(s) have no published life expectancy "
                     f"({join_names(sorted(set(unpublished['msoa11_name'])))}) and are left out.")

    usable = msoas.dropna(subset=["value", "lower_ci", "upper_ci"])
    sii_rows, extremes, findings = [], [], []
    for sex in SEXES:
        part = usable[usable["sex"] == sex]
        n = len(part)
        if n < 5:
            notes.append(f"The SII for {PEOPLE[sex]} needs at least 5 MSOAs with a published value; {ctx.name} has {n}.")
            continue
        if n > 100:
            notes.append(f"The SII for {PEOPLE[sex]} is not computed across {n} MSOAs: the SII method takes at most "
                         "100 ranked units. See the chapters for each place within the ICB.")
            continue
        part = part.assign(unit_rank=part["deprivation_rank"].rank(method="first").astype(int))
        result = stats.sii(part, quantile="unit_rank", population="person_years", value="value", lower_cl="lower_ci",
                           upper_cl="upper_ci", value_type="normal", confidence=_levels(ctx), seed=seed)
        result = result.rename(columns={k.replace("lower", "sii_lower").replace("upper", "sii_upper"):
                                        v.replace("lower_", "sii_lower_").replace("upper_", "sii_upper_")
                                        for k, v in _limit_columns(_levels(ctx)).items()})
        result.insert(0, "sex", sex)
        result.insert(0, "area_name", ctx.name)
        result["period"] = "2016-20"
        result["unit"] = "years"
        result["units"] = "MSOAs ranked by population-weighted IMD 2019 score"
        sii_rows.append(result)
        row = result.iloc[0]
        most = part.loc[part["deprivation_rank"].idxmin()]
        least = part.loc[part["deprivation_rank"].idxmax()]
        high = part.loc[part["value"].idxmax()]
        low = part.loc[part["value"].idxmin()]
        extremes.append(pd.DataFrame({
            "area_name": ctx.name, "sex": sex,
            "which": ["most deprived MSOA", "least deprived MSOA", "highest life expectancy", "lowest life expectancy"],
            "msoa11_code": [most.msoa11_code, least.msoa11_code, high.msoa11_code, low.msoa11_code],
            "msoa11_name": [most.msoa11_name, least.msoa11_name, high.msoa11_name, low.msoa11_name],
            "value": [most.value, least.value, high.value, low.value],
            "lower_ci": [most.lower_ci, least.lower_ci, high.lower_ci, low.lower_ci],
            "upper_ci": [most.upper_ci, least.upper_ci, high.upper_ci, low.upper_ci],
            "imd_score": [most.imd_score, least.imd_score, high.imd_score, low.imd_score],
        }))
        sii_text = fmt_value_ci(row["sii"], row["sii_lower_ci"], row["sii_upper_ci"], unit="years")
        significant = not (row["sii_lower_ci"] <= 0 <= row["sii_upper_ci"])
        findings.append(
            f"Across {ctx.name}'s {n} neighbourhoods (MSOAs), {sex} life expectancy in 2016-20 ranged from "
            f"{fmt_num(low.value)} years ({low.msoa11_name}) to {fmt_num(high.value)} years ({high.msoa11_name}); "
            f"the gap between the most and least deprived ends of the place (slope index of inequality) was "
            f"{sii_text} for {PEOPLE[sex]}" + ("" if significant else ", not significantly different from no gap") + "."
        )
    sii_table = pd.concat(sii_rows, ignore_index=True) if sii_rows else pd.DataFrame()
    extremes_table = pd.concat(extremes, ignore_index=True) if extremes else pd.DataFrame()
    return WithinPlace(msoas=msoas, sii=sii_table, extremes=extremes_table,
                       deprivation_basis="population-weighted average of the IMD 2019 scores of each MSOA's LSOAs "
                                         "(weights: IoD 2019 mid-2015 population denominators), computed here",
                       findings=findings, notes=notes)


@dataclass
class PublishedSII:
    trend: pd.DataFrame
    findings: list[str] = field(default_factory=list)

    @property
    def districts(self) -> list[str]:
        return list(dict.fromkeys(self.trend.loc[self.trend["role"] == "place district", "area_name"]))


def published_sii(ctx, indicator_id: int = 92901) -> PublishedSII:
    """Published SII in life expectancy at birth (Fingertips 92901) for the place's districts and England."""
    ft = data.fingertips(indicator_id)
    ft = ft[ft["sex"].isin(SEXES) & ft["area_code"].isin(list(ctx.areas.districts) + [ENGLAND])].copy()
    ft["role"] = np.where(ft["area_code"] == ENGLAND, "England", "place district")
    for column in ("lower_ci", "upper_ci"):
        if column not in ft.columns:
            ft[column] = np.nan
    trend = ft[["area_code", "area_name", "role", "sex", "period", "value", "lower_ci", "upper_ci", "unit",
                "indicator"]].sort_values(["sex", "period", "area_code"], ignore_index=True)
    trend = trend[trend["period"].str.match(r"^\d{4}-\d{2}$")].reset_index(drop=True)
    findings = []
    if not trend.empty:
        # A secondary series: the chosen period where it has it, else its latest (the caption names the period).
        latest = ctx.select_period(trend["period"], f"published SII (Fingertips {indicator_id})", strict=False)
        trend = trend[trend["period"] <= latest].reset_index(drop=True)
        for sex in SEXES:
            part = trend[(trend["period"] == latest) & (trend["sex"] == sex) & (trend["role"] != "England")]
            if len(part):
                findings.append(f"Published SII in {sex} life expectancy, {latest}: " + "; ".join(
                    f"{r.area_name} {fmt_num(r.value)} years" if pd.notna(r.value) else f"{r.area_name} not published"
                    for r in part.itertuples()) + ".")
    return PublishedSII(trend=trend, findings=findings)


# ------------------------------------------------------------------------------------- healthy life exp.
@dataclass
class HealthyLE:
    table: pd.DataFrame  # trend: area_code, area_name, role, sex, period, value, limits, comparison
    latest: pd.DataFrame
    period: str | None
    coverage: str
    findings: list[str] = field(default_factory=list)

    @property
    def areas(self) -> list[str]:
        """Names of the place's own areas in the table (districts where published, else the county)."""
        if self.table.empty:
            return []
        return list(dict.fromkeys(self.table.loc[self.table["role"].isin(["place district", "county"]), "area_name"]))


def healthy(ctx) -> HealthyLE:
    """Healthy life expectancy at birth (ONS, via Explore Local Statistics) for the place's areas.

    ONS publishes HLE for upper-tier areas (counties and unitary authorities), regions and England. The
    place's districts are shown where published; otherwise the county containing them, saying so.
    """
    hle = data.els("healthy-life-expectancy")
    hle = hle.assign(sex=np.where(hle["indicator"].str.lower().str.startswith("female"), "female", "male"))
    districts = list(ctx.areas.districts)
    published = [d for d in districts if d in set(hle["area_code"])]
    lookup = data.lsoa11_lookup()
    counties = sorted(set(lookup.loc[lookup["district_code"].isin(districts), "county_code"]) - set(districts))
    counties = [c for c in counties if c in set(hle["area_code"])]
    unpublished = [d for d in districts if d not in published]
    names = dict(zip(lookup["district_code"], lookup["district_name"]))
    if published and not unpublished:
        coverage = f"ONS publishes healthy life expectancy for {join_names(names.get(d, d) for d in published)}."
    elif published:
        coverage = (f"ONS publishes healthy life expectancy for {join_names(names.get(d, d) for d in published)} but "
                    f"not for {join_names(names.get(d, d) for d in unpublished)}; the county is shown instead.")
    else:
        coverage = (f"ONS does not publish healthy life expectancy for {join_names(names.get(d, d) for d in unpublished)}"
                    + (f"; the figures shown are for the county that contains {'them' if len(unpublished) > 1 else 'it'}."
                       if counties else "."))
    wanted = published + (counties if unpublished else []) + [c for c in ctx.comparators if c != ENGLAND] + [ENGLAND]
    rows = hle[hle["area_code"].isin(wanted)].copy()
    rows["role"] = np.select([rows["area_code"] == ENGLAND, rows["area_code"].isin(published),
                              rows["area_code"].isin(counties)], ["England", "place district", "county"], "comparator")
    table = rows[["area_code", "area_name", "role", "sex", "period", "value", "lower_ci", "upper_ci", "unit",
                  "indicator", "status"]].sort_values(["sex", "period", "area_code"], ignore_index=True)
    if table.empty or not table["role"].isin(["place district", "county"]).any():
        return HealthyLE(table=pd.DataFrame(), latest=pd.DataFrame(), period=None, coverage=coverage, findings=[coverage])
    period = ctx.select_period(table["period"], "healthy life expectancy (ONS)", strict=False)
    table = table[table["period"] <= period].reset_index(drop=True)
    latest = table[table["period"] == period].copy()
    england = latest[latest["area_code"] == ENGLAND].set_index("sex")["value"]
    latest["england"] = latest["sex"].map(england).astype("float64")
    latest = stats.compare_to_benchmark(latest, lower_cl="lower_ci", upper_cl="upper_ci", benchmark="england",
                                        polarity="high is good")
    latest.loc[latest["area_code"] == ENGLAND, "comparison"] = "benchmark"
    findings = [coverage]
    shown = latest[latest["role"].isin(["place district", "county"])].sort_values("sex", ascending=False)
    for row in shown.itertuples():
        findings.append(
            f"{SEX_WORDS[row.sex]} healthy life expectancy in {row.area_name}, {period}: "
            f"{fmt_value_ci(row.value, row.lower_ci, row.upper_ci, unit='years')}, "
            f"{comparison_phrase(_wording(row.comparison), 'England', row.england)}."
        )
    return HealthyLE(table=table, latest=latest.reset_index(drop=True), period=period, coverage=coverage,
                     findings=findings)


# ------------------------------------------------------------------------------------------------ helpers
def attempt(func, *args, **kwargs):
    """Run an analysis step; return ``(result, None)`` or ``(None, reason)`` when the data do not cover it.

    Only data problems (:class:`phna.data.DataError`, and the extract's validation errors) are caught, so the
    chapter can say plainly why a section is missing; programming errors still fail the build.
    """
    from phna.analyses.extract import ExtractError

    try:
        return func(*args, **kwargs), None
    except (data.DataError, ExtractError) as exc:
        return None, str(exc)


def by_sex(table: pd.DataFrame, sex: str) -> pd.DataFrame:
    """Rows of ``table`` for one sex (an empty frame stays empty)."""
    if table is None or table.empty or "sex" not in table.columns:
        return pd.DataFrame()
    return table[table["sex"] == sex].reset_index(drop=True)


def district_names(ctx) -> list[str]:
    """Names of the place's districts (as in the LSOA lookup)."""
    lookup = data.lsoa11_lookup().drop_duplicates("district_code")
    names = dict(zip(lookup["district_code"], lookup["district_name"]))
    return [str(names.get(code, code)) for code in ctx.areas.districts]
