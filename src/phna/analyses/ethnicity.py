"""Who lives in the most deprived areas: ethnic group, Core20 and the evidence for PLUS groups, per place.

Each public function is one table or chart's data and takes the chapter's frozen parameters (``ctx.params``):
:func:`composition` (broad groups against England and the region; detailed groups from MSOAs),
:func:`core20_by_group` (each group's share living in Core20 areas against all residents', the ratio and its
interval, :func:`phna.stats.share_ratio`), :func:`core20_by_place` (the same for each place inside an ICB),
:func:`plus_evidence` (groups over- or under-represented in Core20 areas, rural residents included) and
:func:`small_areas` (each LSOA's ethnic minority share beside its deprivation; ecological: areas, not people).

Deprivation: IoD 2025 deciles are on the 2021 LSOAs, the Census's own geography. With IMD 2019 (2011 LSOAs),
each 2021 LSOA takes the mean IMD 2019 score of its 2011 predecessor(s) in the ONS best-fit lookup and is in
the Core20 when that score is at least the lowest score of England's IMD 2019 decile 2.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from phna import data, stats
from phna.analyses.core20_plus import load_plus_file
from phna.findings import Finding
from phna.parameters import ENGLAND, limit_columns
from phna.wording import agree, fmt_ci, fmt_int, fmt_num, fmt_pct, possessive

GROUPS = list(data.census_ethnicity.BROAD_GROUPS.values())  # Asian, Black, Mixed or multiple, White, Other
MINORITY = [g for g in GROUPS if g != "White"]
ALL = "All residents"
FEW_AREAS = 5  # with fewer Core20 small areas, shares by group describe a few neighbourhoods: not key findings
RURAL = "Rural residents"
CENSUS = "ONS Census 2021, ethnic group (TS021)"
CAVEAT = ("The Census counts everyone, but to protect privacy ONS swapped some records between areas and changed "
          "counts by small amounts, so figures for small areas add up to totals a few people different from the "
          "published ones. The small-area figures give only five broad ethnic groups: White minorities (such as "
          "Irish, Gypsy or Irish Traveller, Roma and other White people) are counted with White.")
#: How each group is named in a sentence ("Coventry's Black residents").
WHO = {"Asian": "Asian residents", "Black": "Black residents",
       "Mixed or multiple": "residents of Mixed or Multiple ethnic groups", "White": "White residents",
       "Other ethnic group": "residents of Other ethnic groups", "Rural residents": "rural residents"}
INDEX_LABELS = {"iod2025": "IoD 2025", "imd2019": "IMD 2019, matched to 2021 small areas"}

#: Page headings of the tables (column → words); at most seven columns each.
DETAILED_COLUMNS = {"broad_group": "Broad group", "ethnic_group": "Ethnic group", "count": "Residents",
                    "percent": "% of residents"}
CORE20_COLUMNS = {"group": "Group", "residents": "Residents", "in_core20": "Living in Core20 areas",
                  "share": "% in Core20 areas", "ratio": "Times the share for all residents",
                  "interval": "Confidence interval"}
PLUS_COLUMNS = {"group": "Group", "residents": "Residents", "share_of_residents": "% of all residents",
                "share": "% in Core20 areas", "ratio": "Times the share for all residents",
                "interval": "Confidence interval", "comparison": "Compared with all residents"}
BAND_COLUMNS = {"band": "National deprivation deciles", "lsoas": "Small areas", "population": "Residents",
                "minority_share": "% from Asian, Black, Mixed or Other ethnic groups"}


def formatters(columns: dict[str, str]) -> dict:
    """Number formats for a table's page headings: counts with thousands separators, ratios to 2 decimals."""
    counts = {"residents", "in_core20", "lsoas", "population", "count"}
    out = {heading: fmt_int for column, heading in columns.items() if column in counts}
    out.update({heading: (lambda v: fmt_num(v, 2)) for column, heading in columns.items() if column == "ratio"})
    return out


def index_label(params) -> str:
    return INDEX_LABELS[params.deprivation_index]


def deprivation_source(params) -> str:
    if params.deprivation_index == "iod2025":
        return "MHCLG English Indices of Deprivation 2025 (2021 small areas)"
    return "MHCLG English Indices of Deprivation 2019; ONS LSOA 2011 to 2021 lookup"


