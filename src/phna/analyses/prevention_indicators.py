"""The indicators of the prevention chapter: what each one is, where it comes from, which way is good.

Each :class:`RiskIndicator` names its source (an OHID Fingertips extract or an ONS Explore Local Statistics
dataset), the one consistent series of periods the chapter reads from it, its polarity, the section of the
chapter it belongs to, and the adult age band it is measured in (for the size of the prize in people).

:func:`load` returns every indicator in one tidy layout for England, the English regions (where the source
has them) and every English district or unitary authority: ``area_code, area_name, period, value,
lower_95, upper_95, published`` (OHID's own comparison with England, where the source kept it) and
``published_level`` (the confidence level OHID used for it). Values are the published ones: nothing is
averaged across districts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from phna import data
from phna.data import DataError

ENGLAND = "E92000001"
SECTIONS = {
    "tobacco": "Tobacco",
    "activity": "Physical activity and weight",
    "alcohol": "Alcohol",
    "mental": "Mental health",
    "detection": "Early detection",
}
POLARITIES = ("high is good", "low is good", "no judgement")
COLUMNS = ["indicator_id", "area_code", "area_name", "period", "value", "lower_95", "upper_95", "published",
           "published_level"]
_AREA_PREFIXES = ("E06", "E07", "E08", "E09", "E10", "E12")


@dataclass(frozen=True)
class RiskIndicator:
    """One indicator of a risk to health or of early detection.

    Parameters
    ----------
    id : str
        Short identifier used in tables, CSVs and findings keys.
    title : str
        Plain-language title (sentence case, no period).
    topic : str
        What was measured, as it reads inside a sentence ("adults who smoke").
    section : str
        One of :data:`SECTIONS`.
    source : {"fingertips", "els"}
    dataset : str
        Fingertips indicator id or ELS dataset name.
    unit : str
        Unit for tables ("%", "per 100,000").
    polarity : {"high is good", "low is good", "no judgement"}
    periods : str
        Regular expression the period labels of the chapter's series must match (one kind of period: single
        years, pooled years or cumulative quarters), so that "latest" and trends compare like with like.
    ages : tuple of (int, int) or None
        Age band of the population the percentage is of (for the size of the prize); None when the
        denominator is not the resident population (such as people in routine and manual work).
    current : bool
        False for older series no longer updated in the data (their last period is shown plainly as such).
    note : str
        Caveat shown with the indicator.
    """

    id: str
    title: str
    topic: str
    section: str
    source: str
    dataset: str
    unit: str
    polarity: str
    periods: str = r".*"
    ages: tuple[int, int] | None = None
    current: bool = True
    decimals: int = 1
    note: str = ""
    label: str = ""  # short label for the spine chart

    def __post_init__(self):
        if self.polarity not in POLARITIES:
            raise ValueError(f"indicator {self.id!r}: polarity must be one of {POLARITIES}, not {self.polarity!r}")
        if self.section not in SECTIONS:
            raise ValueError(f"indicator {self.id!r}: section must be one of {list(SECTIONS)}, not {self.section!r}")
        if self.source not in ("fingertips", "els"):
            raise ValueError(f"indicator {self.id!r}: source must be fingertips or els, not {self.source!r}")

    @property
    def source_label(self) -> str:
        if self.source == "fingertips":
            return f"OHID Fingertips (indicator {self.dataset})"
        return "ONS Explore Local Statistics"

    @property
    def short(self) -> str:
        return self.label or self.title


_YEAR = r"^\d{4}$"
_FINANCIAL = r"^\d{4}/\d{2}$"
REGISTRY: tuple[RiskIndicator, ...] = (
    RiskIndicator("smoking", "Adults who smoke (18+)", "the share of adults who smoke", "tobacco", "fingertips", "92443", "%",
                  "low is good", _YEAR, ages=(18, 90), label="Adults who smoke"),
    RiskIndicator("smoking_routine_manual", "Smoking in routine and manual occupations (18-64)",
                  "the share of adults in routine and manual work who smoke", "tobacco", "fingertips", "92445", "%",
                  "low is good", r"^\d{4}-\d{2}$", label="Routine and manual smokers",
                  note="Three years pooled (the single-year survey samples are small)."),
    RiskIndicator("cigarette_smokers", "Cigarette smokers (18+, five years pooled)", "the share of adults who smoke cigarettes",
                  "tobacco", "els", "cigarette-smokers", "%", "low is good", ages=(18, 90),
                  label="Cigarette smokers (pooled)"),
    RiskIndicator("inactive", "Physically inactive adults (19+)", "the share of adults who are physically inactive", "activity",
                  "fingertips", "93015", "%", "low is good", _FINANCIAL, ages=(19, 90),
                  label="Physically inactive adults"),
    RiskIndicator("active", "Physically active adults (19+)", "the share of adults who are physically active", "activity",
                  "fingertips", "93014", "%", "high is good", _FINANCIAL,
                  label="Physically active adults"),
    RiskIndicator("overweight", "Adults overweight or obese (18+)", "the share of adults overweight or obese", "activity",
                  "fingertips", "93088", "%", "low is good", _FINANCIAL, ages=(18, 90),
                  label="Adults overweight or obese"),
    RiskIndicator("obesity", "Adults obese (18+)", "the share of adults living with obesity", "activity", "els",
                  "adult-obesity-prevalence", "%", "low is good", ages=(18, 90), label="Adults obese"),
    RiskIndicator("alcohol_admissions", "Alcohol-related hospital admissions (narrow measure)",
                  "the rate of alcohol-related hospital admissions", "alcohol", "fingertips", "91414", "per 100,000",
                  "low is good", _FINANCIAL, current=False, decimals=0, label="Alcohol-related admissions"),
    RiskIndicator("alcohol_mortality", "Alcohol-related deaths", "the rate of alcohol-related deaths", "alcohol",
                  "fingertips", "91382", "per 100,000", "low is good", _YEAR, current=False,
                  label="Alcohol-related deaths"),
    RiskIndicator("depression", "Depression recorded by GPs (18+)", "the share of adults with depression recorded by their GP",
                  "mental", "fingertips", "848", "%", "no judgement", _FINANCIAL, label="Depression on GP registers",
                  note="Recorded by GPs, so it reflects diagnosis as well as illness."),
    RiskIndicator("self_harm", "Emergency admissions for intentional self-harm", "the rate of emergency admissions for "
                  "self-harm", "mental", "fingertips", "21001", "per 100,000", "low is good", _FINANCIAL,
                  current=False, label="Self-harm admissions"),
    RiskIndicator("dementia_diagnosis", "Estimated dementia diagnosis rate (65+)", "the dementia diagnosis rate",
                  "mental", "fingertips", "92949", "%", "high is good", _YEAR, current=False,
                  label="Dementia diagnosis rate"),
    RiskIndicator("falls", "Emergency admissions for falls (65+)", "the rate of emergency admissions for falls at 65 and over",
                  "mental", "fingertips", "22401", "per 100,000", "low is good", _FINANCIAL, current=False,
                  decimals=0, label="Falls admissions (65+)"),
    RiskIndicator("health_checks", "NHS Health Checks received (40-74, cumulative since April 2021)",
                  "the share of eligible people aged 40 to 74 who have had an NHS Health Check since April 2021", "detection",
                  "fingertips", "91112", "%", "high is good", r"^2021/22 Q1", label="NHS Health Checks",
                  note="Published for upper-tier local authorities (Coventry; Warwickshire county is not in the "
                       "data available here)."),
    RiskIndicator("cancer_early_stage", "Cancers diagnosed at stage 1 or 2", "the share of cancers diagnosed at an early "
                  "stage (1 or 2)", "detection", "els", "cancer-diagnosis-at-stage-1-and-2", "%", "high is good",
                  label="Cancers diagnosed early"),
    RiskIndicator("larc", "Long-acting reversible contraception prescribed (women 15-44)",
                  "the rate of long-acting reversible contraception prescribing", "detection", "fingertips", "92254",
                  "per 1,000", "no judgement", _YEAR, label="Long-acting contraception",
                  note="Per 1,000 women aged 15-44, excluding injections."),
)


def get(indicator_id: str) -> RiskIndicator:
    for indicator in REGISTRY:
        if indicator.id == indicator_id:
            return indicator
    raise KeyError(f"unknown prevention indicator {indicator_id!r}; known: {[i.id for i in REGISTRY]}")


def by_section(section: str) -> list[RiskIndicator]:
    if section not in SECTIONS:
        raise KeyError(f"unknown section {section!r}; known: {list(SECTIONS)}")
    return [i for i in REGISTRY if i.section == section]


_PUBLISHED = re.compile(r"^(better|worse|similar|higher|lower|not compared)(?:\s+(\d+(?:\.\d+)?))?$")


def parse_published(text) -> tuple[str | None, float | None]:
    """OHID's published comparison as the extracts keep it: "worse" → ("worse", 0.95); "higher 99.8" →
    ("higher", 0.998) (the level OHID used); missing → (None, None).

    Raises
    ------
    DataError
        For a label that is not a Fingertips comparison.
    """
    if text is None or pd.isna(text):
        return None, None
    match = _PUBLISHED.match(str(text).strip().lower())
    if not match:
        raise DataError(f"unknown published comparison {text!r}; expected better, worse, similar, higher, lower "
                        "or not compared (optionally followed by a confidence level such as 99.8)")
    category, level = match[1], match[2]
    if category == "not compared":
        return category, None
    return category, (float(level) / 100 if level else 0.95)


def _from_fingertips(ind: RiskIndicator) -> pd.DataFrame:
    df = data.fingertips(ind.dataset)
    df = df[df["inequality"].isna() & df["period"].str.match(ind.periods)]
    df = df[df["sex"] == ("female" if ind.id == "larc" else "persons")]
    parsed = df["compared_to_england"].map(parse_published)
    return pd.DataFrame({
        "area_code": df["area_code"], "area_name": df["area_name"], "period": df["period"], "value": df["value"],
        "lower_95": np.nan, "upper_95": np.nan, "published": parsed.map(lambda p: p[0]),
        "published_level": parsed.map(lambda p: p[1]),
    })


def _from_els(ind: RiskIndicator) -> pd.DataFrame:
    df = data.els(ind.dataset)
    # ONS flags some district values "u" (low reliability); they are shown, with the flag in the CSV.
    return pd.DataFrame({
        "area_code": df["area_code"], "area_name": df["area_name"], "period": df["period"], "value": df["value"],
        "lower_95": df["lower_ci"], "upper_95": df["upper_ci"], "published": None, "published_level": np.nan,
    })


def load(indicator: RiskIndicator | str) -> pd.DataFrame:
    """All periods of one indicator's series for England, the English regions and counties (where the source
    has them) and every English district (see the module docstring for the columns).

    Missing values (suppressed or not published) are dropped: a suppressed value never reaches a table.
    """
    ind = get(indicator) if isinstance(indicator, str) else indicator
    out = _from_fingertips(ind) if ind.source == "fingertips" else _from_els(ind)
    code = out["area_code"].astype(str)
    out = out[code.str[:3].isin(_AREA_PREFIXES) | (code == ENGLAND)]
    out = out.dropna(subset=["value"])
    if out.empty:
        raise DataError(f"prevention indicator {ind.id!r}: no values in {ind.source_label}")
    out.insert(0, "indicator_id", ind.id)
    out = out.astype({"indicator_id": "string", "area_code": "string", "area_name": "string", "period": "string",
                      "published": "string"})
    out["published_level"] = out["published_level"].astype(float)
    return out[COLUMNS].sort_values(["area_code", "period"], ignore_index=True)
