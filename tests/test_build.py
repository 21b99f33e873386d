"""The book build end to end: a real build for one place, loud failures, and parameter checks before any run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
PHNA = [sys.executable, "-m", "phna.cli"]


def run_phna(args, root: Path, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, PHNA_ROOT=str(root))
    return subprocess.run([*PHNA, *args], capture_output=True, text=True, env=env, cwd=root, timeout=900, **kwargs)


def add_chapter(root: Path, chapter_id: str, cells: list[str]) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('place = "coventry"\nconfig_path = None')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {chapter_id}"), params] + [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "analyses" / f"{chapter_id}.ipynb")
    config_path = root / "analyses" / "config.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["chapters"] = [{"id": chapter_id, "title": chapter_id.title(), "template": f"analyses/{chapter_id}.ipynb"}]
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))


@pytest.mark.slow
def test_smoke_build_of_one_place(project):
    result = run_phna(["build", "--place", "rugby", "--chapter", "overview"], project)
    assert result.returncode == 0, result.stderr
    html = project / "_build" / "html"
    page = (html / "book" / "places" / "rugby" / "overview.html").read_text()
    assert "Place overview" in page
    assert "Key findings" in page and "Rugby" in page
    for heading in ("Population", "Deprivation"):
        assert f"{heading}<a class=\"headerlink\"" in page, heading
    assert 'rubric">About this chapter<' in page
    images = [line for line in page.split("<img")[1:]]
    assert len(images) >= 3 and all('alt="' in img.split(">")[0] and 'alt=""' not in img.split(">")[0] for img in images)
    assert page.count(".csv") >= 3
    assert (html / "index.html").is_file()
    assert (html / "book" / "places" / "rugby" / "index.html").is_file()
    assert "1 chapter run(s) to do" in result.stderr
    intro = (html / "book" / "intro.html").read_text()
    assert "At a glance" in intro and "3.8 %" in intro  # Rugby's Core20 share, from its overview chapter
    about = (html / "book" / "about-this-build.html").read_text()
    assert "<td><p>overview</p></td>" in about or ">overview<" in about
    assert "sha256" in about and "jupyter-book" in about

    # A second build with nothing changed runs no notebook and leaves the site alone.
    again = run_phna(["build", "--place", "rugby", "--chapter", "overview"], project)
    assert again.returncode == 0, again.stderr
    assert "0 chapter run(s) to do" in again.stderr
    assert "nothing to rebuild" in again.stderr

    # Changing a parameter re-runs just that chapter, and says why.
    changed = run_phna(["run", "overview", "--place", "rugby", "-p", "confidence", "0.99"], project)
    assert changed.returncode == 0, changed.stderr
    assert "1 chapter run(s) to do" in changed.stderr and "parameters changed" in changed.stderr
    manifest = json.loads((project / ".phna" / "manifest.json").read_text())
    assert manifest["overview/rugby"]["provenance"]["parameters"]["confidence"] == [0.99]
    assert any(s.startswith("imd2019.") for s in manifest["overview/rugby"]["provenance"]["sources"])


@pytest.mark.slow
def test_failing_cell_stops_the_build_and_keeps_the_previous_site(project):
    add_chapter(project, "broken", ["x = 1", "raise ValueError('the test chapter is broken on purpose')"])
    previous = project / "_build" / "html" / "index.html"
    previous.parent.mkdir(parents=True)
    previous.write_text("previous good site")
    result = run_phna(["build", "--place", "rugby", "--chapter", "broken"], project)
    assert result.returncode != 0
    message = result.stderr
    assert "chapter 'broken' for place 'rugby' failed at cell" in message
    assert "ValueError: the test chapter is broken on purpose" in message
    assert "raise ValueError" in message  # the failing cell's source is quoted
    assert previous.read_text() == "previous good site"
    assert not (project / "book" / "places" / "rugby" / "broken.ipynb").exists()
    assert (project / ".phna" / "failed" / "rugby-broken.ipynb").is_file()


def test_unknown_place_is_a_clear_error_before_anything_runs(project):
    result = run_phna(["run", "overview", "--place", "atlantis"], project)
    assert result.returncode == 1
    assert "unknown place 'atlantis'" in result.stderr and "rugby" in result.stderr
    assert not (project / ".phna" / "runs").exists()


def test_unknown_chapter_and_parameter_are_clear_errors(project):
    result = run_phna(["run", "mortality-of-dragons", "--place", "rugby"], project)
    assert result.returncode == 1 and "unknown chapter 'mortality-of-dragons'" in result.stderr
    result = run_phna(["run", "overview", "--place", "rugby", "-p", "colour", "blue"], project)
    assert result.returncode == 1 and "has no parameter 'colour'" in result.stderr
    result = run_phna(["run", "overview", "--place", "rugby", "-p", "confidence", "95"], project)
    assert result.returncode == 1 and "confidence" in result.stderr
    result = run_phna(["run", "overview", "--place", "rugby", "-p", "period", "last year"], project)
    assert result.returncode == 1 and "period" in result.stderr
    result = run_phna(["run", "wider-determinants", "--place", "rugby", "-p", "period", "2019"], project)
    assert result.returncode == 1 and "does not take period='2019'" in result.stderr
    assert not (project / ".phna" / "runs").exists()


def test_missing_data_mirror_file_is_a_clear_error(project, tmp_path, mirror):
    partial = tmp_path / "mirror"
    for path in mirror.rglob("*"):
        if path.is_file() and "imd2019_lsoa" not in path.parts:
            target = partial / path.relative_to(mirror)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
    env = dict(os.environ, PHNA_ROOT=str(project), PHNA_DATA_MIRROR=str(partial))
    result = subprocess.run(
        [*PHNA, "run", "overview", "--place", "rugby"], capture_output=True, text=True, env=env, cwd=project, timeout=300
    )
    assert result.returncode != 0
    assert "imd2019_lsoa" in result.stderr


@pytest.mark.slow
def test_a_period_the_data_do_not_have_names_the_periods_they_do(project):
    result = run_phna(["run", "overview", "--place", "rugby", "-p", "period", "1990"], project)
    assert result.returncode != 0
    assert "period '1990' is not available for ONS mid-year population estimates" in result.stderr
    assert "available periods: 2019, 2021, 2022" in result.stderr


def test_corrupt_template_is_a_clear_error(project):
    (project / "analyses" / "overview.ipynb").write_text('{"cells": [', encoding="utf-8")
    result = run_phna(["run", "overview", "--place", "rugby"], project)
    assert result.returncode == 1
    assert "overview.ipynb is not a readable notebook" in result.stderr
    assert "Traceback" not in result.stderr
