"""Core20PLUS5 across the ICB: the Core20 population of each place, who they are, how their health differs,
the PLUS groups and the five clinical areas.

Core20 = people living in the most deprived 20 % of small areas in England (national IMD deciles 1-2). The
Core20 count of each place comes from :func:`phna.analyses.overview.deprivation` (one definition in the book).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from phna import data, paths
from phna.provenance import note_file
from phna.analyses import overview
from phna.analyses.allocation import lsoa_population
from phna.wording import fmt_int, fmt_num, fmt_pct, join_names
from phna.context import ChapterContext

PLUS_GROUPS_FILE = Path("data") / "plus_groups.yaml"
#: What the page can compute for a PLUS group (the ``data`` key of a group).
PLUS_MEASURES = ("older_people", "children", "rural", "none")
MOSTLY_CORE20 = 0.5  # an MSOA is "mostly Core20" when at least half its residents live in Core20 LSOAs

#: Small-area indicators compared between mostly-Core20 and other MSOAs: id → (label, source, period, unit).
MSOA_INDICATORS = {
    "le_male": ("Life expectancy at birth, males", "ONS life expectancy by MSOA", "2016-20", "years"),
    "le_female": ("Life expectancy at birth, females", "ONS life expectancy by MSOA", "2016-20", "years"),
    "smr_under75_preventable": ("Deaths under 75 from preventable causes", "OHID Local Health", "2015-19", "SMR"),
    "smr_under75_all_causes": ("Deaths under 75, all causes", "OHID Local Health", "2015-19", "SMR"),
    "smr_under75_circulatory": ("Deaths under 75 from circulatory disease", "OHID Local Health", "2015-19", "SMR"),
    "smr_under75_cancer": ("Deaths under 75 from cancer", "OHID Local Health", "2015-19", "SMR"),
    "smr_respiratory": ("Deaths from respiratory disease, all ages", "OHID Local Health", "2015-19", "SMR"),
}


def _places(ctx) -> list:
    """The page's place first, then the other places of the config inside it (for the ICB: its four places)."""
    from phna import geography

    own = set(ctx.areas.lsoa11)
    others = [p for p in ctx.config.places
              if p.slug != ctx.place.slug and p.kind != "icb" and set(geography.place_areas(p).lsoa11) <= own]
    return [ctx.place, *others]


# ------------------------------------------------------------------------------------------ Core20 counts
@dataclass
class Core20Result:
    table: pd.DataFrame  # place, index, unit, core20, total, share (%), lower, upper, lsoas_in_core20, lsoas, basis
    lsoas: pd.DataFrame  # the page place's LSOAs (IMD 2019) with decile and population
    findings: list[str] = field(default_factory=list)


def core20_by_place(ctx) -> Core20Result:
    """Core20 people (IMD 2019, ONS mid-2019 LSOA populations) and areas (IoD 2025, 2021 LSOAs) per place."""
    rows, lsoas = [], None
    for place in _places(ctx):
        for index in ("imd2019", "iod2025"):
            sub = ChapterContext(ctx.chapter, place=place.slug, deprivation_index=index, config_path=str(ctx.config.path))
            dep = overview.deprivation(sub)
            c = dep.core20.iloc[0]
            rows.append({
                "place": place.name, "place_slug": place.slug, "index": dep.label,
                "unit": "people" if index == "imd2019" else "small areas (LSOA 2021)",
                "core20": int(c["x"]), "total": int(c["n"]), "share": 100 * float(c["value"]),
                "lowercl": 100 * float(c["lowercl"]), "uppercl": 100 * float(c["uppercl"]),
                "lsoas_in_core20": int(c["lsoas_in_core20"]), "lsoas": int(c["lsoas"]), "basis": dep.population_basis,
            })
            if index == "imd2019" and place.slug == ctx.place.slug:
                lsoas = dep.lsoas
    table = pd.DataFrame(rows)
    table["confidence"] = 0.95
    people = table[table["index"] == "IMD 2019"].reset_index(drop=True)
    head = people.iloc[0]
    findings = [
        f"{fmt_int(head['core20'])} people in {head['place']} ({fmt_pct(head['share'])}, 95 % CI "
        f"{fmt_num(head['lowercl'])} to {fmt_num(head['uppercl'])} %) live in the Core20: the most deprived 20 % of "
        f"small areas in England (IMD 2019)."
    ]
    parts = people.iloc[1:]
    if len(parts):
        top = parts.sort_values("share", ascending=False)
        share_of_core = 100 * top["core20"] / max(head["core20"], 1)
        findings.append(
            "By place: " + join_names(f"{r.place} {fmt_pct(r.share)} ({fmt_int(r.core20)} people)" for r in top.itertuples())
            + f". {top.iloc[0]['place']} is home to {fmt_pct(share_of_core.iloc[0], 0)} of the Core20 population."
        )
    new = table[(table["index"] != "IMD 2019") & (table["place_slug"] == ctx.place.slug)]
    if len(new):
        n = new.iloc[0]
        findings.append(
            f"On the newer IoD 2025 (2021 small areas), {n['lsoas_in_core20']} of {n['place']}'s {n['lsoas']} small areas "
            f"({fmt_pct(n['share'])}) are in the Core20, against {head['lsoas_in_core20']} of {head['lsoas']} on IMD 2019."
        )
    return Core20Result(table=table, lsoas=lsoas, findings=findings)