# ------------------------------------------------------------------------------------------ shared base
@functools.lru_cache(maxsize=4)
def lsoa21_deprivation(index: str) -> pd.DataFrame:
    """Deprivation of every English LSOA 2021: ``lsoa21_code, score, decile, core20`` for IoD 2025 or IMD 2019."""
    if index == "iod2025":
        iod = data.iod2025_lsoa()
        out = iod[["lsoa21_code", "imd_score", "imd_decile"]].rename(columns={"imd_score": "score", "imd_decile": "decile"})
        out["core20"] = out["decile"] <= 2
        return out.reset_index(drop=True)
    if index != "imd2019":
        raise data.DataError(f"deprivation index must be iod2025 or imd2019, not {index!r}")
    imd = data.imd2019_lsoa()[["lsoa11_code", "imd_score", "imd_decile"]]
    threshold = imd.loc[imd["imd_decile"] == 2, "imd_score"].min()  # higher score = more deprived
    pairs = data.lsoa11_lsoa21_lookup()[["lsoa11_code", "lsoa21_code"]].merge(imd, on="lsoa11_code")
    out = pairs.groupby("lsoa21_code", as_index=False)["imd_score"].mean().rename(columns={"imd_score": "score"})
    cuts = imd.groupby("imd_decile")["imd_score"].min().sort_index()  # lowest score in each decile
    out["decile"] = [int(next((d for d, low in cuts.items() if s >= low), 10)) for s in out["score"]]
    out["core20"] = out["score"] >= threshold
    return out


@functools.lru_cache(maxsize=1)
def _rural21() -> pd.Series:
    """LSOA 2021 → rural (True) when more than half of its 2011 predecessors are rural (RUC 2011, classes D-E)."""
    ruc = data.rural_urban_lsoa11()[["lsoa11_code", "ruc"]]
    pairs = data.lsoa11_lsoa21_lookup()[["lsoa11_code", "lsoa21_code"]].merge(ruc, on="lsoa11_code")
    return pairs.assign(rural=pairs["ruc"] == "Rural").groupby("lsoa21_code")["rural"].mean() > 0.5


def lsoa_table(params) -> pd.DataFrame:
    """One row per LSOA 2021 of the place: residents by group, the ethnic minority share, deprivation, rurality."""
    codes = list(params.areas.lsoa21)
    eth = data.census_ethnicity_lsoa21()
    eth = eth[eth["lsoa21_code"].isin(codes)]
    missing = sorted(set(codes) - set(eth["lsoa21_code"]))
    if missing:
        raise data.DataError(f"Census 2021 ethnic group has no row for {len(missing)} of {params.name}'s LSOAs, "
                             f"e.g. {missing[:5]}")
    wide = eth.pivot(index=["lsoa21_code", "lsoa21_name", "population"], columns="ethnic_group", values="count")
    wide = wide[GROUPS].reset_index()
    wide.columns.name = None
    wide["minority"] = wide[MINORITY].sum(axis=1)
    wide["minority_share"] = 100 * wide["minority"] / wide["population"]
    dep = lsoa21_deprivation(params.deprivation_index)
    wide = wide.merge(dep, on="lsoa21_code", how="left")
    if wide["score"].isna().any():
        raise data.DataError(f"{index_label(params)} has no score for {int(wide['score'].isna().sum())} of "
                             f"{params.name}'s LSOAs")
    wide["rural"] = wide["lsoa21_code"].map(_rural21()).fillna(False).astype(bool)
    return wide.sort_values("lsoa21_code", ignore_index=True)


def _limits(params) -> list[tuple[str, str, str, str]]:
    """(stats lower, stats upper, book lower, book upper) column names for each confidence level."""
    if len(params.confidence) == 1:
        return [("lowercl", "uppercl", *limit_columns(params.level))]
    suffix = lambda c: f"{c * 100:.1f}".replace(".", "_")  # noqa: E731 - phna.stats naming
    return [(f"lower{suffix(c)}cl", f"upper{suffix(c)}cl", *limit_columns(c)) for c in params.confidence]


# ------------------------------------------------------------------------------------------ composition
@dataclass
class Composition:
    table: pd.DataFrame  # area, area_code, ethnic_group, count, population, percent, limits (the place only)
    detailed: pd.DataFrame  # broad_group, ethnic_group, count, percent (the place's MSOAs)
    msoas: int
    findings: list[Finding] = field(default_factory=list)


