"""Shared helpers for the loaders: resolve and read a file, validate its shape, cache frames per process."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from . import catalogue
from .errors import DataError
from .fetch import source_path

# ONS GSS code patterns used by the validators.
LSOA11 = r"^[EW]01\d{6}$"
LSOA21 = r"^[EW]01\d{6}$"
MSOA = r"^[EW]02\d{6}$"
DISTRICT = r"^E0[6-9]\d{6}$"
AREA = r"^[EWSNK]\d{8}$"

AREA_TYPES = {
    "K02": "country", "K03": "country", "K04": "country", "E92": "country", "W92": "country", "S92": "country",
    "N92": "country", "E12": "region", "E10": "county", "E11": "county", "E13": "inner_outer_london",
    "E06": "district", "E07": "district", "E08": "district", "E09": "district", "W06": "district",
    "S12": "district", "N09": "district", "E47": "combined_authority", "E54": "icb", "E38": "sub_icb",
    "E05": "ward", "E01": "lsoa", "W01": "lsoa", "E02": "msoa", "W02": "msoa",
}


def area_type(code: str) -> str:
    """Area type from a GSS code prefix: country, region, county, district (LAD/UA/borough), icb, lsoa, msoa, …"""
    return AREA_TYPES.get(str(code)[:3], "other")


def resolve(source_id: str, path: str | Path | None) -> tuple[Path, dict[str, Any]]:
    """Return (file path, catalogue entry): the verified catalogued file, or ``path`` when given (not checksummed)."""
    source = catalogue.entry(source_id)
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise DataError(f"{source_id}: file {path} does not exist")
        return path, source
    return source_path(source_id), source


def file_key(path: Path) -> tuple[str, int, int]:
    """Cache key of a file: (path, size, mtime)."""
    path = Path(path).resolve()  # symlinked copies of a file share its cache entry
    stat = path.stat()
    return (str(path), stat.st_size, stat.st_mtime_ns)


def frame_cache(func: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """lru_cache a frame-returning function on its (hashable) arguments and return copies."""
    cached = functools.lru_cache(maxsize=64)(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> pd.DataFrame:
        return cached(*args, **kwargs).copy()

    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return wrapper


def read_csv(path: Path, source_id: str, **kwargs: Any) -> pd.DataFrame:
    """Read a CSV (UTF-8, BOM tolerated), turning parser errors into :class:`DataError` naming the file."""
    kwargs.setdefault("encoding", "utf-8-sig")
    try:
        return pd.read_csv(path, **kwargs)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise DataError(f"{source_id}: cannot parse {path}: {error}") from error


def require_columns(df: pd.DataFrame, columns: Iterable[str], source_id: str, path: Path) -> None:
    """Raise when any of ``columns`` is missing."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{source_id}: {path}: expected columns {missing} not found; columns are {list(df.columns)}")


def check_pattern(df: pd.DataFrame, column: str, pattern: str, source_id: str, path: Path) -> None:
    """Raise when values of ``column`` do not match the regular expression ``pattern``."""
    values = df[column].astype("string")
    bad = values[~values.fillna("").str.match(pattern)]
    if len(bad):
        raise DataError(f"{source_id}: {path}: column {column!r} has {len(bad)} value(s) not matching {pattern}, "
                        f"e.g. {sorted(set(bad.fillna('<missing>')))[:5]}")


def check_unique(df: pd.DataFrame, keys: list[str], source_id: str, path: Path) -> None:
    """Raise when rows are duplicated on ``keys``."""
    dup = df[df.duplicated(keys, keep=False)]
    if len(dup):
        example = dup[keys].head(3).to_dict("records")
        raise DataError(f"{source_id}: {path}: {len(dup)} rows duplicated on {keys}, e.g. {example}")


def check_range(df: pd.DataFrame, column: str, low: float | None, high: float | None, source_id: str, path: Path,
                allow_missing: bool = True) -> None:
    """Raise when numeric ``column`` has values outside [low, high] (or missing values, unless allowed)."""
    values = df[column]
    if not allow_missing and values.isna().any():
        raise DataError(f"{source_id}: {path}: column {column!r} has {int(values.isna().sum())} missing value(s)")
    bad = values.notna() & (((values < low) if low is not None else False) | ((values > high) if high is not None else False))
    if bad.any():
        raise DataError(f"{source_id}: {path}: column {column!r} has {int(bad.sum())} value(s) outside "
                        f"[{low}, {high}], e.g. {values[bad].head(5).tolist()}")


def to_number(values: pd.Series, source_id: str, path: Path, column: str, missing: Iterable[str] = ()) -> pd.Series:
    """Parse numbers written with thousands separators; ``missing`` markers (e.g. ':', 'NA') become NaN.

    Raises
    ------
    DataError
        Naming the column and offending values when something else is not a number.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    fast = pd.to_numeric(values, errors="coerce")
    if fast.notna().all():  # the common case: plain numbers, no separators or markers
        return fast.astype("float64")
    text = values.astype("string").str.strip().str.replace(",", "", regex=False)
    markers = {"", *missing}
    is_missing = text.isna() | text.isin(markers)
    parsed = pd.to_numeric(text.where(~is_missing), errors="coerce")
    bad = parsed.isna() & ~is_missing
    if bad.any():
        raise DataError(f"{source_id}: {path}: column {column!r} has non-numeric value(s) "
                        f"{sorted(set(values[bad].astype(str)))[:5]}")
    return parsed.astype("float64")


def to_int(values: pd.Series, source_id: str, path: Path, column: str) -> pd.Series:
    """Parse whole numbers (thousands separators allowed, no missing values) to int64."""
    parsed = to_number(values, source_id, path, column)
    if parsed.isna().any() or not np.all(np.isclose(parsed, parsed.round())):
        raise DataError(f"{source_id}: {path}: column {column!r} must hold whole numbers without gaps")
    return parsed.round().astype("int64")


def norm_sex(values: pd.Series, source_id: str, path: Path, column: str) -> pd.Series:
    """Map the sex labels used by ONS/OHID files to ``male``/``female``/``persons``."""
    mapping = {"m": "male", "male": "male", "males": "male", "1": "male", "f": "female", "female": "female",
               "females": "female", "2": "female", "p": "persons", "persons": "persons", "person": "persons",
               "all": "persons", "4": "persons"}
    lowered = values.astype("string").str.strip().str.lower()
    out = lowered.map(mapping)
    bad = out.isna()
    if bad.any():
        raise DataError(f"{source_id}: {path}: column {column!r} has unknown sex label(s) "
                        f"{sorted(set(values[bad].astype(str)))[:5]} (expected M/F/Persons variants)")
    return out.astype("string")


_SPACES = re.compile(r"\s+")


def clean_text(values: pd.Series) -> pd.Series:
    """Strip and collapse whitespace."""
    return values.astype("string").str.replace(_SPACES, " ", regex=True).str.strip()