# ------------------------------------------------------------------------------------------ age profile
AGE_BANDS = [(0, 4), (5, 17), (18, 24), (25, 44), (45, 64), (65, 74), (75, 84), (85, 90)]


def _age_band(age: pd.Series) -> pd.Series:
    labels = ["85+" if lo == 85 else f"{lo}-{hi}" for lo, hi in AGE_BANDS]
    return pd.cut(age, bins=[-1] + [hi for _, hi in AGE_BANDS], labels=labels).astype(str)


@dataclass
class AgeProfile:
    table: pd.DataFrame | None  # age_band, group, population, share
    message: str = ""
    findings: list[str] = field(default_factory=list)


def age_profile(ctx, lsoas: pd.DataFrame) -> AgeProfile:
    """Age structure of the Core20 population against everyone else in the place (ONS mid-2019 LSOA estimates)."""
    pop = data.lsoa_population_2019()
    pop = pop[pop["lsoa11_code"].isin(lsoas["lsoa_code"])]
    if pop["lsoa11_code"].nunique() < len(lsoas):
        return AgeProfile(None, message="ONS mid-2019 LSOA estimates by age are in the data mirror only for Coventry "
                                        "and Warwickshire's small areas.")
    core = set(lsoas.loc[lsoas["imd_decile"] <= 2, "lsoa_code"])
    pop = pop.assign(group=np.where(pop["lsoa11_code"].isin(core), "Core20", "Rest of " + ctx.name),
                     age_band=_age_band(pop["age"]))
    table = pop.groupby(["group", "age_band"], as_index=False, sort=False)["population"].sum()
    table["share"] = 100 * table["population"] / table.groupby("group")["population"].transform("sum")
    order = {b: i for i, b in enumerate(dict.fromkeys(_age_band(pd.Series([hi for _, hi in AGE_BANDS]))))}
    table = table.sort_values(["group", "age_band"], key=lambda s: s.map(order) if s.name == "age_band" else s)
    table.insert(0, "area", ctx.name)
    table["period"] = "mid-2019"
    if not core:
        return AgeProfile(table, findings=[f"No small area of {ctx.name} is in the Core20."])

    def share(group: str, bands) -> float:
        part = table[table["group"] == group]
        return float(part.loc[part["age_band"].isin(bands), "share"].sum())

    rest = "Rest of " + ctx.name
    kids, old = ["0-4", "5-17"], ["65-74", "75-84", "85+"]
    findings = [
        f"The Core20 population is younger: {fmt_pct(share('Core20', kids))} are children aged 0-17 against "
        f"{fmt_pct(share(rest, kids))} elsewhere in {ctx.name}; {fmt_pct(share('Core20', old))} are 65 or over "
        f"against {fmt_pct(share(rest, old))}."
        if share("Core20", kids) > share(rest, kids)
        else f"{fmt_pct(share('Core20', kids))} of the Core20 population are children aged 0-17 (elsewhere in "
        f"{ctx.name} {fmt_pct(share(rest, kids))}); {fmt_pct(share('Core20', old))} are 65 or over "
        f"(elsewhere {fmt_pct(share(rest, old))})."
    ]
    return AgeProfile(table, findings=findings)


def age_profile_chart(table: pd.DataFrame, *, title: str):
    """Side-by-side bars: % of each group in each age band."""
    from matplotlib.ticker import PercentFormatter

    from phna.charts import style

    bands = list(dict.fromkeys(table["age_band"]))
    groups = list(dict.fromkeys(table["group"]))
    fig, ax = style.new_figure(8, 4.5)
    x = np.arange(len(bands))
    colours = [style.HIGHLIGHT, style.OTHER]
    width = 0.8 / len(groups)
    for i, group in enumerate(groups):
        part = table[table["group"] == group].set_index("age_band").reindex(bands)
        ax.bar(x + (i - (len(groups) - 1) / 2) * width, part["share"], width=width, color=colours[i % 2],
               label=group, edgecolor="white")
    ax.set_xticks(x, bands)
    ax.set_xlabel("Age (years)")
    ax.set_ylabel("Share of the group's population (%)")
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper right")
    ax.set_title(title)
    return fig


