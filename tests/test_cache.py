"""A chapter re-runs exactly when one of its inputs changes: template, parameters, library code, data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from phna.build import cache
from phna.build.execute import Job


@pytest.fixture
def job(tmp_path) -> Job:
    template = tmp_path / "t.ipynb"
    template.write_text("{}")
    target = tmp_path / "book"
    target.mkdir()
    return Job(
        chapter_id="t", chapter_title="T", place_slug="rugby", template=template, parameters={"confidence": [0.95]},
        target_dir=target, name="t", staging_dir=tmp_path / "s", failed_dir=tmp_path / "f",
        config_entries={"place": {"slug": "rugby", "districts": ["E07000220"]}},
    )  # fmt: skip


def record(job, manifest, provenance, checksums, root):
    fingerprint = cache.fingerprint(job, provenance, checksums, root)
    manifest.record(job, cache.key_of(fingerprint), dict(provenance, fingerprint=fingerprint))


def reason(job, manifest, checksums, root, stored=lambda key: True):
    return cache.reason_to_run(job, manifest, checksums, root, stored)[1]


def test_reasons_to_run(job, tmp_path):
    manifest = cache.Manifest(tmp_path / "manifest.json")
    checksums = {"imd": "aaa", "pop": "bbb"}
    provenance = {"modules": ["phna.stats.dsr"], "sources": ["imd"]}
    assert reason(job, manifest, checksums, tmp_path) == "never run"
    record(job, manifest, provenance, checksums, tmp_path)
    manifest.save()
    manifest = cache.Manifest(tmp_path / "manifest.json")  # survives a save/load
    assert reason(job, manifest, checksums, tmp_path) is None

    # A data file the chapter never read changes: still up to date.
    assert reason(job, manifest, {"imd": "aaa", "pop": "changed"}, tmp_path) is None
    # One it did read changes.
    assert reason(job, manifest, {"imd": "new", "pop": "bbb"}, tmp_path) == "data changed: imd"
    # Parameters change.
    job.parameters = {"confidence": [0.99]}
    assert reason(job, manifest, checksums, tmp_path) == "parameters changed"
    job.parameters = {"confidence": [0.95]}
    # The place's definition changes.
    job.config_entries = {"place": {"slug": "rugby", "districts": ["E07000220", "E07000221"]}}
    assert reason(job, manifest, checksums, tmp_path) == "configuration changed"
    job.config_entries = {"place": {"slug": "rugby", "districts": ["E07000220"]}}
    # Template changes.
    job.template.write_text('{"cells": []}')
    assert reason(job, manifest, checksums, tmp_path) == "template changed"
    job.template.write_text("{}")
    # The stored output is gone.
    assert reason(job, manifest, checksums, tmp_path, stored=lambda key: False) == "output missing"
    assert reason(job, manifest, checksums, tmp_path) is None


def test_library_change_is_detected(job, tmp_path, monkeypatch):
    manifest = cache.Manifest(tmp_path / "manifest.json")
    record(job, manifest, {"modules": ["phna.stats.dsr"], "sources": []}, {}, tmp_path)
    assert reason(job, manifest, {}, tmp_path) is None
    original = cache.module_hash
    monkeypatch.setattr(cache, "module_hash", lambda name: "different" if name == "phna.stats.dsr" else original(name))
    assert reason(job, manifest, {}, tmp_path) == "library changed: phna.stats.dsr"
    monkeypatch.setattr(cache, "module_hash", lambda name: "different" if name == cache.TITLES_MODULE else original(name))
    assert reason(job, manifest, {}, tmp_path) == "library changed: phna.build.titles"  # the runner titles pages


def test_a_file_read_outside_the_catalogue_is_followed_by_content(job, tmp_path, monkeypatch):
    from phna import provenance

    monkeypatch.setenv("PHNA_ROOT", str(tmp_path))
    monkeypatch.setattr(provenance, "_FILES_READ", {})
    table = tmp_path / "data" / "plus_groups.yaml"
    table.parent.mkdir()
    table.write_text("plus_groups: []\n")
    outside = tmp_path.parent / f"{tmp_path.name}-extract.csv"
    outside.write_text("area_code,deaths\nE07000220,3\n")
    provenance.note_file(table)
    provenance.note_file(outside)
    files = provenance.collect({})["files"]
    assert set(files) == {"data/plus_groups.yaml", str(outside.resolve())}  # inside the project: relative

    manifest = cache.Manifest(tmp_path / "manifest.json")
    record(job, manifest, {"files": files}, {}, tmp_path)
    assert reason(job, manifest, {}, tmp_path) is None
    os.utime(table, (1, 1))  # touched, not changed: still up to date
    assert reason(job, manifest, {}, tmp_path) is None
    outside.write_text("area_code,deaths\nE07000220,4\n")  # edited in place
    assert reason(job, manifest, {}, tmp_path) == f"files changed: {outside.resolve()}"
    outside.unlink()


def test_the_key_does_not_depend_on_where_the_checkout_lives(job, tmp_path):
    here, there = tmp_path / "here", tmp_path / "elsewhere" / "there"
    keys = []
    for root in (here, there):
        (root / "analyses").mkdir(parents=True)
        (root / "data").mkdir()
        (root / "analyses" / "t.ipynb").write_text("{}")
        (root / "data" / "table.csv").write_text("a\n1\n")
        job.template, job.target_dir = root / "analyses" / "t.ipynb", root / "book"
        job.staging_dir, job.failed_dir = root / ".phna" / "runs" / "t", root / ".phna" / "failed"
        provenance = {"modules": ["phna.stats.dsr"], "sources": ["imd"], "files": {"data/table.csv": "x"}}
        keys.append(cache.key_of(cache.fingerprint(job, provenance, {"imd": "aaa"}, root)))
    assert keys[0] == keys[1]
    (there / "data" / "table.csv").write_text("a\n2\n")
    assert cache.key_of(cache.fingerprint(job, provenance, {"imd": "aaa"}, there)) != keys[0]


def test_damaged_manifest_means_a_full_rerun_not_a_crash(job, tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text("{not json")
    assert reason(job, cache.Manifest(path), {}, tmp_path) == "never run"


def test_site_key_follows_generated_pages_but_not_the_build_time(tmp_path):
    from phna.build.site import tree_hash

    (tmp_path / "_config.yml").write_text("title: t\n")
    generated = tmp_path / "book" / "_generated"
    generated.mkdir(parents=True)
    (generated / "at-a-glance.md").write_text("| Rugby | 3.8 % |\n")
    (generated / "build-info.md").write_text("Built: 10:00\n")
    key = tree_hash(tmp_path, "toc")
    (generated / "build-info.md").write_text("Built: 10:05\n")
    assert tree_hash(tmp_path, "toc") == key
    (generated / "at-a-glance.md").write_text("| Rugby | 3.9 % |\n")
    assert tree_hash(tmp_path, "toc") != key


def test_pages_of_places_and_chapters_no_longer_configured_are_stale(tmp_path):
    from phna.build.store import stale_pages
    from phna.config import load_config

    config = load_config(Path(__file__).resolve().parents[1] / "analyses" / "config.yaml", check_codes=False)
    book = tmp_path / "book"
    files = [
        "places/rugby/overview.ipynb", "places/rugby/data/overview-core20.csv",  # configured: kept
        "places/atlantis/overview.ipynb",  # a place removed from the configuration
        "places/rugby/dragons.ipynb", "places/rugby/data/dragons-lairs.csv",  # a chapter removed
        "icb/core20plus5.ipynb", "icb/data/core20plus5-ages.csv",  # configured ICB page: kept
        "icb/retired.ipynb", "icb/data/retired-table.csv",  # an ICB page removed
        "icb/heat/rugby.ipynb", "icb/heat/data/heat-rugby-table.csv",  # configured per-place page: kept
        "icb/heat/atlantis.ipynb", "icb/heat/data/heat-atlantis-table.csv",  # its removed place
    ]  # fmt: skip
    for name in files:
        (book / name).parent.mkdir(parents=True, exist_ok=True)
        (book / name).write_text("x")
    stale = {path.relative_to(book).as_posix() for path in stale_pages(tmp_path, config)}
    assert stale == {
        "places/atlantis", "places/rugby/dragons.ipynb", "places/rugby/data/dragons-lairs.csv",
        "icb/retired.ipynb", "icb/data/retired-table.csv", "icb/heat/atlantis.ipynb",
        "icb/heat/data/heat-atlantis-table.csv",
    }  # fmt: skip


def test_runs_enter_the_store_whole_and_are_installed_from_it(job, tmp_path):
    from phna.build.store import Installed, Store, install
    from phna.errors import ChapterFailed

    runs, installed = Store(tmp_path / ".phna" / "store"), Installed(tmp_path / ".phna" / "installed.json")
    job.staging_dir = tmp_path / ".phna" / "runs" / "t--rugby"

    def finish(text: str, data_file: str = "t-table.csv") -> None:
        (job.work_dir / "data").mkdir(parents=True)
        (job.work_dir / "t.ipynb").write_text(text)
        (job.work_dir / "data" / data_file).write_text(text)

    finish("first")
    runs.put(job, "k1", {"run_at": "1"})
    assert runs.has("k1") and not job.staging_dir.exists()
    job.key = "k1"
    assert install(job, runs, installed, "t/rugby")
    assert job.target.read_text() == "first" and (job.target_dir / "data" / "t-table.csv").read_text() == "first"
    assert not install(job, runs, installed, "t/rugby")  # already there
    finish("forced")  # the same inputs run again (--force): same key, new copy
    runs.put(job, "k1", {"run_at": "2"})
    assert install(job, runs, installed, "t/rugby", again=True) and job.target.read_text() == "forced"
    finish("bad", data_file="other-table.csv")
    with pytest.raises(ChapterFailed, match="must be named t-"):
        runs.put(job, "k2", {})
    assert not runs.has("k2")
    runs.keep_only({"k1"})
    assert [p.name for p in runs.path.iterdir()] == ["k1"]


def test_the_hand_written_plus_groups_table_is_recorded_when_read(monkeypatch):
    from phna import provenance
    from phna.analyses import core20

    monkeypatch.setattr(provenance, "_FILES_READ", {})
    core20.load_plus_file()
    table = Path(__file__).resolve().parents[1] / "data" / "plus_groups.yaml"
    assert provenance.files_read() == {"data/plus_groups.yaml": cache.sha256_file(table)}
