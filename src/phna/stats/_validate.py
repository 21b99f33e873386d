"""Shared input checks and output helpers for :mod:`phna.stats`.

Every public statistic validates its input with these helpers so that errors
read the same everywhere: they name the argument/column, show up to ten
offending rows (by index label) and say what would be valid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats as _sps

__all__ = [
    "as_by",
    "check_confidence",
    "cl_names",
    "confidence_label",
    "numeric_column",
    "require_columns",
    "require_frame",
    "z_value",
]

_MAX_SHOWN = 10


def require_frame(df, func: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{func}: expected a pandas DataFrame, got {type(df).__name__}")
    return df


def as_by(by) -> list[str]:
    """Normalise a ``by`` argument (None, a column name or a sequence) to a list."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def require_columns(df: pd.DataFrame, columns: Iterable[str], func: str) -> None:
    """Raise ``ValueError`` naming every requested column missing from ``df``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{func}: column(s) {missing} not found in the data; "
            f"available columns are {list(df.columns)}"
        )


def _rows(index: pd.Index) -> str:
    shown = list(index[:_MAX_SHOWN])
    more = "" if len(index) <= _MAX_SHOWN else f" (and {len(index) - _MAX_SHOWN} more)"
    return f"{shown}{more}"


def numeric_column(
    df: pd.DataFrame,
    column: str,
    func: str,
    *,
    allow_negative: bool = False,
    allow_zero: bool = True,
    allow_missing: bool = True,
    what: str | None = None,
) -> np.ndarray:
    """Return ``df[column]`` as float64, rejecting non-numeric or out-of-range values.

    Missing values (NaN/None) pass through as NaN when ``allow_missing``;
    strings that are not numbers, negative values (unless ``allow_negative``)
    and zeros (unless ``allow_zero``) raise ``ValueError`` naming the column
    and the offending rows.
    """
    what = what or "values"
    s = df[column]
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if s.dtype == bool:
        raise ValueError(f"{func}: column '{column}' is boolean; numeric {what} are required")
    if pd.api.types.is_numeric_dtype(s.dtype):
        num = s.astype("float64")
    else:
        num = pd.to_numeric(s, errors="coerce")
        bad = s.notna() & num.isna()
        if bad.any():
            vals = list(s[bad].iloc[:_MAX_SHOWN])
            raise ValueError(
                f"{func}: column '{column}' must hold numeric {what}; non-numeric value(s) "
                f"{vals} in rows {_rows(s.index[bad.to_numpy()])}"
            )
        num = num.astype("float64")
    arr = num.to_numpy(dtype="float64", na_value=np.nan)
    if np.isinf(arr).any():
        raise ValueError(
            f"{func}: column '{column}' has infinite value(s) in rows "
            f"{_rows(s.index[np.isinf(arr)])}"
        )
    if not allow_missing and np.isnan(arr).any():
        raise ValueError(
            f"{func}: column '{column}' has missing value(s) in rows "
            f"{_rows(s.index[np.isnan(arr)])}; every row needs a value"
        )
    if not allow_negative and (arr < 0).any():
        neg = arr < 0
        raise ValueError(
            f"{func}: column '{column}' has negative {what} {list(arr[neg][:_MAX_SHOWN])} in rows "
            f"{_rows(s.index[neg])}; {what} must be zero or more"
        )
    if not allow_zero and (arr == 0).any():
        zero = arr == 0
        raise ValueError(
            f"{func}: column '{column}' is zero in rows {_rows(s.index[zero])}; "
            f"{what} must be greater than zero"
        )
    return arr


def check_confidence(confidence, func: str) -> tuple[tuple[float, ...], bool]:
    """Validate ``confidence``: one level or a list/tuple of levels, each in (0, 1).

    Returns the levels and whether several were requested (which switches the
    output to ``lower95_0cl``-style column names).
    """
    several = isinstance(confidence, (list, tuple, np.ndarray, pd.Series))
    levels = list(confidence) if several else [confidence]
    if not levels:
        raise ValueError(f"{func}: confidence must hold at least one level")
    out = []
    for c in levels:
        if isinstance(c, bool) or not isinstance(c, (int, float, np.integer, np.floating)):
            raise ValueError(f"{func}: confidence must be numeric in (0, 1), got {c!r}")
        c = float(c)
        if not (0 < c < 1):
            raise ValueError(
                f"{func}: confidence must be strictly between 0 and 1 (e.g. 0.95 or 0.998), got {c!r}"
            )
        out.append(c)
    return tuple(out), several and len(out) > 1


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile: 0.95 -> 1.959964, 0.998 -> 3.090232."""
    return float(_sps.norm.ppf(0.5 + confidence / 2))


