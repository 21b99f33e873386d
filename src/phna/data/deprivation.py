"""English Indices of Deprivation: IMD 2019 by LSOA 2011 and IoD 2025 by LSOA 2021 (1 = most deprived)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._tables import (DISTRICT, LSOA11, LSOA21, check_pattern, check_range, check_unique, file_key, frame_cache,
                      read_csv, require_columns, resolve, to_int, to_number)
from .errors import DataError

DOMAINS = ("income", "employment", "education", "health", "crime", "barriers", "living_environment")
_FILE2_DOMAIN = {"imd": "Index of Multiple Deprivation (IMD)", "income": "Income", "employment": "Employment",
                 "education": "Education, Skills and Training", "health": "Health Deprivation and Disability",
                 "crime": "Crime", "barriers": "Barriers to Housing and Services", "living_environment": "Living Environment"}
N_LSOA11 = 32844


@frame_cache
def _imd2019(k1: tuple, k2: tuple, k6: tuple, ks: tuple, kie: tuple) -> pd.DataFrame:
    sid2, p2 = "imd2019.file2_domains", Path(k2[0])
    f2 = read_csv(p2, sid2, thousands=",")
    cols = {"LSOA code (2011)": "lsoa11_code", "LSOA name (2011)": "lsoa11_name",
            "Local Authority District code (2019)": "district_code", "Local Authority District name (2019)": "district_name"}
    for key, label in _FILE2_DOMAIN.items():
        cols[f"{label} Rank (where 1 is most deprived)"] = f"{key}_rank"
        cols[f"{label} Decile (where 1 is most deprived 10% of LSOAs)"] = f"{key}_decile"
    require_columns(f2, cols, sid2, p2)
    out = f2[list(cols)].rename(columns=cols)
    check_pattern(out, "lsoa11_code", LSOA11, sid2, p2)
    check_pattern(out, "district_code", DISTRICT, sid2, p2)
    check_unique(out, ["lsoa11_code"], sid2, p2)
    for key in _FILE2_DOMAIN:
        out[f"{key}_rank"] = to_int(out[f"{key}_rank"], sid2, p2, f"{key}_rank")
        out[f"{key}_decile"] = to_int(out[f"{key}_decile"], sid2, p2, f"{key}_decile")
        check_range(out, f"{key}_rank", 1, N_LSOA11, sid2, p2)
        check_range(out, f"{key}_decile", 1, 10, sid2, p2)

    sid1, p1 = "imd2019.file1_imd", Path(k1[0])
    f1 = read_csv(p1, sid1, thousands=",")
    require_columns(f1, ["LSOA code (2011)", "Index of Multiple Deprivation (IMD) Rank"], sid1, p1)
    rank1 = to_int(f1["Index of Multiple Deprivation (IMD) Rank"], sid1, p1, "Index of Multiple Deprivation (IMD) Rank")
    check = out[["lsoa11_code", "imd_rank"]].merge(pd.DataFrame({"lsoa11_code": f1["LSOA code (2011)"], "r1": rank1}),
                                                   on="lsoa11_code", how="outer")
    if (check["imd_rank"] != check["r1"]).any():
        raise DataError(f"{sid1}: {p1}: IMD ranks disagree with {sid2} for "
                        f"{int((check['imd_rank'] != check['r1']).sum())} LSOA(s)")

    sids, ps = "imd2019.score", Path(ks[0])
    score = read_csv(ps, sids, dtype={"lsoa_code": str})
    require_columns(score, ["lsoa_code", "imd_score"], sids, ps)
    score = score[["lsoa_code", "imd_score"]].rename(columns={"lsoa_code": "lsoa11_code"})
    check_unique(score, ["lsoa11_code"], sids, ps)
    check_range(score, "imd_score", 0, 100, sids, ps, allow_missing=False)

    sidi, pi = "imd2019.income_employment_scores", Path(kie[0])
    ie = read_csv(pi, sidi, dtype={"lsoa11_code": str})
    require_columns(ie, ["lsoa11_code", "income_score_pct", "employment_score_pct"], sidi, pi)
    check_unique(ie, ["lsoa11_code"], sidi, pi)
    ie = pd.DataFrame({"lsoa11_code": ie["lsoa11_code"],
                       "income_score": (ie["income_score_pct"] / 100).round(4),
                       "employment_score": (ie["employment_score_pct"] / 100).round(4)})
    for col in ("income_score", "employment_score"):
        check_range(ie, col, 0, 1, sidi, pi, allow_missing=False)

    sid6, p6 = "imd2019.file6_population", Path(k6[0])
    f6 = read_csv(p6, sid6, thousands=",")
    pop_col = "Total population: mid 2015 (excluding prisoners)"
    require_columns(f6, ["LSOA code (2011)", pop_col], sid6, p6)
    pop = pd.DataFrame({"lsoa11_code": f6["LSOA code (2011)"],
                        "population_mid2015": to_int(f6[pop_col], sid6, p6, pop_col)})
    check_unique(pop, ["lsoa11_code"], sid6, p6)
    check_range(pop, "population_mid2015", 0, None, sid6, p6)

    for other, sid_o, p_o in [(score, sids, ps), (ie, sidi, pi), (pop, sid6, p6)]:
        out = out.merge(other, on="lsoa11_code", how="left")
        if len(other) != len(out) or out[other.columns[-1]].isna().all():
            raise DataError(f"{sid_o}: {p_o}: LSOA codes do not match {sid2} ({len(other)} vs {len(out)} rows)")
    columns = (["lsoa11_code", "lsoa11_name", "district_code", "district_name", "imd_score", "imd_rank", "imd_decile"]
               + [f"{d}_{m}" for d in DOMAINS for m in ("rank", "decile")]
               + ["income_score", "employment_score", "population_mid2015"])
    return out[columns].sort_values("lsoa11_code", ignore_index=True)


def imd2019_lsoa() -> pd.DataFrame:
    """Index of Multiple Deprivation 2019 for England's 32,844 LSOAs (2011).

    Returns
    -------
    pandas.DataFrame
        ``lsoa11_code, lsoa11_name, district_code, district_name`` (LAD 2019), ``imd_score`` (points),
        ``imd_rank`` (1 = most deprived of 32,844), ``imd_decile`` (1 = most deprived 10 %), ``<domain>_rank`` and
        ``<domain>_decile`` for income, employment, education, health, crime, barriers, living_environment,
        ``income_score`` and ``employment_score`` (proportion of the population deprived, 0-1) and
        ``population_mid2015`` (persons, excluding prisoners, the IoD denominator).

    Notes
    -----
    Ranks/deciles from IoD2019 File 2 (cross-checked with File 1); score from File 7 via NHSRpopulation;
    income/employment scores via mySociety (published x100, divided by 100 here); population from File 6.
    Other domain scores are not in the mirror.
    """
    keys = [file_key(resolve(s, None)[0]) for s in ("imd2019.file1_imd", "imd2019.file2_domains",
                                                    "imd2019.file6_population", "imd2019.score",
                                                    "imd2019.income_employment_scores")]
    return _imd2019(*keys)


_IOD25 = {"IMD": "imd", "Income": "income", "Employment": "employment", "Education": "education", "Health": "health",
          "Crime": "crime", "Housing_and_Services": "barriers", "Environment": "living_environment"}


@frame_cache
def _iod2025(key: tuple) -> pd.DataFrame:
    sid, path = "iod2025.lsoa21", Path(key[0])
    df = read_csv(path, sid, dtype={"lsoa21_code": str})
    cols = ["lsoa21_code"] + [f"{src}_{m}" for src in _IOD25 for m in ("score", "rank", "decile")]
    require_columns(df, cols, sid, path)
    check_pattern(df, "lsoa21_code", LSOA21, sid, path)
    check_unique(df, ["lsoa21_code"], sid, path)
    out = pd.DataFrame({"lsoa21_code": df["lsoa21_code"]})
    n = len(df)
    for src, dst in _IOD25.items():
        out[f"{dst}_score"] = df[f"{src}_score"].astype("float64")
        for m, high in (("rank", n), ("decile", 10)):
            values = df[f"{src}_{m}"]
            if values.isna().any() or (values % 1 != 0).any():
                raise DataError(f"{sid}: {path}: column {src}_{m} must be whole numbers without gaps")
            out[f"{dst}_{m}"] = values.astype("int64")
            check_range(out, f"{dst}_{m}", 1, high, sid, path)
    return out


def iod2025_lsoa() -> pd.DataFrame:
    """English Indices of Deprivation 2025 for England's 33,755 LSOAs (2021).

    Returns
    -------
    pandas.DataFrame
        ``lsoa21_code, lsoa21_name, district_code, district_name`` (LAD 2024), then ``imd_score, imd_rank,
        imd_decile`` and ``<domain>_score/_rank/_decile`` for income, employment, education, health, crime,
        barriers, living_environment. Rank 1 and decile 1 = most deprived. Income/employment scores are
        proportions (0-1); the other domain scores are on their own published scales.
    """
    from .lookups import lsoa21_lookup

    df = _iod2025(file_key(resolve("iod2025.lsoa21", None)[0]))
    names = lsoa21_lookup()[["lsoa21_code", "lsoa21_name", "district_code", "district_name"]]
    out = names.merge(df, on="lsoa21_code", how="right")
    if out["lsoa21_name"].isna().any():
        raise DataError(f"iod2025.lsoa21: LSOA21 code(s) not in the lookup: "
                        f"{out.loc[out['lsoa21_name'].isna(), 'lsoa21_code'].tolist()[:5]}")
    order = ["lsoa21_code", "lsoa21_name", "district_code", "district_name"] + [
        f"{d}_{m}" for d in ("imd", *DOMAINS) for m in ("score", "rank", "decile")]
    return out[order].sort_values("lsoa21_code", ignore_index=True)
