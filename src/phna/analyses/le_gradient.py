"""Deprivation and life expectancy across England's neighbourhoods (MSOAs), and where the place lies.

Weighted least squares of MSOA life expectancy at birth (ONS, 2016-20) on the MSOA deprivation score of the
chosen index (:func:`phna.geography.msoa_deprivation`), by sex, with weights 1/SE² from the published 95 %
intervals. The place's MSOAs are then compared with the national line: the mean of their residuals, with a t
interval at the main confidence level, says whether they lie above, below or on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as sps

from phna import data, geography
from phna.analyses.small_areas import INDEX_LABELS, add_meanings
from phna.findings import Finding
from phna.parameters import limit_columns
from phna.wording import fmt_ci, fmt_num, plural, possessive

#: The published MSOA life expectancies carry 95 % intervals (used only to weight the fit).
PUBLISHED_LEVEL = 0.95


@dataclass
class LifeExpectancyGradient:
    points: pd.DataFrame  # msoa11_code, msoa11_name, sex, period, imd_score, value, lower_ci, upper_ci, in_place, fitted, residual
    fits: pd.DataFrame  # sex, slope_per_10_points, lower_95/upper_95 per level, intercept, r_squared, msoas, method
    place: pd.DataFrame  # sex, msoas, mean_residual, lower_95/upper_95 per level, position
    index_label: str
    findings: list[Finding] = field(default_factory=list)


def _mean_interval(residuals: pd.Series, level: float) -> tuple[float, float]:
    n = len(residuals)
    half = sps.t.ppf(0.5 + level / 2, n - 1) * residuals.std(ddof=1) / np.sqrt(n)
    mean = residuals.mean()
    return mean - half, mean + half


def le_deprivation(params) -> LifeExpectancyGradient:
    """Association between neighbourhood deprivation and life expectancy across England's MSOAs, 2016-20."""
    levels, main = params.confidence, params.level
    label = INDEX_LABELS[params.deprivation_index]
    scores = geography.msoa_deprivation(params.deprivation_index)[["msoa11_code", "score"]]
    le = data.msoa_life_expectancy()
    le = le[le["sex"].isin(["male", "female"])].dropna(subset=["value", "lower_ci", "upper_ci"])
    df = le.merge(scores.rename(columns={"score": "imd_score"}), on="msoa11_code", how="inner")
    df["in_place"] = df["msoa11_code"].isin(params.areas.msoa11)
    z = sps.norm.ppf(0.5 + PUBLISHED_LEVEL / 2)
    df["se"] = (df["upper_ci"] - df["lower_ci"]) / (2 * z)
    df = df[df["se"] > 0]
    fits, places, parts = [], [], []
    for sex, part in df.groupby("sex", sort=False):
        X = sm.add_constant(part["imd_score"].to_numpy())
        model = sm.WLS(part["value"].to_numpy(), X, weights=1 / part["se"].to_numpy() ** 2).fit()
        fit = {"sex": sex, "slope_per_10_points": 10 * model.params[1]}
        for level in levels:
            lo, hi = model.conf_int(alpha=1 - level)[1]
            fit.update(dict(zip(limit_columns(level), (10 * lo, 10 * hi))))
        fit.update(intercept=model.params[0], r_squared=model.rsquared, msoas=int(len(part)), level=main,
                   index=label, method="weighted least squares (weights 1/SE²), statsmodels WLS")
        fits.append(fit)
        part = part.assign(fitted=model.predict(X))
        part["residual"] = part["value"] - part["fitted"]
        parts.append(part)
        own = part[part["in_place"]]
        row = {"sex": sex, "msoas": len(own), "mean_residual": np.nan}
        if len(own) >= 3:
            row["mean_residual"] = own["residual"].mean()
            for level in levels:
                row.update(dict(zip(limit_columns(level), _mean_interval(own["residual"], level))))
            lower, upper = row[limit_columns(main)[0]], row[limit_columns(main)[1]]
            row["position"] = "above" if lower > 0 else "below" if upper < 0 else "on"
        else:
            row["position"] = "too few neighbourhoods to say"
        places.append(row)
    points = pd.concat(parts, ignore_index=True)[
        ["msoa11_code", "msoa11_name", "sex", "period", "imd_score", "value", "lower_ci", "upper_ci", "in_place",
         "fitted", "residual"]]
    points = points.round({"imd_score": 3, "fitted": 3, "residual": 3})  # keeps the CSV behind the chart small
    fits, places = pd.DataFrame(fits), pd.DataFrame(places)
    return LifeExpectancyGradient(points=points, fits=fits, place=places, index_label=label,
                                  findings=add_meanings(_findings(params, fits, places, label)))


def _findings(params, fits: pd.DataFrame, places: pd.DataFrame, label: str) -> list[Finding]:
    name, level = params.name, params.level
    lower, upper = limit_columns(level)
    findings = []
    for fit, pl in zip(fits.to_dict("records"), places.to_dict("records")):
        sex, slope = fit["sex"], fit["slope_per_10_points"]
        ci_lo, ci_hi = sorted((abs(fit[lower]), abs(fit[upper])))
        findings.append(Finding(
            key=f"gradient/slope/{sex}", topic="life expectancy lost per 10-point rise in deprivation score",
            area="England's neighbourhoods", sex=sex, period="2016-20", value=abs(slope), unit="years", decimals=2,
            lower=ci_lo, upper=ci_hi, level=level, kind="context", evidence="le-deprivation",
            text=(f"Across England, each 10-point rise in a neighbourhood's deprivation score ({label}) goes with "
                  f"{fmt_num(abs(slope), 2)} {'fewer' if slope < 0 else 'more'} years of {sex} life expectancy "
                  f"({fmt_ci(ci_lo, ci_hi, decimals=2, level=level)}; MSOAs, 2016-20).")))
        position = pl["position"]
        common = dict(key=f"gradient/place/{sex}", topic="life expectancy against the national deprivation line",
                      area=name, sex=sex, period="2016-20", unit="years", kind="gap", evidence="le-deprivation-place")
        if position in ("above", "below", "on"):
            comparison = {"above": "higher", "below": "lower", "on": "similar"}[position]
            words = (f"lie {position} the national line, by {fmt_num(abs(pl['mean_residual']))} years on average"
                     if position != "on" else
                     f"follow the national pattern, {fmt_num(abs(pl['mean_residual']))} years from the line on average")
            # Below the line, the distance and its interval are said as positive years ("by 1.3 years, 0.7 to 2.0").
            shown_lo, shown_hi = ((-pl[upper], -pl[lower]) if position == "below" else (pl[lower], pl[upper]))
            findings.append(Finding(
                **common, value=float(pl["mean_residual"]), lower=float(pl[lower]), upper=float(pl[upper]),
                level=level, comparator="the national line", comparator_value=0.0, comparison=comparison,
                source="computed", importance=1,
                text=(f"For {sex} life expectancy (2016-20), {possessive_plural(name, pl['msoas'])} {words} "
                      f"({fmt_ci(shown_lo, shown_hi, level=level)}), given "
                      f"their deprivation ({label})."),
                meaning=("Lives are shorter than deprivation alone would predict." if position == "below" else
                         "Lives are longer than deprivation alone would predict." if position == "above" else "")))
        else:
            findings.append(Finding(**common, text=f"{name} has too few neighbourhoods (MSOAs) to compare with the "
                                                   "national line."))
    return findings


def possessive_plural(name: str, msoas: int) -> str:
    """"Rugby's 11 neighbourhoods", "Rugby's 1 neighbourhood"."""
    return f"{possessive(name)} {plural(msoas, 'neighbourhood')}"
