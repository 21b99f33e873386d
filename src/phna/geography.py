"""Place-aware access: resolve a place to its small areas, select its rows, aggregate counts over it.

A *place* is anything with the attributes of :class:`phna.config.Place` (duck typing): ``slug``, ``name``,
``kind`` ("icb", "place", "district", "lsoas"), ``districts`` (LAD codes), ``lsoas`` (LSOA 2011 codes, an
alternative definition), ``comparators`` (area codes such as E92000001 England) and ``icb_code``.

Counts aggregate, rates do not: :func:`aggregate_counts` only sums count columns (deaths, population, …);
rates and life expectancies for multi-district places must be computed from those counts, never averaged.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any, Iterable

import pandas as pd

from .data.errors import DataError
from .wording import join_names, plural

COUNT_COLUMNS = frozenset({"deaths", "population", "count", "denominator", "births", "households", "events",
                           "person_years", "fuel_poor", "numerator"})


@dataclass(frozen=True)
class PlaceAreas:
    """The small areas and districts making up a place (codes sorted)."""

    slug: str
    lsoa11: tuple[str, ...]
    lsoa21: tuple[str, ...]
    msoa11: tuple[str, ...]
    districts: tuple[str, ...]
    region_code: str | None
    icb_code: str | None


def _attr(place: Any, name: str, default: Any = ()) -> Any:
    value = getattr(place, name, default)
    return default if value is None else value


@functools.lru_cache(maxsize=64)
def _resolve(slug: str, districts: tuple[str, ...], lsoas: tuple[str, ...], icb_code: str | None) -> PlaceAreas:
    from .data.lookups import lsoa11_lookup, lsoa11_lsoa21_lookup, lsoa21_lookup

    l11 = lsoa11_lookup()
    l21 = lsoa21_lookup()
    if lsoas:
        unknown = sorted(set(lsoas) - set(l11["lsoa11_code"]))
        if unknown:
            raise DataError(f"place {slug!r}: {len(unknown)} LSOA 2011 code(s) not in England's lookup, e.g. {unknown[:5]}")
        in11 = l11[l11["lsoa11_code"].isin(lsoas)]
        pairs = lsoa11_lsoa21_lookup()
        codes21 = set(pairs.loc[pairs["lsoa11_code"].isin(lsoas), "lsoa21_code"])
        in21 = l21[l21["lsoa21_code"].isin(codes21)]
        districts = tuple(sorted(set(in11["district_code"])))
    elif districts:
        unknown = sorted(set(districts) - set(l11["district_code"]) - set(l21["district_code"]))
        if unknown:
            raise DataError(f"place {slug!r}: district code(s) {unknown} not in the LSOA lookups "
                            "(valid codes look like E08000026; see phna.data.district_lookup())")
        in11 = l11[l11["district_code"].isin(districts)]
        in21 = l21[l21["district_code"].isin(districts)]
    elif icb_code:
        in11 = l11[l11["icb_code"] == icb_code]
        in21 = l21[l21["icb_code"] == icb_code]
        districts = tuple(sorted(set(in11["district_code"])))
        if not len(in11):
            raise DataError(f"place {slug!r}: ICB code {icb_code!r} not in the LSOA lookups")
    else:
        raise DataError(f"place {slug!r} has no districts, no LSOAs and no ICB code")
    # An MSOA belongs to the place when most of its LSOAs do.
    share = l11.assign(inside=l11["lsoa11_code"].isin(set(in11["lsoa11_code"]))).groupby("msoa11_code")["inside"].mean()
    msoa11 = tuple(sorted(share[share > 0.5].index))
    regions = set(in11["region_code"])
    icbs = set(in11["icb_code"])
    return PlaceAreas(
        slug=slug, lsoa11=tuple(sorted(in11["lsoa11_code"])), lsoa21=tuple(sorted(in21["lsoa21_code"])),
        msoa11=msoa11, districts=tuple(sorted(districts)),
        region_code=regions.pop() if len(regions) == 1 else None,
        icb_code=icb_code or (icbs.pop() if len(icbs) == 1 else None),
    )


def place_areas(place: Any) -> PlaceAreas:
    """Resolve a place to its LSOAs (2011 and 2021), MSOAs (2011), districts, region and ICB.

    Parameters
    ----------
    place : Place-like
        Object with ``slug``, ``districts`` and/or ``lsoas`` (and optionally ``icb_code``).

    Returns
    -------
    PlaceAreas
        For a district-based place, all LSOAs of its districts (LSOA21 from the 2024 district lookup); for an
        LSOA-based place, its LSOA11s and their best-fit LSOA21s. ``msoa11`` holds the MSOAs with more than half
        of their LSOAs in the place. ``region_code``/``icb_code`` are None when the place spans several.
    """
    return _resolve(str(_attr(place, "slug", "place")), tuple(_attr(place, "districts")), tuple(_attr(place, "lsoas")),
                    _attr(place, "icb_code", None))


def select_rows(df: pd.DataFrame, place: Any, code_col: str = "area_code",
                include_comparators: bool = True) -> pd.DataFrame:
    """Rows of ``df`` for the place's districts and (by default) its comparators (e.g. England, region).

    Raises
    ------
    DataError
        When ``code_col`` is missing or none of the place's districts is in ``df``.
    """
    if code_col not in df.columns:
        raise DataError(f"select_rows: column {code_col!r} not in the table (columns: {list(df.columns)})")
    districts = place_areas(place).districts
    wanted = list(districts) + (list(_attr(place, "comparators")) if include_comparators else [])
    out = df[df[code_col].isin(wanted)]
    if not out[code_col].isin(districts).any():
        raise DataError(f"select_rows: none of place {_attr(place, 'slug', '?')!r}'s districts {list(districts)} "
                        f"is in column {code_col!r}")
    return out.reset_index(drop=True)


def _level(code_col: str) -> str:
    name = code_col.lower()
    if "lsoa21" in name:
        return "lsoa21"
    if "lsoa" in name:
        return "lsoa11"
    if "msoa" in name:
        return "msoa11"
    return "districts"


def aggregate_counts(df: pd.DataFrame, place: Any, code_col: str = "area_code",
                     value_cols: Iterable[str] = ("deaths", "population"), by: Iterable[str] | None = None,
                     level: str | None = None) -> pd.DataFrame:
    """Sum count columns over the place's areas to give one row per group for the place.

    Parameters
    ----------
    df : pandas.DataFrame
        Counts by area (and e.g. sex, age band, period).
    place : Place-like
    code_col : str, default "area_code"
        Column of area codes. Its name picks the geography (``lsoa21_code`` → LSOA21, ``lsoa11_code`` /
        ``lsoa_code`` → LSOA11, ``msoa11_code`` → MSOA11, otherwise districts) unless ``level`` is given.
    value_cols : iterable of str
        Count columns to sum. Only counts are accepted (deaths, population, count, denominator, births,
        households, events, person_years, fuel_poor, numerator): rates, ratios and life expectancies cannot be
        aggregated across areas and must be recomputed from summed counts.
    by : iterable of str, optional
        Grouping columns (default: every column except the value columns, ``area_type`` and columns whose names
        end in ``_code`` or ``_name``).
    level : {"districts", "lsoa11", "lsoa21", "msoa11"}, optional

    Returns
    -------
    pandas.DataFrame
        ``code_col`` = ``"place:<slug>"``, ``area_name`` = the place name, ``area_type`` = "place", the ``by``
        columns and the summed value columns, plus ``n_areas`` (areas summed in each group).

    Raises
    ------
    DataError
        Non-count value columns, missing columns, negative counts, or some of the place's areas missing from a
        group (an incomplete sum would be silently wrong).
    """
    value_cols = list(value_cols)
    not_counts = [c for c in value_cols if c not in COUNT_COLUMNS]
    if not_counts:
        raise DataError(f"aggregate_counts: {not_counts} are not count columns; only {sorted(COUNT_COLUMNS)} can be "
                        "summed across areas. Published rates and life expectancies are never averaged: aggregate "
                        "the counts and recompute the statistic.")
    missing = [c for c in [code_col, *value_cols] if c not in df.columns]
    if missing:
        raise DataError(f"aggregate_counts: column(s) {missing} not in the table (columns: {list(df.columns)})")
    areas = place_areas(place)
    level = level or _level(code_col)
    members = {"districts": areas.districts, "lsoa11": areas.lsoa11, "lsoa21": areas.lsoa21,
               "msoa11": areas.msoa11}.get(level)
    if members is None:
        raise DataError(f"aggregate_counts: level must be districts, lsoa11, lsoa21 or msoa11, not {level!r}")
    if level == "districts" and _attr(place, "lsoas"):
        raise DataError(f"aggregate_counts: place {areas.slug!r} is defined by LSOAs; district-level counts "
                        "cannot be aggregated to it. Use LSOA-level data.")
    for column in value_cols:
        if not pd.api.types.is_numeric_dtype(df[column]):
            raise DataError(f"aggregate_counts: column {column!r} is not numeric (dtype {df[column].dtype})")
        if (df[column] < 0).any():
            raise DataError(f"aggregate_counts: column {column!r} has negative counts")
    # Other geography columns (names, parent codes such as district_code) are not grouping keys.
    skip = {code_col, "area_name", "area_type", *value_cols} | {c for c in df.columns if c.endswith(("_name", "_code"))}
    by = [c for c in df.columns if c not in skip] if by is None else list(by)
    subset = df[df[code_col].isin(members)]
    if subset.empty:
        raise DataError(f"aggregate_counts: none of place {areas.slug!r}'s {level} codes is in column {code_col!r}")
    if by:
        grouped = subset.groupby(by, dropna=False, sort=True)
        out = grouped[value_cols].sum().reset_index()
        out["n_areas"] = grouped[code_col].nunique().to_numpy()
    else:
        out = pd.DataFrame([subset[value_cols].sum()])
        out["n_areas"] = subset[code_col].nunique()
    incomplete = out["n_areas"] < len(members)
    if incomplete.any():
        example = out.loc[incomplete, by + ["n_areas"]].head(3).to_dict("records") if by else out["n_areas"].tolist()
        raise DataError(f"aggregate_counts: place {areas.slug!r} has {len(members)} {level} areas but some groups "
                        f"have fewer, e.g. {example}; the sum would be incomplete")
    out.insert(0, code_col, f"place:{areas.slug}")
    out.insert(1, "area_name", str(_attr(place, "name", areas.slug)))
    out.insert(2, "area_type", "place")
    return out


# ------------------------------------------------------------------------------------ shared derived tables
# Each derived table the chapters share exists once, here, so that two chapters cannot disagree about it.

ENGLAND = "E92000001"


@functools.lru_cache(maxsize=4)
def msoa_deprivation(index: str = "imd2019") -> pd.DataFrame:
    """Population-weighted deprivation score of every English MSOA (2011 boundaries) from its LSOAs' scores.

    Parameters
    ----------
    index : {"imd2019", "iod2025"}
        ``imd2019``: the IMD 2019 scores of each MSOA's 2011 LSOAs, weighted by the IoD 2019 mid-2015 population
        denominators (the House of Commons Library's method). ``iod2025``: the IMD 2025 scores of the 2021 LSOAs
        of each 2011 LSOA's 2021 LSOAs (ONS LSOA 2011 to 2021 lookup; the mean where one 2011 LSOA became
        several), weighted by the same mid-2015 denominators.

    Returns
    -------
    pandas.DataFrame
        ``msoa11_code``, ``score`` (higher = more deprived), ``population`` (the weights), ``lsoas``, ``index``.
    """
    from .data.deprivation import imd2019_lsoa, iod2025_lsoa
    from .data.lookups import lsoa11_lookup, lsoa11_lsoa21_lookup

    imd = imd2019_lsoa()[["lsoa11_code", "imd_score", "population_mid2015"]]
    lookup = lsoa11_lookup()[["lsoa11_code", "msoa11_code"]]
    if index == "imd2019":
        rows = imd.rename(columns={"imd_score": "score"})
    elif index == "iod2025":
        iod = iod2025_lsoa()
        score_col = "imd_score" if "imd_score" in iod.columns else next(c for c in iod.columns if c.endswith("score"))
        pairs = lsoa11_lsoa21_lookup()[["lsoa11_code", "lsoa21_code"]]
        pairs = pairs.merge(iod[["lsoa21_code", score_col]], on="lsoa21_code", how="inner")
        per11 = pairs.groupby("lsoa11_code", as_index=False)[score_col].mean()
        rows = imd[["lsoa11_code", "population_mid2015"]].merge(per11, on="lsoa11_code", how="inner")
        rows = rows.rename(columns={score_col: "score"})
    else:
        raise DataError(f"msoa_deprivation: index must be imd2019 or iod2025, not {index!r}")
    rows = rows.merge(lookup, on="lsoa11_code", how="inner")
    rows = rows.assign(weighted=rows["score"] * rows["population_mid2015"])
    out = rows.groupby("msoa11_code", as_index=False).agg(
        weighted=("weighted", "sum"), population=("population_mid2015", "sum"), lsoas=("lsoa11_code", "size")
    )
    out["score"] = out["weighted"] / out["population"]
    out["index"] = index
    return out[["msoa11_code", "score", "population", "lsoas", "index"]]


@functools.lru_cache(maxsize=16)
def icb_districts(icb_code: str) -> tuple[str, ...]:
    """The districts of an ICB (2022 boundaries): those with more than half of their LSOAs in it.

    The one rule for "which districts are in the ICB", used by every chapter.
    """
    from .data.lookups import lsoa11_lookup

    lookup = lsoa11_lookup()
    if icb_code not in set(lookup["icb_code"]):
        raise DataError(f"ICB code {icb_code!r} is not in the LSOA lookup")
    share = lookup.assign(inside=lookup["icb_code"] == icb_code).groupby("district_code")["inside"].mean()
    return tuple(sorted(share[share > 0.5].index))


@functools.lru_cache(maxsize=16)
def icb_name(icb_code: str) -> str:
    """The ICB's name as readers know it ("Coventry and Warwickshire ICB", without "NHS" and "Integrated Care Board")."""
    from .data.lookups import lsoa11_lookup

    lookup = lsoa11_lookup()
    names = lookup.loc[lookup["icb_code"] == icb_code, "icb_name"]
    if names.empty:
        raise DataError(f"ICB code {icb_code!r} is not in the LSOA lookup")
    name = str(names.iloc[0])
    return name.replace("NHS ", "").replace(" Integrated Care Board", " ICB").strip()


