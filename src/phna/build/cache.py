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


def job_key(job: Job, previous: Mapping[str, Any] | None, source_checksums: Mapping[str, str]) -> str:
    """The cache key of a job, given the provenance its previous run recorded."""
    previous = previous or {}
    digest = hashlib.sha256()
    digest.update(_sha256_file(job.template).encode())
    digest.update(dumps_parameters(job.parameters).encode())
    for module in sorted(previous.get("modules", [])):
        digest.update(f"{module}={module_hash(module)}".encode())
    for source in sorted(previous.get("sources", [])):
        digest.update(f"{source}={source_checksums.get(source, 'unknown')}".encode())
    return digest.hexdigest()


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
    if entry is None:
        return job_key(job, None, source_checksums), "never run"
    key = job_key(job, entry.get("provenance"), source_checksums)
    if not job.target.is_file():
        return key, "output missing"
    if key != entry.get("key"):
        return key, _what_changed(job, entry, source_checksums)
    return key, None


def _what_changed(job: Job, entry: Mapping[str, Any], source_checksums: Mapping[str, str]) -> str:
    previous = entry.get("provenance", {})
    recorded = previous.get("fingerprint", {})
    if recorded.get("template") != _sha256_file(job.template):
        return "template changed"
    if recorded.get("parameters") != dumps_parameters(job.parameters):
        return "parameters changed"
    changed = [m for m, h in recorded.get("modules", {}).items() if module_hash(m) != h]
    if changed:
        return "library changed: " + ", ".join(sorted(changed)[:3])
    changed = [s for s, h in recorded.get("sources", {}).items() if source_checksums.get(s, "unknown") != h]
    if changed:
        return "data changed: " + ", ".join(sorted(changed)[:3])
    return "inputs changed"


def fingerprint(job: Job, provenance: Mapping[str, Any], source_checksums: Mapping[str, str]) -> dict[str, Any]:
    """The details behind a key, kept so the runner can say *what* changed."""
    return {
        "template": _sha256_file(job.template),
        "parameters": dumps_parameters(job.parameters),
        "modules": {m: module_hash(m) for m in provenance.get("modules", [])},
        "sources": {s: source_checksums.get(s, "unknown") for s in provenance.get("sources", [])},
    }
