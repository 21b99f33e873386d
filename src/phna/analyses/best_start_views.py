"""What the best start chapter shows for each section: the rows, a title stating the finding, alt text and
caption, so the template only draws and publishes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from phna.analyses import best_start_indicators as bsi
from phna.wording import join_names, plural

def table_headings(region_name: str = "West Midlands") -> dict[str, str]:
    """Columns of the section tables on the page (the CSV keeps every column)."""
    return {"indicator_text": "Indicator (period)", "area_name": "Area", "value_text": "Value",
            "england_text": "England", "region_text": region_name, "similar_text": "Similar areas (median)",
            "verdict": "Compared with England"}


TABLE_HEADINGS = table_headings()
OLDER_HEADINGS = {
    "indicator_text": "Indicator (last period held here)", "area_name": "Area", "value_text": "Value",
    "england_text": "England", "verdict": "OHID's comparison with England", "superseded": "Newer series shown above",
}
#: Columns kept in the CSV behind a spine chart.
SPINE_COLUMNS = ["section", "indicator", "period", "unit", "polarity", "area_code", "area_name", "value", "lower",
                 "upper", "england", "region", "similar_median", "range_min", "range_q25", "range_median",
                 "range_q75", "range_max", "range_n", "comparison", "comparison_source", "trend", "source"]


@dataclass
class SectionView:
    key: str
    heading: str
    table: pd.DataFrame
    title: str
    alt: str
    caption: str
    source: str

    @property
    def charted(self) -> bool:
        return bool(self.table["value"].notna().any())


def _text(table: pd.DataFrame) -> pd.DataFrame:
    from phna.wording import fmt_num

    out = table.copy()
    out["indicator_text"] = out["indicator"] + " (" + out["period"].astype(str) + ")"
    out["similar_text"] = [
        "–" if pd.isna(m) else f"{fmt_num(m, int(d))} (of {n})" for m, d, n in
        zip(out["similar_median"], out["decimals"], out["similar_n"])
    ]
    return out


def section_view(table: pd.DataFrame, key: str, place: str, region_name: str = "West Midlands") -> SectionView:
    """The rows of one section (``key`` of :data:`best_start_indicators.SECTIONS`) and the words around them."""
    heading = bsi.SECTIONS[key]
    rows = _text(table[table["section"] == heading])
    shown = rows[rows["value"].notna()]
    tested = shown[shown["comparison"] != "not compared"]
    worse = tested[tested["comparison"] == "worse"]
    better = tested[tested["comparison"] == "better"]
    def named(part: pd.DataFrame) -> str:
        items = [r.indicator[:1].lower() + r.indicator[1:]
                 + ("" if r.area_name == place else f" ({r.area_name.replace(' (county)', ' county')})")
                 for r in part.itertuples()]
        return join_names(dict.fromkeys(items))

    if len(worse):
        title = f"{place}: {named(worse)} worse than England"
    elif len(better):
        title = f"{place}: {named(better)} better than England"
    elif len(tested):
        title = f"{place}: no {heading.lower()} measure significantly different from England"
    else:
        title = f"{heading} in {place}, against England and English councils"
    if len(title) > 110:
        title = f"{heading} in {place}: {plural(len(worse), 'value')} worse and {len(better)} better than England"
    n = shown["indicator"].nunique()
    alt = (f"Spine chart of {plural(n, 'measure')} of {heading.lower()} for {place} against England (centre line), "
           f"the {region_name} and the range of English councils, better to the right. "
           f"{plural(len(worse), 'value')} worse and {len(better)} better than England.")
    caption = (f"{heading}: latest value of each measure for {place}'s areas against England (centre line), the "
               f"{region_name} (open diamond) and English councils of the same kind (bars: all, and the middle "
               "half). Marker colour: the comparison with England (OHID's where published, else from the limits; "
               "grey where no limits are published).")
    sources = "; ".join(dict.fromkeys(rows["source"]))
    return SectionView(key=key, heading=heading, table=rows, title=title, alt=alt[:250], caption=caption,
                       source=sources)


def older_view(older: pd.DataFrame) -> pd.DataFrame:
    return _text(older) if len(older) else older


def trend_series(series: pd.DataFrame, table: pd.DataFrame, min_points: int = 5) -> tuple[pd.DataFrame, list[str]]:
    """The headline series (importance 2) with at least ``min_points`` values for one of the place's areas,
    and the names of the place's areas in them."""
    if series.empty:
        return series, []
    places = sorted(dict.fromkeys(table["area_name"]), key=lambda name: name.endswith("(county)"))
    keys = [s.key for s in bsi.REGISTRY if s.importance >= 2 and not s.superseded_by]
    out = series[series["key"].isin(keys)]
    counts = out[out["area_name"].isin(places) & out["value"].notna()].groupby("key")["period"].nunique()
    keep = [k for k in keys if counts.get(k, 0) >= min_points]
    out = out[out["key"].isin(keep)]
    keep_cols = ["key", "indicator", "unit", "area_code", "area_name", "period", "time", "value", "lower_95",
                 "upper_95", "count", "denominator"]
    return out[keep_cols].reset_index(drop=True), [p for p in places if (out["area_name"] == p).any()]