@functools.lru_cache(maxsize=1)
def area_names() -> dict[str, str]:
    """Area code → name for England, regions, counties, districts and ICBs (the one place names come from)."""
    from .data.lookups import district_lookup, lsoa11_lookup

    lookup = district_lookup()
    names = {ENGLAND: "England"}
    for code_col, name_col in (("region_code", "region_name"), ("county_code", "county_name"),
                               ("district_code", "district_name")):
        if code_col in lookup and name_col in lookup:
            names.update({str(k): str(v) for k, v in zip(lookup[code_col], lookup[name_col]) if pd.notna(k)})
    icbs = lsoa11_lookup()[["icb_code"]].drop_duplicates()
    names.update({code: icb_name(code) for code in icbs["icb_code"].dropna()})
    return names


# ------------------------------------------------------------------------------------ places anywhere
# A place's ICB, region and default comparators come from the lookups for its districts or LSOAs, so any English
# place can be added to any book and is compared with its own region, not the book's.


def default_comparators(place: Any) -> tuple[str, ...]:
    """England and the place's region (from the lookups); England alone when the place spans two regions."""
    region = place_areas(place).region_code
    return (ENGLAND, region) if region else (ENGLAND,)


def published_area_name(place: Any, code: str) -> str:
    """How a figure published for district (or county) ``code`` is named on a place's page.

    For a place made of whole districts, the district's own name ("Coventry"). For a place made of small areas,
    the figure is not the place's own: the name says whose it is ("Coventry (the district Foleshill is in)").
    """
    name = area_names().get(str(code), str(code))
    if not _attr(place, "lsoas") or str(code) == ENGLAND:
        return name
    kind = "county" if str(code).startswith("E10") else "district"
    return f"{name} (the {kind} {_attr(place, 'name', 'the place')} is in)"


