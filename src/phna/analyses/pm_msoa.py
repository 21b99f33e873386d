"""Small-area (MSOA) standardised mortality ratios for under-75 preventable deaths against deprivation.

Every English MSOA's SMR (Local Health, 2015-19, England = 100) is set against its population-weighted
deprivation score in the chosen index (:func:`phna.geography.msoa_deprivation`); the relationship is fitted across
all English MSOAs and the place's MSOAs above the upper prediction limit at the main confidence level are named:
more deaths than their deprivation predicts by more than chance would usually give. Local Health publishes no
counts or intervals for these SMRs, so no MSOA is named from its SMR alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as sps

from phna import data, geography
from phna.analyses.limits import level_words
from phna.findings import Finding
from phna.parameters import DEPRIVATION_INDICES
from phna.wording import fmt_int, fmt_num, join_names, plural

SOURCE_MSOA = "OHID Local Health, standardised mortality ratios 2015-19 (MSOA 2011)"
SOURCE_DEPRIVATION = {
    "imd2019": "MHCLG English Indices of Deprivation 2019 (LSOA scores and mid-2015 population denominators)",
    "iod2025": "MHCLG English Indices of Deprivation 2025 (LSOA 2021 scores), IoD 2019 mid-2015 population weights",
}


@dataclass
class MsoaResult:
    msoas: pd.DataFrame  # all English MSOAs: code, name, smr, deprivation_score, population, expected, limits, flags
    fit: pd.DataFrame  # x, fit, lower, upper (confidence band), pred_lower, pred_upper (typical MSOA)
    model: dict  # intercept, slope, r2, n, method
    outliers: pd.DataFrame  # the place's MSOAs above the prediction limit
    level: float
    deprivation_label: str
    findings: list[Finding] = field(default_factory=list)


def fit_smr_deprivation(df: pd.DataFrame, *, x: str = "deprivation_score", y: str = "smr",
                        population: str = "population", level: float = 0.95,
                        grid: int = 100) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Straight-line fit of SMR on deprivation score with Poisson-like variance (two-step WLS).

    An SMR's variance is roughly proportional to SMR / expected deaths, and expected deaths to the population, so
    the fit is weighted least squares with weights ``population / fitted SMR`` (fitted values from a first OLS).
    Each area's upper prediction limit is ``fit + t * sqrt(se_fit^2 + scale / weight)``.

    Returns
    -------
    (areas, fit, model)
        ``areas``: the input with ``expected`` (fitted SMR), ``pred_lower``, ``pred_upper`` and ``residual_z``
        ((SMR − fitted) / prediction SE); ``fit``: a grid of ``x`` with ``fit``, ``lower``/``upper`` (confidence band
        of the line) and ``pred_lower``/``pred_upper`` (prediction band for an MSOA of median population);
        ``model``: intercept, slope, r2, n, method.
    """
    import statsmodels.api as sm

    use = df.dropna(subset=[x, y, population])
    use = use[(use[population] > 0)]
    if len(use) < 3:
        raise ValueError(f"fit_smr_deprivation: need at least 3 areas with {x}, {y} and {population}; got {len(use)}")
    X = sm.add_constant(use[x].to_numpy(dtype=float))
    yv = use[y].to_numpy(dtype=float)
    first = sm.OLS(yv, X).fit()
    fitted = np.clip(first.fittedvalues, 1.0, None)
    w = use[population].to_numpy(dtype=float) / fitted
    model = sm.WLS(yv, X, weights=w).fit()
    t = sps.t.ppf(0.5 + level / 2, model.df_resid)
    pred = model.get_prediction(X)
    expected = pred.predicted_mean
    se_obs = np.sqrt(pred.se_mean**2 + model.scale / w)
    areas = use.copy()
    areas["expected"] = expected
    areas["pred_lower"] = expected - t * se_obs
    areas["pred_upper"] = expected + t * se_obs
    areas["residual_z"] = (yv - expected) / se_obs
    xs = np.linspace(use[x].min(), use[x].max(), grid)
    pg = model.get_prediction(sm.add_constant(xs, has_constant="add"))
    mean = pg.predicted_mean
    ci = pg.conf_int(alpha=1 - level)
    w_typ = float(np.median(use[population])) / np.clip(mean, 1.0, None)
    se_typ = np.sqrt(pg.se_mean**2 + model.scale / w_typ)
    fit = pd.DataFrame({"x": xs, "fit": mean, "lower": ci[:, 0], "upper": ci[:, 1],
                        "pred_lower": mean - t * se_typ, "pred_upper": mean + t * se_typ})
    info = {"intercept": float(model.params[0]), "slope": float(model.params[1]),
            "r2_ols": float(first.rsquared), "n": int(len(use)), "level": level,
            "method": "WLS, weights population / fitted SMR (statsmodels)"}
    return areas, fit, info


