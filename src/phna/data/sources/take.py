"""Take the publishers' files into a vintage, check the loaders read them, and describe what changed.

Called by :func:`phna.data.refresh.refresh` after the catalogued files are in the vintage. For each
:class:`~phna.data.sources.Item`: download its endpoint(s) into a temporary file, read it with the book's loader,
and only then move it into place. The change report entry of an item says whether the file is new, changed or
unchanged, its latest period, the new periods, revised values (on the loader's key columns) and changed
columns; a download or read failure is an ``error`` and the vintage keeps the previous file (from the previous
vintage, or the catalogued copy), so the book still builds.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import catalogue
from ..checksums import sha256
from ..errors import DataError
from . import Item, get


def _columns(path: Path) -> list[str]:
    try:
        return [c for c in catalogue.read_columns(path, "csv") if c]
    except (OSError, UnicodeDecodeError, DataError):
        return []


def _period_key(period: str) -> tuple:
    text = str(period)
    return (text[:4], len(text), text)


def compare_tidy(old: pd.DataFrame | None, new: pd.DataFrame, item: Item, max_examples: int = 10) -> dict[str, Any]:
    """New periods, the latest period and revised values of ``new`` against ``old`` (tidy tables of one loader)."""
    periods = sorted(set(new[item.period].dropna().astype(str)), key=_period_key)
    info: dict[str, Any] = {"latest_period": periods[-1] if periods else None, "rows": int(len(new))}
    if old is None:
        return info
    old_periods = set(old[item.period].dropna().astype(str))
    info["new_periods"] = [p for p in periods if p not in old_periods]
    info["removed_periods"] = sorted(old_periods - set(periods), key=_period_key)
    keys = [k for k in item.keys if k in old.columns and k in new.columns]
    values = [v for v in item.values if v in old.columns and v in new.columns]

    def keyed(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame[keys + values].copy()
        for k in keys:
            out[k] = out[k].astype("string").fillna("")
        return out.drop_duplicates(keys)

    merged = keyed(old).merge(keyed(new), on=keys, suffixes=("_old", "_new"))
    revised, filled = [], 0
    for column in values:
        a = pd.to_numeric(merged[f"{column}_old"], errors="coerce").to_numpy(dtype=float)
        b = pd.to_numeric(merged[f"{column}_new"], errors="coerce").to_numpy(dtype=float)
        same = np.isclose(a, b, rtol=1e-9, atol=1e-9) | (np.isnan(a) & np.isnan(b))
        filled += int((np.isnan(a) & ~np.isnan(b)).sum())  # e.g. limits the old table did not have
        for i in np.flatnonzero(~same & ~np.isnan(a)):
            row = merged.iloc[i]
            revised.append({"column": column, **{k: row[k] for k in keys},
                            "old": None if np.isnan(a[i]) else float(a[i]),
                            "new": None if np.isnan(b[i]) else float(b[i])})
    info["revised_values"] = len(revised)
    info["revision_examples"] = revised[:max_examples]
    info["filled_values"] = filled
    return info


def _fetch(item: Item, target: Path) -> None:
    item.write([get(url) for url in item.urls], target)


def _baseline(item: Item, previous: Path | None, vintage: Path) -> tuple[Path | None, str]:
    """The file the new one is compared with: the previous vintage's, else the copy in this vintage."""
    if previous is not None and (previous / item.path).is_file():
        return previous / item.path, f"vintage {previous.name}"
    if (vintage / item.path).is_file():
        return vintage / item.path, "the catalogued file"
    return None, "none"


