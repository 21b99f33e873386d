"""Fixtures for the phna.stats tests: the shared data mirror (never copied into the repo)."""

from __future__ import annotations

import pytest
from _mirror_required import mirror_unavailable

from ons2014 import mirror_dir


@pytest.fixture(scope="session")
def reference_dir():
    """``<mirror>/reference``: PHEindicatormethods worked examples (see its SOURCES.md)."""
    d = mirror_dir() / "reference"
    if not d.is_dir():
        mirror_unavailable(f"data mirror not found at {d} (set PHNA_DATA_MIRROR to the shared data folder)")
    return d


@pytest.fixture(scope="session")
def ons2014_dir():
    d = mirror_dir() / "ons_deaths_area_2014"
    if not d.is_dir():
        mirror_unavailable(f"ONS 2014 deaths mirror not found at {d} (set PHNA_DATA_MIRROR)")
    return d