def msoa_smr(params, indicator: str = "smr_under75_preventable") -> MsoaResult:
    """Small-area SMRs for under-75 preventable deaths, 2015-19, against deprivation (the chosen index)."""
    level = params.level
    label = DEPRIVATION_INDICES[params.deprivation_index]
    lh = data.local_health_msoa()
    smr = lh[lh["indicator"] == indicator][["msoa11_code", "area_name", "indicator_name", "period", "value"]]
    if smr.empty:
        raise data.DataError(f"msoa_smr: Local Health has no indicator {indicator!r}")
    smr = smr.rename(columns={"value": "smr", "area_name": "msoa_name"})
    dep = geography.msoa_deprivation(params.deprivation_index)[["msoa11_code", "score", "population"]]
    merged = smr.merge(dep.rename(columns={"score": "deprivation_score"}), on="msoa11_code", how="inner")
    areas, fit, info = fit_smr_deprivation(merged, level=level)
    areas["in_place"] = areas["msoa11_code"].isin(set(params.areas.msoa11))
    areas["outlier"] = areas["smr"] > areas["pred_upper"]
    areas["place_outlier"] = areas["in_place"] & areas["outlier"]
    lookup = data.lsoa11_lookup().drop_duplicates("msoa11_code").set_index("msoa11_code")["district_name"]
    areas["district_name"] = areas["msoa11_code"].map(lookup)
    areas["deprivation_index"] = label
    areas = areas.sort_values(["in_place", "residual_z"], ascending=[False, False]).reset_index(drop=True)
    cols = ["msoa11_code", "msoa_name", "district_name", "indicator_name", "period", "smr", "deprivation_index",
            "deprivation_score", "population", "expected", "pred_lower", "pred_upper", "residual_z", "in_place",
            "outlier", "place_outlier"]
    areas = areas[cols]
    place = areas[areas["in_place"]]
    outliers = place[place["outlier"]].reset_index(drop=True)
    findings = []
    if not place.empty:
        r_place = float(np.corrcoef(place["deprivation_score"], place["smr"])[0, 1]) if len(place) > 2 else np.nan
        findings.append(Finding(
            key="msoa-smr/gradient", topic="preventable deaths under 75 and deprivation, by neighbourhood",
            area=params.name, period="2015-19", value=10 * info["slope"], unit="", decimals=0, kind="context",
            text=(f"Across England's {fmt_int(info['n'])} neighbourhoods (MSOAs), premature deaths from preventable "
                  f"causes in 2015-19 rise with deprivation: each 10 points of {label} score adds about "
                  f"{fmt_num(10 * info['slope'], 0)} to the standardised mortality ratio (England = 100)."
                  + (f" In {params.name}'s {plural(len(place), 'MSOA')} the correlation with deprivation is "
                     f"{fmt_num(r_place, 2)}." if not np.isnan(r_place) else "")),
            evidence="msoa-smr-deprivation",
        ))
        if outliers.empty:
            text = (f"None of {params.name}'s MSOAs had more under-75 preventable deaths in 2015-19 than its "
                    f"deprivation predicts beyond the {level_words(level)} prediction limit.")
        else:
            named = [f"{r.msoa_name} (ratio {fmt_num(r.smr, 0)} against {fmt_num(r.expected, 0)} expected)"
                     for r in outliers.head(5).itertuples()]
            its = "its" if len(outliers) == 1 else "their"
            text = (f"{plural(len(outliers), 'MSOA')} of {params.name}'s {len(place)} had more under-75 preventable "
                    f"deaths in 2015-19 than {its} deprivation predicts (above the {level_words(level)} prediction "
                    f"limit): {join_names(named)}" + (f", and {len(outliers) - 5} more" if len(outliers) > 5 else "") + ".")
        findings.append(Finding(
            key="msoa-smr/outliers", topic="neighbourhoods with more preventable deaths than deprivation predicts",
            area=params.name, period="2015-19", value=float(len(outliers)), decimals=0, kind="context", text=text,
            importance=1 if len(outliers) else 0,
            evidence="msoa-smr",
        ))
    return MsoaResult(msoas=areas, fit=fit, model=info, outliers=outliers, level=level, deprivation_label=label,
                      findings=findings)