# ------------------------------------------------------------------------------------------ map
def core20_map(ctx, lsoas: pd.DataFrame, *, title: str):
    """LSOAs in national deciles 1-2 highlighted; all others light grey; district boundaries on top."""
    from matplotlib.patches import Patch

    from phna.charts import choropleth, style

    areas = data.boundaries("lsoa11", codes=lsoas["lsoa_code"])
    districts = data.boundaries("ltla24", codes=ctx.areas.districts) if ctx.areas.districts else None
    values = {r.lsoa_code: float(r.imd_decile) for r in lsoas.itertuples() if r.imd_decile <= 2}
    fig = choropleth(areas, values, title=title, legend_title="", categorical_deciles=True, outline=districts)
    for axis in fig.axes[1:]:
        fig.delaxes(axis)  # the 10-decile colour bar would suggest deciles 3-10 are shown
    colours = style.decile_colours()
    handles = [Patch(color=colours[0], label="Decile 1 (most deprived 10 % in England)"),
               Patch(color=colours[1], label="Decile 2"), Patch(color="#F0F0F0", label="Deciles 3-10")]
    fig.axes[0].legend(handles=handles, loc="lower left", frameon=False)
    return fig


def map_source() -> str:
    return ("ONS LSOA 2011 and local authority boundaries (generalised), via geographr; contains OS data © Crown "
            "copyright")


# ------------------------------------------------------------------------------------------ MSOA comparison
@dataclass
class MsoaComparison:
    msoas: pd.DataFrame  # msoa11_code, msoa11_name, core20_share, group, indicator, label, unit, period, value
    summary: pd.DataFrame  # indicator, label, unit, period, group, msoas, median, minimum, maximum
    findings: list[str] = field(default_factory=list)


def msoa_core20_share(msoas) -> pd.DataFrame:
    """Share of each MSOA's residents living in Core20 LSOAs (IMD 2019; ONS mid-2019 or IoD mid-2015 populations)."""
    lookup = data.lsoa11_lookup()
    rows = lookup[lookup["msoa11_code"].isin(list(msoas))][["lsoa11_code", "msoa11_code", "msoa11_name"]]
    population, basis = lsoa_population(rows["lsoa11_code"])
    deciles = data.imd2019_lsoa().set_index("lsoa11_code")["imd_decile"]
    rows = rows.assign(population=rows["lsoa11_code"].map(population), core=rows["lsoa11_code"].map(deciles) <= 2)
    rows["core_pop"] = rows["population"] * rows["core"]
    out = rows.groupby(["msoa11_code", "msoa11_name"], as_index=False)[["population", "core_pop"]].sum()
    out["core20_share"] = out["core_pop"] / out["population"]
    out["group"] = np.where(out["core20_share"] >= MOSTLY_CORE20, "Mostly Core20", "Other")
    out.attrs["population_basis"] = basis
    return out.drop(columns="core_pop")


