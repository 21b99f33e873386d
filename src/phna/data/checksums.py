"""SHA-256 checksums, computed once per process per (path, size, mtime)."""

from __future__ import annotations

import hashlib
from pathlib import Path

_CACHE: dict[tuple[str, int, int], str] = {}


def sha256(path: str | Path) -> str:
    """Return the hex SHA-256 of a file, cached by (resolved path, size, mtime in ns)."""
    path = Path(path)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _CACHE:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _CACHE[key] = digest.hexdigest()
    return _CACHE[key]


def clear_cache() -> None:
    """Forget every cached checksum (tests use this)."""
    _CACHE.clear()
