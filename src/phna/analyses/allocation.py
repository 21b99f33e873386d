"""Proportionate universalism: share a budget across units in proportion to population × need.

"Actions must be universal, but with a scale and intensity that is proportionate to the level of
disadvantage" (Marmot 2010). Every unit (a place, a deprivation decile) gets something, and units with more
need get more per head, along the whole gradient rather than only the most deprived fifth.

:func:`allocate` is the pure method (any units, any need); :func:`lsoa_need` measures need for small areas
from the data layer, and :func:`place_units`/:func:`decile_units` build units from them. :func:`proportionate`
puts it together for a chapter context.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna import data
from phna.wording import fmt_int, fmt_num, join_names

ENGLAND = "E92000001"

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


# ---------------------------------------------------------------------------------------------- the method
def _largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers proportional to ``weights`` that add up to ``total`` exactly (Hamilton's method)."""
    exact = total * weights / weights.sum()
    base = np.floor(exact).astype(np.int64)
    short = int(total - base.sum())
    if short:
        # Ties broken by order, so the result is deterministic.
        order = np.argsort(-(exact - base), kind="stable")
        base[order[:short]] += 1
    return base


def allocate(
    units: pd.DataFrame,
    budget: float,
    *,
    unit: str = "unit",
    population: str = "population",
    need: str = "need",
    decimals: int = 0,
) -> pd.DataFrame:
    """Share ``budget`` across units in proportion to population × need, and compare with a flat per-head share.

    Parameters
    ----------
    units : DataFrame
        One row per unit with the columns named by ``unit`` (unique labels), ``population`` (people, > 0)
        and ``need`` (a need score, ≥ 0; any scale, only ratios between units matter).
    budget : float
        The amount to share (> 0), e.g. 1_000_000 (pounds).
    decimals : int, default 0
        Allocations are whole multiples of ``10 ** -decimals`` (0: whole pounds; 2: pence). ``budget``
        must itself be such a multiple.

    Returns
    -------
    DataFrame
        ``unit, population, need, weight`` (population × need), ``share`` (of the budget, 0-1),
        ``allocation``, ``flat_allocation`` (population share of the budget), ``difference``
        (allocation − flat), ``per_head`` and ``flat_per_head`` (allocation per resident), ``need_index``
        (per_head / flat_per_head: 1 = the average need of all the units). Any extra columns of ``units``
        are kept after ``unit``.

    Notes
    -----
    Allocations are rounded with the largest-remainder method, so both the proportionate and the flat
    allocations add up to ``budget`` exactly. With equal need everywhere the two are identical.

    Raises
    ------
    ValueError
        For missing columns, repeated units, a population that is not positive, a need that is missing,
        negative or infinite, a budget that is not positive, or no need anywhere (all zero).
    """
    if not isinstance(units, pd.DataFrame):
        raise ValueError(f"allocate: units must be a DataFrame, not {type(units).__name__}")
    missing = [c for c in (unit, population, need) if c not in units.columns]
    if missing:
        raise ValueError(f"allocate: units has no column(s) {', '.join(missing)}; columns are {list(units.columns)}")
    if len(units) == 0:
        raise ValueError("allocate: there are no units to allocate to")
    try:
        budget = float(budget)
    except (TypeError, ValueError):
        raise ValueError(f"allocate: budget must be a number, not {budget!r}") from None
    if not math.isfinite(budget) or budget <= 0:
        raise ValueError(f"allocate: budget must be a positive number, not {budget!r}")
    scale = 10 ** int(decimals)
    total = round(budget * scale)
    if abs(total - budget * scale) > 1e-6 * max(1.0, abs(budget * scale)):
        raise ValueError(
            f"allocate: budget {budget!r} is not a whole multiple of {10 ** -int(decimals):g}; "
            f"pass decimals={int(decimals) + 2} (or round the budget)"
        )
    repeated = units[unit][units[unit].duplicated()].tolist()
    if repeated:
        raise ValueError(f"allocate: units must be unique; repeated: {repeated[:5]}")
    pop = pd.to_numeric(units[population], errors="coerce").to_numpy(dtype=float)
    needs = pd.to_numeric(units[need], errors="coerce").to_numpy(dtype=float)
    labels = units[unit].astype(str).tolist()
    bad = [labels[i] for i in np.flatnonzero(~np.isfinite(pop) | (pop <= 0))]
    if bad:
        raise ValueError(f"allocate: population must be a positive number; check {', '.join(bad[:5])}")
    bad = [labels[i] for i in np.flatnonzero(~np.isfinite(needs))]
    if bad:
        raise ValueError(f"allocate: need is missing or not finite for {', '.join(bad[:5])}")
    bad = [f"{labels[i]} ({needs[i]:g})" for i in np.flatnonzero(needs < 0)]
    if bad:
        raise ValueError(f"allocate: need must be 0 or more; negative for {', '.join(bad[:5])}")
    weight = pop * needs
    if weight.sum() <= 0:
        raise ValueError("allocate: need is 0 for every unit, so there is nothing to be proportionate to")

    out = units.copy()
    out[population] = pop
    out[need] = needs
    out["weight"] = weight
    out["share"] = weight / weight.sum()
    out["allocation"] = _largest_remainder(weight, total) / scale
    out["flat_allocation"] = _largest_remainder(pop, total) / scale
    out["difference"] = out["allocation"] - out["flat_allocation"]
    out["per_head"] = out["allocation"] / pop
    out["flat_per_head"] = budget / pop.sum()
    out["need_index"] = needs / (weight.sum() / pop.sum())
    first = [unit, population, need]
    rest = [c for c in out.columns if c not in first and c not in units.columns]
    extra = [c for c in units.columns if c not in first]
    out = out[[unit, *extra, population, need, *rest]]
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------------------------ need by LSOA
def lsoa_population(lsoa11_codes) -> tuple[pd.Series, str]:
    """Persons per LSOA (2011): ONS mid-2019 estimates where the mirror has every LSOA, else IoD mid-2015.

    Returns the populations (indexed by ``lsoa11_code``) and a phrase naming the basis.
    """
    codes = list(dict.fromkeys(lsoa11_codes))
    totals = data.lsoa_population_2019().groupby("lsoa11_code")["population"].sum()
    if set(codes) <= set(totals.index):
        return totals.reindex(codes).astype("int64"), "ONS mid-2019 LSOA population estimates"
    imd = data.imd2019_lsoa().set_index("lsoa11_code")["population_mid2015"]
    return imd.reindex(codes).astype("int64"), "IoD 2019 mid-2015 population denominators"


