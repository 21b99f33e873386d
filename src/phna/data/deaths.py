"""ONS deaths registered in 2014 by area of usual residence (Tables 2 and 1a), with mid-2014 populations.

Table 2 names areas only (no codes): names are matched to GSS codes through the MYE2 mid-2014 population files,
which carry both. Matching ignores case, spacing, punctuation and footnote digits ("ENGLAND AND WALES1").
Special cases: "Cornwall and Isles of Scilly" is coded E06000052 (Cornwall) and its population is Cornwall plus
the Isles of Scilly (E06000053), as ONS combines them; "Rhondda, Cynon, Taff" is Rhondda Cynon Taf (W06000016),
"Somerset County" is Somerset (E10000027) and "Vale of Glamorgan" is The Vale of Glamorgan (W06000014).
Rows without a code in MYE2 are dropped and listed in ``df.attrs["unmatched"]``: "Inner London", "Outer London"
and "Usual residence outside England and Wales".
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ._tables import area_type, file_key, frame_cache, resolve, to_number
from .errors import DataError

AGE_BANDS = ("0", "1-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
             "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+")
AGE_STARTS = (0, 1, *range(5, 95, 5))
ALIASES = {"rhondda cynon taff": "rhondda cynon taf", "edinburgh city of": "city of edinburgh", "somerset county": "somerset",
           "vale of glamorgan": "the vale of glamorgan"}
COMBINED = {"cornwall and isles of scilly": ("E06000052", ("E06000052", "E06000053"))}
EXPECTED_UNMATCHED = {"inner london", "outer london", "usual residence outside england and wales"}


def name_key(name: str) -> str:
    """Normalise an area name for matching: no footnote digits, punctuation, case or extra spaces."""
    text = str(name).replace("\u201a", ",").replace("\u00ad", "-").strip()
    text = re.sub(r"[\d,\s]+$", "", text).strip()
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[,.'()\-]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return ALIASES.get(text, text)


def _rows(path: Path, source_id: str) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DataError(f"{source_id}: cannot read {path}: {error}") from error


def _band_label(cell: str) -> str:
    return re.sub(r"[\s\u00ad\-]+", "-", cell.strip()).strip("-").lower()


@frame_cache
def _mye2014(key_m: tuple, key_f: tuple) -> pd.DataFrame:
    frames = []
    for key, sex, sid in ((key_m, "male", "deaths2014.mye2_males"), (key_f, "female", "deaths2014.mye2_females")):
        path = Path(key[0])
        rows = _rows(path, sid)
        header = [c.strip() for c in rows[2]] if len(rows) > 2 else []
        expected = ["CODE", "NAME", "ALL AGES", *map(str, range(91))]
        if header[:94] != expected:
            raise DataError(f"{sid}: {path}: line 3 should be the header {expected[:4]}…'90'; found {header[:6]}…")
        body = [r for r in rows[3:] if r and re.match(r"^[EWSNK]\d{8}$", r[0].strip())]
        df = pd.DataFrame([r[:94] for r in body], columns=expected)
        ages = pd.concat([to_number(df[str(a)], sid, path, str(a)) for a in range(91)], axis=1).to_numpy()
        total = to_number(df["ALL AGES"], sid, path, "ALL AGES").to_numpy()
        bad = ~np.isclose(ages.sum(axis=1), total)
        if bad.any():
            raise DataError(f"{sid}: {path}: single years do not add to ALL AGES for {df.loc[bad, 'CODE'].tolist()[:5]}")
        long = pd.DataFrame(ages, columns=range(91))
        long.insert(0, "area_code", df["CODE"].str.strip())
        long.insert(1, "area_name", df["NAME"].str.strip())
        long = long.drop_duplicates("area_code").melt(id_vars=["area_code", "area_name"], var_name="age",
                                                      value_name="population")
        frames.append(long.assign(sex=sex))
    out = pd.concat(frames, ignore_index=True)
    out["age"] = out["age"].astype("int64")
    return out


def _code_map(mye: pd.DataFrame, source_id: str) -> dict[str, str]:
    names = mye[["area_code", "area_name"]].drop_duplicates()
    names = names.assign(key=names["area_name"].map(name_key))
    dup = names[names.duplicated("key", keep=False)]
    # Same name at two levels (e.g. a county and its unitary successor) would make matching ambiguous.
    if len(dup):
        raise DataError(f"{source_id}: ambiguous area names in the MYE2 mid-2014 files: {dup['area_name'].tolist()[:6]}")
    return dict(zip(names["key"], names["area_code"]))


@frame_cache
def _deaths(key_t2: tuple, key_m: tuple, key_f: tuple) -> pd.DataFrame:
    sid, path = "deaths2014.table_2", Path(key_t2[0])
    rows = _rows(path, sid)
    header = rows[5] if len(rows) > 5 else []
    labels = [_band_label(header[i]) for i in range(3, 43, 2)] if len(header) >= 43 else []
    expected = ["under-1", *AGE_BANDS[1:-1], "90-and-over"]
    if labels != expected or not header[1].strip().lower().startswith("all ages"):
        raise DataError(f"{sid}: {path}: line 6 should hold the age bands All Ages, Under 1, 1-4 … 90 and over "
                        f"(pairs of Males/Females columns); found {[c.strip() for c in header[:8]]}…")
    body = [r for r in rows[7:] if len(r) >= 43 and r[0].strip() and r[1].strip()
            and re.match(r"^[\d,]+$", r[1].strip())]
    if not body:
        raise DataError(f"{sid}: {path}: no data rows found below the header")
    df = pd.DataFrame([r[:43] for r in body])
    counts = pd.concat([to_number(df[i], sid, path, f"column {i}") for i in range(1, 43)], axis=1).to_numpy()
    if np.isnan(counts).any() or (counts < 0).any():
        raise DataError(f"{sid}: {path}: deaths must be non-negative whole numbers (missing or negative found)")
    bands = counts[:, 2:]
    for s, sex in enumerate(("males", "females")):
        bad = bands[:, s::2].sum(axis=1) != counts[:, s]
        if bad.any():
            raise DataError(f"{sid}: {path}: {sex} deaths by age do not add to All Ages for "
                            f"{df.loc[bad, 0].str.strip().tolist()[:5]}")
    names = df[0].str.replace(r"\s+", " ", regex=True).str.strip().str.replace("\u201a", ",", regex=False)
    names = names.str.replace(r"[\d,\s]+$", "", regex=True).str.strip()
    mye = _mye2014(key_m, key_f)
    codes = _code_map(mye, "deaths2014.mye2_males")
    keys = names.map(name_key)
    area_codes, unmatched = [], []
    for key, name in zip(keys, names):
        if key in COMBINED:
            area_codes.append(COMBINED[key][0])
        elif key in codes:
            area_codes.append(codes[key])
        else:
            area_codes.append(None)
            unmatched.append(name)
    surprising = sorted({u for u in unmatched if name_key(u) not in EXPECTED_UNMATCHED})
    if surprising:
        raise DataError(f"{sid}: {path}: area names without a code in the MYE2 mid-2014 files: {surprising[:10]}")
    records, seen = [], {}
    for i, code in enumerate(area_codes):
        if code is None:
            continue
        # Wales is printed twice (summary and section heading) with identical counts: keep one, refuse conflicts.
        if code in seen:
            if not np.array_equal(counts[seen[code]], counts[i]):
                raise DataError(f"{sid}: {path}: {names.iloc[i]!r} appears twice with different counts")
            continue
        seen[code] = i
        for s, sex in enumerate(("male", "female")):
            for b, (band, start) in enumerate(zip(AGE_BANDS, AGE_STARTS)):
                records.append((code, names.iloc[i], sex, band, start, int(bands[i, 2 * b + s])))
    deaths = pd.DataFrame(records, columns=["area_code", "area_name", "sex", "age_band", "age_start", "deaths"])
    dup = deaths[deaths.duplicated(["area_code", "sex", "age_band"], keep=False)]
    if len(dup):
        raise DataError(f"{sid}: {path}: areas appear twice: {sorted(set(dup['area_name']))[:5]}")
    # Population in the same 20 bands; combined areas sum their parts.
    starts = np.array(AGE_STARTS)
    pop = mye.assign(age_band=[AGE_BANDS[i] for i in np.searchsorted(starts, mye["age"].to_numpy(), side="right") - 1])
    combined = {part: whole for whole, parts in COMBINED.values() for part in parts}
    pop["area_code"] = pop["area_code"].replace(combined)
    pop = pop.groupby(["area_code", "sex", "age_band"], as_index=False)["population"].sum()
    out = deaths.merge(pop, on=["area_code", "sex", "age_band"], how="left", validate="one_to_one")
    if out["population"].isna().any():
        raise DataError(f"deaths2014.mye2_males: no mid-2014 population for "
                        f"{sorted(set(out.loc[out['population'].isna(), 'area_code']))[:5]}")
    out["population"] = out["population"].round().astype("int64")
    out.insert(2, "area_type", out["area_code"].map(area_type).astype("string"))
    out = out.astype({"area_code": "string", "area_name": "string", "sex": "string", "age_band": "string"})
    out.attrs["unmatched"] = sorted(set(unmatched))
    return out


def deaths_population_2014() -> pd.DataFrame:
    """Deaths registered in 2014 and mid-2014 population by area, sex and 20 age bands (England and Wales).

    Returns
    -------
    pandas.DataFrame
        ``area_code, area_name, area_type`` (country/region/county/district;
        county includes the metropolitan counties, E11), ``sex``
        (male/female), ``age_band`` ("0", "1-4", "5-9", …, "85-89", "90+"), ``age_start`` (years), ``deaths``
        (registrations, by usual residence) and ``population`` (mid-2014 estimate, persons). These are the
        bands of a Chiang II abridged life table. ``df.attrs["unmatched"]`` lists Table 2 rows dropped for lack
        of a code. England males: 229,116 deaths; Coventry males: 1,276.

    Notes
    -----
    England and Wales totals include deaths of non-residents; England and the areas below it do not.
    """
    keys = [file_key(resolve(s, None)[0]) for s in ("deaths2014.table_2", "deaths2014.mye2_males", "deaths2014.mye2_females")]
    out = _deaths(*keys)
    return out


@frame_cache
def _asmr(key_t1: tuple, key_m: tuple, key_f: tuple) -> pd.DataFrame:
    sid, path = "deaths2014.table_1a", Path(key_t1[0])
    rows = _rows(path, sid)
    header = [c.strip() for c in rows[9]] if len(rows) > 9 else []
    if header[11:15] != ["Persons", "Males", "", "Females"] or "Age" not in (rows[6][11] if len(rows) > 6 else ""):
        raise DataError(f"{sid}: {path}: line 10 should label the age-standardised rate columns 12-15 "
                        f"'Persons, Males, , Females'; found {header[11:15]}")
    body = [r for r in rows[11:] if len(r) >= 16 and r[0].strip() and r[4].strip()
            and re.match(r"^[\d,]+$", r[4].strip())]
    df = pd.DataFrame([r[:16] for r in body])
    names = df[0].str.replace(r"\s+", " ", regex=True).str.strip().str.replace(r"[\d,\s]+$", "", regex=True).str.strip()
    codes = _code_map(_mye2014(key_m, key_f), "deaths2014.mye2_males")
    keys = names.map(name_key)
    area_codes = [COMBINED[k][0] if k in COMBINED else codes.get(k) for k in keys]
    records = []
    for (sex, value_col, deaths_col, pop_col, flag_col) in (("persons", 11, 4, 1, None), ("male", 12, 5, 2, 13),
                                                             ("female", 14, 6, 3, 15)):
        value = to_number(df[value_col], sid, path, f"ASMR {sex}", missing=(":",))
        deaths = to_number(df[deaths_col], sid, path, f"deaths {sex}", missing=(":",))
        population = to_number(df[pop_col], sid, path, f"population {sex} (thousands)", missing=(":",)) * 1000
        flag = df[flag_col].str.strip() if flag_col is not None else pd.Series("", index=df.index)
        records.append(pd.DataFrame({"area_code": area_codes, "area_name": names, "sex": sex, "value": value,
                                     "lower_ci": np.nan, "upper_ci": np.nan, "count": deaths,
                                     "denominator": population.round(), "reliability": flag.replace("", pd.NA)}))
    out = pd.concat(records, ignore_index=True)
    unmatched = sorted(set(out.loc[out["area_code"].isna(), "area_name"]))
    out = out[out["area_code"].notna()].drop_duplicates().copy()  # country headings are printed twice
    if out.duplicated(["area_code", "sex"]).any():
        raise DataError(f"{sid}: {path}: areas appear twice: "
                        f"{sorted(set(out.loc[out.duplicated(['area_code', 'sex']), 'area_name']))[:5]}")
    bad = out["value"].notna() & ((out["value"] < 100) | (out["value"] > 5000))
    if bad.any():
        raise DataError(f"{sid}: {path}: implausible ASMR(s) outside 100-5000 per 100,000: {out.loc[bad, 'value'].tolist()[:5]}")
    out.insert(2, "area_type", out["area_code"].map(area_type))
    out["unit"] = "per 100,000 (2013 European Standard Population)"
    out["period"] = "2014"
    out = out.astype({c: "string" for c in ("area_code", "area_name", "area_type", "sex", "reliability", "unit", "period")})
    out.attrs["unmatched"] = unmatched
    return out.reset_index(drop=True)


def ons_asmr_2014() -> pd.DataFrame:
    """Age-standardised mortality rates, 2014 registrations, by area (ONS Table 1a), as published.

    Returns
    -------
    pandas.DataFrame
        ``area_code, area_name, area_type, sex`` (persons/male/female), ``value`` (ASMR per 100,000, 2013
        European Standard Population), ``lower_ci, upper_ci`` (always missing: Table 1a publishes no intervals),
        ``count`` (deaths), ``denominator`` (mid-2014 population, from the published thousands),
        ``reliability`` ("u" = low reliability, as flagged by ONS), ``unit``, ``period`` ("2014").
        UK areas (E, W, S, N). Unmatched names are listed in ``df.attrs["unmatched"]``: Inner/Outer London,
        "Outside England and Wales" and Northern Ireland's 26 pre-2015 districts (MYE2 mid-2014 uses the 11 new
        ones).
    """
    keys = [file_key(resolve(s, None)[0]) for s in ("deaths2014.table_1a", "deaths2014.mye2_males", "deaths2014.mye2_females")]
    return _asmr(*keys)
