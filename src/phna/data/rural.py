"""2011 rural-urban classification (RUC11) of LSOAs 2011, England.

ONS classifies each LSOA 2011 into one of eight classes: A1-C2 urban, D1-E2 rural (at LSOA level the OA classes
"village" and "hamlet and isolated dwellings" are merged into "village and dispersed", so there are no F classes).
The mirrored file (humaniverse/geographr ``ruc11_lsoa11``) holds the ONS code plus two columns geographr derived
from it: ``ruc`` (Urban/Rural) and ``classification``, a broad four-group label ("Rural village" for E1 and E2)
that is not the ONS class name. The loader checks both against the code and returns the ONS class names.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._tables import LSOA11, check_pattern, check_unique, file_key, frame_cache, read_csv, require_columns, resolve
from .errors import DataError

SOURCE_ID = "lookups.ruc11_lsoa11"

# ONS RUC11 class of LSOAs: code -> (class name, Urban/Rural, geographr's broad label in the mirrored file).
RUC11_CLASSES = {
    "A1": ("Urban major conurbation", "Urban", "Urban conurbation"),
    "B1": ("Urban minor conurbation", "Urban", "Urban conurbation"),
    "C1": ("Urban city and town", "Urban", "Urban city and town"),
    "C2": ("Urban city and town in a sparse setting", "Urban", "Urban city and town"),
    "D1": ("Rural town and fringe", "Rural", "Rural town and fringe"),
    "D2": ("Rural town and fringe in a sparse setting", "Rural", "Rural town and fringe"),
    "E1": ("Rural village and dispersed", "Rural", "Rural village"),
    "E2": ("Rural village and dispersed in a sparse setting", "Rural", "Rural village"),
}


@frame_cache
def _ruc11(key: tuple, source_id: str) -> pd.DataFrame:
    path = Path(key[0])
    df = read_csv(path, source_id, dtype=str, keep_default_na=False)
    require_columns(df, ["lsoa11_code", "ruc11_code", "ruc", "classification"], source_id, path)
    df = df.apply(lambda column: column.str.strip())
    check_pattern(df, "lsoa11_code", LSOA11, source_id, path)
    df = df[df["lsoa11_code"].str.startswith("E01")]
    if df.empty:
        raise DataError(f"{source_id}: {path}: no English LSOA (E01…) rows")
    check_unique(df, ["lsoa11_code"], source_id, path)
    unknown = sorted(set(df["ruc11_code"]) - set(RUC11_CLASSES))
    if unknown:
        raise DataError(f"{source_id}: {path}: column 'ruc11_code' has unknown class code(s) {unknown[:5]} "
                        f"(expected one of {sorted(RUC11_CLASSES)})")
    expected = df["ruc11_code"].map({code: ru for code, (_, ru, _) in RUC11_CLASSES.items()})
    bad = df[df["ruc"] != expected]
    if len(bad):
        raise DataError(f"{source_id}: {path}: column 'ruc' disagrees with 'ruc11_code' in {len(bad)} row(s), e.g. "
                        f"{bad[['lsoa11_code', 'ruc11_code', 'ruc']].head(3).to_dict('records')}")
    expected = df["ruc11_code"].map({code: label for code, (_, _, label) in RUC11_CLASSES.items()})
    bad = df[df["classification"] != expected]
    if len(bad):
        example = bad[["lsoa11_code", "ruc11_code", "classification"]].head(3).to_dict("records")
        raise DataError(f"{source_id}: {path}: column 'classification' disagrees with 'ruc11_code' in {len(bad)} "
                        f"row(s), e.g. {example}")
    out = pd.DataFrame({
        "lsoa11_code": df["lsoa11_code"],
        "ruc11_code": df["ruc11_code"],
        "ruc11_name": df["ruc11_code"].map({code: name for code, (name, _, _) in RUC11_CLASSES.items()}),
        "ruc": df["ruc"],
    })
    return out.sort_values("lsoa11_code", ignore_index=True)


def rural_urban_lsoa11(path: str | Path | None = None) -> pd.DataFrame:
    """2011 rural-urban classification of England's 32,844 LSOAs (2011).

    Parameters
    ----------
    path : path, optional
        Read this file instead of the catalogued one (``lookups.ruc11_lsoa11``).

    Returns
    -------
    pandas.DataFrame
        ``lsoa11_code``; ``ruc11_code`` (A1, B1, C1, C2, D1, D2, E1, E2); ``ruc11_name``, the ONS class name
        (e.g. "Rural village and dispersed in a sparse setting"); ``ruc``, "Urban" (A1-C2) or "Rural" (D1-E2).
        Welsh LSOAs (W01) are dropped.

    Raises
    ------
    DataError
        When columns are missing, codes are malformed or duplicated, a class code is unknown, or the file's
        ``ruc``/``classification`` columns disagree with its class codes.
    """
    p, source = resolve(SOURCE_ID, path)
    return _ruc11(file_key(p), source["id"])