def england_life_expectancy(period: str = "2017-19") -> dict[str, float]:
    """England's life expectancy at birth by sex (Fingertips 90366) for ``period``: ``{"male": .., "female": ..}``."""
    ft = data.fingertips(90366)
    rows = ft[(ft["area_code"] == ENGLAND) & (ft["period"] == period) & ft["inequality"].isna()]
    values = {sex: float(rows.loc[rows["sex"] == sex, "value"].iloc[0]) for sex in ("male", "female")
              if (rows["sex"] == sex).any()}
    if len(values) < 2:
        raise data.DataError(f"Fingertips 90366 has no England life expectancy by sex for {period}")
    return values


def lsoa_need(measure: str, lsoa11_codes) -> pd.DataFrame:
    """Need score, population and national IMD 2019 decile for each LSOA (2011).

    Parameters
    ----------
    measure : one of :data:`NEED_MEASURES`
    lsoa11_codes : the LSOAs

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
    unknown = [c for c in codes if c not in imd.index]
    if unknown:
        raise data.DataError(f"IMD 2019 has no row for LSOA(s) {', '.join(unknown[:5])}")
    lookup = data.lsoa11_lookup().set_index("lsoa11_code")
    population, basis = lsoa_population(codes)
    out = pd.DataFrame(
        {
            "lsoa11_code": codes,
            "msoa11_code": lookup["msoa11_code"].reindex(codes).to_numpy(),
            "district_code": imd["district_code"].reindex(codes).to_numpy(),
            "imd_decile": imd["imd_decile"].reindex(codes).to_numpy(),
            "population": population.to_numpy(),
        }
    )
    if measure in ("imd_score", "income_score", "employment_score"):
        out["need"] = imd[measure].reindex(codes).to_numpy(dtype=float)
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


def component_places(ctx) -> tuple[list, list[str]]:
    """The places of the config that make up the page's place (for the ICB: its ICS places), without overlaps.

    Returns the places and notes on any left out.
    """
    own = set(ctx.areas.lsoa11)
    from phna import geography

    chosen, notes, taken = [], [], set()
    for place in ctx.config.places:
        if place.slug == ctx.place.slug or place.kind == "icb":
            continue
        lsoas = set(geography.place_areas(place).lsoa11)
        if not lsoas or not lsoas <= own:
            continue
        if lsoas & taken:
            notes.append(f"{place.name} overlaps a place already counted and is left out")
            continue
        chosen.append(place)
        taken |= lsoas
    if taken and taken != own:
        notes.append(f"{len(own - taken)} of the {len(own)} small areas are in none of the places")
    return chosen, notes


def place_units(ctx, measure: str) -> tuple[pd.DataFrame, list[str], str]:
    """Units = the places making up the page's place (see :func:`component_places`), or its districts if none.

    Returns the units (``unit, lsoas, population, need, lsoas_without_need``), notes, and the population basis.
    """
    places, notes = component_places(ctx)
    from phna import geography

    if len(places) >= 2:
        mapping = {code: p.name for p in places for code in geography.place_areas(p).lsoa11}
    else:
        names = data.district_lookup().set_index("district_code")["district_name"]
        lookup = data.lsoa11_lookup().set_index("lsoa11_code")["district_code"]
        mapping = {c: names.get(lookup[c], lookup[c]) for c in ctx.areas.lsoa11}
        notes = [f"{ctx.name} is not made up of several places in the configuration, so its districts are used"]
    lsoas = lsoa_need(measure, list(mapping))
    lsoas["unit"] = lsoas["lsoa11_code"].map(mapping)
    order = list(dict.fromkeys(mapping.values()))
    units = _aggregate(lsoas, "unit").set_index("unit").reindex(order).reset_index()
    return units, notes, lsoas.attrs["population_basis"]


def decile_units(ctx, measure: str) -> tuple[pd.DataFrame, str]:
    """Units = the national IMD 2019 deciles of the page's LSOAs (deciles with no LSOA left out)."""
    lsoas = lsoa_need(measure, ctx.areas.lsoa11)
    units = _aggregate(lsoas, "imd_decile").sort_values("imd_decile")
    units.insert(0, "unit", "Decile " + units["imd_decile"].astype(int).astype(str))
    return units.reset_index(drop=True), lsoas.attrs["population_basis"]


