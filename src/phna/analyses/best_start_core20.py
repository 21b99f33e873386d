"""Children in the most deprived areas (Core20) and the children and young people's Core20PLUS5 view.

- :func:`children_core20`: under-5s and under-18s of the place living in England's most deprived 20 % of
  small areas (mid-2019 LSOA estimates), against England's share (mid-2020 population by IMD 2019 decile),
  and the place's children by national deprivation quintile; the child population from the mid-2022 estimates.
- :func:`injury_gradient`: England's injury admission rate for children by deprivation decile (OHID), the
  most/least deprived gap that the small-area data here cannot give for the place itself.
- :func:`cyp_core20plus5`: the five clinical areas for children and young people, what the data here can
  measure and what needs local data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna import data, stats
from phna.analyses import best_start_indicators as bsi
from phna.findings import Finding
from phna.parameters import limit_columns
from phna.wording import fmt_int, fmt_num

AGE_GROUPS = {"Under 5": (0, 4), "Under 18": (0, 17)}
CHILD_POPULATION_YEAR = 2022  # the latest single-year-of-age estimates for every district the data layer has
CORE20_HEADINGS = {
    "age_group": "Children", "children": "Children (mid-2019)", "in_core20": "In the most deprived 20 %",
    "share_text": "Share", "england_share_text": "England", "comparison": "Compared with England",
}


def _lsoa_deciles(params, lsoa11: list[str]) -> tuple[pd.Series, str]:
    """The national decile of each 2011 LSOA by the chosen index (IoD 2025 through the ONS best-fit lookup)."""
    if params.deprivation_index == "imd2019":
        imd = data.imd2019_lsoa().set_index("lsoa11_code")["imd_decile"]
        return imd.reindex(lsoa11), "IMD 2019"
    pairs = data.lsoa11_lsoa21_lookup()
    pairs = pairs[pairs["lsoa11_code"].isin(lsoa11)]
    iod = data.iod2025_lsoa().set_index("lsoa21_code")["imd_decile"]
    pairs = pairs.assign(decile=pairs["lsoa21_code"].map(iod))
    # A 2011 LSOA split into several 2021 LSOAs takes the median of their deciles (towards more deprived).
    per = pairs.groupby("lsoa11_code")["decile"].median().apply(np.floor)
    return per.reindex(lsoa11), "IMD 2025"


@dataclass
class ChildrenCore20:
    table: pd.DataFrame  # age_group, children, in_core20, share, lower, upper, england_share, comparison
    quintiles: pd.DataFrame  # age_group, quintile, children, share
    population: pd.DataFrame  # age_group, children (mid-2022, place's districts summed)
    label: str = ""
    findings: list[Finding] = field(default_factory=list)


def children_core20(params) -> ChildrenCore20 | None:
    """Under-5s and under-18s of the place in national deprivation deciles 1-2, with a Wilson interval.

    Counts aggregate: the place's small areas' children are summed. The comparison with England's share
    (IMD 2019 only: ONS mid-2020 population by IMD 2019 decile) is computed from the interval. Returns None
    when the mid-2019 small-area estimates do not cover every small area of the place.
    """
    lsoa11 = list(params.areas.lsoa11)
    pop = data.lsoa_population_2019()
    pop = pop[pop["lsoa11_code"].isin(lsoa11)]
    if pop.empty or set(lsoa11) - set(pop["lsoa11_code"]):
        return None
    deciles, label = _lsoa_deciles(params, lsoa11)
    pop = pop.assign(decile=pop["lsoa11_code"].map(deciles))
    england = data.population_by_imd_decile_2020() if params.deprivation_index == "imd2019" else None
    lower, upper = limit_columns(params.level)
    rows, quint, findings = [], [], []
    for group, (lo, hi) in AGE_GROUPS.items():
        kids = pop[pop["age"].between(lo, hi)]
        total = int(kids["population"].sum())
        core = int(kids.loc[kids["decile"] <= 2, "population"].sum())
        share = stats.proportion(pd.DataFrame({"x": [core], "n": [total]}), x="x", n="n", confidence=params.level,
                                 multiplier=100)
        eng_share = np.nan
        if england is not None:
            e = england[england["age"].between(lo, hi)]
            eng_share = 100 * e.loc[e["imd_decile"] <= 2, "population"].sum() / e["population"].sum()
        comparison, source = "not compared", "none"
        if not np.isnan(eng_share):
            comparison = stats.compare_to_benchmark(share, lower_cl="lowercl", upper_cl="uppercl", benchmark=eng_share,
                                                    polarity="no judgement")["comparison"].iloc[0]
            source = "computed"
        rows.append({"age_group": group, "children": total, "in_core20": core, "share": share["value"].iloc[0],
                     lower: share["lowercl"].iloc[0], upper: share["uppercl"].iloc[0], "england_share": eng_share,
                     "comparison": comparison, "index": label, "basis": "ONS mid-2019 LSOA population estimates"})
        by_q = kids.assign(quintile=np.ceil(kids["decile"] / 2)).groupby("quintile")["population"].sum()
        by_q = by_q.reindex([1.0, 2.0, 3.0, 4.0, 5.0], fill_value=0)
        quint.append(pd.DataFrame({"age_group": group, "quintile": range(1, 6), "children": by_q.to_numpy().astype(int),
                                   "share": 100 * by_q.to_numpy() / max(total, 1)}))
        findings.append(Finding(
            key=f"children-core20/{group.lower().replace(' ', '-')}",
            topic=f"the share of children {group.lower()} living in England's most deprived 20 % of areas ({label})",
            area=params.name, period="mid-2019", value=float(share["value"].iloc[0]), unit="%", decimals=1,
            lower=float(share["lowercl"].iloc[0]), upper=float(share["uppercl"].iloc[0]), level=params.level,
            comparator="England" if source == "computed" else None,
            comparator_value=None if np.isnan(eng_share) else float(eng_share), comparison=comparison,
            source=source, kind="inequality" if group == "Under 5" else "context", importance=1 if group == "Under 5" else 0, evidence="children-core20",
            meaning=f"That is {fmt_int(core)} of {fmt_int(total)} children.",
        ))
    table = pd.DataFrame(rows)
    table["share_text"] = [f"{fmt_num(v)} % ({fmt_num(a)} to {fmt_num(b)})" for v, a, b in
                           zip(table["share"], table[lower], table[upper])]
    table["england_share_text"] = [("–" if np.isnan(v) else f"{fmt_num(v)} %") for v in table["england_share"]]
    return ChildrenCore20(table=table, quintiles=pd.concat(quint, ignore_index=True),
                          population=child_population(params), label=label, findings=findings)


def child_population(params) -> pd.DataFrame:
    """Under-5s and under-18s of the place's districts, ONS mid-2022 estimates (counts summed over districts)."""
    pop = data.population_single_year(CHILD_POPULATION_YEAR)
    pop = pop[pop["area_code"].isin(params.areas.districts)]
    rows = [{"age_group": group, "children": int(pop.loc[pop["age"].between(lo, hi), "population"].sum()),
             "year": f"mid-{CHILD_POPULATION_YEAR}"} for group, (lo, hi) in AGE_GROUPS.items()]
    return pd.DataFrame(rows)