def composition(params) -> Composition:
    """The place's residents by broad ethnic group against England and the region; detailed groups from MSOAs."""
    lsoas = lsoa_table(params)
    counts = pd.DataFrame({"ethnic_group": GROUPS, "count": [int(lsoas[g].sum()) for g in GROUPS]})
    counts["population"] = int(lsoas["population"].sum())
    props = stats.proportion(counts, x="count", n="population", confidence=list(params.confidence), multiplier=100)
    place = counts.assign(area=params.name, area_code=f"place:{params.place.slug}", percent=props["value"].to_numpy())
    for lo, up, book_lo, book_up in _limits(params):
        place[book_lo], place[book_up] = props[lo].to_numpy(), props[up].to_numpy()
    from phna import geography

    names = geography.area_names()
    published = data.census_ethnicity_percent()
    others = []
    for code in params.comparators:
        rows = published[published["area_code"] == code]
        if len(rows):
            others.append(pd.DataFrame({"area": names.get(code, code), "area_code": code,
                                        "ethnic_group": rows["ethnic_group"].to_numpy(), "percent": rows["percent"].to_numpy()}))
    table = pd.concat([place, *others], ignore_index=True)
    table = table.astype({"count": "Int64", "population": "Int64"})
    table = table[["area", "area_code", "ethnic_group", "count", "population", "percent",
                   *[c for _, _, lo, up in _limits(params) for c in (lo, up)]]]

    # Detailed groups: the MSOAs most of whose LSOAs are in the place (an LSOA's name is its MSOA's plus a letter).
    msoa_names = lsoas["lsoa21_name"].str[:-1]
    all_lsoas = data.census_ethnicity_lsoa21().drop_duplicates("lsoa21_code")
    per_msoa = all_lsoas["lsoa21_name"].str[:-1].value_counts()
    inside = msoa_names.value_counts()
    chosen = [m for m, k in inside.items() if k > per_msoa.get(m, 0) / 2]
    msoa = data.census_ethnicity_msoa21()
    msoa = msoa[msoa["msoa21_name"].isin(chosen)]
    detailed = msoa.groupby(["broad_group", "ethnic_group"], as_index=False, sort=False)["count"].sum()
    detailed["percent"] = 100 * detailed["count"] / msoa.drop_duplicates("msoa21_code")["population"].sum()
    detailed.insert(0, "area", params.name)

    minority = int(lsoas["minority"].sum())
    total = int(lsoas["population"].sum())
    share = stats.proportion(pd.DataFrame({"x": [minority], "n": [total]}), x="x", n="n", confidence=params.level,
                             multiplier=100).iloc[0]
    # 100 minus White (one rounded value) is closer to England's share than the sum of four rounded values.
    england = 100 - float(published.loc[(published["area_code"] == ENGLAND) & (published["ethnic_group"] == "White"),
                                        "percent"].iloc[0])
    comparison = ("higher" if share["lowercl"] > england else "lower" if share["uppercl"] < england else "similar")
    findings = [Finding(
        key="composition/minority", topic="residents from Asian, Black, Mixed or Other ethnic groups", area=params.name,
        area_code=f"place:{params.place.slug}", period="2021", value=float(share["value"]), unit="%",
        lower=float(share["lowercl"]), upper=float(share["uppercl"]), level=params.level, comparator="England",
        comparator_value=float(england), comparison=comparison, source="computed", kind="level", importance=2,
        text=(f"{fmt_pct(share['value'])} of {possessive(params.name)} {fmt_int(total)} residents are from Asian, Black, "
              f"Mixed or Other ethnic groups (Census 2021), against {fmt_pct(england)} in England."),
        meaning="Services, and the choice of PLUS groups, need to reach these communities.",
        evidence="composition")]
    return Composition(table=table, detailed=detailed, msoas=len(chosen), findings=findings)