def take_from_publishers(items: list[Item], vintage: Path, previous: Path | None,
                         manifest: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Take each item into ``vintage`` (updating ``manifest``) and return the change entry of each item."""
    report: dict[str, dict[str, Any]] = {}
    for item in items:
        target = vintage / item.path
        baseline, against = _baseline(item, previous, vintage)
        entry: dict[str, Any] = {"endpoints": list(item.urls), "compared_with": against, **item.notes}
        incoming = target.with_name(target.name + ".incoming")
        try:
            _fetch(item, incoming)
            new_table = item.read(incoming)
        except (DataError, OSError, ValueError, KeyError) as error:
            incoming.unlink(missing_ok=True)
            kept = "kept the catalogued file"
            if not target.is_file() and baseline is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(baseline, target)
                kept = f"kept the file of {against}"
            elif not target.is_file():
                kept = "no earlier file to keep"
            if target.is_file():
                manifest[item.source_id] = {"path": item.path, "sha256": sha256(target),
                                            "size": target.stat().st_size}
            entry.update(status="error", error=f"{error} ({kept})")
            report[item.source_id] = entry
            continue
        new_columns = _columns(incoming)
        old_table = None
        if baseline is not None:
            old_columns = _columns(baseline)
            entry["columns_added"] = [c for c in new_columns if c not in old_columns]
            entry["columns_removed"] = [c for c in old_columns if c not in new_columns]
            try:
                old_table = item.read(baseline)
            except (DataError, OSError, ValueError, KeyError):
                old_table = None  # the old file is not in the current layout: compare periods with nothing
        elif item.current is not None:
            try:
                old_table = item.current()
                entry["compared_with"] = "the data the book reads now"
            except (DataError, OSError, ValueError, KeyError):
                old_table = None
        digest = sha256(incoming)
        old_digest = sha256(baseline) if baseline is not None else None
        entry["status"] = "new" if baseline is None else ("unchanged" if digest == old_digest else "changed")
        entry.update(compare_tidy(old_table, new_table, item))
        incoming.replace(target)
        manifest[item.source_id] = {"path": item.path, "sha256": digest, "size": target.stat().st_size,
                                    "endpoints": list(item.urls)}
        report[item.source_id] = entry
    return report


def publishers_markdown(published: dict[str, dict[str, Any]], errors: list[str]) -> list[str]:
    """The report's section on the publishers' files (empty when none were taken)."""
    if not published:
        return []
    counts = {s: sum(1 for e in published.values() if e.get("status") == s) for s in ("new", "changed", "unchanged", "error")}
    lines = [f"## From the publishers ({len(published)} files: {counts['new']} new, {counts['changed']} changed, "
             f"{counts['unchanged']} unchanged, {counts['error']} errors)", ""]
    if errors:
        lines += ["**Errors** (the previous file is kept, the book still builds):", ""]
        lines += [f"- `{e}`" if len(e) < 100 else f"- {e}" for e in errors] + [""]
    for sid, entry in published.items():
        if entry.get("status") in (None, "error", "unchanged") and not entry.get("new_periods"):
            continue
        parts = [entry["status"]]
        if entry.get("latest_period"):
            parts.append(f"latest period {entry['latest_period']}")
        if entry.get("new_periods"):
            parts.append(f"new periods: {', '.join(entry['new_periods'])}")
        if isinstance(entry.get("revised_values"), int):
            parts.append(f"revised values: {entry['revised_values']}")
        if entry.get("filled_values"):
            parts.append(f"numbers added where there were none (e.g. limits): {entry['filled_values']}")
        if entry.get("columns_added") or entry.get("columns_removed"):
            parts.append(f"columns added {entry.get('columns_added')}, removed {entry.get('columns_removed')}")
        lines.append(f"- `{sid}`: {'; '.join(parts)} (compared with {entry['compared_with']})")
        for example in (entry.get("revision_examples") or [])[:3]:
            where = ", ".join(str(v) for k, v in example.items() if k not in ("column", "old", "new") and v not in ("", None))
            lines.append(f"  - {where}: {example['column']} {example['old']:g} → "
                         + (f"{example['new']:g}" if example["new"] is not None else "withdrawn"))
    lines += ["", f"Unchanged from the publishers: {counts['unchanged']} files.", ""]
    return lines
