"""Boundaries as GeoJSON FeatureCollections (WGS84), with properties renamed to ``code`` and ``name``."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Iterable

from . import catalogue
from ._tables import file_key, resolve
from .errors import DataError

LEVELS = {"lsoa11": "lsoa11", "msoa11": "msoa11", "lsoa21": "lsoa21", "msoa21": "msoa21", "ltla24": "ltla24",
          "utla21": "utla21", "icb22": "icb22"}
DETAILED = "lsoa11_detailed"


@functools.lru_cache(maxsize=16)
def _text(key: tuple) -> str:
    return Path(key[0]).read_text(encoding="utf-8-sig")


def _read(key: tuple, source_id: str) -> dict[str, Any]:
    """Parse the (cached) file text: every call gets fresh objects, so callers may modify them."""
    path = Path(key[0])
    try:
        doc = json.loads(_text(key))
    except (OSError, ValueError) as error:
        raise DataError(f"{source_id}: cannot read GeoJSON {path}: {error}") from error
    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise DataError(f"{source_id}: {path}: not a GeoJSON FeatureCollection (type {doc.get('type')!r})")
    return doc


def _features(source_id: str, code_key: str, name_key: str) -> list[dict[str, Any]]:
    path, _ = resolve(source_id, None)
    doc = _read(file_key(path), source_id)
    out = []
    for feature in doc["features"]:
        props = feature.get("properties") or {}
        if code_key not in props:
            raise DataError(f"{source_id}: {path}: feature without property {code_key!r} "
                            f"(properties: {sorted(props)})")
        out.append((props[code_key], props.get(name_key), feature))
    return out


def boundaries(level: str, codes: Iterable[str] | None = None) -> dict[str, Any]:
    """Boundaries of one geography as a GeoJSON FeatureCollection.

    Parameters
    ----------
    level : str
        ``lsoa11``, ``lsoa11_detailed`` (less generalised LSOA11, only for the six Coventry and Warwickshire
        districts), ``msoa11``, ``lsoa21``, ``msoa21``, ``ltla24`` (districts), ``utla21`` (counties/UAs),
        ``icb22``.
    codes : iterable of str, optional
        Keep only these area codes (default: all features).

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...]}``; each feature's properties are ``{"code", "name"}``.
        Geometries are super-generalised (except ``lsoa11_detailed``): for choropleths, not for analysis.

    Raises
    ------
    DataError
        Unknown level, or requested codes absent from the file (listed).
    """
    wanted = None if codes is None else list(dict.fromkeys(codes))
    if level in LEVELS:
        features = _features(f"boundaries.{level}", f"{LEVELS[level]}_code", f"{LEVELS[level]}_name")
    elif level == DETAILED:
        sids = [sid for sid in catalogue.sources() if sid.startswith("boundaries.lsoa11_detailed_")]
        features = [f for sid in sids for f in _features(sid, "LSOA11CD", "LSOA11NM")]
    else:
        raise DataError(f"boundaries: unknown level {level!r}; use one of {[*LEVELS, DETAILED]}")
    if wanted is not None:
        keep = set(wanted)
        features = [f for f in features if f[0] in keep]
        missing = sorted(keep - {f[0] for f in features})
        if missing:
            raise DataError(f"boundaries({level!r}): {len(missing)} code(s) not in the boundary file, e.g. {missing[:5]}")
    out = []
    for code, name, feature in features:
        out.append({"type": "Feature", "properties": {"code": code, "name": name},
                    "geometry": feature.get("geometry")})
    return {"type": "FeatureCollection", "features": out}
