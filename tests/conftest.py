"""Shared fixtures: the repository, the data mirror, and throwaway copies of the project to build in."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from _mirror_required import holds_catalogued_files, mirror_unavailable
from _projects import make_project  # noqa: F401 - the `project` fixture's copy; tests import it from _projects

REPO = Path(__file__).resolve().parents[1]


def mirror_dir() -> Path | None:
    """The data mirror, or None when there is none (an empty folder is not a mirror)."""
    env = os.environ.get("PHNA_DATA_MIRROR")
    path = Path(env) if env else REPO.parent / "shared" / "data"
    return path if holds_catalogued_files(path) else None


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def mirror() -> Path:
    path = mirror_dir()
    if path is None:
        mirror_unavailable("the data mirror (../shared/data or PHNA_DATA_MIRROR) is not available")
    return path


@pytest.fixture
def project(tmp_path, monkeypatch, mirror) -> Path:
    """A throwaway project folder; PHNA_ROOT points at it and the mirror is set explicitly."""
    root = make_project(tmp_path / "project")
    monkeypatch.setenv("PHNA_ROOT", str(root))
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    monkeypatch.delenv("PHNA_CONFIG", raising=False)
    return root
