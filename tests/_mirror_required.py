"""Tests that need the public data mirror skip without it on a laptop, and fail with it missing in CI.

A continuous-integration run (``CI=true``, as GitHub Actions and most CI services set it) must never pass by
skipping: 142 of the suite's tests read the mirror, and a CI run with a broken mirror path would otherwise
report green while testing almost nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def holds_catalogued_files(path: Path | None) -> bool:
    """True when ``path`` is a folder holding at least one file of the data catalogue (an empty or unrelated
    folder is not a mirror)."""
    if path is None or not path.is_dir():
        return False
    catalogue = yaml.safe_load((REPO / "data" / "catalogue.yaml").read_text(encoding="utf-8"))
    return any((path / source["path"]).is_file() for source in catalogue.get("sources", []))


def mirror_unavailable(reason: str):
    """Skip the test (no mirror on this machine), or fail it when running in CI."""
    if in_ci():
        pytest.fail(f"{reason}; CI=true, so a missing data mirror fails the test instead of skipping it", pytrace=False)
    pytest.skip(reason)