@dataclass
class Gradient:
    table: pd.DataFrame  # decile, value, lower, upper, count, denominator, period
    findings: list[Finding] = field(default_factory=list)
    title: str = "England: injury admissions of children by deprivation of the council area"


def injury_gradient(params) -> Gradient:
    """England's admissions for injuries in children aged 0-14 by county and unitary authority deprivation decile
    (OHID, latest period), and the most/least deprived ratio."""
    df = data.child_injuries()
    df = df[(df["area_code"] == bsi.ENGLAND) & (df["sex"] == "persons") & df["inequality"].notna()
            & df["category_type"].str.startswith("County & UA deprivation deciles").fillna(False)]
    df = df[df["value"].notna()]
    if df.empty:
        return Gradient(table=pd.DataFrame())
    latest = df[df["time_sortable"] == df["time_sortable"].max()].copy()
    # One breakdown only: OHID republishes the deciles for each boundary year; keep the fullest (then newest).
    sizes = latest.groupby("category_type").size().sort_index(ascending=False)
    latest = latest[latest["category_type"] == sizes.idxmax()]
    order = {"Most deprived decile": 1, "Second most deprived decile": 2, "Third more deprived decile": 3,
             "Fourth more deprived decile": 4, "Fifth more deprived decile": 5, "Fifth less deprived decile": 6,
             "Fourth less deprived decile": 7, "Third less deprived decile": 8, "Second least deprived decile": 9,
             "Least deprived decile": 10}
    latest["decile"] = latest["inequality"].str.replace(r"\s*\(IMD2019\)", "", regex=True).map(order)
    latest = latest.dropna(subset=["decile"]).sort_values("decile")
    lower, upper = limit_columns(params.level)
    if lower not in latest or latest[lower].isna().all():
        lower, upper = limit_columns(0.95)
    table = latest[["decile", "inequality", "period", "value", lower, upper, "count", "denominator"]].rename(
        columns={lower: "lower", upper: "upper"}).reset_index(drop=True)
    most, least = table[table["decile"] == 1], table[table["decile"] == 10]
    findings, title = [], Gradient.title
    if len(most) and len(least):
        a, b = float(most["value"].iloc[0]), float(least["value"].iloc[0])
        separate = most["lower"].iloc[0] > least["upper"].iloc[0] or most["upper"].iloc[0] < least["lower"].iloc[0]
        findings.append(Finding(
            key="injuries-deprivation-gap", topic="gap in injury admissions of children aged 0-14 between England's "
            "most and least deprived council areas", area="England", area_code=bsi.ENGLAND,
            period=str(most["period"].iloc[0]), value=round(a - b, 1), unit="per 10,000 children", kind="context",
            evidence="injury-gradient",
            text=(f"Across England in {most['period'].iloc[0]}, children aged 0-14 in the most deprived tenth of "
                  f"council areas were admitted to hospital for injuries at {fmt_num(a)} per 10,000, against "
                  f"{fmt_num(b)} in the least deprived tenth ({fmt_num(a / b, 2)} times as often"
                  + ("; the intervals do not overlap)." if separate else "; the intervals overlap).")),
        ))
        title = (f"England: children in the most deprived tenth of council areas are admitted for injuries "
                 f"{fmt_num(a / b, 1)} times as often as in the least deprived")
    return Gradient(table=table, findings=findings, title=title)


