"""The indicators of the best start in life chapter: what each is, where it comes from, and one tidy table.

Each :class:`Spec` names a published series (an OHID Fingertips indicator, a DfE LAIT measure, the Fingertips
API extract of child injuries or an ONS Explore Local Statistics dataset), the geography it exists for
(districts, or upper-tier councils only) and how to read it (unit, polarity, decimals). :func:`load` turns
any of them into one tidy table, so the chapter treats them alike:

``area_code, area_name, period, time`` (for ordering), ``value, lower_95, upper_95, lower_99_8, upper_99_8``
(missing where not published), ``count, denominator``, ``published`` (OHID's comparison with England, where
published) and ``suppressed``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from phna import data

ENGLAND = "E92000001"
WEST_MIDLANDS = "E12000005"
DISTRICT_PREFIXES = ("E06", "E07", "E08", "E09")
UPPER_TIER_PREFIXES = ("E06", "E08", "E09", "E10")
SECTIONS = {
    "pregnancy": "Pregnancy and infancy",
    "early-years": "Early years",
    "poverty": "Child poverty and children's social care",
    "health": "Child health",
    "young-people": "Young people",
}
TIDY = ["area_code", "area_name", "period", "time", "value", "lower_95", "upper_95", "lower_99_8", "upper_99_8",
        "count", "denominator", "published", "suppressed"]


@dataclass(frozen=True)
class Spec:
    """One indicator of the chapter.

    ``source`` is ``fingertips`` (``ref`` = indicator id), ``lait`` (measure), ``child_injuries`` or ``els``
    (``ref`` = "dataset|indicator"). ``level`` is ``district`` (published for districts and unitary authorities)
    or ``upper`` (counties and unitary authorities only). ``periods`` is a regular expression the period labels
    must match (e.g. single years only). ``superseded_by`` names a newer series of the same measure; such a
    series is listed with its OHID comparison but not charted.
    """

    key: str
    section: str
    title: str
    unit: str
    polarity: str
    source: str
    ref: str
    level: str
    source_label: str
    decimals: int = 1
    periods: str = r".*"
    importance: int = 0
    england_from_lait: str = ""
    superseded_by: str = ""
    note: str = ""
    dated: bool = False  # the latest period held here is years old: its findings are context, not headlines
    topic: str = ""  # how a sentence names it ("the infant mortality rate"); the title when empty

    @property
    def sentence_topic(self) -> str:
        return self.topic or self.title[:1].lower() + self.title[1:]


SINGLE_YEAR = r"^\d{4}(/\d{2})?$"
OHID = "OHID Fingertips"
LAIT = "DfE Local Authority Interactive Tool"

REGISTRY: tuple[Spec, ...] = (
    Spec("infant-mortality", "pregnancy", "Infant mortality", "per 1,000 live births", "low is good", "lait",
         "InfMort", "upper", f"ONS, via {LAIT}", importance=2, topic="the infant mortality rate"),
    Spec("low-birth-weight", "pregnancy", "Low birth weight of term babies", "% of term births", "low is good",
         "lait", "Low_Birth_Weight_Babies", "upper", f"OHID, via {LAIT}", decimals=2, topic="the share of term babies born with a low birth weight"),
    Spec("breastfeeding", "pregnancy", "Breastfeeding at 6 to 8 weeks", "% of infants", "high is good", "lait",
         "6wksBreast", "upper", f"OHID, via {LAIT}", topic="the share of infants breastfed at 6 to 8 weeks"),
    Spec("good-development", "early-years", "Good level of development at the end of reception", "% of children",
         "high is good", "lait", "FSP_NEW_GOODDEV", "upper", f"DfE, via {LAIT}", importance=2, topic="the share of children with a good level of development at the end of reception"),
    Spec("good-development-fsm", "early-years",
         "Good level of development, children eligible for free school meals", "% of children", "high is good",
         "lait", "FSP_Gooddev_FSM", "upper", f"DfE, via {LAIT}", importance=1, topic="the share of children eligible for free school meals with a good level of development at the end of reception"),
    Spec("good-development-non-fsm", "early-years",
         "Good level of development, children not eligible for free school meals", "% of children",
         "high is good", "lait", "FSP_Gooddev_FSM_Other", "upper", f"DfE, via {LAIT}", topic="the share of children not eligible for free school meals with a good level of development at the end of reception"),
    Spec("school-readiness-fsm-ohid", "early-years", "School readiness of children with free school meals",
         "% of children", "high is good", "fingertips", "90632", "upper", OHID, superseded_by="good-development-fsm"),
    Spec("dental-decay", "early-years", "Visible tooth decay at age 5", "% of 5-year-olds", "low is good",
         "fingertips", "93563", "district", OHID, periods=SINGLE_YEAR, importance=2, topic="the share of 5-year-olds with visible tooth decay"),
    Spec("obesity-reception", "early-years", "Obesity in reception (age 4-5)", "% of children", "low is good",
         "fingertips", "90319", "district", OHID, periods=SINGLE_YEAR, importance=1, topic="obesity in reception (age 4-5)"),
    Spec("child-poverty", "poverty", "Children in relative low income families (under 16, before housing costs)",
         "% of children", "low is good", "els", "children-in-relative-poverty|Children in relative poverty before housing costs",
         "district", "DWP, via ONS Explore Local Statistics", importance=2, england_from_lait="ChildPov",
         note="England's value from the same DWP statistic in DfE LAIT.", topic="the share of children under 16 in relative low income families"),
    Spec("low-income-ohid", "poverty", "Children in low income families (under 16)", "% of children",
         "low is good", "fingertips", "10101", "district", OHID, superseded_by="child-poverty"),
    Spec("children-in-need", "poverty", "Children in need", "per 10,000 children", "no judgement", "lait", "CIN",
         "upper", f"DfE, via {LAIT}", decimals=1, topic="the rate of children in need"),
    Spec("child-protection", "poverty", "Children on child protection plans", "per 10,000 children",
         "no judgement", "lait", "CPP_rate", "upper", f"DfE, via {LAIT}", topic="the rate of children on child protection plans"),
    Spec("child-protection-ohid", "poverty", "Children on child protection plans", "per 10,000 children",
         "no judgement", "fingertips", "90886", "upper", OHID, superseded_by="child-protection"),
    Spec("children-in-care", "poverty", "Children in care", "per 10,000 children", "no judgement", "lait", "LAC",
         "upper", f"DfE, via {LAIT}", decimals=0, topic="the rate of children in care"),
    Spec("children-in-care-ohid", "poverty", "Children in care", "per 10,000 children", "no judgement",
         "fingertips", "90803", "upper", OHID, superseded_by="children-in-care"),
    Spec("obesity-year6", "health", "Obesity in year 6 (age 10-11)", "% of children", "low is good", "fingertips",
         "90323", "district", OHID, periods=SINGLE_YEAR, importance=2, topic="obesity in year 6 (age 10-11)"),
    Spec("physically-active", "health", "Physically active children and young people", "% of 5 to 16-year-olds",
         "high is good", "fingertips", "93570", "district", OHID, topic="the share of children and young people who are physically active"),
    Spec("injuries", "health", "Hospital admissions for injuries, ages 0-14", "per 10,000 children",
         "low is good", "child_injuries", "90284", "upper", OHID, importance=2, topic="the rate of hospital admissions for injuries in children aged 0-14"),
    Spec("self-harm", "health", "Hospital admissions for self-harm, ages 10-24", "per 100,000, age-standardised",
         "low is good", "fingertips", "90813", "upper", OHID, decimals=1, dated=True,
         note="The latest period in the data held here is old; newer figures are on Fingertips.", topic="the rate of hospital admissions for self-harm at ages 10-24"),
    Spec("gcse", "young-people", "GCSEs in English and maths by age 19", "% of young people", "high is good", "els",
         "gcses-in-english-and-maths|GCSEs in English and Maths", "district", "DfE, via ONS Explore Local Statistics", topic="the share of young people with GCSEs in English and maths by age 19"),
    Spec("neet", "young-people", "16-17 year olds not in education, employment or training", "% of 16-17s",
         "low is good", "lait", "16-17 NEET", "upper", f"DfE, via {LAIT}", importance=1, topic="the share of 16-17 year olds not in education, employment or training"),
    Spec("neet-or-unknown", "young-people", "16-17 year olds NEET or whose activity is not known", "% of 16-17s",
         "low is good", "lait", "16-17_not known_NEET", "upper", f"DfE, via {LAIT}", topic="the share of 16-17 year olds NEET or whose activity is not known"),
    Spec("neet-ohid", "young-people", "16-17 year olds not in education, employment or training", "% of 16-17s",
         "low is good", "fingertips", "93203", "upper", OHID, superseded_by="neet"),
)
BY_KEY = {spec.key: spec for spec in REGISTRY}


def _time(period: pd.Series) -> pd.Series:
    return pd.to_numeric(period.astype("string").str.extract(r"(\d{4})", expand=False), errors="coerce")


def _empty_limits(df: pd.DataFrame) -> pd.DataFrame:
    for col in ("lower_95", "upper_95", "lower_99_8", "upper_99_8", "count", "denominator"):
        if col not in df:
            df[col] = np.nan
    return df


def load(spec: Spec) -> pd.DataFrame:
    """The series of ``spec`` for every area and period it is published for, in the tidy layout above."""
    if spec.source == "fingertips":
        df = data.fingertips(spec.ref)
        df = df[(df["sex"] == "persons") & df["inequality"].isna()]
        df = df.assign(published=df["compared_to_england"], suppressed=False)
    elif spec.source == "lait":
        df = data.lait(spec.ref).dropna(subset=["area_code"])
        df = df.assign(published=pd.NA)
    elif spec.source == "child_injuries":
        df = data.child_injuries()
        df = df[(df["sex"] == "persons") & df["inequality"].isna()]
        df = df.assign(published=df["compared_to_england"], suppressed=df["value"].isna())
    elif spec.source == "els":
        dataset, indicator = spec.ref.split("|", 1)
        df = data.els(dataset)
        df = df[df["indicator"] == indicator].rename(columns={"lower_ci": "lower_95", "upper_ci": "upper_95"})
        df = df.assign(published=pd.NA, suppressed=False)
    else:
        raise ValueError(f"indicator {spec.key!r}: unknown source {spec.source!r}")
    df = _empty_limits(df.copy())
    df = df[df["period"].astype("string").str.match(spec.periods).fillna(False)]
    df["time"] = _time(df["period"])
    df["published"] = df["published"].astype("string").replace({"not compared": pd.NA})
    out = df[TIDY].copy()
    if spec.england_from_lait and not (out["area_code"] == ENGLAND).any():
        eng = data.lait(spec.england_from_lait)
        eng = eng[eng["area_code"] == ENGLAND].assign(published=pd.NA)
        eng = _empty_limits(eng)
        eng["time"] = _time(eng["period"])
        out = pd.concat([out, eng[TIDY]], ignore_index=True)
    out["value"] = out["value"].where(~out["suppressed"].astype(bool))
    return out.reset_index(drop=True)


def comparable(codes: pd.Series, level: str) -> pd.Series:
    """Whether each area code is of the kind an indicator is published for (the spine chart's range)."""
    prefixes = DISTRICT_PREFIXES if level == "district" else UPPER_TIER_PREFIXES
    return codes.astype("string").str.startswith(prefixes).fillna(False)


def unit_is_rate(unit: str) -> bool:
    return bool(re.search(r"\bper\b", unit))
