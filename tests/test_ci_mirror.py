"""With CI=true, a missing data mirror fails the tests that need it instead of skipping them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

#: One test of each way a test asks for the mirror: the root ``mirror`` fixture, the data layer's
#: ``needs_mirror`` mark (module-wide and on one test), and the statistics tests' mirror fixtures.
NEEDING_THE_MIRROR = [
    "tests/test_config.py::test_shipped_config_is_valid_and_defines_the_ics_places",
    "tests/stats/test_stats_dsr.py",
    # last: the data tests import ``needs_mirror`` from their conftest, which must be the one loaded last
    "tests/data/test_loaders.py",
    "tests/data/test_catalogue.py",
]


def run_pytest(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    empty = tmp_path / "empty-mirror"
    empty.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS")}
    env["PHNA_DATA_MIRROR"] = str(empty)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-q", "-rfEs", *NEEDING_THE_MIRROR],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=600,
    )  # fmt: skip


@pytest.mark.slow
def test_missing_mirror_fails_in_ci_and_skips_elsewhere(tmp_path):
    ci = run_pytest(tmp_path, "true")
    assert ci.returncode == 1, ci.stdout[-3000:]
    assert "CI=true, so a missing data mirror fails the test" in ci.stdout
    summary = ci.stdout.strip().splitlines()[-1]
    assert "error" in summary and "skipped" not in summary, summary  # a failing fixture reports as an error
    problems = "\n".join(line for line in ci.stdout.splitlines() if line.startswith(("FAILED", "ERROR")))
    for test in ("test_shipped_config_is_valid_and_defines_the_ics_places", "test_loaders.py", "test_stats_dsr.py"):
        assert test in problems, test

    laptop = run_pytest(tmp_path, None)
    assert laptop.returncode == 0, laptop.stdout[-3000:]
    summary = laptop.stdout.strip().splitlines()[-1]
    assert "skipped" in summary and "failed" not in summary and "error" not in summary, summary
