"""The data catalogue (``data/catalogue.yaml``): one entry per source file, validated by a JSON Schema."""

from __future__ import annotations

import csv
import functools
import json
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError
from .mirror import repo_root


def catalogue_path() -> Path:
    """Path of ``data/catalogue.yaml`` in the repository."""
    return repo_root() / "data" / "catalogue.yaml"


def schema_path() -> Path:
    """Path of ``data/catalogue.schema.json`` in the repository."""
    return repo_root() / "data" / "catalogue.schema.json"


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loader


def load(path: str | Path | None = None) -> dict[str, Any]:
    """Return the parsed catalogue document (``version``, ``mirror_date``, ``sources``)."""
    path = Path(path) if path else catalogue_path()
    if not path.is_file():
        raise DataError(f"data catalogue not found at {path}")
    return _load(str(path), path.stat().st_mtime_ns)


def validate(document: dict[str, Any] | None = None) -> None:
    """Validate the catalogue against its JSON Schema and check ids and paths are unique.

    Raises
    ------
    DataError
        Naming the offending entry and the schema message.
    """
    import jsonschema

    document = load() if document is None else document
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path)
        raise DataError(f"catalogue {catalogue_path()}: {len(errors)} schema error(s); first at {where}: {first.message}")
    for key in ("id", "path"):
        seen: set[str] = set()
        for source in document["sources"]:
            if source[key] in seen:
                raise DataError(f"catalogue {catalogue_path()}: duplicated {key} {source[key]!r}")
            seen.add(source[key])


def sources() -> dict[str, dict[str, Any]]:
    """Return every catalogue entry keyed by id, in catalogue order."""
    return {source["id"]: source for source in load()["sources"]}


def entry(source_id: str) -> dict[str, Any]:
    """Return one catalogue entry.

    Raises
    ------
    DataError
        When ``source_id`` is not catalogued (the message lists close matches).
    """
    catalogued = sources()
    if source_id not in catalogued:
        import difflib

        close = difflib.get_close_matches(source_id, list(catalogued), n=5, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise DataError(f"unknown data source {source_id!r} (not in {catalogue_path()}){hint}")
    return catalogued[source_id]


def read_columns(path: str | Path, fmt: str, header_row: int = 0) -> list[str]:
    """Read the column names (or GeoJSON property names, or JSON top-level keys) of a file.

    Parameters
    ----------
    path : path of the file.
    fmt : catalogue ``format``: ``csv``, ``csv;`` (semicolon-separated), ``geojson``, ``topojson``, ``json``, ``text``,
        ``parquet`` (column names from the file's schema), ``xlsx`` (a workbook: its "columns" are its sheet names).
    header_row : 0-based line of the header in CSV files with title lines above the table.
    """
    path = Path(path)
    if fmt in ("csv", "csv;"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=";" if fmt == "csv;" else ",")
            for number, row in enumerate(reader):
                if number == header_row:
                    return [cell.strip() for cell in row]
        raise DataError(f"{path}: fewer than {header_row + 1} lines, no header row")
    if fmt == "geojson":
        quick = _first_feature_properties(path)
        if quick is not None:
            return quick
        with path.open(encoding="utf-8-sig") as handle:
            doc = json.load(handle)
        features = doc.get("features") or []
        if not features:
            raise DataError(f"{path}: GeoJSON has no features")
        return list(features[0].get("properties", {}).keys())
    if fmt == "parquet":
        import pyarrow.parquet

        return list(pyarrow.parquet.read_schema(path).names)
    if fmt == "xlsx":
        import openpyxl

        workbook = openpyxl.load_workbook(path, read_only=True)
        try:
            return list(workbook.sheetnames)
        finally:
            workbook.close()
    if fmt in ("json", "topojson"):
        with path.open(encoding="utf-8-sig") as handle:
            doc = json.load(handle)
        return list(doc.keys()) if isinstance(doc, dict) else []
    return []


def _first_feature_properties(path: Path) -> list[str] | None:
    """Property names of the first feature, read from the start of the file (no full parse of large GeoJSON)."""
    with path.open(encoding="utf-8-sig") as handle:
        head = handle.read(1 << 16)
    features = head.find('"features"')
    start = head.find('"properties"', features) if features >= 0 else -1
    brace = head.find("{", start) if start >= 0 else -1
    if brace < 0:
        return None
    try:
        props, _ = json.JSONDecoder().raw_decode(head, brace)
    except ValueError:
        return None
    return list(props) if isinstance(props, dict) else None


def column_check(found: list[str], expected: list[str]) -> list[str]:
    """Return the expected columns missing from ``found``."""
    present = set(found)
    return [column for column in expected if column not in present]