@dataclass(frozen=True)
class Partition:
    """The places of a book that divide an ICB between them without overlapping (see :func:`partition_places`)."""

    places: tuple[Any, ...]
    left_out: tuple[Any, ...]  # places inside the ICB that overlap one already counted
    uncovered_lsoas: int  # the ICB's small areas in none of the places
    icb_lsoas: int

    @property
    def complete(self) -> bool:
        return self.uncovered_lsoas == 0

    def note(self) -> str:
        """One plain sentence for an ICB page: which places are added together, and which are not."""
        parts = [f"Places are added together only where they do not overlap: "
                 f"{join_names(p.name for p in self.places)} divide the ICB between them."
                 if self.complete and self.places else
                 f"Places are added together only where they do not overlap ({join_names(p.name for p in self.places)})."]
        if self.left_out:
            parts.append(f"{join_names(p.name for p in self.left_out)} "
                         f"{'lies' if len(self.left_out) == 1 else 'lie'} inside another place and "
                         f"{'is' if len(self.left_out) == 1 else 'are'} shown on its own, not added again.")
        if self.uncovered_lsoas:
            parts.append(f"{plural(self.uncovered_lsoas, 'small area')} of the {self.icb_lsoas} "
                         f"{'is' if self.uncovered_lsoas == 1 else 'are'} in none of the places.")
        return " ".join(parts)


