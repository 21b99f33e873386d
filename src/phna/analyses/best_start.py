"""Best start in life: children and young people's indicators for a place, against England, the region among
the comparators (the West Midlands by default) and the place's ONS similar areas.

Analyses take the chapter's :class:`phna.parameters.Parameters` and return tables and
:class:`phna.findings.Finding` records. The indicators are in
:mod:`phna.analyses.best_start_indicators`; children in the most deprived areas and the Core20PLUS5 view are in
:mod:`phna.analyses.best_start_core20`.

Geography: an indicator published for districts is shown for each of the place's districts (rates are never
averaged across districts); one published only for upper-tier councils is shown for the council the place lies
in, named as that council's (for the Warwickshire places, Warwickshire county's value).

Comparisons with England: OHID's published comparison where Fingertips publishes one at the main confidence
level (95 %); otherwise computed here from the published limits at the chosen level (Fingertips method); DfE
and ONS series without limits are not compared, and are placed among English councils instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from phna import data, geography, stats
from phna.analyses import best_start_indicators as bsi
from phna.findings import Finding
from phna.parameters import limit_columns
from phna.wording import join_names, possessive

COLUMNS = [
    "section", "key", "indicator", "unit", "polarity", "decimals", "level", "period", "area_code", "area_name",
    "value", "lower", "upper", "suppressed", "england", "region", "similar_median", "similar_min", "similar_max",
    "similar_n", "range_min", "range_q25", "range_median", "range_q75", "range_max", "range_n", "comparison",
    "comparison_source", "position", "trend", "trend_source", "source", "note",
]
COMPARISON_TEXT = {
    "better": "better", "worse": "worse", "similar": "similar", "higher": "higher", "lower": "lower",
    "not compared": "not compared",
}
VERDICT_SOURCE = {"OHID": "OHID", "computed": "from the limits", "none": ""}


def area_label(code: str, names: dict[str, str], sentence: bool = False) -> str:
    """The area's name as readers should see it: a county is named as the county ("Warwickshire (county)" in
    tables, "Warwickshire county" in sentences)."""
    name = names.get(code, code)
    if str(code).startswith("E10"):
        return f"{name} county" if sentence else f"{name} (county)"
    return name


def place_geography(params) -> dict[str, list[str]]:
    """The areas each kind of indicator is shown for: ``{"district": [...], "upper": [...]}`` (area codes)."""
    districts = list(params.areas.districts)
    lookup = data.district_lookup().set_index("district_code")["county_code"]
    upper = sorted({str(lookup.get(code, code)) for code in districts})
    return {"district": districts, "upper": upper}


def region_of(params) -> tuple[str | None, str]:
    """The region the place is compared with: the first region among the comparators (e.g. West Midlands)."""
    code = next((c for c in params.comparators if str(c).startswith("E12")), None)
    return code, (geography.area_names().get(code, code) if code else "Region")


def geography_note(params) -> str:
    """One plain sentence on which measures show another area's value (empty when none do)."""
    geo = place_geography(params)
    names = geography.area_names()
    counties = [c for c in geo["upper"] if c not in geo["district"]]
    if not counties:
        return ""
    start = ("Several measures below are published only for county and unitary councils, not for districts: for "
             f"{params.name} they show ")
    county_names = join_names(area_label(c, names, sentence=True) for c in counties)
    if len(counties) == len(geo["upper"]):
        return (f"{start}{possessive(county_names)} value, labelled as the county's. It is the county's figure, not "
                f"{possessive(params.name)} own.")
    return (f"{start}the values of {join_names(area_label(c, names, sentence=True) for c in geo['upper'])} "
            f"separately; the county's figure covers all of its districts together.")


