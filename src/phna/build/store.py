"""Finished runs, stored by key, and the book installed from them.

``.phna/store/<key>/`` holds one finished run: ``out/`` (the executed notebook, already titled for its
place, and the files it wrote) and ``record.json`` (its provenance and fingerprint). A run enters the store
in one rename, so the store never holds half a run. Nothing in it depends on where the checkout lives, so
``.phna/`` copied to another clone (or restored from a CI cache) serves that clone without running anything.

``book/`` is written only by :func:`install`, after every run of a build has finished: an interrupted or
failed build leaves it as it was. ``.phna/installed.json`` records which key each page in ``book/`` came
from. :func:`stale_pages` finds the pages of places and chapters no longer in the configuration.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any, Iterable, Mapping

from phna.build.execute import Job
from phna.errors import ChapterFailed


class Store:
    """The content-addressed store of finished runs (``.phna/store``)."""

    def __init__(self, path: Path):
        self.path = path

    def out(self, key: str) -> Path:
        return self.path / key / "out"

    def has(self, key: str) -> bool:
        return bool(key) and (self.path / key / "record.json").is_file()

    def put(self, job: Job, key: str, record: Mapping[str, Any]) -> Path:
        """Move a finished run (``job.staging_dir/work``) into the store under ``key``."""
        _check_file_names(job)
        run = job.staging_dir
        for name in ("job.json", "result.json"):
            (run / name).unlink(missing_ok=True)
        (run / "work").rename(run / "out")
        (run / "record.json").write_text(json.dumps(record, indent=1, sort_keys=True, default=str), encoding="utf-8")
        final = self.path / key
        self.path.mkdir(parents=True, exist_ok=True)
        if final.exists():  # the same inputs ran again (--force): replace the old copy
            old = self.path / f".old-{uuid.uuid4().hex}"
            final.rename(old)
            shutil.rmtree(old, ignore_errors=True)
        run.rename(final)
        return final

    def keep_only(self, keys: Iterable[str]) -> int:
        """Remove stored runs whose key is not in ``keys`` (no page refers to them any more)."""
        keep = set(keys)
        removed = 0
        if self.path.is_dir():
            for folder in self.path.iterdir():
                if folder.name not in keep:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed += 1
        return removed


def _check_file_names(job: Job) -> None:
    prefix = job.prefix
    data = job.work_dir / "data"
    if data.is_dir():
        for path in data.rglob("*"):
            if path.is_file() and not path.name.startswith(prefix):
                raise ChapterFailed(
                    f"chapter {job.chapter_id!r} wrote {path.relative_to(job.work_dir)}, "
                    f"but chapter files must be named {prefix}*"
                )


class Installed:
    """Which stored run each page in ``book/`` came from (``.phna/installed.json``: page id → key)."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.keys: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        except json.JSONDecodeError:
            self.keys = {}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.keys, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)


def remove_outputs(job: Job) -> None:
    """Remove a page's notebook and the files it wrote from ``book/``."""
    job.target.unlink(missing_ok=True)
    data = job.target_dir / "data"
    if data.is_dir():
        for old in data.glob(f"{job.prefix}*"):
            old.unlink()


def install(job: Job, store: Store, installed: Installed, job_id: str, again: bool = False) -> bool:
    """Copy a page's stored run into ``book/`` unless it is there already (or ``again``: it ran again with the
    same key, as ``--force`` does); True when something was copied."""
    if not again and installed.keys.get(job_id) == job.key and job.target.is_file():
        return False
    source = store.out(job.key)
    remove_outputs(job)
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = job.target_dir / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
    installed.keys[job_id] = job.key
    return True


def stale_pages(root: Path, config) -> list[Path]:
    """Generated pages (and their files) of places and chapters that are no longer in the configuration."""
    slugs = {p.slug for p in config.places}
    stale: list[Path] = []
    places = root / "book" / "places"
    if places.is_dir():
        chapter_ids = {c.id for c in config.chapters}
        for folder in sorted(places.iterdir()):
            if folder.is_dir() and folder.name not in slugs:
                stale.append(folder)
            elif folder.is_dir():
                for notebook in folder.glob("*.ipynb"):
                    if notebook.stem not in chapter_ids:
                        stale += [notebook, *sorted((folder / "data").glob(f"{notebook.stem}-*"))]
    icb = root / "book" / "icb"
    if icb.is_dir():
        pages = {c.id: c for c in config.icb_pages}
        for path in sorted(icb.iterdir()):
            chapter = pages.get(path.stem if path.is_file() else path.name)
            if path.is_dir() and path.name != "data":
                if chapter is None or chapter.scope != "place":
                    stale.append(path)
                    continue
                for notebook in path.glob("*.ipynb"):
                    if notebook.stem not in slugs:
                        stale += [notebook, *sorted((path / "data").glob(f"{path.name}-{notebook.stem}-*"))]
            elif path.suffix == ".ipynb" and (chapter is None or chapter.scope != "icb"):
                stale += [path, *sorted((icb / "data").glob(f"{path.stem}-*"))]
    return stale


def remove(paths: Iterable[Path]) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
