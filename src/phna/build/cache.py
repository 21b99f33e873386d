"""When a chapter needs re-running: cache keys from everything a run depends on.

A chapter's key is a hash of its template, its parameters, the source of every ``phna`` module the last
run imported, and the checksum (from the data catalogue) of every data file the last run read. The
modules and files come from the provenance the chapter recorded (see :mod:`phna.provenance`), so a change
to a module or a file the chapter never touched does not re-run it. A chapter never run before, or whose
output is missing, always runs.
"""

from __future__ import annotations

import hashlib
import json
import importlib.util
from pathlib import Path
from typing import Any, Mapping

from phna.build.execute import Job, dumps_parameters


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def module_hash(module: str) -> str:
    """Hash of a module's source file ("missing" when it no longer exists)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin or not Path(spec.origin).is_file():
        return "missing"
    return _sha256_file(Path(spec.origin))


def fingerprint(job: Job, provenance: Mapping[str, Any] | None, source_checksums: Mapping[str, str]) -> dict[str, Any]:
    """Everything a run depends on, given the modules and sources its (previous) run recorded."""
    provenance = provenance or {}
    return {
        "template": _sha256_file(job.template),
        "parameters": dumps_parameters(job.parameters),
        "modules": {m: module_hash(m) for m in sorted(provenance.get("modules", []))},
        "sources": {s: source_checksums.get(s, "unknown") for s in sorted(provenance.get("sources", []))},
    }


def key_of(fingerprint_: Mapping[str, Any]) -> str:
    """The cache key: a hash of the fingerprint."""
    return hashlib.sha256(json.dumps(fingerprint_, sort_keys=True).encode()).hexdigest()


def job_key(job: Job, previous: Mapping[str, Any] | None, source_checksums: Mapping[str, str]) -> str:
    """The cache key of a job, given the provenance its previous run recorded."""
    return key_of(fingerprint(job, previous, source_checksums))


class Manifest:
    """What the last successful run of each chapter depended on (``.phna/manifest.json``)."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        if path.is_file():
            try:
                self.entries = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                self.entries = {}  # a damaged manifest only costs a full re-run

    @staticmethod
    def job_id(job: Job) -> str:
        return f"{job.chapter_id}/{job.place_slug}"

    def get(self, job: Job) -> dict[str, Any] | None:
        return self.entries.get(self.job_id(job))

    def record(self, job: Job, key: str, provenance: Mapping[str, Any]) -> None:
        self.entries[self.job_id(job)] = {"key": key, "provenance": dict(provenance)}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.entries, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)


def reason_to_run(job: Job, manifest: Manifest, source_checksums: Mapping[str, str]) -> tuple[str, str | None]:
    """Return ``(key, reason)``; reason is None when the chapter is up to date."""
    entry = manifest.get(job)
    current = fingerprint(job, entry.get("provenance") if entry else None, source_checksums)
    key = key_of(current)
    if entry is None:
        return key, "never run"
    if not job.target.is_file():
        return key, "output missing"
    if key != entry.get("key"):
        return key, _what_changed(current, entry.get("provenance", {}).get("fingerprint", {}))
    return key, None


def _what_changed(current: Mapping[str, Any], recorded: Mapping[str, Any]) -> str:
    """Name the first kind of input that differs between two fingerprints."""
    if current["template"] != recorded.get("template"):
        return "template changed"
    if current["parameters"] != recorded.get("parameters"):
        return "parameters changed"
    for kind, label in (("modules", "library"), ("sources", "data")):
        before = recorded.get(kind, {})
        changed = [name for name, value in current[kind].items() if before.get(name) != value]
        if changed:
            return f"{label} changed: " + ", ".join(changed[:3])
    return "inputs changed"