def level_suffix(confidence: float) -> str:
    """0.95 -> '95_0', 0.998 -> '99_8' (PHEindicatormethods naming)."""
    return f"{confidence * 100:.1f}".replace(".", "_")


def cl_names(levels: Sequence[float], several: bool, prefix: str = "") -> list[tuple[str, str]]:
    """Output column names (lower, upper) for each confidence level."""
    if not several:
        return [(f"{prefix}lowercl", f"{prefix}uppercl")]
    return [(f"{prefix}lower{level_suffix(c)}cl", f"{prefix}upper{level_suffix(c)}cl") for c in levels]


def confidence_label(levels: Sequence[float]) -> str:
    return ", ".join(f"{c * 100:g}%" for c in levels)


_AGE_RE = re.compile(r"\D*(\d+)")


def age_start_column(df: pd.DataFrame, column: str, func: str) -> np.ndarray:
    """Start age of each band as float: numbers pass through, labels such as
    ``"5-9"``, ``"90+"``, ``"Under 1"`` -> 5, 90, 0 (first integer in the label; "under" -> 0)."""
    s = df[column]
    if pd.api.types.is_numeric_dtype(s.dtype) and s.dtype != bool:
        arr = s.to_numpy(dtype="float64", na_value=np.nan)
    else:
        vals = []
        bad = []
        for idx, v in s.items():
            if isinstance(v, (int, float, np.integer, np.floating)) and not pd.isna(v):
                vals.append(float(v))
                continue
            text = str(v).strip().lower()
            if text.startswith("under") or text.startswith("<"):
                vals.append(0.0)
                continue
            m = _AGE_RE.match(text)
            if m is None:
                vals.append(np.nan)
                bad.append(idx)
            else:
                vals.append(float(m.group(1)))
        if bad:
            raise ValueError(
                f"{func}: column '{column}' must give the start age of each band (a number, or a "
                f"label such as '5-9' or '90+'); could not read rows {_rows(pd.Index(bad))}"
            )
        arr = np.asarray(vals, dtype="float64")
    if np.isnan(arr).any():
        raise ValueError(
            f"{func}: column '{column}' has missing age band(s) in rows {_rows(s.index[np.isnan(arr)])}"
        )
    if (arr < 0).any():
        raise ValueError(
            f"{func}: column '{column}' has negative start ages in rows {_rows(s.index[arr < 0])}"
        )
    return arr


def group_codes(df: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer group code per row and a frame of the distinct group keys (sorted order)."""
    if not by:
        return np.zeros(len(df), dtype=np.int64), pd.DataFrame(index=range(1))
    missing = df[by].isna().any(axis=1).to_numpy()
    if missing.any():
        raise ValueError(
            f"grouping column(s) {by} have missing values in rows {_rows(df.index[missing])}"
        )
    g = df.groupby(by, sort=True, observed=True)
    codes = g.ngroup().to_numpy(dtype=np.int64)
    keys = g.size().reset_index()[by]
    return codes, keys.reset_index(drop=True)


def aggregate(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum ``values`` by group code; NaN in any member makes the group NaN (as R's ``sum``)."""
    return np.bincount(codes, weights=values, minlength=n_groups)


def add_limits(
    out: pd.DataFrame,
    limits: Sequence[tuple[np.ndarray, np.ndarray]],
    levels: Sequence[float],
    several: bool,
    prefix: str = "",
) -> None:
    """Insert limit columns into ``out`` in place, named per :func:`cl_names`."""
    for (lo_name, up_name), (lo, up) in zip(cl_names(levels, several, prefix), limits):
        out[lo_name] = lo
        out[up_name] = up


def add_metadata(
    out: pd.DataFrame,
    *,
    levels: Sequence[float],
    statistic,
    method,
    reason: np.ndarray | None,
) -> pd.DataFrame:
    """Append the self-describing columns shared by every statistic."""
    out["confidence"] = confidence_label(levels)
    out["statistic"] = statistic
    out["method"] = method
    if reason is None:
        reason = np.full(len(out), None, dtype=object)
    reason = np.asarray(reason, dtype=object)
    out["suppressed"] = np.array([r is not None for r in reason], dtype=bool)
    out["reason"] = pd.array([r for r in reason], dtype="object")
    return out
