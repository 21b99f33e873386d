"""When a chapter needs re-running: cache keys from the content of everything a run read.

A page's key is a hash of its *fingerprint*, built from content only, never from where the checkout lives:

- the chapter (id, notebook name, file prefix) and the SHA-256 of its template;
- its resolved parameters (no configuration path: the kernel finds the configuration through ``PHNA_CONFIG``);
- the configuration entries the page reads (its place with its districts or LSOAs, its chapter entry, the
  ICB; a page run once for the ICB also reads every place and the PLUS groups, because it lists them);
- the source of every ``phna`` module the run imported (and of :mod:`phna.build.titles`, which titles the page);
- the catalogue checksum of every catalogued file it read, and the content hash of every other file it read
  (analysts' extracts, hand-written tables), as recorded by :mod:`phna.provenance`.

The modules and files come from what the previous run recorded, so a change to a module or file the page
never touched does not re-run it. Finished runs are kept in a content-addressed store (:mod:`phna.build.store`)
under their key, so a copy of ``.phna/`` serves any checkout of the same sources.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path
from typing import Any, Mapping

from phna.build.execute import Job, dumps_parameters

#: The runner titles each stored page for its place, so that code is part of every page too.
TITLES_MODULE = "phna.build.titles"


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes ("missing" when it does not exist)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return "missing"


def module_hash(module: str) -> str:
    """Hash of a module's source file ("missing" when it no longer exists)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin or not Path(spec.origin).is_file():
        return "missing"
    return sha256_file(Path(spec.origin))


def file_hashes(recorded: Mapping[str, str], root: Path) -> dict[str, str]:
    """The current content hash of each file a run recorded (names relative to ``root`` or absolute)."""
    return {name: sha256_file(root / name) for name in sorted(recorded)}


def fingerprint(
    job: Job, provenance: Mapping[str, Any] | None, source_checksums: Mapping[str, str], root: Path
) -> dict[str, Any]:
    """Everything a run depends on, given the modules and files its (previous) run recorded."""
    provenance = provenance or {}
    return {
        "chapter": [job.chapter_id, job.name, job.file_prefix],
        "template": sha256_file(job.template),
        "parameters": dumps_parameters(job.parameters),
        "config": json.dumps(job.config_entries, sort_keys=True, default=str),
        "modules": {m: module_hash(m) for m in sorted({*provenance.get("modules", []), TITLES_MODULE})},
        "sources": {s: source_checksums.get(s, "unknown") for s in sorted(provenance.get("sources", []))},
        "files": file_hashes(provenance.get("files", {}), root),
    }


def key_of(fingerprint_: Mapping[str, Any]) -> str:
    """The cache key: a hash of the fingerprint."""
    return hashlib.sha256(json.dumps(fingerprint_, sort_keys=True).encode()).hexdigest()


class Manifest:
    """What the last finished run of each page depended on (``.phna/manifest.json``).

    Entries are named ``<chapter>/<place>`` and hold the run's key and provenance (with its fingerprint);
    no entry holds a path of the machine, so the file is valid in any checkout.
    """

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

    def forget(self, job_id: str) -> None:
        self.entries.pop(job_id, None)

    def keys(self) -> set[str]:
        return {entry.get("key", "") for entry in self.entries.values()}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.entries, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)


def reason_to_run(
    job: Job, manifest: Manifest, source_checksums: Mapping[str, str], root: Path, stored=lambda key: True
) -> tuple[str, str | None]:
    """Return ``(key, reason)``; reason is None when the page is up to date.

    ``stored(key)`` says whether the finished run with that key is in the store (the page's output).
    """
    entry = manifest.get(job)
    current = fingerprint(job, entry.get("provenance") if entry else None, source_checksums, root)
    key = key_of(current)
    if entry is None:
        return key, "never run"
    if key != entry.get("key"):
        return key, _what_changed(current, entry.get("provenance", {}).get("fingerprint", {}))
    if not stored(key):
        return key, "output missing"
    return key, None


def _what_changed(current: Mapping[str, Any], recorded: Mapping[str, Any]) -> str:
    """Name the first kind of input that differs between two fingerprints."""
    for kind, label in (("template", "template changed"), ("parameters", "parameters changed"),
                        ("config", "configuration changed"), ("chapter", "chapter renamed")):  # fmt: skip
        if current[kind] != recorded.get(kind):
            return label
    for kind, label in (("modules", "library"), ("sources", "data"), ("files", "files")):
        before = recorded.get(kind, {})
        changed = [name for name, value in current[kind].items() if before.get(name) != value]
        if changed:
            return f"{label} changed: " + ", ".join(changed[:3])
    return "inputs changed"
