"""Prevention: risk factors and early diagnosis for a place's districts against England, the region and
their ONS similar areas.

Each function takes the chapter's parameters (:class:`phna.parameters.Parameters`) and returns tidy tables
and :class:`phna.findings.Finding` records; the template draws and publishes them. The indicators are in
:mod:`phna.analyses.prevention_indicators`; the size of the prize and the small-area view are in
:mod:`phna.analyses.prevention_prize`.

Comparisons with England have one source each: OHID's published comparison for Fingertips indicators (the
extracts hold no confidence limits), or computed here from ONS's published 95 % limits for Explore Local
Statistics indicators (Fingertips method: significant when England lies outside the district's interval).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as sps

from phna import data, geography, stats
from phna.analyses import prevention_indicators as registry
from phna.findings import Finding
from phna.parameters import limit_columns
from phna.wording import fmt_int, fmt_num, join_names  # noqa: F401 (fmt_int: page tables)

ENGLAND = registry.ENGLAND
_LA_PREFIXES = ("E06", "E07", "E08", "E09", "E10")
NO_CI = "not tested (no confidence intervals in the data)"
TOO_FEW = "not tested (fewer than five points)"
#: Indicators that lead the chapter's findings (the issue's "at least" list).
HEADLINE = {"smoking", "cigarette_smokers", "inactive", "overweight", "obesity", "depression", "health_checks",
            "cancer_early_stage"}
#: Indicators that never lead the findings (context for the section, shown in its table).
SECONDARY = {"larc", "active"}


def period_text(period: str) -> str:
    """A period as readers read it: cumulative quarters "2021/22 Q1-2025/26 Q3" → "2021/22 Q1 to 2025/26 Q3";
    others unchanged."""
    return str(period).replace("-", " to ", 1) if " Q" in str(period) else str(period)


def place_districts(params) -> tuple[list[str], str]:
    """The districts whose published values the chapter shows, and a note when the place is not made of them."""
    districts = list(getattr(params.place, "districts", ()) or ())
    if districts:
        return districts, ""
    districts = list(params.areas.districts)
    names = geography.area_names()
    note = (f"{params.name} is made of small areas, and these indicators are published only for whole local "
            f"authorities: the values shown are those of the {'district' if len(districts) == 1 else 'districts'} it lies in "
            f"({join_names(names.get(c, c) for c in districts)}), not of {params.name} itself.")
    return districts, note


def upper_tier(code: str) -> str | None:
    """The county of a two-tier district (E07), or the code itself for a unitary authority."""
    if not code.startswith("E07"):
        return code
    lookup = data.district_lookup()
    county = lookup.loc[lookup["district_code"] == code, "county_code"]
    return str(county.iloc[0]) if len(county) and pd.notna(county.iloc[0]) else None


def limits_at(lower_95, upper_95, value, level: float) -> tuple:
    """Limits at ``level`` from published 95 % limits (normal approximation, SE = (U - L) / (2 × 1.96));
    the published limits unchanged when ``level`` is 0.95."""
    if level == 0.95:
        return lower_95, upper_95
    se = (np.asarray(upper_95, float) - np.asarray(lower_95, float)) / (2 * sps.norm.ppf(0.975))
    z = sps.norm.ppf(0.5 + level / 2)
    return np.asarray(value, float) - z * se, np.asarray(value, float) + z * se


def _trend(ind, frame: pd.DataFrame, code: str) -> str:
    rows = frame[frame["area_code"] == code].sort_values("period")
    if len(rows) < 5:
        return TOO_FEW
    if ind.source != "els" or rows.tail(5)[["lower_95", "upper_95"]].isna().any().any():
        return NO_CI
    rows = rows.assign(time=range(len(rows)))
    result = stats.recent_trend(rows, time="time", value="value", lower_cl="lower_95", upper_cl="upper_95")
    trend = str(result["trend"].iloc[0])
    return TOO_FEW if trend == "cannot be calculated" else trend


@dataclass
class Latest:
    table: pd.DataFrame  # one row per indicator x district (see TABLE_COLUMNS)
    series: dict  # indicator id -> all periods for the place's areas, England and region (for trend charts)
    note: str = ""
    unavailable: list = field(default_factory=list)  # (indicator title, reason)
    findings: list = field(default_factory=list)


def latest(params, similar_kind: str = "global") -> Latest:
    """Latest value of every prevention indicator for each of the place's districts.

    Each district is compared with England (OHID's published comparison, or computed from ONS's limits at
    ``params.level``), set against the comparators (the region where the source has it), the median and range
    of its ONS similar areas, and the range of English local authorities (for the spine chart); the recent
    trend is tested where the last five points have confidence limits (Fingertips method, 99.8 %).
    """
    districts, note = place_districts(params)
    names = geography.area_names()
    neighbours = data.similar_areas(similar_kind)
    level = params.level
    lower_col, upper_col = limit_columns(level)
    others = [c for c in params.comparators if c != ENGLAND]
    rows, unavailable, series = [], [], {}
    for ind in registry.REGISTRY:
        frame = registry.load(ind)
        if ind.id == "health_checks":  # upper tier: a two-tier district takes its county's value
            shown = {code: upper_tier(code) for code in districts}
        else:
            shown = {code: code for code in districts}
        england = frame[frame["area_code"] == ENGLAND]
        period = params.select_period(england["period"], ind.title)
        now = frame[frame["period"] == period]
        eng_value = float(now.loc[now["area_code"] == ENGLAND, "value"].iloc[0])
        las = now[now["area_code"].str[:3].isin(_LA_PREFIXES)]
        q = las["value"].quantile([0, 0.25, 0.5, 0.75, 1]).to_numpy()
        wanted = set(shown.values()) | {ENGLAND, *others}
        series[ind.id] = frame[frame["area_code"].isin(wanted)].copy()
        missing = [c for c, s in shown.items() if s is None or s not in set(now["area_code"])]
        if missing:
            unavailable.append((ind.title, f"No value for {join_names(names.get(c, c) for c in missing)} in "
                                           f"{period} in the data available here." + (f" {ind.note}" if ind.note else "")))
        for code, area in shown.items():
            own = now[now["area_code"] == area] if area else now.iloc[0:0]
            if own.empty:
                continue
            r = own.iloc[0]
            row = {"section": registry.SECTIONS[ind.section], "indicator_id": ind.id, "indicator": ind.title,
                   "label": ind.short, "unit": ind.unit, "polarity": ind.polarity, "current": ind.current,
                   "period": period, "period_short": ("to " + period.split("-")[-1]) if " Q" in period else period,
                   "area_code": area, "area_name": names.get(area, r["area_name"]),
                   "value": float(r["value"])}
            lo, hi = limits_at(r["lower_95"], r["upper_95"], r["value"], level)
            row[lower_col], row[upper_col] = float(lo), float(hi)
            row["england"] = eng_value
            for other in others:
                val = now.loc[now["area_code"] == other, "value"]
                row[f"value_{other}"] = float(val.iloc[0]) if len(val) else np.nan
            peers = now.loc[now["area_code"].isin(neighbours.loc[neighbours["area_code"] == area, "neighbour_code"]),
                            "value"]
            row.update({"similar_median": peers.median() if len(peers) else np.nan,
                        "similar_min": peers.min() if len(peers) else np.nan,
                        "similar_max": peers.max() if len(peers) else np.nan, "similar_n": int(len(peers))})
            if ind.source == "fingertips":
                row["comparison"] = r["published"] if pd.notna(r["published"]) else "not compared"
                row["comparison_source"] = "OHID" if pd.notna(r["published"]) else "none"
                row["comparison_level"] = r["published_level"]
            else:
                row["comparison"] = stats.compare_to_benchmark(
                    pd.DataFrame({"lo": [row[lower_col]], "up": [row[upper_col]]}), lower_cl="lo", upper_cl="up",
                    benchmark=eng_value, polarity=ind.polarity)["comparison"].iloc[0]
                row["comparison_source"] = "computed" if row["comparison"] != "not compared" else "none"
                row["comparison_level"] = level
            row.update({"trend": _trend(ind, frame, area), "la_min": q[0], "la_q25": q[1], "la_median": q[2],
                        "la_q75": q[3], "la_max": q[4], "la_n": int(len(las)), "decimals": ind.decimals,
                        "source": ind.source_label, "note": ind.note})
            rows.append(row)
    table = pd.DataFrame(rows).drop_duplicates(["indicator_id", "area_code"], ignore_index=True)
    return Latest(table=table, series=series, note=note, unavailable=unavailable,
                  findings=geography.name_published(level_findings(table, level, params.place.slug), params.place))


def comparison_words(row) -> str:
    """"Worse (OHID)", "Higher (OHID, 99.8 %)", "Similar (computed)", "Not compared"."""
    if row["comparison_source"] == "none":
        return "Not compared"
    extra = "" if row["comparison_level"] == 0.95 or pd.isna(row["comparison_level"]) else \
        f", {row['comparison_level'] * 100:g} %"
    who = "OHID" if row["comparison_source"] == "OHID" else "computed"
    return f"{str(row['comparison']).capitalize()} ({who}{extra})"


def evidence_label(slug: str, name: str) -> str:
    """The label of a figure of this chapter (as :meth:`phna.context.ChapterContext.figure` names it)."""
    return f"fig-{slug}-prevention-{name}"


def level_findings(table: pd.DataFrame, level: float, slug: str = "place") -> list[Finding]:
    """A finding per current indicator and district (and its trend, where tested); the evidence is the
    section's trend chart."""
    out = []
    for row in table[table["current"]].itertuples():
        ind = registry.get(row.indicator_id)
        unit = "%" if ind.unit == "%" else ind.unit
        meaning = ind.note if ind.polarity == "no judgement" else ""
        if row.comparison_source == "OHID" and row.comparison_level not in (0.95,) and pd.notna(row.comparison_level):
            meaning = (f"OHID's comparison uses {row.comparison_level * 100:g} % limits. " + meaning).strip()
        lower_col, upper_col = limit_columns(level)
        lower = getattr(row, lower_col)
        out.append(Finding(
            key=f"{row.indicator_id}/{row.area_code}", topic=ind.topic, area=row.area_name, area_code=row.area_code,
            period=period_text(row.period), value=row.value, unit=unit, decimals=ind.decimals,
            lower=None if pd.isna(lower) else lower, upper=None if pd.isna(lower) else getattr(row, upper_col),
            level=None if pd.isna(lower) else level, comparator="England", comparator_value=row.england,
            comparison=row.comparison, source=row.comparison_source, kind="level",
            importance=1 if row.indicator_id in HEADLINE else -1 if row.indicator_id in SECONDARY else 0,
            meaning=meaning,
            evidence=evidence_label(slug, f"{ind.section}-trends")))
        if row.trend in ("increasing", "decreasing"):
            out.append(Finding(
                key=f"{row.indicator_id}/{row.area_code}/trend", topic=ind.topic, area=row.area_name,
                area_code=row.area_code, period=row.period, value=row.value, unit=unit, decimals=ind.decimals,
                comparison=row.trend, source="computed", kind="trend",
                evidence=evidence_label(slug, f"{ind.section}-trends")))
    return out


