"""Take a new dated vintage of every catalogued file and report what changed since the previous vintage.

A vintage is a folder ``<out_dir>/<YYYY-MM-DD>[-N]/`` holding the files (same relative paths as the mirror),
``manifest.json`` (sha256 and size per id), ``changes.json`` and ``CHANGES.md``. Existing vintages are never
overwritten: a second refresh on the same day goes to ``<date>-2``, and so on. Checksums in the catalogue are
not changed: after reviewing ``CHANGES.md``, regenerate the catalogue from the new vintage
(``phna data catalogue <vintage>``) and point ``PHNA_DATA_MIRROR`` at the vintage.

With ``sources`` (e.g. ``["fingertips"]`` or ``["all"]``), the files the publishers' own services provide are
taken from them (:mod:`phna.data.sources`) after the catalogued files are copied: a publisher's file that the
book's loader reads replaces (or joins) the copy; one it cannot read, or cannot download, is an error in the
report and the vintage keeps the previous file, so the book still builds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import catalogue
from .checksums import sha256
from .errors import DataError
from .mirror import mirror_location, use_mirror
from .sources.take import publishers_markdown, take_from_publishers
from .sources import items as publisher_items

VINTAGE = re.compile(r"^\d{4}-\d{2}-\d{2}(-\d+)?$")
KEY_NAMES = ("area_code", "areacd", "code", "Code", "AREACD", "LA Code", "Area Codes", "Area.Codes", "lsoa11_code",
             "lsoa21_code", "lsoa_code", "msoa11_code", "ltla21_code", "ltla23_code", "ltla24_code", "icb22_code",
             "LSOA code (2011)", "la_code", "indicator", "period", "Period", "year", "sex", "Sex", "gender", "age",
             "imd_decile", "inequality", "group", "unit", "geography", "measure")
PERIOD_NAMES = ("period", "Period", "year")


@dataclass(frozen=True)
class RefreshResult:
    """Where the vintage went and what changed."""

    vintage: Path
    previous: Path | None
    changes: dict[str, Any]

    @property
    def report_markdown(self) -> Path:
        return self.vintage / "CHANGES.md"


def _vintage_sort_key(path: Path) -> tuple[str, int]:
    name = path.name
    return (name[:10], int(name[11:]) if name[11:] else 1)


def vintages(out_dir: str | Path) -> list[Path]:
    """Existing vintage folders in ``out_dir``, oldest first."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return []
    return sorted((p for p in out_dir.iterdir() if p.is_dir() and VINTAGE.match(p.name)), key=_vintage_sort_key)


def _new_vintage(out_dir: Path, today: dt.date) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        name = today.isoformat() if n == 1 else f"{today.isoformat()}-{n}"
        try:
            (out_dir / name).mkdir()
            return out_dir / name
        except FileExistsError:
            n += 1


