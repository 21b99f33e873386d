"""Proportionate universalism: share a budget across units in proportion to population × need.

"Actions must be universal, but with a scale and intensity that is proportionate to the level of
disadvantage" (Marmot 2010). Every unit (a place, a deprivation decile) gets something, and units with more
need get more per head, along the whole gradient rather than only the most deprived fifth.

:func:`allocate` is the pure method (any units, any need); need for small areas and the units built from them
are in :mod:`phna.analyses.allocation_need`. :func:`proportionate`
puts it together for a chapter's parameters. The deprivation index (IMD 2019, or IMD 2025 carried onto 2011 small
areas through the ONS best-fit lookup) sets the deciles and the deprivation need scores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna.analyses.allocation_need import (DEPRIVATION_MEASURES, NEED_MEASURES, _check_measure,  # noqa: F401
                                           component_places, decile_units, lsoa_need, measure_description,
                                           measure_label, place_units)
from phna.analyses.small_areas import INDEX_LABELS
from phna.findings import Finding
from phna.wording import agree, fmt_int, fmt_num, join_names, plural

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


# ------------------------------------------------------------------------------------------ for the page
@dataclass
class AllocationResult:
    budget: float
    measure: str
    measure_label: str
    index_label: str
    description: str
    places: pd.DataFrame  # allocate() output per place
    deciles: pd.DataFrame  # allocate() output per decile
    population_basis: str
    source: str
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

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
        out["unit_type"] = "place" if which == "places" else f"national {self.index_label} decile"
        return out


def money(value: float) -> str:
    """Whole pounds: "£1,000,000"."""
    return f"£{fmt_int(value)}"


def per_head(value: float) -> str:
    """Pounds and pence: "£1.05"."""
    return f"£{fmt_num(value, 2)}"


def proportionate(params, budget: float | None = None, need_measure: str | None = None) -> AllocationResult:
    """Proportionate-universalist allocation of ``budget`` across the page's places and deprivation deciles."""
    budget = float(budget if budget is not None else params.get("budget", 1_000_000))
    measure = need_measure or params.get("need_measure", "imd_score")
    _check_measure(measure)
    info = NEED_MEASURES[measure]
    label = measure_label(measure, params.deprivation_index)
    index_label = INDEX_LABELS[params.deprivation_index]
    place_table, notes, basis = place_units(params, measure)
    decile_table, _ = decile_units(params, measure)
    missing = int(place_table["lsoas_without_need"].sum())
    if missing:
        notes.append(f"{plural(missing, 'small area')} {agree(missing, 'has', 'have')} no {label} value and "
                     f"{agree(missing, 'counts', 'count')} at their place's average need")
    places = allocate(place_table, budget)
    deciles = allocate(decile_table, budget)
    for frame in (places, deciles):
        frame["need_measure"] = measure
        frame["budget"] = budget
        frame["deprivation_index"] = index_label
    source = info["source"].replace("2019", index_label[-4:]) if measure in DEPRIVATION_MEASURES else info["source"]
    return AllocationResult(
        budget=budget, measure=measure, measure_label=label, index_label=index_label,
        description=measure_description(measure, params.deprivation_index), places=places,
        deciles=deciles, population_basis=basis, source=f"{source}; {basis}", notes=notes,
        findings=_findings(params.name, budget, label, places, deciles),
    )


def _findings(name: str, budget: float, label: str, places: pd.DataFrame, deciles: pd.DataFrame) -> list[Finding]:
    top = places.sort_values("difference", ascending=False)
    gainers, losers = top[top["difference"] > 0], top[top["difference"] < 0]
    most, least = deciles.iloc[0], deciles.iloc[-1]
    common = dict(area=name, kind="context", unit="£", decimals=2)
    shares = Finding(
        key="allocation/places", topic="proportionate allocation by place", value=float(top["allocation"].iloc[0]),
        importance=1, evidence="places", **common,
        text=(f"Shared in proportion to population × {label}, a budget of {money(budget)} would give "
              + join_names(f"{r.unit} {money(r.allocation)} ({per_head(r.per_head)} per resident)"
                           for r in places.itertuples()) + "."))
    shift = Finding(
        key="allocation/shift", topic="shift from a flat share", value=float(abs(top["difference"].iloc[0])),
        evidence="places", **common,
        text=(f"Compared with the same amount per head everywhere ({per_head(places['flat_per_head'].iloc[0])} per "
              f"resident), {join_names(gainers['unit'])} would receive more"
              + (f" and {join_names(losers['unit'])} less" if len(losers) else "")
              + f"; the largest shift is {money(abs(top['difference'].iloc[0]))} to {top['unit'].iloc[0]}."
              if len(gainers) else "The proportionate and flat allocations are the same: need is equal across the places."))
    gradient = Finding(
        key="allocation/deciles", topic="allocation per resident across deprivation deciles",
        value=float(most.per_head), importance=2, evidence="deciles", **common,
        text=(f"Across deprivation deciles, residents of the most deprived decile present ({most.unit}) would receive "
              f"{per_head(most.per_head)} per head and those of the least deprived ({least.unit}) "
              f"{per_head(least.per_head)}: {fmt_num(most.per_head / least.per_head, 1)} times as much."
              if least.per_head > 0 else f"Residents of {least.unit} would receive nothing because its need is 0."))
    return [shares, shift, gradient]
