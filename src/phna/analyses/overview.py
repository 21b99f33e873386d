"""Place overview: who lives in the place, and how deprived its neighbourhoods are.

Each function takes the chapter context (place + parameters) and returns tidy tables and the findings
they support; the template draws and publishes them. Numbers come only from the data layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna import data, stats
from phna.wording import fmt_int, fmt_pct, possessive

ENGLAND = "E92000001"
AGE_BANDS = [(a, a + 4) for a in range(0, 90, 5)] + [(90, 200)]


def _band_label(start: int, end: int) -> str:
    return "90+" if start >= 90 else f"{start}-{end}"


@dataclass
class PopulationResult:
    year: int
    total: int
    pyramid: pd.DataFrame  # age_band, sex, population, share, england_share
    summary: pd.DataFrame  # measure, place, england
    findings: list[str] = field(default_factory=list)


def _band(age: pd.Series) -> pd.Series:
    starts = np.minimum((age // 5) * 5, 90)
    return starts.map(lambda s: _band_label(s, s + 4))


#: Mid-year estimates by district in the data mirror (the `period` parameter picks one; default the latest).
DISTRICT_ESTIMATE_YEARS = ("2019", "2021", "2022")


def population(ctx, year: int | None = None) -> PopulationResult:
    """Population size and age/sex structure (ONS mid-year estimates), with England for comparison.

    Places defined by districts use the district estimates for ``year`` (default: the ``period`` parameter,
    i.e. the latest, mid-2022, unless a year is asked for); places defined by LSOAs use the mid-2019 LSOA
    estimates (the only LSOA year in the mirror).
    """
    if year is None:
        years = DISTRICT_ESTIMATE_YEARS if ctx.place.districts else ("2019",)
        year = int(ctx.select_period(years, "ONS mid-year population estimates"))
    if ctx.place.districts:
        pop = data.population_single_year(year)
        place_rows = pop[pop["area_code"].isin(ctx.place.districts)]
        missing = sorted(set(ctx.place.districts) - set(place_rows["area_code"]))
        if missing:
            raise data.DataError(f"mid-{year} population estimates have no rows for {', '.join(missing)}")
        england = pop[pop["area_code"] == ENGLAND]
    else:
        year = 2019
        lsoa = data.lsoa_population_2019()
        place_rows = lsoa[lsoa["lsoa11_code"].isin(ctx.areas.lsoa11)]
        england = data.population_single_year(2019)
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
    pyramid.insert(0, "area", ctx.name)
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
    summary = pd.DataFrame(
        {
            "measure": [f"% {k}" for k in place_shares],
            ctx.name: [round(v, 1) for v in place_shares.values()],
            "England": [round(v, 1) for v in england_shares.values()],
        }
    )
    older = place_shares["aged 65+"] - england_shares["aged 65+"]
    findings = [
        f"{fmt_int(total)} people lived in {ctx.name} in mid-{year} (ONS estimate).",
        (
            f"{fmt_pct(place_shares['aged 65+'])} of residents were aged 65 or over, "
            + (
                f"{'more' if older > 0 else 'fewer'} than in England ({fmt_pct(england_shares['aged 65+'])})."
                if abs(older) >= 1
                else f"close to England's share ({fmt_pct(england_shares['aged 65+'])})."
            )
        ),
        f"{fmt_pct(place_shares['aged 0-15'])} were children aged 0-15 "
        f"(England {fmt_pct(england_shares['aged 0-15'])}).",
    ]
    return PopulationResult(year=year, total=total, pyramid=pyramid, summary=summary, findings=findings)


@dataclass
class DeprivationResult:
    index: str
    label: str
    lsoas: pd.DataFrame  # one row per LSOA: code, name, district, score, decile, population
    deciles: pd.DataFrame  # decile, lsoas, population, share
    core20: pd.DataFrame  # one row: population, total, share, lower/upper CI, lsoas
    population_basis: str
    findings: list[str] = field(default_factory=list)


INDEX_LABELS = {"imd2019": "IMD 2019", "iod2025": "IoD 2025 (IMD)"}


def deprivation(ctx) -> DeprivationResult:
    """The place's small areas by national deprivation decile, and its Core20 population.

    IMD 2019 uses 2011 LSOAs, weighted by ONS mid-2019 LSOA populations where the mirror has them for
    every LSOA of the place (Coventry and Warwickshire), otherwise by the IoD 2019 mid-2015
    denominators. IoD 2025 uses 2021 LSOAs and, since its population denominators are not in the
    mirror, counts areas rather than people.
    """
    index = ctx.deprivation_index
    label = INDEX_LABELS[index]
    if index == "imd2019":
        imd = data.imd2019_lsoa()
        rows = imd[imd["lsoa11_code"].isin(ctx.areas.lsoa11)].rename(columns={"lsoa11_code": "lsoa_code", "lsoa11_name": "lsoa_name"})
        lsoa_pop = data.lsoa_population_2019()
        totals = lsoa_pop.groupby("lsoa11_code")["population"].sum()
        if set(rows["lsoa_code"]) <= set(totals.index):
            rows["population"] = rows["lsoa_code"].map(totals).astype(int)
            basis = "ONS mid-2019 LSOA population estimates"
        else:
            rows["population"] = rows["population_mid2015"].astype(int)
            basis = "IoD 2019 mid-2015 population denominators"
    else:
        iod = data.iod2025_lsoa()
        rows = iod[iod["lsoa21_code"].isin(ctx.areas.lsoa21)].rename(columns={"lsoa21_code": "lsoa_code", "lsoa21_name": "lsoa_name"})
        rows["population"] = 1
        basis = "number of LSOAs (IoD 2025 population denominators are not in the data mirror)"
    if rows.empty:
        raise data.DataError(f"no {label} rows for the LSOAs of {ctx.name}")
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
    counts = pd.DataFrame({"x": [int(core["population"].sum())], "n": [int(lsoas["population"].sum())]})
    core20 = stats.proportion(counts, x="x", n="n", confidence=0.95)
    core20 = core20.assign(
        lsoas_in_core20=len(core),
        lsoas=len(lsoas),
        index=label,
        basis=basis,
    )

    share = 100 * counts["x"].iloc[0] / counts["n"].iloc[0]
    n_core = len(core)
    most_deprived = lsoas.iloc[0]
    unit = "people" if index == "imd2019" else "areas"
    findings = [
        (
            f"{fmt_int(counts['x'].iloc[0])} {unit} ({fmt_pct(share)}) in {ctx.name} live in the most deprived 20 % "
            f"of areas in England (the Core20, {label})"
            if index == "imd2019"
            else f"{n_core} of {possessive(ctx.name)} {len(lsoas)} areas ({fmt_pct(share)}) are in the most deprived 20 % of "
            f"areas in England (the Core20, {label})"
        )
        + (
            f", against 20 % nationally: {'more' if share > 20 else 'fewer'} than an even share."
            if abs(share - 20) >= 1
            else ", close to the 20 % found nationally."
        ),
        f"{n_core} of its {len(lsoas)} small areas (LSOAs) are in national deciles 1-2; "
        f"{int((lsoas['imd_decile'] >= 9).sum())} are in the least deprived deciles 9-10.",
        f"The most deprived area is {most_deprived['lsoa_name']} ({most_deprived['lsoa_code']}, "
        f"{most_deprived['district_name']}), in national decile {int(most_deprived['imd_decile'])}.",
    ]
    return DeprivationResult(
        index=index, label=label, lsoas=lsoas, deciles=deciles, core20=core20, population_basis=basis, findings=findings
    )


@dataclass
class Boundaries:
    areas: dict
    districts: dict | None
    source: str


def lsoa_boundaries(ctx) -> Boundaries:
    """LSOA boundaries for the place's map (2011 LSOAs for IMD 2019, 2021 LSOAs for IoD 2025).

    For 2011 LSOAs the less generalised boundaries are used where the mirror has them for every LSOA of
    the place (Coventry and Warwickshire); elsewhere the super-generalised national file.
    """
    if ctx.deprivation_index == "imd2019":
        try:
            areas = data.boundaries("lsoa11_detailed", codes=ctx.areas.lsoa11)
            detail = "ONS LSOA 2011 boundaries, via martinjc/UK-GeoJSON (CC BY 4.0)"
        except data.DataError:
            areas = data.boundaries("lsoa11", codes=ctx.areas.lsoa11)
            detail = "ONS LSOA 2011 boundaries (super-generalised), via geographr"
    else:
        areas = data.boundaries("lsoa21", codes=ctx.areas.lsoa21)
        detail = "ONS LSOA 2021 boundaries (super-generalised), via geographr"
    return Boundaries(areas=areas, districts=None, source=f"{detail}; contains OS data © Crown copyright")
