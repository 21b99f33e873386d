"""The runner end to end with small, fast chapters: a cache that sees every input and nothing else, the
removal of pages no longer configured, interrupts, and titles that name the place.

The chapters here are written by the tests (a few cells each, a few seconds to run): they read what the
real chapters read through the same library calls (the configuration through ``PHNA_CONFIG``, an analyst's
deaths extract through ``read_deaths_extract``) and record their provenance the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from phna.analyses.extract import AGE_BAND_LABELS

PHNA = [sys.executable, "-m", "phna.cli"]


def run_phna(args, root: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(env or os.environ, PHNA_ROOT=str(root))
    return subprocess.run([*PHNA, *args], capture_output=True, text=True, env=env, cwd=root, timeout=900)


def generated_extract(path: Path) -> pd.DataFrame:
    """A GENERATED deaths extract for Rugby (deaths rising with age), in the format analysts supply."""
    rows = [  # one made-up small-area code in the extract's format (the reader checks the format, not the code)
        {"lsoa11_code": "E01031000", "sex": sex, "age_band": band, "period": "2023", "icd10": "I21",
         "deaths": int(2 + number * number / (3 if sex == "male" else 4)), "population": 5000}
        for sex in ("male", "female") for number, band in enumerate(AGE_BAND_LABELS)
    ]  # fmt: skip
    frame = pd.DataFrame(rows)
    frame.to_csv(path, index=False)
    return frame

PROVENANCE_CELL = (
    "from IPython.display import Markdown, display\n"
    "from phna import provenance\n"
    "display(Markdown('About this page'), metadata={'phna_provenance': provenance.collect({'place': place})})"
)


def write_template(root: Path, chapter_id: str, title: str, cells: list[str]) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('place = "rugby"')
    params.metadata["tags"] = ["parameters"]
    body = [nbformat.v4.new_code_cell(c) for c in [*cells, PROVENANCE_CELL]]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nA page written by the tests."), params, *body]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "analyses" / f"{chapter_id}.ipynb")


PLACES = {
    "icb": {"slug": "icb", "name": "Coventry and Warwickshire ICB", "kind": "icb",
            "districts": ["E08000026", "E07000218", "E07000219", "E07000220", "E07000221", "E07000222"]},
    "coventry": {"slug": "coventry", "name": "Coventry", "kind": "place", "districts": ["E08000026"]},
    "rugby": {"slug": "rugby", "name": "Rugby", "kind": "place", "districts": ["E07000220"]},
}  # fmt: skip


def small_book(root: Path, places=("icb", "rugby")) -> None:
    """Two place chapters, one ICB page that lists the places and one page per place, and their configuration."""
    write_template(root, "probe", "Probe", [
        "import os, time\ntime.sleep(float(os.environ.get('PHNA_TEST_SLEEP', '0')))",
        "os.makedirs('data', exist_ok=True)\nopen('data/probe-values.csv', 'w').write('place\\n' + place + '\\n')",
    ])  # fmt: skip
    write_template(root, "extract-reader", "Deaths from the extract", [
        "import os\nfrom phna.analyses.extract import read_deaths_extract\n"
        "path = os.environ.get('PHNA_TEST_EXTRACT')\n"
        "deaths = int(read_deaths_extract(path)['deaths'].sum()) if path else 0\nprint(deaths)",
    ])  # fmt: skip
    write_template(root, "roll-call", "Roll call of the places", [
        "from phna.config import load_config\n"
        "display_names = [p.name for p in load_config(check_codes=False).places]\nprint(display_names)",
    ])  # fmt: skip
    write_template(root, "per-place", "One page each", ["print(place)"])
    configure(root, places)


def configure(root: Path, places=("icb", "rugby")) -> None:
    config = {
        "book": {"title": "Runner test book"},
        "icb": {"code": "E54000018", "name": "NHS Coventry and Warwickshire ICB"},
        "defaults": {"comparators": ["E92000001"], "confidence": [0.95], "period": "latest",
                     "deprivation_index": "imd2019"},
        "places": [PLACES[p] for p in places],
        "chapters": [{"id": "probe", "title": "Probe", "template": "analyses/probe.ipynb"},
                     {"id": "extract-reader", "title": "Deaths from the extract",
                      "template": "analyses/extract-reader.ipynb"}],
        "icb_pages": [{"id": "roll-call", "title": "Roll call", "template": "analyses/roll-call.ipynb"},
                      {"id": "per-place", "title": "One page each", "template": "analyses/per-place.ipynb",
                       "per_place": True}],
    }  # fmt: skip
    (root / "analyses" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def runs_of(result: subprocess.CompletedProcess) -> set[str]:
    """The (chapter · place) runs a build executed, from its log."""
    return {line.split("] ", 1)[1].split(":")[0] for line in result.stderr.splitlines() if ": done in " in line}


def build(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    result = run_phna(["build", "--no-html", *args], root, env)
    assert result.returncode == 0, result.stderr
    return result


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    if folder.exists():
        for path in sorted(folder.rglob("*")):
            digest.update(path.relative_to(folder).as_posix().encode())
            if path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def book(project) -> Path:
    small_book(project)
    return project


@pytest.mark.slow
def test_editing_an_extract_in_place_reruns_the_chapter_that_read_it(book, tmp_path):
    extract = tmp_path / "deaths.csv"
    generated_extract(extract)
    env = dict(os.environ, PHNA_TEST_EXTRACT=str(extract))
    first = build(book, "--place", "rugby", "--place", "rugby", env=env)  # a repeated place runs once
    assert runs_of(first) == {"probe · rugby", "extract-reader · rugby", "roll-call · icb", "per-place · rugby"}
    assert "0 chapter run(s) to do" in build(book, "--place", "rugby", env=env).stderr

    frame = pd.read_csv(extract)
    frame.loc[0, "deaths"] += 7  # same path, same size order, new content
    frame.to_csv(extract, index=False)
    again = build(book, "--place", "rugby", env=env)
    assert runs_of(again) == {"extract-reader · rugby"}
    assert f"files changed: {extract.resolve()}" in again.stderr
    page = nbformat.read(book / "book" / "places" / "rugby" / "extract-reader.ipynb", as_version=4)
    printed = [o["text"] for c in page.cells for o in c.get("outputs", []) if o.get("name") == "stdout"]
    assert printed == [f"{frame['deaths'].sum()}\n"]


@pytest.mark.slow
def test_adding_a_place_reruns_the_icb_pages_that_list_the_places(book):
    build(book)
    configure(book, places=("icb", "rugby", "coventry"))
    again = build(book)
    assert runs_of(again) == {
        "roll-call · icb",  # lists every place
        "probe · coventry", "extract-reader · coventry", "per-place · coventry",  # the new place's pages
    }  # fmt: skip
    assert "roll-call · icb: configuration changed" in again.stderr
    roll_call = (book / "book" / "icb" / "roll-call.ipynb").read_text()
    assert "Coventry" in roll_call


@pytest.mark.slow
def test_a_fresh_clone_with_the_cache_copied_across_runs_nothing(book, tmp_path):
    first = build(book)
    assert len(runs_of(first)) == 7
    clone = tmp_path / "elsewhere" / "clone"
    shutil.copytree(book, clone, ignore=shutil.ignore_patterns("places", "icb", "_build"), symlinks=True)
    assert not (clone / "book" / "places").exists()
    again = build(clone)
    assert "0 chapter run(s) to do, 7 up to date." in again.stderr
    for page in ("places/rugby/probe.ipynb", "places/rugby/data/probe-values.csv", "icb/roll-call.ipynb",
                 "icb/per-place/rugby.ipynb"):  # fmt: skip
        assert (clone / "book" / page).read_bytes() == (book / "book" / page).read_bytes(), page


@pytest.mark.slow
def test_removing_a_place_removes_its_pages_from_the_book_and_the_site_and_titles_name_the_place(book):
    configure(book, places=("icb", "rugby", "coventry"))
    first = run_phna(["build"], book)
    assert first.returncode == 0, first.stderr
    html = book / "_build" / "html" / "book"
    assert (html / "places" / "coventry" / "probe.html").is_file()
    assert (html / "icb" / "per-place" / "coventry.html").is_file()
    # Titles name the place; the navigation, under the place's heading, keeps the chapter's title.
    assert "<h1>Probe in Rugby" in (html / "places" / "rugby" / "probe.html").read_text()
    assert "<h1>Roll call of the places in Coventry and Warwickshire ICB" in (html / "icb" / "roll-call.html").read_text()
    per_place = (html / "icb" / "per-place" / "rugby.html").read_text()
    assert "<h1>One page each: Rugby" in per_place
    nav = per_place.split('class="bd-sidebar', 1)[1].split("</nav>", 1)[0]
    assert ">Probe</a>" in nav and "Probe in Rugby" not in nav

    configure(book, places=("icb", "rugby"))
    again = run_phna(["build"], book)
    assert again.returncode == 0, again.stderr
    assert "0 chapter run(s) to do" not in again.stderr  # the ICB page listing the places runs again
    assert not (book / "book" / "places" / "coventry").exists()
    assert not (book / "book" / "icb" / "per-place" / "coventry.ipynb").exists()
    assert not list((book / "book" / "icb" / "per-place" / "data").glob("*coventry*"))
    manifest = json.loads((book / ".phna" / "manifest.json").read_text())
    assert not [job for job in manifest if job.endswith("/coventry")]
    assert not (html / "places" / "coventry").exists()
    assert not (html / "icb" / "per-place" / "coventry.html").exists()
    assert (html / "places" / "rugby" / "probe.html").is_file()
    toc = (book / "_toc.yml").read_text()
    assert "coventry" not in toc


@pytest.mark.slow
def test_ctrl_c_stops_a_forced_build_within_5_seconds_and_changes_nothing(book):
    build(book, "--place", "rugby")
    (book / "_build" / "html").mkdir(parents=True)
    (book / "_build" / "html" / "index.html").write_text("the previous site")
    before = tree_hash(book / "book"), tree_hash(book / "_build")

    env = dict(os.environ, PHNA_ROOT=str(book), PHNA_TEST_SLEEP="120")
    process = subprocess.Popen([*PHNA, "build", "--force", "--place", "rugby"], cwd=book, env=env,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    started = time.monotonic()
    log = []
    for line in process.stderr:  # wait until chapters are running, then until ~10 s in
        log.append(line)
        if "queued" in line:
            break
    probe = book / ".phna" / "runs" / "probe--rugby" / "work"
    deadline = time.monotonic() + 120  # a loaded machine starts kernels slowly
    while not (running := _kernels_of(book, probe)) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.5)
    time.sleep(max(0.0, 10 - (time.monotonic() - started)))
    assert process.poll() is None, "".join(log)
    assert running, "the slow chapter's kernel should be running now"
    running = _kernels_of(book)
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the build was still running 5 s after Ctrl-C")
    log.append(process.stderr.read())
    assert time.monotonic() - interrupted < 5
    assert process.returncode == 130, "".join(log)
    assert "Interrupted" in "".join(log) and "book/ and _build/ were not changed" in "".join(log)
    assert (tree_hash(book / "book"), tree_hash(book / "_build")) == before
    assert not (book / ".phna" / "runs").exists() and not (book / ".phna" / "site").exists()
    time.sleep(1)
    assert not [p for p in running if p.is_running() and p.status() != "zombie"], "kernels left running"

    # The next build carries on: the interrupted runs' inputs did not change, so nothing needs running.
    assert "0 chapter run(s) to do" in build(book, "--place", "rugby").stderr


def _kernels_of(root: Path, cwd: Path | None = None) -> list:
    """The kernels working for the build in ``root`` (only the one working in ``cwd`` when given)."""
    psutil = pytest.importorskip("psutil")
    found = []
    for process in psutil.process_iter(["environ"]):
        try:
            if (
                (process.info["environ"] or {}).get("PHNA_ROOT") == str(root)
                and "ipykernel" in " ".join(process.cmdline())
                and (cwd is None or Path(process.cwd()) == cwd)
            ):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


@pytest.mark.slow
def test_a_failing_cell_leaves_book_and_site_unchanged(book):
    build(book, "--place", "rugby")
    (book / "_build" / "html").mkdir(parents=True)
    (book / "_build" / "html" / "index.html").write_text("the previous site")
    before = tree_hash(book / "book"), tree_hash(book / "_build")
    write_template(book, "probe", "Probe", ["raise ValueError('the probe is broken on purpose')"])
    result = run_phna(["build", "--place", "rugby"], book)
    assert result.returncode == 1
    assert "chapter 'probe' for place 'rugby' failed at cell" in result.stderr
    assert "ValueError: the probe is broken on purpose" in result.stderr
    assert (tree_hash(book / "book"), tree_hash(book / "_build")) == before
    assert (book / ".phna" / "failed" / "rugby-probe.ipynb").is_file()
    assert not (book / ".phna" / "runs").exists()
