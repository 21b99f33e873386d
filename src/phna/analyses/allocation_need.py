"""Need for proportionate universalism: need scores of small areas (2011 LSOAs) and units built from them.

:func:`lsoa_need` measures need for each small area from the data layer (deprivation scores of the chosen index,
preventable mortality, or the life expectancy gap below England); :func:`place_units` and :func:`decile_units`
group the small areas of a place into places or national deprivation deciles, with population-weighted need.
"""

from __future__ import annotations

import pandas as pd

from phna import data, geography
from phna.analyses.small_areas import INDEX_LABELS, lsoa11_deprivation, lsoa_population
from phna.geography import ENGLAND

#: The need measures the page accepts (``need_measure`` parameter), with how each reads in words.
NEED_MEASURES: dict[str, dict[str, str]] = {
    "imd_score": {
        "label": "IMD 2019 score",
        "unit": "IMD score (points)",
        "description": "the Index of Multiple Deprivation 2019 score of each small area (higher = more deprived)",
        "source": "MHCLG English Indices of Deprivation 2019 (File 7 scores)",
    },
    "income_score": {
        "label": "IMD 2019 income deprivation score",
        "unit": "proportion of residents income-deprived",
        "description": "the IoD 2019 income domain score: the proportion of residents who are income-deprived",
        "source": "MHCLG English Indices of Deprivation 2019 (income domain score)",
    },
    "employment_score": {
        "label": "IMD 2019 employment deprivation score",
        "unit": "proportion of working-age residents employment-deprived",
        "description": "the IoD 2019 employment domain score: the proportion of working-age residents who are "
        "employment-deprived",
        "source": "MHCLG English Indices of Deprivation 2019 (employment domain score)",
    },
    "smr_under75_preventable": {
        "label": "under-75 preventable mortality (SMR)",
        "unit": "standardised mortality ratio (England = 100)",
        "description": "the standardised mortality ratio for deaths under 75 from causes considered preventable, "
        "2015-19, published for each MSOA and given to each of its LSOAs",
        "source": "OHID Local Health, MSOA standardised mortality ratios 2015-19",
    },
    "le_gap": {
        "label": "life expectancy gap below England",
        "unit": "years below England (0 if at or above)",
        "description": "how many years each MSOA's life expectancy at birth (2016-20) falls short of England's "
        "(2017-19, the three years centred on the same year), averaged over males and females, and 0 where "
        "the MSOA is at or above England; given to each of the MSOA's LSOAs",
        "source": "ONS life expectancy by MSOA 2016-20; OHID Fingertips life expectancy at birth (90366), England 2017-19",
    },
}


def _check_measure(measure: str) -> None:
    if measure not in NEED_MEASURES:
        raise ValueError(f"need_measure must be one of {', '.join(NEED_MEASURES)}, not {measure!r}")


# ------------------------------------------------------------------------------------------ need by LSOA
def england_life_expectancy(period: str = "2017-19") -> dict[str, float]:
    """England's life expectancy at birth by sex (Fingertips 90366) for ``period``: ``{"male": .., "female": ..}``."""
    ft = data.fingertips(90366)
    rows = ft[(ft["area_code"] == ENGLAND) & (ft["period"] == period) & ft["inequality"].isna()]
    values = {sex: float(rows.loc[rows["sex"] == sex, "value"].iloc[0]) for sex in ("male", "female")
              if (rows["sex"] == sex).any()}
    if len(values) < 2:
        raise data.DataError(f"Fingertips 90366 has no England life expectancy by sex for {period}")
    return values


def measure_label(measure: str, index: str = "imd2019") -> str:
    """The need measure in words, naming the deprivation index for the deprivation scores."""
    label = NEED_MEASURES[measure]["label"]
    return label.replace("IMD 2019", INDEX_LABELS[index]) if measure in DEPRIVATION_MEASURES else label


DEPRIVATION_MEASURES = ("imd_score", "income_score", "employment_score")


def measure_description(measure: str, index: str = "imd2019") -> str:
    """What the need measure is, in words, naming the deprivation index for the deprivation scores."""
    text = NEED_MEASURES[measure]["description"]
    if measure in DEPRIVATION_MEASURES and index != "imd2019":
        text = (text.replace("Index of Multiple Deprivation 2019", INDEX_LABELS[index])
                .replace("IoD 2019", INDEX_LABELS[index]))
    return text


