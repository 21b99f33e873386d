"""Fixtures for the data-layer tests: the real mirror (skip when absent) and throw-away mirrors/repos."""

from __future__ import annotations

import copy
import functools
import hashlib
import http.server
import shutil
import threading
from pathlib import Path

import pytest
import yaml
from _mirror_required import holds_catalogued_files, mirror_unavailable

from phna.data import catalogue
from phna.data.mirror import mirror_location, repo_root


def _real_mirror() -> Path | None:
    try:
        location = mirror_location()
    except Exception:  # noqa: BLE001 - a broken PHNA_DATA_MIRROR means "no mirror" (a skip, or a failure in CI)
        return None
    return location if isinstance(location, Path) and holds_catalogued_files(location) else None


REAL_MIRROR = _real_mirror()
#: Mark for tests that read the real mirror: they skip without it, and fail without it when CI=true.
needs_mirror = pytest.mark.usefixtures("mirror")


@pytest.fixture(scope="session")
def mirror() -> Path:
    if REAL_MIRROR is None:
        mirror_unavailable("data mirror ../shared/data (or PHNA_DATA_MIRROR) not available")
    return REAL_MIRROR


class FakeRepo:
    """A temporary repository root (catalogue + schema) and mirror; files are symlinks to the real mirror
    unless replaced. Use :meth:`activate` to point PHNA_ROOT/PHNA_DATA_MIRROR/PHNA_CACHE at it."""

    def __init__(self, base: Path, real: Path, ids: list[str] | None = None):
        self.root = base / "repo"
        self.mirror = base / "mirror"
        self.cache = base / "cache"
        (self.root / "data").mkdir(parents=True)
        (self.root / "pyproject.toml").write_text("[project]\nname = 'fake'\n")
        shutil.copy(catalogue.schema_path(), self.root / "data" / "catalogue.schema.json")
        self.doc = copy.deepcopy(catalogue.load())
        if ids is not None:
            self.doc["sources"] = [s for s in self.doc["sources"] if s["id"] in ids]
        for source in self.doc["sources"]:
            target = self.mirror / source["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(real / source["path"])
        self.write_catalogue()

    def entry(self, source_id: str) -> dict:
        return next(s for s in self.doc["sources"] if s["id"] == source_id)

    def write_catalogue(self) -> None:
        (self.root / "data" / "catalogue.yaml").write_text(yaml.safe_dump(self.doc, sort_keys=False), encoding="utf-8")

    def replace(self, source_id: str, content: bytes, update_catalogue: bool = True) -> Path:
        """Write ``content`` in place of the mirror file; by default also record its checksum in the catalogue."""
        source = self.entry(source_id)
        target = self.mirror / source["path"]
        target.unlink()
        target.write_bytes(content)
        if update_catalogue:
            source["sha256"] = hashlib.sha256(content).hexdigest()
            source["size"] = len(content)
            self.write_catalogue()
        return target

    def real_bytes(self, source_id: str) -> bytes:
        return (REAL_MIRROR / self.entry(source_id)["path"]).read_bytes()

    def activate(self, monkeypatch: pytest.MonkeyPatch, mirror: str | Path | None = None) -> "FakeRepo":
        monkeypatch.setenv("PHNA_ROOT", str(self.root))
        monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror if mirror is not None else self.mirror))
        monkeypatch.setenv("PHNA_CACHE", str(self.cache))
        # The checksum cache is keyed by (resolved path, size, mtime): symlinked files reuse the real files' sums.
        return self


@pytest.fixture
def fake_repo(tmp_path, mirror, monkeypatch):
    """Factory: ``fake_repo(ids=None)`` → an activated :class:`FakeRepo`."""

    def make(ids: list[str] | None = None) -> FakeRepo:
        return FakeRepo(tmp_path, mirror, ids).activate(monkeypatch)

    return make


@pytest.fixture
def http_mirror():
    """Factory: serve a directory on 127.0.0.1 from a thread; returns the base URL. Servers stop at teardown."""
    servers = []

    def serve(directory: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


def place(slug, districts=(), lsoas=(), comparators=("E92000001", "E12000005"), icb_code=None, kind="place", name=None):
    """A stand-in for phna.config.Place (duck typing)."""
    from types import SimpleNamespace

    return SimpleNamespace(slug=slug, name=name or slug, kind=kind, districts=tuple(districts), lsoas=tuple(lsoas),
                           comparators=tuple(comparators), icb_code=icb_code)


@pytest.fixture(autouse=True)
def _repo_root_is_real():
    """Sanity: tests that do not activate a FakeRepo use the real repository."""
    assert (repo_root() / "pyproject.toml").is_file()
    yield


@pytest.fixture
def make_place():
    return place