# ------------------------------------------------------------------------------------------ Core20 by group
@dataclass
class Core20ByGroup:
    table: pd.DataFrame  # group, residents, in_core20, share, share_all, ratio + limits, comparison, reason
    index: str
    core20_lsoas: int
    lsoas: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One sentence: which index, and how many of the place's small areas are in the Core20."""
        return (f"Deprivation here is the {self.index}: {self.core20_lsoas} of the {self.lsoas} small areas of "
                f"{self.table['area'].iloc[0]} {agree(self.core20_lsoas)} in England's most deprived 20 % (the Core20)."
                + (" With so few, the shares below describe those neighbourhoods rather than a pattern across the place."
                   if 0 < self.core20_lsoas < FEW_AREAS else ""))


def _ratio_table(params, lsoas: pd.DataFrame, groups: dict[str, pd.Series]) -> pd.DataFrame:
    """Residents, residents in Core20 areas, their share and its ratio to all residents' share, per group."""
    core = lsoas["core20"].to_numpy()
    rows = pd.DataFrame({"group": list(groups),
                         "in_core20": [int(c[core].sum()) for c in groups.values()],
                         "residents": [int(c.sum()) for c in groups.values()]})
    rows["core20_all"] = int(lsoas.loc[core, "population"].sum())
    rows["population"] = int(lsoas["population"].sum())
    table = rows[["group", "residents", "in_core20"]].copy()
    table["share"] = np.nan
    table["share_all"] = 100 * rows["core20_all"] / rows["population"]
    table["ratio"] = np.nan
    limits = _limits(params)
    for _, _, book_lo, book_up in limits:
        table[book_lo], table[book_up] = np.nan, np.nan
    table["reason"] = None
    table["suppressed"] = False
    counted = (rows["residents"] > 0) & (rows["residents"] < rows["population"])
    if counted.any():
        out = stats.share_ratio(rows[counted], x="in_core20", n="residents", x_total="core20_all",
                                n_total="population", confidence=list(params.confidence))
        idx = rows.index[counted]
        table.loc[idx, "share"] = 100 * out["share"].to_numpy()
        table.loc[idx, "ratio"] = out["value"].to_numpy()
        for lo, up, book_lo, book_up in limits:
            table.loc[idx, book_lo], table.loc[idx, book_up] = out[lo].to_numpy(), out[up].to_numpy()
        table.loc[idx, "reason"] = out["reason"].to_numpy()
        table.loc[idx, "suppressed"] = out["suppressed"].to_numpy()
    everyone = rows["residents"] == rows["population"]
    table.loc[everyone, "share"] = table.loc[everyone, "share_all"]
    table.loc[everyone, "ratio"] = 1.0  # the reference: everyone's share against itself
    lo, up = limit_columns(params.level)
    table["comparison"] = np.select(
        [everyone, rows["residents"] == 0, table[lo] > 1, table[up] < 1, table["ratio"].notna(),
         rows["in_core20"] == 0],
        ["reference", "none in the place", "more likely", "less likely", "no clear difference",
         "none in Core20 areas"], "too few to say")
    table.loc[rows["residents"] == 0, "reason"] = "no residents in this group"
    table["interval"] = [f"{fmt_num(a, 2)} to {fmt_num(b, 2)}" if pd.notna(a) and pd.notna(b) else "–"
                         for a, b in zip(table[lo], table[up])]
    table.insert(0, "area", params.name)
    return table


def _ratio_finding(params, row, index: str, importance: int) -> Finding:
    lo, up = limit_columns(params.level)
    who = WHO[row["group"]]
    comparison = {"more likely": "higher", "less likely": "lower"}.get(row["comparison"], "similar")
    times = f"{fmt_num(row['ratio'], 2)} times the share ({fmt_ci(row[lo], row[up], 2, params.level)})"
    return Finding(
        key=f"core20/{row['group']}", topic=f"{who} living in Core20 areas", area=params.name,
        area_code=f"place:{params.place.slug}", period="2021", value=float(row["ratio"]), unit="", decimals=2,
        lower=float(row[lo]), upper=float(row[up]), level=params.level, comparator=f"all residents of {params.name}",
        comparator_value=1.0, comparison=comparison, source="computed", kind="inequality", importance=importance,
        text=(f"{fmt_pct(row['share'])} of {possessive(params.name)} {who} live in Core20 areas ({index}), against "
              f"{fmt_pct(row['share_all'])} of all its residents: {times}."),
        meaning=("This group is over-represented in the most deprived areas: evidence for naming it a PLUS group."
                 if comparison == "higher" else ""),
        evidence="core20-by-group")


