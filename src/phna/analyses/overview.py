"""Place overview: who lives in the place, and how deprived its neighbourhoods are.

Each function takes the chapter's parameters (:class:`phna.parameters.Parameters`) and returns tidy tables and
findings records; the template draws and publishes them. Numbers come only from the data layer.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna import data, geography
from phna.analyses.small_areas import INDEX_LABELS, add_meanings, compare_with, wilson
from phna.findings import Finding
from phna.geography import ENGLAND
from phna.parameters import limit_columns
from phna.wording import agree, fmt_int, fmt_pct, plural, possessive

AGE_BANDS = [(a, a + 4) for a in range(0, 90, 5)] + [(90, 200)]
#: Mid-year estimates by district in the data mirror (the ``period`` parameter picks one; default the latest).
DISTRICT_ESTIMATE_YEARS = ("2019", "2021", "2022", "2023")
#: The only year with populations of small areas (LSOAs) in the data: Core20 counts and LSOA-defined places.
SMALL_AREA_YEAR = 2019


def _band_label(start: int, end: int) -> str:
    return "90+" if start >= 90 else f"{start}-{end}"


def _band(age: pd.Series) -> pd.Series:
    starts = np.minimum((age // 5) * 5, 90)
    return starts.map(lambda s: _band_label(s, s + 4))


def _district_estimates(year: int) -> pd.DataFrame:
    """Mid-year estimates by sex and single year of age for every district and England (one loader per year)."""
    if year == 2023:
        return data.population_mid2023()
    return data.population_single_year(year)


@dataclass
class PopulationResult:
    year: int
    total: int
    pyramid: pd.DataFrame  # area, age_start, age_band, sex, population, share, england_share, period
    summary: pd.DataFrame  # measure, place, England
    findings: list[Finding] = field(default_factory=list)

    @property
    def period(self) -> str:
        return f"mid-{self.year}"


def population(params, year: int | None = None) -> PopulationResult:
    """Population size and age/sex structure (ONS mid-year estimates), with England for comparison.

    Places defined by districts use the district estimates for ``year`` (default: the ``period`` parameter,
    i.e. the latest, mid-2023); places defined by small areas use the mid-2019 LSOA estimates (the only
    small-area year in the book's data).
    """
    place = params.place
    if year is None:
        years = DISTRICT_ESTIMATE_YEARS if place.districts else (str(SMALL_AREA_YEAR),)
        year = int(params.select_period(years, "ONS mid-year population estimates"))
    # Counts of the place's districts (or small areas) are summed through the one place-aware sum, which
    # refuses an incomplete set of areas.
    if place.districts:
        pop = _district_estimates(year)
        place_rows = geography.aggregate_counts(pop, place, code_col="area_code", value_cols=["population"],
                                                by=["sex", "age"], level="districts")
        england = pop[pop["area_code"] == ENGLAND]
    else:
        year = SMALL_AREA_YEAR
        place_rows = geography.aggregate_counts(data.lsoa_population_2019(), place, code_col="lsoa11_code",
                                                value_cols=["population"], by=["sex", "age"], level="lsoa11")
        england = data.population_single_year(SMALL_AREA_YEAR)
        england = england[england["area_code"] == ENGLAND]

    def by_band(frame: pd.DataFrame) -> pd.DataFrame:
        grouped = frame.assign(age_band=_band(frame["age"]), age_start=np.minimum((frame["age"] // 5) * 5, 90))
        return grouped.groupby(["age_start", "age_band", "sex"], as_index=False)["population"].sum()

    place_bands = by_band(place_rows)
    england_bands = by_band(england)
    total = int(place_bands["population"].sum())
    place_bands["share"] = 100 * place_bands["population"] / total
    england_bands["england_share"] = 100 * england_bands["population"] / england_bands["population"].sum()
    pyramid = place_bands.merge(
        england_bands[["age_start", "sex", "england_share"]], on=["age_start", "sex"], how="left"
    ).sort_values(["age_start", "sex"])
    pyramid.insert(0, "area", params.name)
    pyramid["period"] = f"mid-{year}"

    def shares(frame: pd.DataFrame) -> dict[str, float]:
        total_ = frame["population"].sum()
        return {
            "aged 0-15": 100 * frame.loc[frame["age"] <= 15, "population"].sum() / total_,
            "aged 16-64": 100 * frame.loc[frame["age"].between(16, 64), "population"].sum() / total_,
            "aged 65+": 100 * frame.loc[frame["age"] >= 65, "population"].sum() / total_,
            "aged 85+": 100 * frame.loc[frame["age"] >= 85, "population"].sum() / total_,
            "female": 100 * frame.loc[frame["sex"] == "female", "population"].sum() / total_,
        }

    place_shares, england_shares = shares(place_rows), shares(england)
    summary = pd.DataFrame({
        "measure": [f"% {k}" for k in place_shares],
        params.name: [round(v, 1) for v in place_shares.values()],
        "England": [round(v, 1) for v in england_shares.values()],
        "period": f"mid-{year}",
    })
    return PopulationResult(year=year, total=total, pyramid=pyramid, summary=summary,
                            findings=add_meanings(_population_findings(params.name, year, total, place_shares,
                                                                     england_shares)))


def _population_findings(name: str, year: int, total: int, place: dict, england: dict) -> list[Finding]:
    period = f"mid-{year}"
    common = dict(area=name, period=period, unit="%", comparator="England", kind="context",
                  evidence="population-pyramid")
    older = place["aged 65+"] - england["aged 65+"]
    older_words = (f"{'more' if older > 0 else 'fewer'} than in England ({fmt_pct(england['aged 65+'])})"
                   if abs(older) >= 1 else f"close to England's share ({fmt_pct(england['aged 65+'])})")
    meaning = ("More older residents means more long-term conditions and care needs." if older >= 1 else
               "A younger population means more maternity, child health and working-age needs." if older <= -1 else "")
    return [
        Finding(key="population/total", topic="population", area=name, period=period, value=float(total),
                unit="people", decimals=0, kind="context", importance=1, evidence="population-pyramid",
                text=f"{fmt_int(total)} people lived in {name} in {period} (ONS estimate)."),
        Finding(key="population/aged-65-plus", topic="share of residents aged 65 or over",
                value=place["aged 65+"], comparator_value=england["aged 65+"], **common,
                text=f"{fmt_pct(place['aged 65+'])} of residents were aged 65 or over in {period}, {older_words}.",
                meaning=meaning),
        Finding(key="population/children", topic="share of residents aged 0-15",
                value=place["aged 0-15"], comparator_value=england["aged 0-15"], **common,
                text=f"{fmt_pct(place['aged 0-15'])} of residents were children aged 0-15 in {period} "
                     f"(England {fmt_pct(england['aged 0-15'])})."),
    ]


@dataclass
class DeprivationResult:
    index: str
    label: str
    lsoas: pd.DataFrame  # one row per LSOA: code, name, district, score, decile, population
    deciles: pd.DataFrame  # decile, lsoas, population, share
    core20: pd.DataFrame  # one row: x, n, value (%), lower_95/upper_95 per level, level, lsoas, basis, period
    population_basis: str
    population_period: str  # "mid-2019" when people are counted, "" when small areas are
    findings: list[Finding] = field(default_factory=list)

    @property
    def counts_people(self) -> bool:
        return bool(self.population_period)


def deprivation(params) -> DeprivationResult:
    """The place's small areas by national deprivation decile, and its Core20 population.

    IMD 2019 uses 2011 LSOAs, weighted by ONS mid-2019 LSOA populations where the data have them for every
    LSOA of the place (Coventry and Warwickshire), otherwise by the IoD 2019 mid-2015 denominators. IMD 2025
    uses 2021 LSOAs and, since its population denominators are not in the data, counts areas rather than
    people. The Core20 share has Wilson limits at every level of the ``confidence`` parameter; the first level
    decides whether it differs from the 20 % found across England.
    """
    index = params.deprivation_index
    label = INDEX_LABELS[index]
    period = ""
    if index == "imd2019":
        imd = data.imd2019_lsoa()
        rows = imd[imd["lsoa11_code"].isin(params.areas.lsoa11)].rename(
            columns={"lsoa11_code": "lsoa_code", "lsoa11_name": "lsoa_name"})
        totals = data.lsoa_population_2019().groupby("lsoa11_code")["population"].sum()
        if set(rows["lsoa_code"]) <= set(totals.index):
            rows["population"] = rows["lsoa_code"].map(totals).astype(int)
            basis, period = "ONS mid-2019 small-area population estimates", f"mid-{SMALL_AREA_YEAR}"
        else:
            rows["population"] = rows["population_mid2015"].astype(int)
            basis, period = "IoD 2019 mid-2015 population denominators", "mid-2015"
    else:
        iod = data.iod2025_lsoa()
        rows = iod[iod["lsoa21_code"].isin(params.areas.lsoa21)].rename(
            columns={"lsoa21_code": "lsoa_code", "lsoa21_name": "lsoa_name"})
        rows["population"] = 1
        basis = "number of small areas (IMD 2025 population figures are not in the book's data)"
    if rows.empty:
        raise data.DataError(f"no {label} rows for the small areas of {params.name}")
    lsoas = rows[["lsoa_code", "lsoa_name", "district_code", "district_name", "imd_score", "imd_decile", "population"]]
    lsoas = lsoas.sort_values("imd_score", ascending=False).reset_index(drop=True)

    deciles = (
        lsoas.groupby("imd_decile")
        .agg(lsoas=("lsoa_code", "size"), population=("population", "sum"))
        .reindex(range(1, 11), fill_value=0)
        .rename_axis("decile")
        .reset_index()
    )
    deciles["share"] = 100 * deciles["population"] / deciles["population"].sum()
    deciles.insert(0, "index", label)

    core = lsoas[lsoas["imd_decile"] <= 2]
    x, n = int(core["population"].sum()), int(lsoas["population"].sum())
    core20 = pd.DataFrame([{
        "index": label, "x": x, "n": n, **wilson(x, n, params.confidence), "level": params.level,
        "lsoas_in_core20": len(core), "lsoas": len(lsoas), "basis": basis, "population_period": period,
    }])
    findings = add_meanings(_deprivation_findings(params, label, core20.iloc[0], lsoas, period))
    return DeprivationResult(index=index, label=label, lsoas=lsoas, deciles=deciles, core20=core20,
                             population_basis=basis, population_period=period, findings=findings)


def _deprivation_findings(params, label: str, c: pd.Series, lsoas: pd.DataFrame, period: str) -> list[Finding]:
    name = params.name
    lower, upper = limit_columns(params.level)
    comparison = compare_with(c[lower], c[upper], 20.0)
    words = {"higher": "more than", "lower": "fewer than", "similar": "close to"}[comparison]
    level = f"{params.level * 100:g} %"
    ci = f"{level} CI {c[lower]:.1f} to {c[upper]:.1f} %"
    if period:
        text = (f"{fmt_int(c['x'])} people in {name} ({fmt_pct(c['value'])}, {ci}) lived in England's most deprived "
                f"20 % of small areas (the Core20, {label}), counted on {period} populations: {words} the 20 % found "
                "across England.")
    else:
        text = (f"{fmt_int(c['lsoas_in_core20'])} of {possessive(name)} {plural(c['lsoas'], 'small area')} "
                f"({fmt_pct(c['value'])}, {ci}) {agree(c['lsoas_in_core20'])} in England's most deprived 20 % "
                f"(the Core20, {label}): {words} the 20 % found across England.")
    meaning = ("Core20 residents are the focus of the NHS Core20PLUS5 approach to reducing healthcare inequalities."
               if comparison == "higher" else "")
    core20 = Finding(
        key="core20", topic=f"share of {'residents' if period else 'small areas'} in the Core20 ({label})",
        area=name, period=period or label, value=float(c["value"]), unit="%", lower=float(c[lower]),
        upper=float(c[upper]), level=params.level, comparator="England", comparator_value=20.0,
        comparison=comparison, source="computed", kind="level", importance=2, text=text, meaning=meaning,
        evidence="core20",
    )
    n_core, n_all = int(c["lsoas_in_core20"]), int(c["lsoas"])
    least = int((lsoas["imd_decile"] >= 9).sum())
    spread = Finding(
        key="deprivation/deciles", topic="small areas by deprivation decile", area=name, period=label,
        value=float(n_core), kind="context", evidence="deprivation-deciles",
        text=(f"{fmt_int(n_core)} of its {plural(n_all, 'small area')} (LSOAs) {agree(n_core)} in national deciles "
              f"1-2 of {label}; {fmt_int(least)} {agree(least)} in the least deprived deciles 9-10."),
    )
    top = lsoas.iloc[0]
    most = Finding(
        key="deprivation/most-deprived", topic="most deprived small area", area=name, period=label,
        value=float(top["imd_score"]), kind="context", importance=-1, evidence="deprivation-map",
        text=(f"The most deprived small area is {top['lsoa_name']} ({top['district_name']}), in national decile "
              f"{int(top['imd_decile'])} of {label}."),
    )
    return [core20, spread, most]


def with_index(params, index: str):
    """The same parameters with another deprivation index (for pages that show both)."""
    return dataclasses.replace(params, deprivation_index=index)


def population_bases(pop: PopulationResult, dep: DeprivationResult) -> str:
    """One sentence naming both population years when the Core20 count and the population shown differ."""
    if not dep.counts_people or dep.population_period == pop.period:
        return ""
    return (f"The population shown above is ONS's {pop.period} estimate ({fmt_int(pop.total)} people). The Core20 "
            f"count uses {dep.population_period} populations of small areas ({fmt_int(dep.core20['n'].iloc[0])} "
            "people in all), the latest by small area in the book's data, so its total differs.")


@dataclass
class Boundaries:
    areas: dict
    districts: dict | None
    source: str


def lsoa_boundaries(params) -> Boundaries:
    """LSOA boundaries for the place's map (2011 LSOAs for IMD 2019, 2021 LSOAs for IMD 2025) and the
    outlines of its districts (``None`` for a place with no districts).

    For 2011 LSOAs the less generalised boundaries are used where the data have them for every LSOA of the
    place (Coventry and Warwickshire); elsewhere the super-generalised national file.
    """
    if params.deprivation_index == "imd2019":
        try:
            areas = data.boundaries("lsoa11_detailed", codes=params.areas.lsoa11)
            detail = "ONS LSOA 2011 boundaries, via martinjc/UK-GeoJSON (CC BY 4.0)"
        except data.DataError:
            areas = data.boundaries("lsoa11", codes=params.areas.lsoa11)
            detail = "ONS LSOA 2011 boundaries (super-generalised), via geographr"
    else:
        areas = data.boundaries("lsoa21", codes=params.areas.lsoa21)
        detail = "ONS LSOA 2021 boundaries (super-generalised), via geographr"
    # the districts' outlines, named on the map so readers can find their own district
    districts = data.boundaries("ltla24", codes=params.areas.districts) if params.areas.districts else None
    if districts is not None:
        detail += "; ONS district boundaries (2024), via geographr"
    return Boundaries(areas=areas, districts=districts, source=f"{detail}; contains OS data © Crown copyright")