def section_table(table: pd.DataFrame, section: str, comparators: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    """The rows of one section with the columns shown on the page (at most seven) and their headings.

    ``comparators`` maps each non-England comparator code to its name (its column is shown when any row has
    a value for it).
    """
    part = table[table["section"] == registry.SECTIONS[section]].copy()
    if part.empty:
        return part, {}
    part["indicator_period"] = part["label"] + " (" + part["period"].map(period_text) + ", " + part["unit"] + ")"
    part["compared"] = part.apply(comparison_words, axis=1)
    # Numbers shown to each indicator's own decimals (the CSV keeps full precision).
    shown = {"value": "value_shown", "england": "england_shown", "similar_median": "similar_shown"}
    for code in comparators:
        if f"value_{code}" in part:
            shown[f"value_{code}"] = f"value_{code}_shown"
    for col, text in shown.items():
        part[text] = [fmt_num(v, int(d)) for v, d in zip(part[col], part["decimals"])]
    columns = {"indicator_period": "Indicator (period, unit)", "area_name": "Area", "value_shown": "Value",
               "england_shown": "England"}
    for code, name in comparators.items():
        col = f"value_{code}"
        if col in part and part[col].notna().any():
            columns[f"{col}_shown"] = name
    columns.update({"similar_shown": "Similar areas (median)", "compared": "Compared with England (by)"})
    return part, columns


def trend_series(result: Latest, section: str, params, last: int = 10) -> pd.DataFrame:
    """The last ``last`` periods of the section's current indicators for the place's areas, England and the
    other comparators (where the source has them), for the trend panels and the CSV behind them."""
    names = geography.area_names()
    shown = set(result.table["area_code"])
    frames = []
    for ind in registry.by_section(section):
        frame = result.series.get(ind.id)
        if not ind.current or frame is None or ind.id not in set(result.table["indicator_id"]):
            continue
        periods = sorted(frame.loc[frame["area_code"] == ENGLAND, "period"].unique())[-last:]
        part = frame[frame["period"].isin(periods) & frame["area_code"].isin(shown | set(params.comparators))]
        if part["period"].nunique() < 2:
            continue
        part = part.assign(label=ind.short, unit=ind.unit, is_place=part["area_code"].isin(shown),
                           area_name=part["area_code"].map(names).fillna(part["area_name"]))
        frames.append(part)
    if not frames:
        return pd.DataFrame()
    columns = ["indicator_id", "label", "unit", "period", "area_code", "area_name", "value", "lower_95", "upper_95",
               "is_place"]
    return pd.concat(frames, ignore_index=True)[columns]


def unavailable_in(result: Latest, section: str) -> list[tuple[str, str]]:
    """The (indicator, reason) pairs of one section that could not be shown for some district."""
    titles = {i.title for i in registry.by_section(section)}
    return [(what, why) for what, why in result.unavailable if what in titles]


def trend_caption(table: pd.DataFrame, section: str) -> str:
    """What the recent-trend test found for the section's current indicators, in one or two sentences."""
    part = table[(table["section"] == registry.SECTIONS[section]) & table["current"]]
    tested = part[part["trend"].isin(["increasing", "decreasing", "no significant change"])]
    untested = part[part["trend"] == NO_CI]["label"].unique()
    sentences = []
    if len(tested):
        changes = tested[tested["trend"] != "no significant change"]
        if len(changes):
            items = [f"{r.label.lower()} in {r.area_name} ({r.trend})" for r in changes.itertuples()]
            sentences.append(f"Significant recent trends (Fingertips test, last five periods): {join_names(items)}.")
        else:
            sentences.append(f"No significant recent trend in {join_names(sorted(tested['label'].str.lower().unique()))} "
                             "(Fingertips test, last five periods).")
    if len(untested):
        sentences.append(f"{join_names(untested)}: drawn but not tested (the Fingertips figures here have no "
                         "confidence intervals).")
    return " ".join(sentences)


def last_years(table: pd.DataFrame) -> str:
    """The calendar years the rows' periods end in, as words: "2018", "2017 to 2018"."""
    def end(period: str) -> int:
        first = int(str(period)[:4])
        tail = str(period).rsplit("-", 1)[-1] if "-" in str(period) else ""
        if "/" in str(period):
            return first + 1 if not tail else 2000 + int(tail.split("/")[-1][:2])
        return 2000 + int(tail) if tail.isdigit() and len(tail) == 2 else first
    years = sorted({end(p) for p in table["period"]})
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]} to {years[-1]}"