def partition_places(config: Any, within: Any = None) -> Partition:
    """The places of ``config`` that partition an ICB (or the place ``within``): the one rule for ICB pages.

    Places whose small areas all lie inside the ICB are taken whole districts first (larger places first), then
    places of small areas; a place overlapping one already taken is left out (Foleshill inside Coventry is never
    counted twice). The ICB place itself (``kind: icb``) is never one of the parts.

    Parameters
    ----------
    config : phna.config.Config
    within : Place-like, optional
        The area to partition; default the configuration's ICB place (or its ICB code).

    Returns
    -------
    Partition
        ``places`` in configuration order, ``left_out`` (overlapping places), and the ICB's small areas left
        uncovered.
    """
    if within is None:
        within = next((p for p in config.places if getattr(p, "kind", "") == "icb"), None)
    if within is None:
        if not getattr(config, "icb_code", None):
            raise DataError("partition_places: the configuration has no ICB place and no ICB code")
        own = set(_resolve("icb", (), (), config.icb_code).lsoa11)
        within_slug = None
    else:
        own = set(place_areas(within).lsoa11)
        within_slug = within.slug
    candidates = []
    for order, place in enumerate(config.places):
        if place.slug == within_slug or getattr(place, "kind", "") == "icb":
            continue
        lsoas = set(place_areas(place).lsoa11)
        if lsoas and lsoas <= own:
            candidates.append((bool(_attr(place, "lsoas")), -len(lsoas), order, place, lsoas))
    taken: set[str] = set()
    chosen, left_out = [], []
    for _, _, order, place, lsoas in sorted(candidates, key=lambda c: c[:3]):
        if lsoas & taken:
            left_out.append((order, place))
        else:
            chosen.append((order, place))
            taken |= lsoas
    return Partition(places=tuple(p for _, p in sorted(chosen, key=lambda c: c[0])),
                     left_out=tuple(p for _, p in sorted(left_out, key=lambda c: c[0])),
                     uncovered_lsoas=len(own - taken), icb_lsoas=len(own))


def name_published(findings: Iterable[Any], place: Any) -> list[Any]:
    """Findings records with published district or county figures named for a place of small areas.

    A place made of LSOAs has no published figures of its own: a record whose ``area_code`` is a district or
    county is that area's figure, so its ``area`` becomes "Coventry (the district Foleshill is in)". Records of
    other places are returned unchanged.
    """
    out = []
    for record in findings:
        code = str(getattr(record, "area_code", "") or "")
        if _attr(place, "lsoas") and code[:3] in ("E06", "E07", "E08", "E09", "E10"):
            record = replace(record, area=published_area_name(place, code))
        out.append(record)
    return out