# ------------------------------------------------------------------------------------------ for the page
@dataclass
class AllocationResult:
    budget: float
    measure: str
    measure_label: str
    places: pd.DataFrame  # allocate() output per place
    deciles: pd.DataFrame  # allocate() output per decile
    population_basis: str
    source: str
    notes: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def long(self, which: str) -> pd.DataFrame:
        """Tidy rows for the chart: one per unit and method (proportionate / flat)."""
        frame = self.places if which == "places" else self.deciles
        rows = []
        for method, column in (("proportionate", "allocation"), ("flat per head", "flat_allocation")):
            rows.append(frame[["unit", "population", "need"]].assign(method=method, allocation=frame[column]))
        out = pd.concat(rows, ignore_index=True)
        out["per_head"] = out["allocation"] / out["population"]
        out["need_measure"] = self.measure
        out["budget"] = self.budget
        out["unit_type"] = "place" if which == "places" else "national IMD 2019 decile"
        return out


def _money(value: float) -> str:
    return f"£{fmt_int(value)}"


def _per_head(value: float) -> str:
    return f"£{fmt_num(value, 2)}"


def proportionate(ctx, budget: float | None = None, need_measure: str | None = None) -> AllocationResult:
    """Proportionate-universalist allocation of ``budget`` across the page's places and deprivation deciles."""
    budget = float(budget if budget is not None else ctx.extra.get("budget", 1_000_000))
    measure = need_measure or ctx.extra.get("need_measure", "imd_score")
    _check_measure(measure)
    info = NEED_MEASURES[measure]
    place_table, notes, basis = place_units(ctx, measure)
    decile_table, _ = decile_units(ctx, measure)
    missing = int(place_table["lsoas_without_need"].sum())
    if missing:
        notes.append(f"{missing} small area(s) have no {info['label']} value and count at their place's average need")
    places = allocate(place_table, budget)
    deciles = allocate(decile_table, budget)
    for frame in (places, deciles):
        frame["need_measure"] = measure
        frame["budget"] = budget

    top = places.sort_values("difference", ascending=False)
    gainers = top[top["difference"] > 0]
    losers = top[top["difference"] < 0]
    most = deciles.iloc[0]
    least = deciles.iloc[-1]
    findings = [
        f"Shared in proportion to population × {info['label']}, a budget of {_money(budget)} would give "
        + join_names(f"{r.unit} {_money(r.allocation)} ({_per_head(r.per_head)} per resident)" for r in places.itertuples())
        + ".",
        (
            f"Compared with the same amount per head everywhere ({_per_head(places['flat_per_head'].iloc[0])} "
            f"per resident), {join_names(gainers['unit'])} would receive more"
            + (f" and {join_names(losers['unit'])} less" if len(losers) else "")
            + f"; the largest shift is {_money(abs(top['difference'].iloc[0]))} to {top['unit'].iloc[0]}."
            if len(gainers)
            else "The proportionate and flat allocations are the same: need is equal across the places."
        ),
        f"Across deprivation deciles, residents of the most deprived decile present ({most.unit}) would receive "
        f"{_per_head(most.per_head)} per head and those of the least deprived ({least.unit}) {_per_head(least.per_head)}: "
        f"{fmt_num(most.per_head / least.per_head, 1)} times as much."
        if least.per_head > 0
        else f"Residents of {least.unit} would receive nothing because its need is 0.",
    ]
    return AllocationResult(
        budget=budget,
        measure=measure,
        measure_label=info["label"],
        places=places,
        deciles=deciles,
        population_basis=basis,
        source=f"{info['source']}; {basis}",
        notes=notes,
        findings=findings,
    )


def allocation_chart(long: pd.DataFrame, *, title: str, xlabel: str, per_head: bool = False):
    """Paired bars per unit: proportionate (blue) and flat per-head (grey) allocation, in pounds."""
    from matplotlib.ticker import FuncFormatter

    from phna.charts import style

    units = list(dict.fromkeys(long["unit"]))
    fig, ax = style.new_figure(8, 4.5)
    x = np.arange(len(units))
    column = "per_head" if per_head else "allocation"
    for offset, method, colour in ((-0.2, "proportionate", style.PLACE), (0.2, "flat per head", style.OTHER)):
        part = long[long["method"] == method].set_index("unit").reindex(units)
        ax.bar(x + offset, part[column], width=0.4, color=colour, label=method.capitalize(), edgecolor="white")
    ax.set_xticks(x, units, rotation=0 if len(units) <= 6 else 45, ha="center" if len(units) <= 6 else "right")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Allocation per resident (£)" if per_head else "Allocation (£)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"£{v:,.0f}" if not per_head else f"£{v:,.2f}"))
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper right")
    ax.set_title(title)
    return fig
