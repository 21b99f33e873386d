"""PLUS groups and the five clinical areas of Core20PLUS5: what the book's data can and cannot show.

The groups and areas are hand-written in ``data/plus_groups.yaml`` (or the ``plus_groups`` list of the book's
configuration), from NHS England's Core20PLUS5 frameworks for adults (2021) and children and young people (2022).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from phna import data, paths
from phna.wording import fmt_int, fmt_pct
from phna.provenance import note_file

PLUS_GROUPS_FILE = Path("data") / "plus_groups.yaml"
#: What the page can compute for a PLUS group (the ``data`` key of a group).
PLUS_MEASURES = ("older_people", "children", "rural", "none")


def load_plus_file(path: str | Path | None = None) -> dict:
    """The hand-written PLUS groups and clinical areas (``data/plus_groups.yaml``)."""
    path = Path(path) if path is not None else paths.repo_root() / PLUS_GROUPS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"PLUS groups file not found: {path}")
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    note_file(path)  # the page's cache key follows this hand-written table
    for group in doc.get("plus_groups", []):
        if group.get("data", "none") not in PLUS_MEASURES:
            raise ValueError(f"{path}: PLUS group {group.get('id')!r}: data must be one of {PLUS_MEASURES}, "
                             f"not {group.get('data')!r}")
    return doc


def plus_groups(params, lsoas: pd.DataFrame, path: str | Path | None = None) -> pd.DataFrame:
    """One row per PLUS group: what it is, the numbers the data give (people, share, how many live in the Core20).

    ``lsoas`` are the place's small areas with ``lsoa_code`` and ``imd_decile`` (Core20 = deciles 1-2 of the
    chosen index). The config's ``plus_groups`` list is used when present, else ``data/plus_groups.yaml``.
    """
    groups = [dict(g) for g in params.config.plus_groups] or load_plus_file(path)["plus_groups"]
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
        if measure in ("older_people", "children", "rural") and not has_ages:
            row["what_the_data_give"] = ("Not available: small-area populations are in the book's data only for "
                                         "Coventry and Warwickshire.")
        elif measure in ("older_people", "children"):
            selected = pop[pop["age"] >= 65] if measure == "older_people" else pop[pop["age"] <= 17]
            row["basis"] = "ONS mid-2019 small-area population estimates by age"
        elif measure == "rural":
            ruc = data.rural_urban_lsoa11()
            rural = set(ruc.loc[ruc["ruc"] == "Rural", "lsoa11_code"])
            selected = pop[pop["lsoa11_code"].isin(rural)]
            row["basis"] = "2011 rural-urban classification of small areas; ONS mid-2019 small-area populations"
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
    table.insert(0, "area", params.name)
    return table


def clinical_areas(summary: pd.DataFrame | None, labels: dict[str, str] | None = None,
                   path: str | Path | None = None) -> pd.DataFrame:
    """The five clinical areas (adults and children) with what the book can and cannot measure, and the medians
    of the related MSOA indicator for mostly-Core20 and other MSOAs where there is one (``labels``: indicator id →
    its name)."""
    areas = load_plus_file(path)["clinical_areas"]
    labels = labels or {}
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
            "related_indicator": labels[measure] + " (SMR, England = 100)" if measure in labels else "",
            "median_mostly_core20": m.get("Mostly Core20", np.nan), "median_other": m.get("Other", np.nan),
        })
    return pd.DataFrame(rows)
