"""ONS Explore Local Statistics (ELS) datasets: all UK local authorities, 95 % CIs where published."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from . import catalogue
from ._tables import area_type, check_pattern, file_key, frame_cache, read_csv, require_columns, resolve, to_number
from .errors import DataError

ELS_CODE = r"^([EWSNK]\d{8}|TL[A-Z0-9]{1,4})$"  # GSS codes, plus ITL codes in the GDHI dataset
_PERIOD = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:/P(\d+)Y)?$")
COLUMNS = ["area_code", "area_name", "area_type", "geography", "indicator", "period", "period_start",
           "period_years", "value", "lower_ci", "upper_ci", "unit", "measure", "status"]


def datasets() -> list[str]:
    """Names of the ELS datasets in the catalogue (e.g. ``"healthy-life-expectancy"``)."""
    return [sid.split(".", 1)[1] for sid in catalogue.sources() if sid.startswith("els.")]


def parse_period(iso: str) -> tuple[str, dt.date, int]:
    """Turn an ELS ISO-8601 period into (label, start date, length in years).

    ``2022-01-01/P3Y`` → ("2022-24", 2022-01-01, 3); ``2021-04-01/P1Y`` → ("2021/22", …, 1);
    ``2014-04-01/P3Y`` → ("2014/15-16/17", …, 3); ``2023-01-01/P1Y`` → ("2023", …, 1);
    a plain date ``2023-10-05`` → ("2023", 2023-10-05, 0) (a point in time).

    Raises
    ------
    ValueError
        When the text is not in one of these forms.
    """
    match = _PERIOD.match(str(iso).strip())
    if not match:
        raise ValueError(f"not an ISO-8601 start/duration period: {iso!r}")
    year, month, day, years = int(match[1]), int(match[2]), int(match[3]), match[4]
    start = dt.date(year, month, day)
    if years is None:
        return str(year), start, 0
    n = int(years)
    if month == 1:
        return (str(year) if n == 1 else f"{year}-{(year + n - 1) % 100:02d}"), start, n
    first = f"{year}/{(year + 1) % 100:02d}"
    if n == 1:
        return first, start, n
    last = year + n - 1
    return f"{first}-{last % 100:02d}/{(last + 1) % 100:02d}", start, n


@frame_cache
def _els(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    df = read_csv(path, source_id, dtype={"areacd": str, "period": str, "status": str}, keep_default_na=False,
                  na_values={c: ["", "NA", "x", ":"] for c in ("observation", "lci_95", "uci_95")})
    required = ["areacd", "areanm", "geography", "indicator", "period", "observation", "measure", "unit",
                "lci_95", "uci_95", "status"]
    require_columns(df, required, source_id, path)
    check_pattern(df, "areacd", ELS_CODE, source_id, path)
    periods = {}
    for text in df["period"].unique():
        try:
            periods[text] = parse_period(text)
        except ValueError as error:
            raise DataError(f"{source_id}: {path}: column 'period': {error}") from error
    parsed = df["period"].map(periods)
    out = pd.DataFrame({
        "area_code": df["areacd"], "area_name": df["areanm"], "area_type": df["areacd"].map(area_type),
        "geography": df["geography"], "indicator": df["indicator"],
        "period": parsed.map(lambda p: p[0]), "period_start": pd.to_datetime(parsed.map(lambda p: p[1])),
        "period_years": parsed.map(lambda p: p[2]).astype("int64"),
        "value": to_number(df["observation"], source_id, path, "observation", missing=("NA", "x", ":")),
        "lower_ci": to_number(df["lci_95"], source_id, path, "lci_95", missing=("NA", "x", ":")),
        "upper_ci": to_number(df["uci_95"], source_id, path, "uci_95", missing=("NA", "x", ":")),
        "unit": df["unit"], "measure": df["measure"], "status": df["status"].astype("string").replace("", pd.NA),
    })
    out.loc[out["area_code"].str.startswith("TL"), "area_type"] = "itl"
    bad = out["lower_ci"].notna() & out["value"].notna() & ((out["lower_ci"] > out["value"] + 1e-9)
                                                            | (out["upper_ci"] < out["value"] - 1e-9))
    if bad.any():
        example = out.loc[bad, ["area_code", "period", "value", "lower_ci", "upper_ci"]].head(3).to_dict("records")
        raise DataError(f"{source_id}: {path}: {int(bad.sum())} row(s) with the value outside its 95 % CI, e.g. {example}")
    keys = ["area_code", "indicator", "period_start", "period_years"]
    dup = out[out.duplicated(keys, keep=False)]
    if len(dup):
        raise DataError(f"{source_id}: {path}: {len(dup)} rows duplicated on {keys}, "
                        f"e.g. {dup[keys].head(2).to_dict('records')}")
    out = out.astype({c: "string" for c in ("area_code", "area_name", "area_type", "geography", "indicator",
                                            "period", "unit", "measure", "status")})
    return out[COLUMNS].sort_values(["indicator", "area_code", "period_start"], ignore_index=True)


def els(dataset: str, path: str | Path | None = None) -> pd.DataFrame:
    """One ELS dataset in tidy form.

    Parameters
    ----------
    dataset : str
        Dataset name, e.g. ``"healthy-life-expectancy"``, ``"preventable-cardiovascular-mortality-england"``;
        :func:`datasets` lists them.
    path : path, optional
        Read this file instead of the catalogued one.

    Returns
    -------
    pandas.DataFrame
        ``area_code, area_name, area_type`` (from the code), ``geography`` (as published), ``indicator``,
        ``period`` (label: "2022-24" pooled calendar years, "2021/22" financial/academic year, "2023" single
        year or point in time), ``period_start`` (date), ``period_years`` (0 = a point in time), ``value``,
        ``lower_ci, upper_ci`` (95 %, where published), ``unit``, ``measure``, ``status`` (ONS flags such as
        "u" low reliability, "x" not available).
    """
    if dataset not in datasets():
        raise DataError(f"els: unknown dataset {dataset!r}; available: {datasets()}")
    p, source = resolve(f"els.{dataset}", path)
    return _els(file_key(p), source["id"])


def els_metadata(dataset: str) -> dict[str, Any]:
    """ELS metadata for a dataset: ``{"shared": {...source, caveats…}, "indicators": {name: {label, subtitle,
    longDescription, …}}}``. Single-indicator files have their one indicator under its ``label``."""
    if dataset not in datasets():
        raise DataError(f"els_metadata: unknown dataset {dataset!r}; available: {datasets()}")
    path, source = resolve(f"els_metadata.{dataset}", None)
    try:
        body = json.loads(path.read_text(encoding="utf-8-sig"))["ess-beta-metadata"]
    except (ValueError, KeyError) as error:
        raise DataError(f"{source['id']}: {path}: not an ELS metadata file ({error})") from error
    if "shared" in body:
        return {"shared": body["shared"], "indicators": {k: v for k, v in body.items() if k != "shared"}}
    indicator_keys = {"label", "subtitle", "longDescription"}
    shared = {k: v for k, v in body.items() if k not in indicator_keys}
    return {"shared": shared, "indicators": {body.get("label", dataset): {k: body[k] for k in indicator_keys if k in body}}}