def msoa_comparison(ctx) -> MsoaComparison:
    """Life expectancy and mortality ratios of mostly-Core20 MSOAs against the rest (distributions, medians)."""
    shares = msoa_core20_share(ctx.areas.msoa11)
    le = data.msoa_life_expectancy()
    lh = data.local_health_msoa()
    frames = []
    for sex in ("male", "female"):
        part = le[(le["sex"] == sex) & le["msoa11_code"].isin(shares["msoa11_code"])]
        frames.append(pd.DataFrame({"msoa11_code": part["msoa11_code"], "indicator": f"le_{sex}", "value": part["value"]}))
    part = lh[lh["indicator"].isin(list(MSOA_INDICATORS)) & lh["msoa11_code"].isin(shares["msoa11_code"])]
    frames.append(part[["msoa11_code", "indicator", "value"]])
    values = pd.concat(frames, ignore_index=True).astype({"indicator": str, "msoa11_code": str})
    values = values.dropna(subset=["value"])
    meta = pd.DataFrame([(k, *v) for k, v in MSOA_INDICATORS.items()], columns=["indicator", "label", "source", "period", "unit"])
    msoas = shares.merge(values, on="msoa11_code").merge(meta, on="indicator")
    msoas["value"] = msoas["value"].astype(float)
    summary = (msoas.groupby(["indicator", "label", "unit", "period", "group"], as_index=False, sort=False)["value"]
               .agg(msoas="size", median="median", minimum="min", maximum="max"))
    summary["order"] = summary["indicator"].map({k: i for i, k in enumerate(MSOA_INDICATORS)})
    summary = summary.sort_values(["order", "group"]).drop(columns="order").reset_index(drop=True)
    summary.insert(0, "area", ctx.name)

    findings = []
    wide = summary.pivot(index="indicator", columns="group", values="median")
    n_core = int((shares["group"] == "Mostly Core20").sum())
    if n_core and "Other" in wide:
        m, f = wide.loc["le_male"], wide.loc["le_female"]
        counts = summary[summary["indicator"] == "le_male"].set_index("group")["msoas"]
        findings.append(
            f"In the {int(counts.get('Mostly Core20', 0))} neighbourhoods (MSOAs) of {ctx.name} where most residents "
            f"live in the Core20 (with a published value), the median "
            f"life expectancy at birth (2016-20) was {fmt_num(m['Mostly Core20'])} years for males and "
            f"{fmt_num(f['Mostly Core20'])} for females, against {fmt_num(m['Other'])} and {fmt_num(f['Other'])} in its "
            f"other {int(counts.get('Other', 0))} MSOAs (medians of MSOA values, not life expectancies of the groups)."
        )
        p = wide.loc["smr_under75_preventable"]
        findings.append(
            f"Deaths under 75 from preventable causes (2015-19): median standardised mortality ratio "
            f"{fmt_num(p['Mostly Core20'], 0)} in mostly-Core20 MSOAs and {fmt_num(p['Other'], 0)} elsewhere "
            f"(England = 100)."
        )
    else:
        findings.append(f"None of {ctx.name}'s MSOAs has most of its residents in the Core20, so the comparison is not made.")
    return MsoaComparison(msoas=msoas, summary=summary, findings=findings)


def msoa_strip_chart(msoas: pd.DataFrame, indicators: list[str], *, title: str, xlabel: str, reference: float | None = None):
    """Strip plot with medians: one row per indicator × group, each dot an MSOA."""
    from phna.charts import style

    height = 1.6 + 0.55 * 2 * len(indicators)
    fig, ax = style.new_figure(8, height)
    rng = np.random.default_rng(1)
    ticks, labels = [], []
    y = 0
    for indicator in indicators:
        for group, colour in (("Mostly Core20", style.HIGHLIGHT), ("Other", style.PLACE)):
            part = msoas[(msoas["indicator"] == indicator) & (msoas["group"] == group)]["value"]
            if len(part):
                ax.scatter(part, y + rng.uniform(-0.18, 0.18, len(part)), s=14, color=colour, alpha=0.7,
                           label=group if indicator == indicators[0] else None)
                ax.plot([part.median()] * 2, [y - 0.32, y + 0.32], color=style.ENGLAND, linewidth=2.2,
                        label="Median" if indicator == indicators[0] and group == "Other" else None)
            ticks.append(y)
            label = MSOA_INDICATORS[indicator][0]
            labels.append(f"{label}\n{group} (n = {len(part)})")
            y += 1
        y += 0.5
    if reference is not None:
        ax.axvline(reference, color=style.REGION, linestyle="--", linewidth=1, label=f"England = {reference:g}")
    ax.set_yticks(ticks, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.75 / (0.75 * height)), ncol=4)
    ax.set_title(title)
    return fig


# ------------------------------------------------------------------------------------------ PLUS groups
def load_plus_file(path: str | Path | None = None) -> dict:
    """The hand-written PLUS groups and clinical areas (``data/plus_groups.yaml``)."""
    path = Path(path) if path is not None else paths.repo_root() / PLUS_GROUPS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"PLUS groups file not found: {path}")
    note_file(path)  # the page's cache key follows this hand-written table
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for group in doc.get("plus_groups", []):
        if group.get("data", "none") not in PLUS_MEASURES:
            raise ValueError(f"{path}: PLUS group {group.get('id')!r}: data must be one of {PLUS_MEASURES}, "
                             f"not {group.get('data')!r}")
    return doc