def lsoa_need(measure: str, lsoa11_codes, index: str = "imd2019") -> pd.DataFrame:
    """Need score, population and national deprivation decile for each LSOA (2011).

    Parameters
    ----------
    measure : one of :data:`NEED_MEASURES`
    lsoa11_codes : the LSOAs
    index : {"imd2019", "iod2025"}
        The index of the deciles and of the deprivation scores (IMD 2025 carried onto 2011 small areas).

    Returns
    -------
    DataFrame
        ``lsoa11_code, msoa11_code, district_code, imd_decile, population, need``; ``need`` is missing where
        the source has no value (e.g. an MSOA whose life expectancy ONS did not publish). ``attrs`` carries
        ``population_basis``.
    """
    _check_measure(measure)
    codes = list(dict.fromkeys(lsoa11_codes))
    if not codes:
        raise ValueError("lsoa_need: no LSOAs given")
    imd = data.imd2019_lsoa().set_index("lsoa11_code")
    dep = lsoa11_deprivation(index).set_index("lsoa11_code")
    unknown = [c for c in codes if c not in imd.index or c not in dep.index]
    if unknown:
        raise data.DataError(f"{INDEX_LABELS[index]} has no value for LSOA(s) {', '.join(unknown[:5])}")
    lookup = data.lsoa11_lookup().set_index("lsoa11_code")
    population, basis = lsoa_population(codes)
    out = pd.DataFrame(
        {
            "lsoa11_code": codes,
            "msoa11_code": lookup["msoa11_code"].reindex(codes).to_numpy(),
            "district_code": imd["district_code"].reindex(codes).to_numpy(),
            "imd_decile": dep["imd_decile"].reindex(codes).astype(int).to_numpy(),
            "population": population.to_numpy(),
        }
    )
    if measure in DEPRIVATION_MEASURES:
        out["need"] = dep[measure].reindex(codes).to_numpy(dtype=float)
    elif measure == "smr_under75_preventable":
        lh = data.local_health_msoa()
        smr = lh[lh["indicator"] == "smr_under75_preventable"].set_index("msoa11_code")["value"]
        out["need"] = out["msoa11_code"].map(smr).astype(float)
    else:  # le_gap
        england = england_life_expectancy()
        le = data.msoa_life_expectancy()
        gaps = []
        for sex in ("male", "female"):
            values = le[le["sex"] == sex].set_index("msoa11_code")["value"].astype(float)
            gaps.append((england[sex] - out["msoa11_code"].map(values)).clip(lower=0))
        out["need"] = pd.concat(gaps, axis=1).mean(axis=1, skipna=True).astype(float)
    out.attrs["population_basis"] = basis
    return out


def _aggregate(lsoas: pd.DataFrame, key: str) -> pd.DataFrame:
    """Population and population-weighted mean need per ``key`` (LSOAs without a need value left out of the mean)."""
    known = lsoas.dropna(subset=["need"])
    weighted = (known["need"] * known["population"]).groupby(known[key]).sum()
    pop_known = known.groupby(key)["population"].sum()
    out = lsoas.groupby(key).agg(lsoas=("lsoa11_code", "size"), population=("population", "sum"))
    out["lsoas_without_need"] = lsoas["need"].isna().groupby(lsoas[key]).sum().reindex(out.index).astype(int)
    out["need"] = (weighted / pop_known).reindex(out.index)
    return out.reset_index()


def component_places(params) -> tuple[list, list[str]]:
    """The places of the config that make up the page's place (for the ICB: its ICS places), without overlaps.

    Returns the places and notes on any left out.
    """
    # The one rule for which places divide an area between them (never Foleshill and Coventry both).
    partition = geography.partition_places(params.config, params.place)
    notes = [f"{place.name} overlaps a place already counted and is left out" for place in partition.left_out]
    if partition.places and partition.uncovered_lsoas:
        notes.append(f"{partition.uncovered_lsoas} of the {partition.icb_lsoas} small areas are in none of the places")
    return list(partition.places), notes


def place_units(params, measure: str) -> tuple[pd.DataFrame, list[str], str]:
    """Units = the places making up the page's place (see :func:`component_places`), or its districts if none.

    Returns the units (``unit, lsoas, population, need, lsoas_without_need``), notes, and the population basis.
    """
    places, notes = component_places(params)
    if len(places) >= 2:
        mapping = {code: p.name for p in places for code in geography.place_areas(p).lsoa11}
    else:
        names = data.district_lookup().set_index("district_code")["district_name"]
        lookup = data.lsoa11_lookup().set_index("lsoa11_code")["district_code"]
        mapping = {c: names.get(lookup[c], lookup[c]) for c in params.areas.lsoa11}
        notes = [f"{params.name} is not made up of several places in the configuration, so its districts are used"]
    lsoas = lsoa_need(measure, list(mapping), params.deprivation_index)
    lsoas["unit"] = lsoas["lsoa11_code"].map(mapping)
    order = list(dict.fromkeys(mapping.values()))
    units = _aggregate(lsoas, "unit").set_index("unit").reindex(order).reset_index()
    return units, notes, lsoas.attrs["population_basis"]


def decile_units(params, measure: str) -> tuple[pd.DataFrame, str]:
    """Units = the national deciles (chosen index) of the page's LSOAs (deciles with no LSOA left out)."""
    lsoas = lsoa_need(measure, params.areas.lsoa11, params.deprivation_index)
    units = _aggregate(lsoas, "imd_decile").sort_values("imd_decile")
    units.insert(0, "unit", "Decile " + units["imd_decile"].astype(int).astype(str))
    return units.reset_index(drop=True), lsoas.attrs["population_basis"]
