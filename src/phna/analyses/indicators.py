"""A registry of wider-determinant indicators: what each one is, where it comes from and which way is good.

Each :class:`Indicator` names its source (ONS Explore Local Statistics, OHID Fingertips, the ONS Health
Index inputs or the DESNZ sub-regional fuel poverty statistics), the filter that picks it out of that
source, its unit, its polarity (``"high is good"``, ``"low is good"`` or ``"no judgement"``, as
:func:`phna.stats.compare_to_benchmark`) and the domain of the wider determinants it belongs to (income,
work, education, housing, environment, health).

:func:`load` returns every indicator in the same tidy layout for England and all English districts
(lower-tier local authorities, unitary authorities, metropolitan districts and London boroughs), so the
chapter can compare a place's districts with England, with the range of English districts and with their
ONS similar areas. Values are the published ones: nothing is averaged across districts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from phna import data
from phna.data import DataError
from phna.geography import ENGLAND
DOMAINS = ("income", "work", "education", "housing", "environment", "health")
POLARITIES = ("high is good", "low is good", "no judgement")
#: Columns of :func:`load`.
COLUMNS = ["indicator_id", "area_code", "area_name", "period", "time", "value", "lower_ci", "upper_ci", "count",
           "denominator"]
_DISTRICT_PREFIXES = ("E06", "E07", "E08", "E09")
#: Local authorities of Wales, Scotland and Northern Ireland (ONS similar areas can be outside England).
_OTHER_LA_PREFIXES = ("W06", "S12", "N09")


@dataclass(frozen=True)
class Indicator:
    """One indicator of the wider determinants of health.

    Parameters
    ----------
    id : str
        Short identifier used in tables and CSVs.
    title : str
        Plain-language title.
    source : {"els", "fingertips", "health_index", "fuel_poverty"}
    dataset : str
        ELS dataset name, Fingertips indicator id, or "" for the single-table sources.
    filter : str
        The ``indicator`` value to keep (ELS and Health Index), or "" for all rows.
    unit : str
        Unit for axis labels and tables.
    polarity : {"high is good", "low is good", "no judgement"}
    domain : {"income", "work", "education", "housing", "environment", "health"}
    source_label : str
        Publisher and product, for captions.
    decimals : int
        Decimals for display.
    note : str
        Caveats (definition breaks, modelled estimates...).
    """

    id: str
    title: str
    source: str
    dataset: str
    filter: str
    unit: str
    polarity: str
    domain: str
    source_label: str
    decimals: int = 1
    note: str = ""

    def __post_init__(self):
        if self.polarity not in POLARITIES:
            raise ValueError(f"indicator {self.id!r}: polarity must be one of {POLARITIES}, not {self.polarity!r}")
        if self.domain not in DOMAINS:
            raise ValueError(f"indicator {self.id!r}: domain must be one of {DOMAINS}, not {self.domain!r}")
        if self.source not in ("els", "fingertips", "health_index", "fuel_poverty"):
            raise ValueError(f"indicator {self.id!r}: unknown source {self.source!r}")


_ELS = "ONS Explore Local Statistics"
_HI = "ONS Health Index (indicator inputs)"
# Not included: the Health Index "Household overcrowding" input, whose district values do not behave like
# overcrowding (Newham, the most overcrowded district at the 2021 Census, is below the median).

REGISTRY: tuple[Indicator, ...] = (
    Indicator("child_poverty_ahc", "Children in relative poverty (after housing costs)", "els",
              "children-in-relative-poverty", "Children in relative poverty after housing costs", "%", "low is good",
              "income", f"{_ELS} (DWP Children in Low Income Families)",
              note="No England value is published in this dataset; the centre is the middle English district."),
    Indicator("child_poverty_bhc", "Children in relative low income families (before housing costs)", "els",
              "children-in-relative-poverty", "Children in relative poverty before housing costs", "%", "low is good",
              "income", f"{_ELS} (DWP Children in Low Income Families)",
              note="No England value is published in this dataset; the centre is the middle English district."),
    Indicator("gdhi", "Gross disposable household income per head", "els",
              "gross-disposable-household-income-per-head", "Gross disposable household income", "£ per head",
              "high is good", "income", f"{_ELS} (ONS regional accounts)", decimals=0),
    Indicator("fuel_poverty", "Households in fuel poverty (LILEE)", "fuel_poverty", "", "", "% of households",
              "low is good", "income", "DESNZ sub-regional fuel poverty statistics",
              note="Low Income Low Energy Efficiency definition from 2019; earlier years (Low Income High Costs) "
                   "are not comparable and are not shown."),
    Indicator("employment_rate", "Employment rate, aged 16-64", "els", "employment-rate", "Employment rate", "%",
              "high is good", "work", f"{_ELS} (ONS Annual Population Survey)"),
    Indicator("economic_inactivity", "Economic inactivity, aged 16-64", "els", "employment-rate",
              "Economically inactive", "%", "low is good", "work", f"{_ELS} (ONS Annual Population Survey)"),
    Indicator("unemployment", "Unemployment rate (modelled), aged 16+", "els", "modelled-unemployment",
              "Modelled unemployment rate", "%", "low is good", "work", f"{_ELS} (ONS model-based estimates)"),
    Indicator("claimant_count", "Claimant count, aged 16-64", "els", "claimant-count", "Claimant Count",
              "% of residents", "low is good", "work", f"{_ELS} (ONS claimant count)"),
    Indicator("weekly_pay", "Gross median weekly pay", "els", "gross-median-weekly-pay", "Gross median weekly pay",
              "£ per week", "high is good", "work", f"{_ELS} (ONS Annual Survey of Hours and Earnings)", decimals=0),
    Indicator("ks2_expected", "Pupils meeting the expected standard in reading, writing and maths (age 11)", "els",
              "pupils-at-expected-standards-by-end-of-primary-school",
              "Pupils meeting the expected standard in reading, writing and maths", "%", "high is good", "education",
              f"{_ELS} (DfE Key Stage 2 attainment)", decimals=0),
    Indicator("gcse_english_maths", "GCSEs in English and maths (grade 4 or above, age 19)", "els",
              "gcses-in-english-and-maths", "GCSEs in English and Maths", "%", "high is good", "education",
              f"{_ELS} (DfE level 2 and 3 attainment)"),
    Indicator("level3_plus", "Adults with level 3 or higher qualifications, aged 16-64", "els",
              "qualifications-level-3-or-above", "Level 3 or above qualifications (Great Britain)", "%",
              "high is good", "education", f"{_ELS} (ONS Annual Population Survey)"),
    Indicator("no_qualifications", "Adults with no qualifications, aged 16-64", "els", "qualifications-none-gb",
              "No qualifications", "%", "low is good", "education", f"{_ELS} (ONS Annual Population Survey)"),
    Indicator("young_people_eet", "Young people in education, employment or apprenticeships", "health_index", "",
              "Young people in education, employment and apprenticeships", "% (Health Index input)", "high is good",
              "education", _HI),
    Indicator("housing_affordability", "Housing affordability: median house price to median earnings", "els",
              "housing-affordability-ratio", "Housing affordability ratio (residence-based)", "ratio",
              "low is good", "housing", f"{_ELS} (ONS house price to residence-based earnings ratio)", decimals=2),
    Indicator("rough_sleeping", "Rough sleeping", "health_index", "", "Rough sleeping",
              "Health Index input, own scale", "low is good", "housing", _HI),
    Indicator("air_pollution", "Air pollution (fine particulate matter, PM2.5)", "health_index", "", "Air pollution",
              "µg/m³ (Health Index input)", "low is good", "environment", _HI),
    Indicator("private_outdoor_space", "Homes with private outdoor space", "health_index", "",
              "Private outdoor space", "% (Health Index input)", "high is good", "environment", _HI),
    Indicator("distance_gp", "Distance to GP services", "health_index", "", "Distance to GP services",
              "km (Health Index input)", "low is good", "environment", _HI, decimals=2),
    Indicator("personal_crime", "Personal crime", "health_index", "", "Personal crime",
              "per 1,000 (Health Index input)", "low is good", "environment", _HI),
)


def registry(domain: str | None = None) -> list[Indicator]:
    """The indicators, optionally of one domain."""
    if domain is not None and domain not in DOMAINS:
        raise ValueError(f"domain must be one of {DOMAINS}, not {domain!r}")
    return [i for i in REGISTRY if domain is None or i.domain == domain]


def get(indicator_id: str) -> Indicator:
    for indicator in REGISTRY:
        if indicator.id == indicator_id:
            return indicator
    raise KeyError(f"unknown indicator {indicator_id!r}; known: {[i.id for i in REGISTRY]}")


# --------------------------------------------------------------------------------------------- loading
def _english_districts(df: pd.DataFrame) -> pd.DataFrame:
    """England, English districts, and other UK local authorities where a source has them."""
    code = df["area_code"].astype(str)
    return df[code.str[:3].isin(_DISTRICT_PREFIXES + _OTHER_LA_PREFIXES) | (code == ENGLAND)]


def is_english_district(codes: pd.Series) -> pd.Series:
    return codes.astype(str).str[:3].isin(_DISTRICT_PREFIXES)


def _from_els(ind: Indicator) -> pd.DataFrame:
    df = data.els(ind.dataset)
    df = df[df["indicator"] == ind.filter]
    if df.empty:
        raise DataError(f"els {ind.dataset!r} has no rows for indicator {ind.filter!r}")
    df = _english_districts(df)
    return pd.DataFrame({
        "area_code": df["area_code"], "area_name": df["area_name"], "period": df["period"],
        "time": df["period_start"].dt.year + df["period_start"].dt.month / 100,
        "value": df["value"], "lower_ci": df["lower_ci"], "upper_ci": df["upper_ci"],
    })


def _from_fingertips(ind: Indicator) -> pd.DataFrame:
    df = data.fingertips(ind.dataset)
    df = df[(df["sex"] == "persons") & df["inequality"].isna()]
    df = _english_districts(df)
    time = df["period"].str.extract(r"^(\d{4})")[0].astype(float)
    return pd.DataFrame({"area_code": df["area_code"], "area_name": df["area_name"], "period": df["period"],
                         "time": time, "value": df["value"], "lower_ci": np.nan, "upper_ci": np.nan})


def _district_names() -> dict:
    lookup = data.district_lookup()
    names = dict(zip(lookup["district_code"], lookup["district_name"]))
    names[ENGLAND] = "England"
    return names


def _from_health_index(ind: Indicator) -> pd.DataFrame:
    df = data.health_index_indicators()
    df = df[df["indicator"] == ind.filter]
    if df.empty:
        raise DataError(f"the ONS Health Index has no indicator {ind.filter!r}")
    df = _english_districts(df)
    names = _district_names()
    return pd.DataFrame({"area_code": df["area_code"], "area_name": df["area_code"].map(names).fillna(df["area_code"]),
                         "period": df["period"], "time": df["period"].astype(float),
                         "value": df["value"], "lower_ci": np.nan, "upper_ci": np.nan})


def _from_fuel_poverty(ind: Indicator) -> pd.DataFrame:
    df = data.fuel_poverty()
    # Only the Low Income Low Energy Efficiency definition (2019 on): earlier years are not comparable.
    df = df[df["definition"] == "LILEE"]
    districts = df[df["area_code"].str[:3].isin(_DISTRICT_PREFIXES)]
    # England is the sum of the English districts' counts (counts aggregate; proportions do not).
    england = (districts.groupby("period", as_index=False)[["count", "denominator"]].sum()
               .assign(area_code=ENGLAND))
    england["value"] = 100 * england["count"] / england["denominator"]
    df = pd.concat([districts[["area_code", "period", "count", "denominator", "value"]], england], ignore_index=True)
    names = _district_names()
    return pd.DataFrame({"area_code": df["area_code"], "area_name": df["area_code"].map(names).fillna(df["area_code"]),
                         "period": df["period"], "time": df["period"].astype(float), "value": df["value"],
                         "lower_ci": np.nan, "upper_ci": np.nan, "count": df["count"],
                         "denominator": df["denominator"]})


_LOADERS = {"els": _from_els, "fingertips": _from_fingertips, "health_index": _from_health_index,
            "fuel_poverty": _from_fuel_poverty}


def load(indicator: Indicator | str) -> pd.DataFrame:
    """All periods of one indicator for England and every English district.

    Returns
    -------
    pandas.DataFrame
        ``indicator_id, area_code, area_name, period`` (label), ``time`` (sortable number), ``value``,
        for England, English districts and (where the source has them) other UK local authorities, which can
        be ONS similar areas; :func:`is_english_district` picks out the English districts.
        ``lower_ci, upper_ci`` (95 %, missing where not published), ``count, denominator`` (where the source
        gives them). England's row is absent where the source publishes none.
    """
    ind = get(indicator) if isinstance(indicator, str) else indicator
    out = _LOADERS[ind.source](ind)
    for column in ("count", "denominator"):
        if column not in out.columns:
            out[column] = np.nan
    out.insert(0, "indicator_id", ind.id)
    out = out.astype({"area_code": "string", "area_name": "string", "period": "string", "indicator_id": "string"})
    out = out.dropna(subset=["value"])
    return out[COLUMNS].sort_values(["area_code", "time"], ignore_index=True)
