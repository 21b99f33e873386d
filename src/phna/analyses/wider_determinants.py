"""Wider determinants of health (1): deprivation by IMD 2019 and IMD 2025, its domains, and what changed.

Each function takes the chapter's parameters (:class:`phna.parameters.Parameters`) and returns tidy tables and
findings records; the template draws and publishes them. The deprivation core (deciles, Core20) is
:func:`phna.analyses.overview.deprivation`, reused here for both indices. The indicators of income, work,
education, housing and environment are in :mod:`phna.analyses.wider_indicators`; deprivation and life
expectancy in :mod:`phna.analyses.le_gradient`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna import data
from phna.analyses import overview
from phna.analyses.small_areas import INDEX_LABELS
from phna.findings import Finding
from phna.wording import fmt_pct, join_names, plural

#: IoD domains in their published order, with plain names.
DOMAIN_LABELS = {
    "income": "Income",
    "employment": "Employment",
    "education": "Education, skills and training",
    "health": "Health deprivation and disability",
    "crime": "Crime",
    "barriers": "Barriers to housing and services",
    "living_environment": "Living environment",
}

# ------------------------------------------------------------------------------------ deprivation
@dataclass
class Deprivation:
    imd2019: overview.DeprivationResult
    iod2025: overview.DeprivationResult | None
    iod2025_error: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def for_index(self, index: str) -> overview.DeprivationResult | None:
        return self.imd2019 if index == "imd2019" else self.iod2025

    @property
    def core20(self) -> pd.DataFrame:
        """The Core20 rows of both indices (IMD 2019 by population, IMD 2025 by small areas)."""
        frames = [r.core20 for r in (self.imd2019, self.iod2025) if r is not None]
        return pd.concat(frames, ignore_index=True)


def deprivation(params) -> Deprivation:
    """Deciles and the Core20 share of the place by IMD 2019 and IMD 2025 (via :func:`overview.deprivation`).

    The findings hold the Core20 record of the chosen index (the other index's is in the table).
    """
    imd = overview.deprivation(overview.with_index(params, "imd2019"))
    try:
        iod = overview.deprivation(overview.with_index(params, "iod2025"))
        error = None
    except data.DataError as exc:
        iod, error = None, str(exc)
    main = iod if params.deprivation_index == "iod2025" and iod is not None else imd
    findings = [f for f in main.findings if f.key in ("core20", "deprivation/most-deprived")]
    return Deprivation(imd2019=imd, iod2025=iod, iod2025_error=error, findings=findings)


@dataclass
class Domains:
    table: pd.DataFrame  # index, domain, domain_label, lsoas_in_deciles_1_2, lsoas, share, england_share
    findings: list[Finding] = field(default_factory=list)


def _place_lsoas(params, index: str) -> pd.DataFrame:
    if index == "imd2019":
        df = data.imd2019_lsoa()
        return df[df["lsoa11_code"].isin(params.areas.lsoa11)].rename(columns={"lsoa11_code": "lsoa_code"})
    df = data.iod2025_lsoa()
    return df[df["lsoa21_code"].isin(params.areas.lsoa21)].rename(columns={"lsoa21_code": "lsoa_code"})


def domain_shares(lsoas: pd.DataFrame, index: str) -> pd.DataFrame:
    """Share of a set of LSOAs in national deciles 1-2 of the IMD and of each of its seven domains.

    Nationally 20 % of LSOAs are in deciles 1-2 of every domain by construction, so a share above 20 % means
    the domain contributes more than its share to the place's deprivation.
    """
    rows = []
    for domain, label in {"imd": "Index of Multiple Deprivation (overall)", **DOMAIN_LABELS}.items():
        deciles = lsoas[f"{domain}_decile"]
        rows.append({"index": INDEX_LABELS[index], "domain": domain, "domain_label": label,
                     "lsoas_in_deciles_1_2": int((deciles <= 2).sum()), "lsoas": int(deciles.notna().sum())})
    out = pd.DataFrame(rows)
    out["share"] = 100 * out["lsoas_in_deciles_1_2"] / out["lsoas"].where(out["lsoas"] > 0)
    out["england_share"] = 20.0
    return out


def domains(params) -> Domains:
    """Which of the seven IoD domains drive the place's deprivation, for IMD 2019 and IMD 2025 (the findings
    use the chosen index)."""
    frames = []
    for index in ("imd2019", "iod2025"):
        lsoas = _place_lsoas(params, index)
        if len(lsoas):
            frames.append(domain_shares(lsoas, index))
    if not frames:
        return Domains(table=pd.DataFrame(), findings=[])
    table = pd.concat(frames, ignore_index=True)
    label = INDEX_LABELS[params.deprivation_index]
    if label not in set(table["index"]):
        label = table["index"].iloc[0]
    chosen = table[table["index"] == label]
    doms = chosen[chosen["domain"] != "imd"].sort_values("share", ascending=False)
    above = doms[doms["share"] >= 25]
    name = params.name
    if len(above):
        parts = [f"{r.domain_label.lower()} ({fmt_pct(r.share, 0)} of its small areas)" for r in above.itertuples()]
        text = (f"By {label}, deprivation in {name} is driven most by {join_names(parts)} in the most deprived "
                f"20 % of England for these domains, against 20 % nationally.")
    else:
        top = doms.iloc[0]
        text = (f"By {label}, no domain of deprivation in {name} is markedly above the national 20 %: the highest "
                f"is {top.domain_label.lower()} ({fmt_pct(top.share, 0)} of its small areas in deciles 1-2).")
    top = doms.iloc[0]
    findings = [Finding(key="domains/driver", topic="domain of deprivation driving the most", area=name,
                        period=label, value=float(top["share"]), unit="%", comparator="England",
                        comparator_value=20.0, kind="context", importance=1, text=text,
                        evidence="deprivation-domains")]
    low = doms[doms["share"] < 10]
    if len(low):
        findings.append(Finding(
            key="domains/low", topic="domains of deprivation below the national share", area=name, period=label,
            kind="context", evidence="deprivation-domains",
            text=(f"Fewer than 10 % of {name}'s small areas are among England's most deprived 20 % for "
                  f"{join_names(low['domain_label'].str.lower())}.")))
    return Domains(table=table, findings=findings)


# ------------------------------------------------------------------------------ change 2019 → 2025
@dataclass
class Change:
    deciles: pd.DataFrame  # index, decile, lsoas, share
    summary: pd.DataFrame  # measure, IMD 2019, IoD 2025
    lsoas: pd.DataFrame  # one row per LSOA21: codes, deciles 2019 (via lookup) and 2025, movement
    moved_in: int
    moved_out: int
    findings: list[Finding] = field(default_factory=list)


def _areas(n: int) -> str:
    return "no small area" if n == 0 else plural(n, "small area")


def imd2019_on_lsoa21(lsoa21_codes) -> pd.DataFrame:
    """IMD 2019 deciles carried onto 2021 LSOAs through the ONS best-fit LSOA11→LSOA21 lookup.

    An unchanged or split LSOA takes its 2011 parent's decile; a 2021 LSOA formed by merging (or an irregular
    change) takes the median of its parents' deciles (rounded towards more deprived) and counts as in the
    most deprived 20 % in 2019 when at least half of its parents were.

    Returns
    -------
    pandas.DataFrame
        ``lsoa21_code, imd2019_decile, imd2019_core20`` (bool), ``parents`` (number of 2011 LSOAs), ``change_code``.
    """
    lookup = data.lsoa11_lsoa21_lookup()
    lookup = lookup[lookup["lsoa21_code"].isin(list(lsoa21_codes))]
    imd = data.imd2019_lsoa()[["lsoa11_code", "imd_decile"]]
    merged = lookup.merge(imd, on="lsoa11_code", how="inner")
    merged["core"] = merged["imd_decile"] <= 2
    out = merged.groupby("lsoa21_code").agg(
        imd2019_decile=("imd_decile", lambda s: int(np.floor(s.median()))),
        core_share=("core", "mean"),
        parents=("lsoa11_code", "nunique"),
        change_code=("change_code", lambda s: ",".join(sorted(set(s.astype(str))))),
    ).reset_index()
    out["imd2019_core20"] = out["core_share"] >= 0.5
    return out[["lsoa21_code", "imd2019_decile", "imd2019_core20", "parents", "change_code"]]


def change(params, dep: Deprivation | None = None) -> Change | None:
    """What changed between IMD 2019 and IoD 2025: decile distributions and moves into/out of the Core20.

    Both distributions count small areas (the IoD 2025 population denominators are not in the mirror), so
    they compare like with like. Returns None when IoD 2025 does not cover the place.
    """
    dep = dep or deprivation(params)
    if dep.iod2025 is None:
        return None
    old, new = dep.imd2019, dep.iod2025
    deciles = []
    for result in (old, new):
        d = result.lsoas.groupby("imd_decile").size().reindex(range(1, 11), fill_value=0)
        deciles.append(pd.DataFrame({"index": result.label, "decile": range(1, 11), "lsoas": d.to_numpy(),
                                     "share": 100 * d.to_numpy() / d.sum()}))
    deciles = pd.concat(deciles, ignore_index=True)
    carried = imd2019_on_lsoa21(new.lsoas["lsoa_code"])
    lsoas = new.lsoas[["lsoa_code", "lsoa_name", "district_name", "imd_decile"]].rename(
        columns={"lsoa_code": "lsoa21_code", "lsoa_name": "lsoa21_name", "imd_decile": "iod2025_decile"})
    lsoas = lsoas.merge(carried, on="lsoa21_code", how="left")
    lsoas["iod2025_core20"] = lsoas["iod2025_decile"] <= 2
    known = lsoas["imd2019_core20"].notna()
    was = lsoas["imd2019_core20"].fillna(False).astype(bool)
    moved_in = int((known & ~was & lsoas["iod2025_core20"]).sum())
    moved_out = int((known & was & ~lsoas["iod2025_core20"]).sum())
    lsoas["movement"] = np.select(
        [~known, ~was & lsoas["iod2025_core20"], was & ~lsoas["iod2025_core20"]],
        ["no 2019 match", "moved into the most deprived 20 %", "moved out of the most deprived 20 %"],
        default="no change in Core20 status")
    lsoas["decile_change"] = lsoas["imd2019_decile"] - lsoas["iod2025_decile"]  # positive = more deprived in 2025

    def share12(result):
        return 100 * (result.lsoas["imd_decile"] <= 2).mean()

    s_old, s_new = share12(old), share12(new)
    summary = pd.DataFrame({
        "measure": ["Small areas (LSOAs)", "LSOAs in national deciles 1-2 (most deprived 20 %)",
                    "% of LSOAs in deciles 1-2", "LSOAs in national deciles 9-10 (least deprived 20 %)",
                    "2021 LSOAs moving into deciles 1-2 since 2019", "2021 LSOAs moving out of deciles 1-2 since 2019"],
        # Counts stay whole numbers on the page (object columns: integers, one percentage, a dash where none).
        old.label: pd.Series([len(old.lsoas), int((old.lsoas["imd_decile"] <= 2).sum()), round(s_old, 1),
                              int((old.lsoas["imd_decile"] >= 9).sum()), np.nan, np.nan], dtype=object),
        new.label: pd.Series([len(new.lsoas), int((new.lsoas["imd_decile"] <= 2).sum()), round(s_new, 1),
                              int((new.lsoas["imd_decile"] >= 9).sum()), int(moved_in), int(moved_out)], dtype=object),
    })
    diff = s_new - s_old
    trend = ("rose" if diff >= 1 else "fell" if diff <= -1 else "barely changed")
    findings = [Finding(
        key="deprivation/change", topic="share of small areas in England's most deprived 20 %, 2019 to 2025",
        area=params.name, period="IMD 2019 to IMD 2025", value=s_new, unit="%", kind="context",
        evidence="deprivation-change",
        text=(f"The share of {params.name}'s small areas in England's most deprived 20 % {trend}, from "
              f"{fmt_pct(s_old)} (IMD 2019) to {fmt_pct(s_new)} (IMD 2025); {_areas(moved_in)} moved into the most "
              f"deprived 20 % and {_areas(moved_out)} moved out. Ranks are relative to the rest of England and "
              "boundaries changed in 2021, so this shows position, not absolute change."))]
    return Change(deciles=deciles, summary=summary, lsoas=lsoas, moved_in=moved_in, moved_out=moved_out,
                  findings=findings)
