"""Wider-determinant indicators of a place's districts against England, English districts and similar areas.

Each district is compared with England (Fingertips method, by the indicator's polarity, where its 95 % interval
is published: the comparison is computed here from those published limits), placed in the distribution of
English districts (quartiles) and set against the median and range of its 20 ONS similar areas. Published rates
are never averaged across districts. Money series are in cash terms (not adjusted for inflation), so no
direction of change is claimed for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna import data, stats
from phna.analyses import indicators as registry
from phna.findings import Finding
from phna.geography import ENGLAND, area_names, published_area_name
from phna.wording import fmt_num, join_names, plural

#: The published intervals of these indicators are 95 % intervals.
PUBLISHED_LEVEL = 0.95
CASH_TREND = "not tested: cash values, not adjusted for inflation"

TABLE_COLUMNS = [
    "domain", "indicator_id", "indicator", "unit", "polarity", "period", "area_code", "area_name", "value",
    "lower_ci", "upper_ci", "england", "england_districts_min", "england_districts_q25",
    "england_districts_median", "england_districts_q75", "england_districts_max", "england_districts_n",
    "centre", "centre_basis", "similar_median", "similar_min", "similar_max", "similar_n", "comparison",
    "district_quartile", "trend", "decimals", "source", "note", "value_text", "england_text",
]
#: Columns shown on the page for the indicator table (the CSV keeps every column, with the published limits).
INDICATOR_TABLE_HEADINGS = {
    "indicator": "Indicator", "period": "Period", "area_name": "District", "value_text": "Value",
    "england_text": "England", "comparison": "Compared with England", "district_quartile": "Among English districts",
}


@dataclass
class Indicators:
    table: pd.DataFrame  # one row per indicator x place district
    unavailable: list[tuple[str, str]] = field(default_factory=list)  # (indicator title, reason)
    title: str = ""
    note: str = ""  # e.g. a place of small areas shown through the districts it lies in
    findings: list[Finding] = field(default_factory=list)


def is_money(unit: str) -> bool:
    return str(unit).startswith("£")


def value_text(value, unit: str, decimals: int = 1) -> str:
    """"85.6 %", "£757 per week", "6.25 (ratio)"; a dash when missing."""
    if value is None or pd.isna(value):
        return "–"
    number = fmt_num(value, decimals)
    if is_money(unit):
        rest = unit[1:].strip()
        return f"£{number}" + (f" {rest}" if rest else "")
    if unit.startswith("%"):
        return f"{number} %"
    return f"{number} {unit}"


def _quartile_position(value, q25, q75, polarity) -> str:
    if pd.isna(value):
        return "no value"
    if polarity == "no judgement":
        return "highest quarter" if value > q75 else "lowest quarter" if value < q25 else "middle half"
    worse = value < q25 if polarity == "high is good" else value > q75
    better = value > q75 if polarity == "high is good" else value < q25
    return "worst quarter" if worse else "best quarter" if better else "middle half"


def _trends(ind, frame: pd.DataFrame, codes) -> dict:
    """Fingertips recent trend for each district with five or more points that all have limits."""
    if is_money(ind.unit):
        return {c: CASH_TREND for c in codes}
    out = {}
    rows = frame[frame["area_code"].isin(codes)].dropna(subset=["value", "lower_ci", "upper_ci"])
    if rows.empty:
        return {c: "not tested (no confidence intervals)" for c in codes}
    result = stats.recent_trend(rows, time="time", value="value", lower_cl="lower_ci", upper_cl="upper_ci",
                                by="area_code")
    for r in result.itertuples():
        out[r.area_code] = r.trend if r.trend != "cannot be calculated" else "cannot be calculated (fewer than 5 points)"
    return {c: out.get(c, "cannot be calculated (fewer than 5 points)") for c in codes}


def _districts(params) -> tuple[list[str], str]:
    districts = list(getattr(params.place, "districts", ()) or ())
    if districts or not params.areas.districts:
        return districts, ""
    names = area_names()
    districts = list(params.areas.districts)
    return districts, (f"{params.name} is made of small areas, and these indicators are published only for whole "
                       f"local authorities: the values shown are those of the {'district' if len(districts) == 1 else 'districts'} it lies in "
                       f"({join_names(names.get(c, c) for c in districts)}), not of {params.name} itself.")


def indicator_table(params, similar_kind: str = "global") -> Indicators:
    """Latest value of each wider-determinant indicator for each of the place's districts."""
    districts, note = _districts(params)
    if not districts:
        return Indicators(table=pd.DataFrame(columns=TABLE_COLUMNS),
                          unavailable=[("All indicators", f"{params.name} is not made of whole districts: these "
                                        "indicators are published for local authorities only.")])
    neighbours = data.similar_areas(similar_kind)
    rows, unavailable = [], []
    for ind in registry.REGISTRY:
        try:
            frame = registry.load(ind)
        except data.DataError as exc:
            unavailable.append((ind.title, str(exc)))
            continue
        english = frame[registry.is_english_district(frame["area_code"])]
        if english.empty:
            unavailable.append((ind.title, "no values for English districts"))
            continue
        latest = frame[frame["time"] == english["time"].max()]
        eng_latest = latest[registry.is_english_district(latest["area_code"])]["value"]
        england_row = latest[latest["area_code"] == ENGLAND]
        england = float(england_row["value"].iloc[0]) if len(england_row) else np.nan
        q = eng_latest.quantile([0, 0.25, 0.5, 0.75, 1]).to_numpy()
        trends = _trends(ind, frame, districts)
        for code in districts:
            own = latest[latest["area_code"] == code]
            value, lower, upper = (float(own[c].iloc[0]) if len(own) else np.nan
                                   for c in ("value", "lower_ci", "upper_ci"))
            peers = neighbours.loc[neighbours["area_code"] == code, "neighbour_code"]
            peer_values = latest.loc[latest["area_code"].isin(peers), "value"]
            comparison = "not compared"
            if not (np.isnan(lower) or np.isnan(upper) or np.isnan(england)):
                comparison = stats.compare_to_benchmark(
                    pd.DataFrame({"lo": [lower], "up": [upper]}), lower_cl="lo", upper_cl="up",
                    benchmark=england, polarity=ind.polarity)["comparison"].iloc[0]
            rows.append({
                "domain": ind.domain, "indicator_id": ind.id, "indicator": ind.title, "unit": ind.unit,
                "polarity": ind.polarity, "period": str(latest["period"].iloc[0]), "area_code": code,
                # For a place of small areas, the district's name says the figure is the district's.
                "area_name": published_area_name(params.place, code), "value": value, "lower_ci": lower, "upper_ci": upper,
                "england": england, "england_districts_min": q[0], "england_districts_q25": q[1],
                "england_districts_median": q[2], "england_districts_q75": q[3], "england_districts_max": q[4],
                "england_districts_n": int(eng_latest.size), "centre": england if not np.isnan(england) else q[2],
                "centre_basis": "England" if not np.isnan(england) else "median English district",
                "similar_median": float(peer_values.median()) if len(peer_values) else np.nan,
                "similar_min": float(peer_values.min()) if len(peer_values) else np.nan,
                "similar_max": float(peer_values.max()) if len(peer_values) else np.nan,
                "similar_n": int(peer_values.size), "comparison": comparison,
                "district_quartile": _quartile_position(value, q[1], q[3], ind.polarity),
                "trend": trends[code], "decimals": ind.decimals, "source": ind.source_label, "note": ind.note,
                "value_text": value_text(value, ind.unit, ind.decimals),
                "england_text": value_text(england, ind.unit, ind.decimals),
            })
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    return Indicators(table=table, unavailable=unavailable, title=_title(params.name, table),
                      findings=_findings(table), note=note)


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym ("GCSEs", "PM2.5")."""
    first = text.split(" ", 1)[0]
    return text if sum(c.isupper() for c in first) > 1 else text[:1].lower() + text[1:]


def _findings(table: pd.DataFrame) -> list[Finding]:
    """One record per indicator and district (its comparison with England, computed from the published limits),
    and one per significant recent trend (never for money in cash terms)."""
    findings = []
    for r in table.to_dict("records"):
        compared = r["comparison"] != "not compared"
        findings.append(Finding(
            key=f"indicator/{r['indicator_id']}/{r['area_code']}", topic=_lower_first(r["indicator"]),
            area=r["area_name"], area_code=r["area_code"], period=r["period"], value=r["value"],
            unit=r["unit"], decimals=int(r["decimals"]), lower=r["lower_ci"] if compared else None,
            upper=r["upper_ci"] if compared else None, level=PUBLISHED_LEVEL if compared else None,
            comparator="England", comparator_value=r["england"], comparison=r["comparison"],
            source="computed" if compared else "none", kind="level", evidence="indicators-table",
            suppressed=pd.isna(r["value"]),
            text=_sentence(r)))
        if r["trend"] in ("increasing", "decreasing"):
            findings.append(Finding(
                key=f"trend/{r['indicator_id']}/{r['area_code']}", topic=_lower_first(r["indicator"]),
                area=r["area_name"], area_code=r["area_code"], period=r["period"], comparison=r["trend"],
                source="computed", kind="trend", evidence="indicators-table",
                text=(f"{r['indicator']} in {r['area_name']}: {r['trend']} over the last five periods to "
                      f"{r['period']} (Fingertips trend test).")))
    return findings


def _sentence(r: dict) -> str:
    value = value_text(r["value"], r["unit"], r["decimals"])
    england = value_text(r["england"], r["unit"], r["decimals"])
    head = f"{r['indicator']} in {r['area_name']} was {value} in {r['period']}"
    if r["comparison"] in ("better", "worse", "similar", "higher", "lower"):
        words = {"similar": "similar to"}.get(r["comparison"], f"{r['comparison']} than")
        return f"{head}, {words} England ({england}; from the published 95 % interval)."
    if pd.isna(r["england"]):
        return f"{head}; among English districts it is in the {r['district_quartile']}."
    return f"{head} (England {england}); among English districts it is in the {r['district_quartile']}."


def _title(name: str, table: pd.DataFrame) -> str:
    if table.empty:
        return f"{name}: no wider-determinant indicators available"
    several = table["area_code"].nunique() > 1
    tested = table[table["comparison"] != "not compared"]
    n_worse, n_better = int((tested["comparison"] == "worse").sum()), int((tested["comparison"] == "better").sum())
    what = plural(len(tested), "indicator" if not several else "district value")
    if tested.empty:
        return f"{name}: wider determinants against the range of English districts"
    if n_worse and n_better:
        return f"{name}: of {what} with intervals, {n_worse} significantly worse and {n_better} better than England"
    if n_worse:
        return f"{name}: {n_worse} of {what} with intervals significantly worse than England"
    if n_better:
        return f"{name}: {n_better} of {what} with intervals significantly better than England, none worse"
    return f"{name}: none of {what} with intervals significantly different from England"