def core20_by_group(params) -> Core20ByGroup:
    """Share of each broad group's members in the place who live in Core20 areas, against all residents."""
    lsoas = lsoa_table(params)
    groups = {g: lsoas[g] for g in GROUPS}
    groups[ALL] = lsoas["population"]
    table = _ratio_table(params, lsoas, groups)
    index = index_label(params)
    n_core = int(lsoas["core20"].sum())
    over = table[(table["group"] != ALL) & (table["comparison"] == "more likely")]
    findings = []
    if n_core >= FEW_AREAS:
        findings = [_ratio_finding(params, row, index, importance=1) for _, row in over.iterrows()]
    topic, key = "ethnic groups over-represented in Core20 areas", "core20/context"
    if not n_core:
        text = (f"None of {possessive(params.name)} small areas is in the most deprived 20 % in England ({index}), "
                "so Core20 shares by ethnic group cannot be compared.")
    elif n_core < FEW_AREAS:
        few = "that neighbourhood" if n_core == 1 else "those few neighbourhoods"
        text = (f"Only {n_core} of {possessive(params.name)} {len(lsoas)} small areas {agree(n_core)} in the Core20 "
                f"({index}), so its Core20 shares by ethnic group describe {few} rather than a pattern across the place.")
    elif over.empty:
        text = (f"No broad ethnic group in {params.name} is clearly more likely than its residents as a whole to live "
                f"in Core20 areas ({index}).")
    else:
        text = ""
    if text:
        findings.append(Finding(key=key, topic=topic, area=params.name, kind="context", text=text,
                                evidence="core20-by-group"))
    return Core20ByGroup(table=table, index=index, core20_lsoas=n_core, lsoas=len(lsoas), findings=findings)


PLACES_COLUMNS = {"place": "Place", "group": "Group", "residents": "Residents", "share": "% in Core20 areas",
                  "ratio": "Times the share for all residents", "interval": "Confidence interval",
                  "comparison": "Compared with all residents"}