def plus_groups(ctx, lsoas: pd.DataFrame, path: str | Path | None = None) -> tuple[pd.DataFrame, list[str]]:
    """One row per PLUS group: what it is, the numbers the data give (people, share, how many live in the Core20).

    The config's ``plus_groups`` list is used when present, else ``data/plus_groups.yaml``.
    """
    groups = [dict(g) for g in ctx.config.plus_groups] or load_plus_file(path)["plus_groups"]
    pop = data.lsoa_population_2019()
    pop = pop[pop["lsoa11_code"].isin(lsoas["lsoa_code"])]
    has_ages = pop["lsoa11_code"].nunique() == len(lsoas)
    core = set(lsoas.loc[lsoas["imd_decile"] <= 2, "lsoa_code"])
    rows = []
    for g in groups:
        measure = g.get("data", "none")
        row = {"group": g["name"], "description": g["description"], "people": np.nan, "share_of_population": np.nan,
               "in_core20": np.nan, "share_in_core20": np.nan, "basis": "", "what_the_data_give": ""}
        selected = None
        if measure in ("older_people", "children"):
            if not has_ages:
                row["what_the_data_give"] = "Not available: LSOA populations by age are only mirrored for Coventry and Warwickshire."
            else:
                selected = pop[pop["age"] >= 65] if measure == "older_people" else pop[pop["age"] <= 17]
                row["basis"] = "ONS mid-2019 LSOA population estimates by age"
        elif measure == "rural":
            if not has_ages:
                row["what_the_data_give"] = "Not available: LSOA populations are only mirrored for Coventry and Warwickshire."
            else:
                ruc = data.rural_urban_lsoa11()
                rural = set(ruc.loc[ruc["ruc"] == "Rural", "lsoa11_code"])
                selected = pop[pop["lsoa11_code"].isin(rural)]
                row["basis"] = "2011 rural-urban classification of LSOAs; ONS mid-2019 LSOA populations"
        else:
            row["what_the_data_give"] = "Not measured in this book: " + g.get("gap", "no public data by small area.")
        if selected is not None:
            total = pop["population"].sum()
            people = selected["population"].sum()
            in_core = selected.loc[selected["lsoa11_code"].isin(core), "population"].sum()
            row.update(people=int(people), share_of_population=100 * people / total, in_core20=int(in_core),
                       share_in_core20=100 * in_core / people if people else np.nan)
            row["what_the_data_give"] = (f"{fmt_int(people)} people ({fmt_pct(row['share_of_population'])} of residents); "
                                         f"{fmt_int(in_core)} of them ({fmt_pct(row['share_in_core20'])}) live in the Core20.")
        rows.append(row)
    table = pd.DataFrame(rows)
    table.insert(0, "area", ctx.name)
    measured = table.dropna(subset=["people"])
    findings = [
        f"Of the {len(table)} PLUS groups listed, the data give numbers for {len(measured)} "
        f"({join_names(measured['group'].str.lower())}); the others need local or primary care data."
        if len(measured) else f"None of the {len(table)} PLUS groups listed can be counted from the data in the book."
    ]
    return table, findings


def clinical_areas(summary: pd.DataFrame | None, path: str | Path | None = None) -> pd.DataFrame:
    """The five clinical areas (adults and children) with what the book can and cannot measure, and the medians
    of the related MSOA indicator for mostly-Core20 and other MSOAs where there is one."""
    areas = load_plus_file(path)["clinical_areas"]
    medians = {}
    if summary is not None and len(summary):
        medians = summary.pivot(index="indicator", columns="group", values="median").to_dict("index")
    rows = []
    for a in areas:
        measure = a.get("measure", "none")
        m = medians.get(measure, {})
        rows.append({
            "framework": "Adults" if a["framework"] == "adults" else "Children and young people",
            "clinical_area": a["name"], "ambition": a["ambition"], "the_book_can_measure": a["can_measure"],
            "not_yet_measurable": a["cannot_measure"],
            "related_indicator": MSOA_INDICATORS[measure][0] + " (SMR, England = 100)" if measure in MSOA_INDICATORS else "",
            "median_mostly_core20": m.get("Mostly Core20", np.nan), "median_other": m.get("Other", np.nan),
        })
    return pd.DataFrame(rows)


def comparison_title(place_name: str, summary: pd.DataFrame, indicator: str, what: str) -> str:
    """Chart title stating the direction of the median difference, e.g. "life expectancy is lower in …"."""
    part = summary[summary["indicator"] == indicator].set_index("group")["median"]
    if not {"Mostly Core20", "Other"} <= set(part.index):
        return f"{place_name}: {what} in mostly-Core20 and other neighbourhoods"
    word = "higher" if part["Mostly Core20"] > part["Other"] else "lower" if part["Mostly Core20"] < part["Other"] else "similar"
    return f"{place_name}: {what} is {word} in mostly-Core20 neighbourhoods"
