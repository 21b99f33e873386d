"""An analyst's deaths extract placed on the map: the place, its ICB and the place's local deprivation quintiles.

:func:`extract_counts` reads the extract (:func:`phna.analyses.extract.read_deaths_extract`), checks that every
small area is a known area of the ICB (an area elsewhere or unknown stops the run, unless the chapter was asked to
leave such areas out, when they are counted on the page), attaches populations (the extract's own, or the mirror's
mid-2019 LSOA estimates times the number of years), the cause group of each death (OHID's Segment Tool groups) and
its preventable share (2019 definition), and ranks the place's small areas into local deprivation quintiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna import data, geography
from phna.analyses.extract import ExtractError, read_deaths_extract
from phna.data.icd10 import cause_group_of, preventable_fraction_of
from phna.stats.life_expectancy import LE_AGE_BANDS

QUINTILE_WORDS = {1: "1 (most deprived)", 2: "2", 3: "3", 4: "4", 5: "5 (least deprived)"}
_DEPRIVATION = {"imd2019": ("lsoa11", data.imd2019_lsoa), "iod2025": ("lsoa21", data.iod2025_lsoa)}


@dataclass
class ExtractCounts:
    deaths: pd.DataFrame  # lsoa_code, sex, age_start, cause_group, deaths, preventable (deaths x preventable share)
    population: pd.DataFrame  # lsoa_code, sex, age_start, population (person-years over the extract's years)
    groups: dict[str, tuple[str, str, set]]  # key -> (name, role, LSOA codes): place, ICB, quintile:1..5
    period: str
    years: list[int]
    vintage: str
    population_source: str
    notes: list[str] = field(default_factory=list)
    dropped_areas: int = 0
    dropped_deaths: int = 0


def _lookup(vintage: str) -> pd.DataFrame:
    frame = data.lsoa11_lookup() if vintage == "lsoa11" else data.lsoa21_lookup()
    return frame.rename(columns={f"{vintage}_code": "lsoa_code"})


def _quintiles(params, vintage: str, place_lsoas: set) -> dict[int, set]:
    """The place's small areas in five local quintiles of the deprivation index's score (1 = most deprived)."""
    index_vintage, reader = _DEPRIVATION[params.deprivation_index]
    scores = reader().rename(columns={f"{index_vintage}_code": "code"})[["code", "imd_score"]]
    if index_vintage != vintage:  # score each extract area by the best-fit area of the index's vintage
        pairs = data.lsoa11_lsoa21_lookup()[["lsoa11_code", "lsoa21_code"]]
        pairs = pairs.rename(columns={f"{vintage}_code": "lsoa_code", f"{index_vintage}_code": "code"})
        scores = pairs.merge(scores, on="code").groupby("lsoa_code", as_index=False)["imd_score"].mean()
    else:
        scores = scores.rename(columns={"code": "lsoa_code"})
    scores = scores[scores["lsoa_code"].isin(place_lsoas)].sort_values(["imd_score", "lsoa_code"],
                                                                        ascending=[False, True], ignore_index=True)
    if len(scores) < 5:
        return {}
    scores["quintile"] = np.arange(len(scores)) * 5 // len(scores) + 1
    return {q: set(part["lsoa_code"]) for q, part in scores.groupby("quintile")}


def _populations(params, extract: pd.DataFrame, vintage: str, lsoas: set, path) -> tuple[pd.DataFrame, str]:
    keys = ["lsoa_code", "sex", "age_start"]
    years = len(extract.attrs["years"])
    if extract.attrs["has_population"]:
        given = extract.drop_duplicates([*keys, "period"])
        given = given[given["lsoa_code"].isin(lsoas)]
        need = pd.MultiIndex.from_product([sorted(lsoas), ["male", "female"], LE_AGE_BANDS.astype(int),
                                           extract.attrs["periods"]], names=[*keys, "period"])
        missing = need.difference(pd.MultiIndex.from_frame(given[[*keys, "period"]]))
        if len(missing):
            lsoa, sex, age, period = missing[0]
            raise ExtractError(f"{path}: column population: no line gives the population of {lsoa}, {sex}, age "
                               f"band starting {age}, {period} ({len(missing)} such gaps); with a population column "
                               "every area, sex, age band and period needs at least one line (deaths 0 if none)")
        return given.groupby(keys, as_index=False)["population"].sum(), "the extract's populations"
    if vintage != "lsoa11":
        raise ExtractError(f"{path}: line 1 (header): an extract by 2021 LSOA needs a population column (the "
                           "public small-area populations available here are for 2011 LSOAs)")
    pop = data.lsoa_population_2019()
    pop = pop[pop["lsoa11_code"].isin(lsoas)].rename(columns={"lsoa11_code": "lsoa_code"})
    starts = LE_AGE_BANDS.astype(int)
    pop["age_start"] = starts[np.searchsorted(starts, pop["age"].to_numpy(), side="right") - 1]
    pop = pop.groupby(keys, as_index=False)["population"].sum()
    pop["population"] = pop["population"].astype("float64") * years
    word = "year" if years == 1 else f"{years} years"
    return pop, f"ONS mid-2019 small-area population estimates (person-years: population x {word})"


def extract_counts(params, path) -> ExtractCounts:
    """Deaths and populations of an analyst's extract for the place, its ICB and the place's local quintiles.

    ``params.get("extract_outside")`` decides what happens to small areas outside the ICB or unknown: "error"
    (the default) stops the run naming them; "drop" leaves them out, and the chapter says how many.
    """
    outside_rule = params.get("extract_outside") or "error"  # "error" or "drop" (checked by the schema)
    extract = read_deaths_extract(path)
    vintage = extract.attrs["vintage"]
    lookup = _lookup(vintage)
    icb = params.areas.icb_code
    icb_lsoas = set(lookup.loc[lookup["icb_code"] == icb, "lsoa_code"]) if icb else set()
    place_lsoas = set(getattr(params.areas, vintage))
    area = icb_lsoas | place_lsoas
    outside = ~extract["lsoa_code"].isin(area)
    notes, dropped_areas, dropped_deaths = [], 0, 0
    if outside.any():
        known = set(lookup["lsoa_code"])
        codes = extract.loc[outside, "lsoa_code"]
        unknown = sorted(set(codes) - known)
        elsewhere = sorted(set(codes) & known)
        if outside_rule == "error":
            first = int(extract.index[outside.to_numpy()][0]) + 2
            what = "; ".join(filter(None, [
                f"{len(unknown)} unknown code(s) such as {unknown[:3]}" if unknown else "",
                f"{len(elsewhere)} area(s) outside {params.name} and its ICB such as {elsewhere[:3]}" if elsewhere else "",
            ]))
            raise ExtractError(f"{path}: column {vintage}_code: {what} (first at line {first}); remove them, or "
                               "run with -p extract_outside drop to leave them out")
        dropped_areas, dropped_deaths = int(codes.nunique()), int(extract.loc[outside, "deaths"].sum())
        extract = extract[~outside]
    place_deaths = extract.loc[extract["lsoa_code"].isin(place_lsoas), "deaths"].sum()
    if place_deaths == 0:
        raise ExtractError(f"{path}: no deaths in {params.name}'s small areas: is this the extract for "
                           f"{params.name}?")
    groups: dict[str, tuple[str, str, set]] = {"place": (params.name, "place", place_lsoas)}
    covered = set(lookup.loc[lookup["lsoa_code"].isin(set(extract["lsoa_code"])), "district_code"])
    icb_districts = set(geography.icb_districts(icb)) if icb else set()
    if icb_lsoas and icb_lsoas != place_lsoas:
        if icb_districts <= covered:
            groups["icb"] = (geography.icb_name(icb), "ICB", icb_lsoas)
        else:
            notes.append("The extract does not cover every district of the ICB, so the ICB is not shown.")
    for q, members in _quintiles(params, vintage, place_lsoas).items():
        groups[f"quintile:{q}"] = (f"Quintile {QUINTILE_WORDS[q]}", "quintile", members)
    used = set().union(*(m for _, _, m in groups.values()))
    population, population_source = _populations(params, extract, vintage, used, path)
    deaths = extract[extract["lsoa_code"].isin(used)].assign(
        cause_group=lambda f: cause_group_of(f["icd10"]).to_numpy(),
        preventable=lambda f: f["deaths"] * preventable_fraction_of(f["icd10"]).to_numpy(),
    )
    deaths = deaths.groupby(["lsoa_code", "sex", "age_start", "cause_group"], as_index=False)[
        ["deaths", "preventable"]].sum()
    return ExtractCounts(deaths=deaths, population=population, groups=groups, period=extract.attrs["period"],
                         years=extract.attrs["years"], vintage=vintage, population_source=population_source,
                         notes=notes, dropped_areas=dropped_areas, dropped_deaths=dropped_deaths)


def group_counts(counts: ExtractCounts, keys=None, by_cause: bool = False) -> pd.DataFrame:
    """Deaths and person-years by group, sex and age band (and cause group): one row per cell, zeros filled."""
    frames = []
    for key in keys or list(counts.groups):
        name, role, members = counts.groups[key]
        d = counts.deaths[counts.deaths["lsoa_code"].isin(members)]
        p = counts.population[counts.population["lsoa_code"].isin(members)]
        cells = ["sex", "age_start"] + (["cause_group"] if by_cause else [])
        deaths = d.groupby(cells, as_index=False)[["deaths", "preventable"]].sum()
        pop = p.groupby(["sex", "age_start"], as_index=False)["population"].sum()
        grid = pd.MultiIndex.from_product([["male", "female"], LE_AGE_BANDS.astype(int)],
                                          names=["sex", "age_start"]).to_frame(index=False)
        if by_cause:
            causes = pd.DataFrame({"cause_group": sorted(set(counts.deaths["cause_group"]) | {"other"})})
            grid = grid.merge(causes, how="cross")
        frame = grid.merge(pop, on=["sex", "age_start"], how="left").merge(deaths, on=cells, how="left")
        frame[["deaths", "preventable", "population"]] = frame[["deaths", "preventable", "population"]].fillna(0)
        frames.append(frame.assign(group=key, area_name=name, role=role))
    return pd.concat(frames, ignore_index=True)
