"""End to end: refresh from a local Fingertips server, point the book at the vintage, rebuild.

Only the chapter that reads the changed indicator re-runs, and the new period is on its page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from publisher_fixtures import PublisherServer, life_expectancy_responses

from phna.data.sources import fingertips as ft_source

PHNA = [sys.executable, "-m", "phna.cli"]


def run_phna(args, root: Path, **env) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PHNA_ROOT=str(root), **env)
    return subprocess.run([*PHNA, *args], capture_output=True, text=True, env=environment, cwd=root, timeout=900)


@pytest.mark.slow
def test_refresh_then_rebuild_reruns_only_the_chapter_reading_changed_data(project, tmp_path, mirror):
    root = project  # a throwaway copy of the project (PHNA_ROOT), built for one place and two chapters
    build = ["build", "--place", "rugby", "--chapter", "life-expectancy", "--chapter", "overview"]
    first = run_phna(build, root, PHNA_DATA_MIRROR=str(mirror))
    assert first.returncode == 0, first.stderr[-3000:]
    assert "2 chapter run(s) to do" in first.stderr

    out = tmp_path / "vintages"
    with PublisherServer() as server:
        responses = life_expectancy_responses(mirror)
        for url, (child, _parent) in zip(ft_source.endpoints("90366", server.url), ft_source.AREA_TYPES):
            server.add(url, responses[child])
        refreshed = run_phna(["data", "refresh", "--out", str(out), "--mirror", str(mirror), "--source", "fingertips",
                              "--base-url", server.url, "--summary", str(tmp_path / "summary.md")], root)
    assert refreshed.returncode == 0, refreshed.stderr[-3000:]
    vintage = out / (out / "LATEST").read_text().strip()
    changes = json.loads((vintage / "changes.json").read_text())
    assert changes["publishers"]["fingertips_live.90366"]["new_periods"] == ["2024-26"]
    assert "new periods: 2024-26" in (tmp_path / "summary.md").read_text()

    catalogued = run_phna(["data", "catalogue", str(out)], root)
    assert catalogued.returncode == 0, catalogued.stderr[-3000:]
    assert "fingertips_live.90366" in (root / "data" / "catalogue.yaml").read_text()

    second = run_phna(build, root, PHNA_DATA_MIRROR=str(vintage))
    assert second.returncode == 0, second.stderr[-3000:]
    assert "1 chapter run(s) to do" in second.stderr
    assert "life-expectancy" in second.stderr.split("1 chapter run(s) to do", 1)[1]
    manifest = json.loads((root / ".phna" / "manifest.json").read_text())
    assert "fingertips_live.90366" in manifest["life-expectancy/rugby"]["provenance"]["sources"]
    assert "fingertips_live.90366" not in manifest["overview/rugby"]["provenance"]["sources"]
    page = (root / "_build" / "html" / "book" / "places" / "rugby" / "life-expectancy.html").read_text()
    assert "2024-26" in page or "2024 to 2026" in page
    # Rugby's men in the new period, with OHID's comparison from the refreshed file (the extracts end a period
    # earlier, where OHID's comparison for Rugby's men is "similar").
    assert "77.1" in page and "worse than England" in page
    # The refreshed table carries limits, so the comparison is computed from them (and says so), with the
    # interval beside the value (the fixture's 95 % limits are 0.9 years either side).
    assert "95 % CI 76.2 to 78.0" in page
    assert "computed here from the confidence intervals" in page