def core20_by_place(params) -> pd.DataFrame:
    """:func:`core20_by_group` for each place of the book inside this one (for the ICB: its four places), one
    table: ``place`` then the columns of :attr:`Core20ByGroup.table`. Empty when the place contains no other."""
    from dataclasses import replace

    from phna import geography

    own = set(params.areas.lsoa21)
    frames = []
    for place in params.config.places:
        if place.slug == params.place.slug or place.kind == "icb" or not set(geography.place_areas(place).lsoa21) <= own:
            continue
        table = core20_by_group(replace(params, place=place)).table
        frames.append(table.assign(place=place.name))
    if not frames:
        return pd.DataFrame(columns=["place", *PLACES_COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    return out[["place", *[c for c in out.columns if c not in ("place", "area")]]]


# ------------------------------------------------------------------------------------------ PLUS evidence
@dataclass
class PlusEvidence:
    table: pd.DataFrame  # group, residents, share_of_residents, share (in Core20), ratio + limits, comparison
    examples: pd.DataFrame  # name, description (the book's placeholder list, labelled as such on the page)
    findings: list[Finding] = field(default_factory=list)


def plus_evidence(params, core20: Core20ByGroup | None = None) -> PlusEvidence:
    """Candidate PLUS groups from the numbers: each broad ethnic group and rural residents, ordered with the groups
    most over-represented in Core20 areas first; and the placeholder list of PLUS groups beside it."""
    core20 = core20 or core20_by_group(params)
    lsoas = lsoa_table(params)
    rural = _ratio_table(params, lsoas, {RURAL: lsoas["population"].where(lsoas["rural"], 0)})
    table = pd.concat([core20.table[core20.table["group"] != ALL], rural], ignore_index=True)
    table.insert(3, "share_of_residents", 100 * table["residents"] / int(lsoas["population"].sum()))
    order = {"more likely": 0, "no clear difference": 1, "less likely": 2, "none in Core20 areas": 3,
             "too few to say": 4, "none in the place": 5}
    table = (table.assign(_o=table["comparison"].map(order), _r=-table["ratio"].fillna(0))
             .sort_values(["_o", "_r"]).drop(columns=["_o", "_r"]).reset_index(drop=True))
    findings = []
    row = table[table["group"] == RURAL].iloc[0]
    if row["residents"] and not row["suppressed"] and row["comparison"] != "reference":
        findings.append(_ratio_finding(params, row, core20.index, importance=0))
    elif row["residents"]:
        findings.append(Finding(
            key="plus/rural", topic="rural residents living in Core20 areas", area=params.name, kind="context",
            text=(f"{fmt_pct(row['share_of_residents'])} of {possessive(params.name)} residents live in rural areas; "
                  f"{'none' if row['in_core20'] == 0 else 'fewer than 10'} of them live in Core20 areas, so any "
                  "case for naming them a PLUS group rests on other needs (such as distance from services), not on "
                  "living in deprived areas."),
            evidence="plus-evidence"))
    elif row["residents"] == 0:
        findings.append(Finding(key="plus/rural", topic="rural residents living in Core20 areas", area=params.name,
                                kind="context", text=f"None of {possessive(params.name)} small areas is rural.",
                                evidence="plus-evidence"))
    return PlusEvidence(table=table, examples=plus_examples(), findings=findings)


def plus_examples(path: str | Path | None = None) -> pd.DataFrame:
    """The PLUS groups the book lists until the ICS names its own (hand-written ``data/plus_groups.yaml``)."""
    doc = load_plus_file(path)  # the one reader: it also records the file in the page's cache key
    return pd.DataFrame([{"group": g["name"], "description": g["description"]} for g in doc.get("plus_groups", [])])


# ------------------------------------------------------------------------------------------ small areas
@dataclass
class SmallAreas:
    lsoas: pd.DataFrame  # one row per LSOA: code, name, population, minority, minority_share, score, decile, core20
    by_band: pd.DataFrame  # deprivation band (national deciles 1-2 … 9-10), lsoas, population, minority share
    correlation: float  # Spearman's rank correlation of minority share with deprivation score across LSOAs
    findings: list[Finding] = field(default_factory=list)


STRENGTH = [(0.7, "strong"), (0.4, "moderate"), (0.2, "weak")]


def _strength(rho: float) -> str:
    return next((word for cut, word in STRENGTH if abs(rho) >= cut), "little or no")


def small_areas(params) -> SmallAreas:
    """Each LSOA's share of residents from Asian, Black, Mixed or Other ethnic groups beside its deprivation."""
    lsoas = lsoa_table(params)
    bands = {1: "1-2 (most deprived)", 2: "1-2 (most deprived)", 3: "3-4", 4: "3-4", 5: "5-6", 6: "5-6", 7: "7-8",
             8: "7-8", 9: "9-10 (least deprived)", 10: "9-10 (least deprived)"}
    lsoas["band"] = lsoas["decile"].map(bands)
    by_band = lsoas.groupby("band", as_index=False).agg(lsoas=("lsoa21_code", "size"), population=("population", "sum"),
                                                        minority=("minority", "sum"))
    by_band["minority_share"] = 100 * by_band["minority"] / by_band["population"]
    by_band.insert(0, "area", params.name)
    rho = float(lsoas["minority_share"].rank().corr(lsoas["score"].rank())) if len(lsoas) > 2 else float("nan")
    index = index_label(params)
    most, least = by_band.iloc[0], by_band.iloc[-1]
    direction = "higher" if rho > 0 else "lower"
    if np.isnan(rho) or abs(rho) < 0.2:
        summary = (f"Across {possessive(params.name)} {len(lsoas)} small areas, the share of residents from Asian, "
                   f"Black, Mixed or Other ethnic groups shows little or no link with deprivation ({index}).")
    else:
        summary = (f"Across {possessive(params.name)} {len(lsoas)} small areas, the more deprived an area, the "
                   f"{direction} the share of its residents from Asian, Black, Mixed or Other ethnic groups tends to be "
                   f"(a {_strength(rho)} link).")
    if most["band"] != least["band"]:
        summary += (f" In areas in England's most deprived 20 % it is {fmt_pct(most['minority_share'])}; in the least "
                    f"deprived 20 %, {fmt_pct(least['minority_share'])}.")
    finding = Finding(key="small-areas/link", topic="ethnic mix and deprivation of small areas", area=params.name,
                      value=rho, decimals=2, kind="inequality", comparison="none", source="none", text=summary,
                      meaning="This describes areas, not people.", evidence="small-area-maps")
    return SmallAreas(lsoas=lsoas, by_band=by_band, correlation=rho, findings=[finding])
