"""Where the data files live: the repository root, the read-only mirror and the download cache.

Resolution order for the mirror (see :func:`mirror_location`):

1. environment variable ``PHNA_DATA_MIRROR`` (a directory, or an ``http(s)://`` base URL);
2. ``<repo root>/../shared/data`` when that directory exists;
3. no mirror: files are downloaded from the catalogue's ``download_url`` (where one is known).

The repository root is the directory holding ``pyproject.toml``, found by walking up from this package;
``PHNA_ROOT`` overrides it. Downloads go to ``<repo root>/.phna/cache`` (``PHNA_CACHE`` overrides).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError


def repo_root() -> Path:
    """Return the repository root (``PHNA_ROOT`` or the first folder above the package with ``pyproject.toml``)."""
    env = os.environ.get("PHNA_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent.parent  # src/phna/data/mirror.py → src/phna
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    raise DataError(f"cannot find the repository root (no pyproject.toml above {here}); set PHNA_ROOT")


def is_url(location: str | Path) -> bool:
    """True when ``location`` is an http(s) URL rather than a local path."""
    return str(location).startswith(("http://", "https://"))


def mirror_location() -> str | Path | None:
    """Return the mirror: a local directory (Path), an http(s) base URL (str), or None when there is none.

    Raises
    ------
    DataError
        When ``PHNA_DATA_MIRROR`` names a local directory that does not exist.
    """
    env = os.environ.get("PHNA_DATA_MIRROR")
    if env:
        if is_url(env):
            return env.rstrip("/")
        path = Path(env).expanduser()
        if not path.is_dir():
            raise DataError(f"PHNA_DATA_MIRROR={env!r} is not a directory (expected a folder or an http(s) URL)")
        return path.resolve()
    default = repo_root().parent / "shared" / "data"
    if default.is_dir():
        return default.resolve()
    return None


def cache_dir() -> Path:
    """Return the download cache directory (``PHNA_CACHE`` or ``<repo root>/.phna/cache``)."""
    env = os.environ.get("PHNA_CACHE")
    return Path(env).expanduser() if env else repo_root() / ".phna" / "cache"


class use_mirror:  # noqa: N801 - used as a context manager, reads like a function
    """Context manager that points ``PHNA_DATA_MIRROR`` at ``location`` (None = leave unchanged)."""

    def __init__(self, location: str | Path | None):
        self.location = location
        self._old: str | None = None

    def __enter__(self) -> "use_mirror":
        self._old = os.environ.get("PHNA_DATA_MIRROR")
        if self.location is not None:
            os.environ["PHNA_DATA_MIRROR"] = str(self.location)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.location is None:
            return
        if self._old is None:
            os.environ.pop("PHNA_DATA_MIRROR", None)
        else:
            os.environ["PHNA_DATA_MIRROR"] = self._old
