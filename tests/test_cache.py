"""A chapter re-runs exactly when one of its inputs changes: template, parameters, library code, data."""

from __future__ import annotations

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
    )  # fmt: skip


def record(job, manifest, provenance, checksums):
    key = cache.job_key(job, provenance, checksums)
    manifest.record(job, key, dict(provenance, fingerprint=cache.fingerprint(job, provenance, checksums)))
    job.target.write_text("{}")


def test_reasons_to_run(job, tmp_path):
    manifest = cache.Manifest(tmp_path / "manifest.json")
    checksums = {"imd": "aaa", "pop": "bbb"}
    provenance = {"modules": ["phna.stats.dsr"], "sources": ["imd"]}
    assert cache.reason_to_run(job, manifest, checksums)[1] == "never run"
    record(job, manifest, provenance, checksums)
    manifest.save()
    manifest = cache.Manifest(tmp_path / "manifest.json")  # survives a save/load
    assert cache.reason_to_run(job, manifest, checksums)[1] is None

    # A data file the chapter never read changes: still up to date.
    assert cache.reason_to_run(job, manifest, {"imd": "aaa", "pop": "changed"})[1] is None
    # One it did read changes.
    assert cache.reason_to_run(job, manifest, {"imd": "new", "pop": "bbb"})[1] == "data changed: imd"
    # Parameters change.
    job.parameters = {"confidence": [0.99]}
    assert cache.reason_to_run(job, manifest, checksums)[1] == "parameters changed"
    job.parameters = {"confidence": [0.95]}
    # Template changes.
    job.template.write_text('{"cells": []}')
    assert cache.reason_to_run(job, manifest, checksums)[1] == "template changed"
    job.template.write_text("{}")
    # Output deleted.
    job.target.unlink()
    assert cache.reason_to_run(job, manifest, checksums)[1] == "output missing"


def test_library_change_is_detected(job, tmp_path, monkeypatch):
    manifest = cache.Manifest(tmp_path / "manifest.json")
    record(job, manifest, {"modules": ["phna.stats.dsr"], "sources": []}, {})
    assert cache.reason_to_run(job, manifest, {})[1] is None
    monkeypatch.setattr(cache, "module_hash", lambda name: "different")
    assert cache.reason_to_run(job, manifest, {})[1] == "library changed: phna.stats.dsr"


def test_damaged_manifest_means_a_full_rerun_not_a_crash(job, tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text("{not json")
    assert cache.reason_to_run(job, cache.Manifest(path), {})[1] == "never run"


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