@dataclass
class Indicators:
    table: pd.DataFrame  # one row per current indicator x area (COLUMNS)
    older: pd.DataFrame  # superseded series (OHID comparisons of older periods)
    series: pd.DataFrame  # every period of each charted indicator for the place's areas, England and the region
    region_name: str = "Region"
    unavailable: list[tuple[str, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _trend(frame: pd.DataFrame, code: str, spec: bsi.Spec, level: float) -> tuple[str, str]:
    """The recent trend (Fingertips test, last five points) of one area, and who computed it."""
    rows = frame[(frame["area_code"] == code) & frame["value"].notna()].sort_values("time")
    if len(rows) < 5:
        return "not tested (fewer than five points)", "none"
    lower, upper = limit_columns(0.95)
    rows = rows.dropna(subset=[lower, upper]).tail(5)
    if len(rows) < 5:
        return "not tested (no confidence intervals published)", "none"
    result = stats.recent_trend(rows, time="time", value="value", lower_cl=lower, upper_cl=upper,
                                log_scale=bsi.unit_is_rate(spec.unit))
    trend = str(result["trend"].iloc[0])
    if trend == "cannot be calculated":
        return "not tested (incomplete limits)", "none"
    return trend, "computed"


def _comparison(row: pd.Series, england: float, spec: bsi.Spec, level: float) -> tuple[str, str]:
    """(comparison, source): OHID's at 95 %, else computed from the limits at ``level``, else not compared."""
    if pd.isna(row["value"]) or pd.isna(england):
        return "not compared", "none"
    if level == 0.95 and pd.notna(row["published"]):
        return str(row["published"]), "OHID"
    lower, upper = limit_columns(level)
    if lower in row and pd.notna(row.get(lower)) and pd.notna(row.get(upper)):
        result = stats.compare_to_benchmark(pd.DataFrame({"lo": [row[lower]], "up": [row[upper]]}), lower_cl="lo",
                                            upper_cl="up", benchmark=england, polarity=spec.polarity)
        return str(result["comparison"].iloc[0]), "computed"
    return "not compared", "none"


def _position(value: float, q25: float, q75: float, polarity: str) -> str:
    """Where a value sits among the comparable English councils (context only, no significance)."""
    if pd.isna(value) or pd.isna(q25):
        return "–"
    if polarity == "no judgement":
        return "highest quarter" if value > q75 else "lowest quarter" if value < q25 else "middle half"
    worse = value < q25 if polarity == "high is good" else value > q75
    better = value > q75 if polarity == "high is good" else value < q25
    return "worst quarter" if worse else "best quarter" if better else "middle half"


def _rows(spec: bsi.Spec, frame: pd.DataFrame, codes: list[str], params, neighbours: pd.DataFrame, names,
          region_code: str | None) -> list[dict]:
    level = params.level
    lower, upper = limit_columns(level)
    has = frame[frame["value"].notna() & bsi.comparable(frame["area_code"], spec.level)]
    if has.empty:
        return []
    period = params.select_period(has["period"], what=spec.title, strict=False)
    latest = frame[frame["period"] == period]
    comparable = latest[bsi.comparable(latest["area_code"], spec.level) & latest["value"].notna()]["value"]
    q = comparable.quantile([0, 0.25, 0.5, 0.75, 1]).to_numpy() if len(comparable) else np.full(5, np.nan)

    def value_of(code):
        hit = latest.loc[latest["area_code"] == code, "value"]
        return float(hit.iloc[0]) if len(hit) and pd.notna(hit.iloc[0]) else np.nan

    england = value_of(bsi.ENGLAND)
    region = value_of(region_code) if region_code else np.nan
    rows = []
    for code in codes:
        own = latest[latest["area_code"] == code]
        if own.empty:
            own = pd.DataFrame([{"value": np.nan, "published": pd.NA, "suppressed": False}])
        row = own.iloc[0]
        peers = neighbours.loc[neighbours["area_code"] == code, "neighbour_code"]
        peer_values = latest.loc[latest["area_code"].isin(peers), "value"].dropna()
        comparison, source = _comparison(row, england, spec, level)
        trend, trend_source = _trend(frame, code, spec, level)
        rows.append({
            "section": bsi.SECTIONS[spec.section], "key": spec.key, "indicator": spec.title, "unit": spec.unit,
            "polarity": spec.polarity, "decimals": spec.decimals, "level": spec.level, "period": period,
            "area_code": code, "area_name": area_label(code, names), "value": row["value"],
            "lower": row.get(lower, np.nan), "upper": row.get(upper, np.nan), "suppressed": bool(row["suppressed"]),
            "england": england, "region": region,
            "similar_median": peer_values.median() if len(peer_values) else np.nan,
            "similar_min": peer_values.min() if len(peer_values) else np.nan,
            "similar_max": peer_values.max() if len(peer_values) else np.nan, "similar_n": int(len(peer_values)),
            "range_min": q[0], "range_q25": q[1], "range_median": q[2], "range_q75": q[3], "range_max": q[4],
            "range_n": int(len(comparable)), "comparison": comparison, "comparison_source": source,
            "position": _position(row["value"], q[1], q[3], spec.polarity), "trend": trend,
            "trend_source": trend_source, "source": spec.source_label, "note": spec.note,
        })
    return rows


def _finding(row: dict, level: float) -> Finding:
    has_limits = pd.notna(row["lower"]) and pd.notna(row["upper"])
    spec = bsi.BY_KEY[row["key"]]
    return Finding(
        key=f"{row['key']}/{row['area_code']}", topic=spec.sentence_topic,
        area=area_label(row["area_code"], geography.area_names(), sentence=True), area_code=row["area_code"], period=row["period"],
        value=None if pd.isna(row["value"]) else float(row["value"]),
        unit="%" if str(row["unit"]).startswith("%") else row["unit"], decimals=row["decimals"],
        lower=float(row["lower"]) if has_limits else None, upper=float(row["upper"]) if has_limits else None,
        level=level if has_limits else None, comparator="England",
        comparator_value=None if pd.isna(row["england"]) else float(row["england"]),
        comparison=row["comparison"], source=row["comparison_source"], kind="context" if spec.dated else "level",
        importance=spec.importance,
        evidence="indicators", suppressed=bool(row["suppressed"]) or pd.isna(row["value"]),
    )


def _trend_finding(row: dict) -> Finding | None:
    if row["trend_source"] != "computed":
        return None
    return Finding(
        key=f"{row['key']}/{row['area_code']}/trend", topic=bsi.BY_KEY[row["key"]].sentence_topic,
        area=area_label(row["area_code"], geography.area_names(), sentence=True), area_code=row["area_code"], period=row["period"], comparison=row["trend"],
        source="computed", kind="trend", importance=bsi.BY_KEY[row["key"]].importance, evidence="trends",
    )


def indicators(params, similar_kind: str = "global") -> Indicators:
    """The latest value of every indicator of the chapter for the place's areas, with its comparisons.

    Returns
    -------
    Indicators
        ``table`` (current series), ``older`` (series superseded by a newer source, with OHID's comparison of
        their last period), ``series`` (all periods, for trend charts), ``unavailable`` and ``findings``.
    """
    geo = place_geography(params)
    names = geography.area_names()
    neighbours = data.similar_areas(similar_kind)
    region_code, region_name = region_of(params)
    current, older, series, unavailable = [], [], [], []
    for spec in bsi.REGISTRY:
        try:
            frame = bsi.load(spec)
        except data.DataError as exc:
            unavailable.append((spec.title, str(exc)))
            continue
        codes = geo[spec.level]
        rows = _rows(spec, frame, codes, params, neighbours, names, region_code)
        if not rows:
            unavailable.append((spec.title, "no values for English councils in the data held here"))
            continue
        if spec.superseded_by:
            for row in rows:
                row["superseded"] = bsi.BY_KEY[spec.superseded_by].title
            older.extend(rows)
            continue
        current.extend(rows)
        wanted = frame[frame["area_code"].isin([*codes, bsi.ENGLAND, *([region_code] if region_code else [])])]
        series.append(wanted.assign(key=spec.key, indicator=spec.title, unit=spec.unit, decimals=spec.decimals,
                                    area_name=wanted["area_code"].map(lambda c: area_label(c, names))))
    table = pd.DataFrame(current, columns=COLUMNS)
    older_table = pd.DataFrame(older, columns=[*COLUMNS, "superseded"])
    findings = [_finding(r, params.level) for r in current]
    findings += [f for f in (_trend_finding(r) for r in current) if f is not None]
    findings = geography.name_published(findings, params.place)
    series_table = pd.concat(series, ignore_index=True) if series else pd.DataFrame()
    if len(series_table):
        series_table = series_table.drop(columns=["published"]).sort_values(["key", "area_code", "time"])
    return Indicators(table=with_text(table, params.level), older=with_text(older_table, params.level),
                      series=series_table, region_name=region_name, unavailable=unavailable, findings=findings)


def one_per_topic(findings: list[Finding]) -> list[Finding]:
    """At most one record per (topic, comparison): for a place of several districts, the district furthest from
    England speaks for the others, so the key findings are not the same measure three times."""
    best: dict[tuple, Finding] = {}
    order: list[tuple] = []
    for f in findings:
        about = (f.topic, f.comparison, f.kind)
        if about not in best:
            order.append(about)
            best[about] = f
        elif not f.suppressed and (best[about].suppressed or f.relative_difference > best[about].relative_difference):
            best[about] = f
    return [best[k] for k in order]


def area_order(table: pd.DataFrame) -> list[str]:
    """The place's areas in one order for every chart (districts first, then councils), so each keeps its marker."""
    names = list(dict.fromkeys(table["area_name"]))
    return sorted(names, key=lambda name: name.endswith("(county)"))


def _fmt(value, decimals) -> str:
    from phna.wording import fmt_num

    return fmt_num(value, int(decimals))


def with_text(table: pd.DataFrame, level: float) -> pd.DataFrame:
    """Add the words shown on the page: value (with limits), England, region and the comparison with its source."""
    if table.empty:
        return table.assign(value_text=[], england_text=[], region_text=[], verdict=[])
    out = table.copy()
    out["value_text"] = [
        "suppressed" if s else "not published" if pd.isna(v) else _fmt(v, d) + (f" ({_fmt(lo, d)} to {_fmt(up, d)})" if pd.notna(lo) and pd.notna(up) else "")
        for v, lo, up, d, s in zip(out["value"], out["lower"], out["upper"], out["decimals"], out["suppressed"])
    ]
    out["england_text"] = [_fmt(v, d) for v, d in zip(out["england"], out["decimals"])]
    out["region_text"] = [_fmt(v, d) for v, d in zip(out["region"], out["decimals"])]
    out["verdict"] = [
        "–" if s or pd.isna(v) else (f"{COMPARISON_TEXT.get(c, c)} ({VERDICT_SOURCE.get(src, src)})" if c != "not compared"
                                     else "not compared" + (f"; {p} of councils" if p != "–" else ""))
        for c, src, p, s, v in zip(out["comparison"], out["comparison_source"], out["position"], out["suppressed"],
                                   out["value"])
    ]
    tested = out["trend_source"] == "computed"
    out.loc[tested, "verdict"] = out.loc[tested, "verdict"] + "; recent trend: " + out.loc[tested, "trend"]
    return out


@dataclass
class Gap:
    table: pd.DataFrame  # area_code, area_name, period, fsm, non_fsm, gap, england_gap
    findings: list[Finding] = field(default_factory=list)


def fsm_gap(ind: Indicators) -> Gap:
    """The gap in a good level of development between children not eligible and eligible for free school meals."""
    t = ind.table
    fsm = t[t["key"] == "good-development-fsm"].set_index("area_code")
    non = t[t["key"] == "good-development-non-fsm"].set_index("area_code")
    rows, findings = [], []
    for code in fsm.index.intersection(non.index):
        a, b = fsm.loc[code], non.loc[code]
        if pd.isna(a["value"]) or pd.isna(b["value"]) or a["period"] != b["period"]:
            continue
        gap = float(b["value"] - a["value"])
        england_gap = float(b["england"] - a["england"])
        rows.append({"area_code": code, "area_name": a["area_name"], "period": a["period"], "fsm": a["value"],
                     "non_fsm": b["value"], "gap": gap, "england_fsm": a["england"], "england_non_fsm": b["england"],
                     "england_gap": england_gap})
        wider = "wider than" if gap > england_gap + 0.5 else "narrower than" if gap < england_gap - 0.5 else "about the same as"
        findings.append(Finding(
            key=f"fsm-gap/{code}", topic="gap in a good level of development at age 5 between children eligible and "
            "not eligible for free school meals", area=area_label(code, geography.area_names(), sentence=True), area_code=code, period=a["period"],
            value=round(gap, 1), unit="percentage points", comparator="England", comparator_value=round(england_gap, 1),
            kind="gap", importance=1, evidence="fsm-gap",
            text=(f"In {area_label(code, geography.area_names(), sentence=True)}, {_fmt(a['value'], 1)} % of children eligible for free school meals reached a "
                  f"good level of development at the end of reception in {a['period']}, against {_fmt(b['value'], 1)} % "
                  f"of other children: a gap of {_fmt(gap, 1)} percentage points, {wider} England's "
                  f"({_fmt(england_gap, 1)} points; no test of the difference, as DfE publishes no limits)."),
        ))
    return Gap(table=pd.DataFrame(rows), findings=findings)