CYP_AREAS = [
    ("Asthma", "Fewer asthma attacks and less reliance on reliever inhalers",
     None, "Emergency admissions for asthma in under-19s and inhaler prescribing by practice (GP and hospital data)"),
    ("Diabetes", "Fairer access to glucose monitors and insulin pumps; annual checks for type 2 diabetes",
     None, "National Paediatric Diabetes Audit results for the local paediatric diabetes units, by deprivation and ethnicity"),
    ("Epilepsy", "Access to epilepsy specialist nurses, including for children with a learning disability or autism",
     None, "Epilepsy12 audit results for local services"),
    ("Oral health", "Tackle the backlog of hospital tooth extractions in under-10s",
     "dental-decay", "Hospital tooth extractions for decay in children and waiting lists (hospital data)"),
    ("Mental health", "Better access to mental health services for 0-17 year olds, across ethnic groups, ages, "
     "genders and levels of deprivation", "self-harm",
     "Access to children and young people's mental health services by deprivation and ethnicity (Mental Health Services Data Set)"),
]
CYP_HEADINGS = {"clinical_area": "Clinical area", "aim": "National aim", "measured_here": "What this page can show",
                "latest": "Latest here", "needs_local": "Needs local data"}


def cyp_core20plus5(table: pd.DataFrame) -> pd.DataFrame:
    """The five Core20PLUS5 clinical areas for children and young people against the indicators of this chapter.

    ``table`` is :attr:`phna.analyses.best_start.Indicators.table`; the latest value shown is the one on this
    page, with its period and area.
    """
    rows = []
    for area, aim, key, local in CYP_AREAS:
        measured, latest = "Nothing in the published data held here", "–"
        if key is not None:
            hit = table[(table["key"] == key) & table["value"].notna()]
            spec = bsi.BY_KEY[key]
            measured = spec.title
            if len(hit):
                latest = "; ".join(f"{r.area_name} {fmt_num(r.value, int(r.decimals))} ({r.period}, England "
                                   f"{fmt_num(r.england, int(r.decimals))})" for r in hit.itertuples())
        rows.append({"clinical_area": area, "aim": aim, "measured_here": measured, "latest": latest,
                     "needs_local": local})
    return pd.DataFrame(rows)
