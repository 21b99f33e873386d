"""Run provenance: what a chapter read and which library code it ran, recorded inside its output.

The data layer notes every catalogued file it opens (:mod:`phna.data.reads`; :func:`sources_read` here reads
that list, so the data layer never imports this module), and any reader of a file that is not in the catalogue
(an analyst's extract, a hand-written table such as ``data/plus_groups.yaml``) calls :func:`note_file`, which
records the file by the hash of its content. At the end of a chapter,
:func:`record` displays an "About this chapter" note (parameters, run time, sources with checksums,
library version) and attaches the same facts as output metadata, which the runner reads to decide when
the chapter must be re-run (see :mod:`phna.build.cache`).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import sys
from pathlib import Path
from typing import Any, Mapping

from phna.data.reads import note_source, sources_read  # noqa: F401 - the registry lives in the data layer

_FILES_READ: dict[str, str] = {}


def note_file(path: str | Path) -> None:
    """Record that a file outside the catalogue was read, with the SHA-256 of its content.

    The file is named relative to the project's root when it is inside it (so the record, and the cache key
    built from it, is the same in every checkout), else by its absolute path (an extract kept outside the
    repository). A missing file is not recorded: reading it fails anyway.
    """
    from phna import paths

    path = Path(path).resolve()
    if not path.is_file():
        return
    root = paths.repo_root()
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    _FILES_READ[name] = hashlib.sha256(path.read_bytes()).hexdigest()


def files_read() -> dict[str, str]:
    """Files outside the catalogue read in this process: name → SHA-256 of their content."""
    return dict(sorted(_FILES_READ.items()))


def library_modules() -> list[str]:
    """The ``phna`` modules loaded in this process (the library code the chapter ran)."""
    return sorted(name for name, module in sys.modules.items() if name.split(".")[0] == "phna" and module)


def collect(parameters: Mapping[str, Any]) -> dict[str, Any]:
    from phna import __version__

    return {
        "parameters": dict(parameters),
        "sources": sources_read(),
        "files": files_read(),
        "modules": library_modules(),
        "phna_version": __version__,
        "run_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }


def catalogue_checksums() -> dict[str, str]:
    """Catalogue id → SHA-256 for every source (the data part of the chapter cache keys)."""
    from phna.data import catalogue

    return {source_id: entry["sha256"] for source_id, entry in catalogue.sources().items()}


def catalogue_summary(source_ids=None) -> list[dict[str, Any]]:
    """Title, publisher, licence, period and checksum of the given sources (all when None)."""
    from phna.data import catalogue

    sources = catalogue.sources()
    ids = list(sources) if source_ids is None else [s for s in source_ids if s in sources]
    fields = ("title", "publisher", "licence", "period", "sha256", "url")
    return [{"id": s, **{f: sources[s].get(f, "") for f in fields}} for s in ids]