def section_caption(title: str, place_name: str, headings: dict, comparators: dict[str, str]) -> str:
    """The caption of a section table, naming the comparators shown and those the data do not publish."""
    shown = [name for name in comparators.values() if name in headings.values()]
    missing = [name for name in comparators.values() if name not in headings.values()]
    caption = (f"{title} in {place_name}: latest value of each indicator with England, "
               + "".join(f"{name}, " for name in shown)
               + "the median of each district's 20 ONS similar areas and the comparison with England (by OHID or "
                 "computed here)")
    if missing:
        caption += f"; no {join_names(missing)} figure is published in these data"
    return caption


def spine_title(place_name: str, table: pd.DataFrame) -> str:
    """The spine chart's title, stating the finding: how many values are significantly worse or better."""
    counts = table["comparison"].value_counts()
    worse, better = int(counts.get("worse", 0)), int(counts.get("better", 0))
    what = "district values" if table["area_code"].nunique() > 1 else "indicators"
    if worse and better:
        return f"{place_name}: {worse} {what} significantly worse than England, {better} better"
    if worse:
        return f"{place_name}: {worse} {what} significantly worse than England, none better"
    if better:
        return f"{place_name}: {better} {what} significantly better than England, none worse"
    return f"{place_name}: no {what} significantly better or worse than England"