def _obtain(source: dict, location: str | Path | None, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(location, Path):
        shutil.copyfile(location / source["path"], target)
        return
    url = f"{location}/{source['path']}" if isinstance(location, str) else source.get("download_url")
    if not url:
        raise DataError(f"{source['id']}: no mirror and no download_url; original page {source['url']}")
    with urllib.request.urlopen(url, timeout=120) as response, target.open("wb") as handle:  # noqa: S310
        shutil.copyfileobj(response, handle)


def _read_table(path: Path, source: dict) -> pd.DataFrame | None:
    if source["format"] not in ("csv", "csv;") or source.get("header_row", 0):
        return None
    try:
        return pd.read_csv(path, sep=";" if source["format"] == "csv;" else ",", encoding="utf-8-sig",
                           dtype=str, keep_default_na=False)
    except (ValueError, OSError):
        return None


def compare_tables(old: pd.DataFrame, new: pd.DataFrame, max_examples: int = 20) -> dict[str, Any]:
    """Compare two versions of one table: new periods and revised numeric values on the shared key columns."""
    result: dict[str, Any] = {}
    period_col = next((c for c in PERIOD_NAMES if c in old.columns and c in new.columns), None)
    if period_col:
        result["new_periods"] = sorted(set(new[period_col]) - set(old[period_col]))
        result["removed_periods"] = sorted(set(old[period_col]) - set(new[period_col]))
    keys = [c for c in KEY_NAMES if c in old.columns and c in new.columns]
    if not keys or old.duplicated(keys).any() or new.duplicated(keys).any():
        result["revisions"] = "not compared: no unique key columns"
        return result
    values = [c for c in old.columns if c in new.columns and c not in keys]
    merged = old.merge(new, on=keys, how="inner", suffixes=("_old", "_new"))
    revised = []
    for col in values:
        a = pd.to_numeric(merged[f"{col}_old"].str.replace(",", ""), errors="coerce")
        b = pd.to_numeric(merged[f"{col}_new"].str.replace(",", ""), errors="coerce")
        changed = ~((a == b) | (a.isna() & b.isna()))
        for _, row in merged.loc[changed, keys].assign(old=a[changed], new=b[changed]).iterrows():
            revised.append({"column": col, **{k: str(row[k]) for k in keys}, "old": row["old"], "new": row["new"]})
    result["revised_values"] = len(revised)
    result["revision_examples"] = [{k: (None if pd.isna(v) else v) if not isinstance(v, str) else v
                                    for k, v in r.items()} for r in revised[:max_examples]]
    result["rows_added"] = int(len(new) - len(merged))
    result["rows_removed"] = int(len(old) - len(merged))
    return result


def _markdown(changes: dict[str, Any]) -> str:
    lines = [f"# Data refresh {changes['vintage']}", "",
             f"Compared with: {changes['previous'] or 'the catalogue (no previous vintage)'}", ""]
    lines += publishers_markdown(changes.get("publishers") or {}, changes.get("errors") or [])
    for title, key in [("New files", "new"), ("Removed files", "removed"), ("Unavailable (not fetched)", "unavailable")]:
        lines += [f"## {title} ({len(changes[key])})", ""] + [f"- `{i}`" for i in changes[key]] + [""]
    lines += [f"## Changed checksums ({len(changes['changed'])})", ""]
    for sid, info in changes["changed"].items():
        lines.append(f"- `{sid}`: {info['old_sha256'][:12]} → {info['new_sha256'][:12]}")
        table = info.get("table") or {}
        if table.get("new_periods"):
            lines.append(f"  - new periods: {', '.join(map(str, table['new_periods']))}")
        if isinstance(table.get("revised_values"), int):
            lines.append(f"  - revised values: {table['revised_values']}; rows added {table['rows_added']}, "
                         f"removed {table['rows_removed']}")
    lines += ["", f"Unchanged: {changes['unchanged']} files.", ""]
    return "\n".join(lines)


def refresh(out_dir: str | Path, mirror: str | Path | None = None, today: dt.date | None = None,
            sources: list[str] | tuple[str, ...] = (), base_urls: dict[str, str | None] | None = None) -> RefreshResult:
    """Copy or download every catalogued file into a new dated vintage and write a change report.

    Parameters
    ----------
    out_dir : path
        Folder holding the vintages.
    mirror : path or URL, optional
        Where to take the files from (default: the configured mirror, else the catalogue's download URLs).
    today : datetime.date, optional
        Date of the vintage (default: today).
    sources : list of str
        Publishers whose services to take files from (``fingertips``, ``ons`` or ``all``; default none: copies only).
    base_urls : dict, optional
        Base URL per publisher (default: the live services, or the adapter's environment variable), for tests.

    Returns
    -------
    RefreshResult
        The vintage folder, the previous vintage compared against (None: compared with the catalogue) and the
        change dictionary (also written as ``changes.json`` and ``CHANGES.md``).
    """
    out_dir = Path(out_dir)
    previous = (vintages(out_dir) or [None])[-1]
    with use_mirror(mirror):
        location = mirror_location()
        entries = catalogue.sources()
        vintage = _new_vintage(out_dir, today or dt.date.today())
        manifest: dict[str, dict[str, Any]] = {}
        unavailable = []
        for sid, source in entries.items():
            target = vintage / source["path"]
            try:
                _obtain(source, location, target)
            except (OSError, DataError) as error:
                unavailable.append(f"{sid}: {error}")
                continue
            manifest[sid] = {"path": source["path"], "sha256": sha256(target), "size": target.stat().st_size}
        published = take_from_publishers(publisher_items(list(sources), base_urls) if sources else [], vintage,
                                         previous, manifest)
    if previous is not None and (previous / "manifest.json").is_file():
        before = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
    else:
        before = {sid: {"path": s["path"], "sha256": s["sha256"], "size": s["size"]} for sid, s in entries.items()}
        previous = None
    changed: dict[str, Any] = {}
    for sid in sorted(set(manifest) & set(before)):
        if manifest[sid]["sha256"] != before[sid]["sha256"]:
            info: dict[str, Any] = {"old_sha256": before[sid]["sha256"], "new_sha256": manifest[sid]["sha256"],
                                    "old_size": before[sid]["size"], "new_size": manifest[sid]["size"]}
            if previous is not None and sid in entries:
                old = _read_table(previous / before[sid]["path"], entries[sid])
                new = _read_table(vintage / manifest[sid]["path"], entries[sid])
                if old is not None and new is not None:
                    info["table"] = compare_tables(old, new)
            changed[sid] = info
    changes = {
        "vintage": vintage.name, "previous": previous.name if previous else None, "source": str(location),
        "new": sorted(set(manifest) - set(before)), "removed": sorted(set(before) - set(manifest) - {u.split(':')[0] for u in unavailable}),
        "unavailable": unavailable, "changed": changed,
        "unchanged": len(set(manifest) & set(before)) - len(changed),
        "sources": list(sources), "publishers": published,
        "errors": [f"{sid}: {info['error']}" for sid, info in published.items() if info.get("error")],
    }
    (vintage / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    (vintage / "changes.json").write_text(json.dumps(changes, indent=1, default=str), encoding="utf-8")
    (vintage / "CHANGES.md").write_text(_markdown(changes), encoding="utf-8")
    return RefreshResult(vintage=vintage, previous=previous, changes=changes)
