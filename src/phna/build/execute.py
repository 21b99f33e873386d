"""Run one chapter template for one place with Papermill.

Each run executes in its own staging folder (the kernel's working directory, where the chapter writes
its figures and CSV files). Only a run that completes is moved into ``book/places/<slug>/``; a failed run
leaves the previous good chapter untouched and keeps the failed notebook under ``.phna/failed/`` for
inspection.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import papermill

from phna.errors import ChapterFailed, ConfigError

#: Output metadata key under which a chapter records what it read (see phna.provenance).
PROVENANCE_KEY = "phna_provenance"


@dataclass
class Job:
    """One (chapter, place) run."""

    chapter_id: str
    chapter_title: str
    place_slug: str
    template: Path
    parameters: dict[str, Any]
    target_dir: Path  # where the finished notebook and its files go
    name: str  # notebook file name without suffix
    staging_dir: Path
    failed_dir: Path
    file_prefix: str = ""  # the files a run writes are named <file_prefix>*; default "<name>-"
    key: str = ""
    reason: str = ""

    @property
    def label(self) -> str:
        return f"{self.chapter_id} · {self.place_slug}"

    @property
    def target(self) -> Path:
        return self.target_dir / f"{self.name}.ipynb"


@dataclass
class JobResult:
    job: Job
    seconds: float
    provenance: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def _describe_failure(job: Job, exc: Exception, notebook_path: Path) -> str:
    cell = getattr(exc, "cell_index", None)
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    where = f"cell {cell}" if cell is not None else "start-up"
    source = ""
    if notebook_path.is_file():
        try:
            nb = nbformat.read(notebook_path, as_version=4)
            # Papermill adds marker cells, so find the cell by its error output rather than by index.
            failed = [c for c in nb.cells if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
            lines = failed[0].source.strip().splitlines() if failed else []
            if lines:
                source = f"\n    cell source: {lines[0][:120]}" + (" …" if len(lines) > 1 else "")
        except Exception:  # the message is still useful without the source line
            source = ""
    return (
        f"chapter {job.chapter_id!r} for place {job.place_slug!r} failed at {where}: {ename}: {evalue}{source}\n"
        f"    template: {job.template}\n    failed notebook kept at: {notebook_path}"
    )


def read_provenance(notebook: Path) -> dict[str, Any]:
    """The provenance a chapter recorded in its outputs (empty if none)."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {})
            if PROVENANCE_KEY in meta:
                return dict(meta[PROVENANCE_KEY])
    return {}


def run_job(job: Job) -> JobResult:
    """Execute a job; move its outputs into place on success. Never raises for a notebook error."""
    start = time.perf_counter()
    if job.staging_dir.exists():
        shutil.rmtree(job.staging_dir)
    job.staging_dir.mkdir(parents=True)
    staged = job.staging_dir / f"{job.name}.ipynb"
    log_path = job.failed_dir.parent / "logs" / f"{job.place_slug}-{job.name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _stderr_to(log_path):
            _execute(job, staged)
    except Exception as exc:  # papermill raises PapermillExecutionError for cell errors
        job.failed_dir.mkdir(parents=True, exist_ok=True)
        kept = job.failed_dir / f"{job.place_slug}-{job.name}.ipynb"
        if staged.is_file():
            shutil.copy2(staged, kept)
        return JobResult(job, time.perf_counter() - start, error=_describe_failure(job, exc, kept))

    provenance = read_provenance(staged)
    try:
        _install(job, staged)
    except ChapterFailed as exc:
        return JobResult(job, time.perf_counter() - start, error=str(exc))
    return JobResult(job, time.perf_counter() - start, provenance=provenance)


@contextlib.contextmanager
def _stderr_to(path: Path):
    """Send this process's stderr (and so the kernel's log messages) to ``path`` while a chapter runs."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "wb") as handle:
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _execute(job: Job, staged: Path) -> None:
    papermill.execute_notebook(
        str(job.template),
        str(staged),
        parameters=job.parameters,
        kernel_name="python3",
        cwd=str(job.staging_dir),
        progress_bar=False,
        log_output=False,
        report_mode=False,
    )


def _install(job: Job, staged: Path) -> None:
    """Move a finished chapter and the files it wrote into the book, replacing its previous outputs."""
    job.target_dir.mkdir(parents=True, exist_ok=True)
    data_dir = job.target_dir / "data"
    prefix = job.file_prefix or f"{job.name}-"
    if data_dir.is_dir():
        for old in data_dir.glob(f"{prefix}*"):
            old.unlink()
    for path in job.staging_dir.rglob("*"):
        if path.is_file() and path != staged:
            relative = path.relative_to(job.staging_dir)
            if relative.parts[0] == "data" and not path.name.startswith(prefix):
                raise ChapterFailed(
                    f"chapter {job.chapter_id!r} wrote {relative}, but chapter files must be named {prefix}*"
                )
            destination = job.target_dir / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), destination)
    shutil.move(str(staged), job.target)
    shutil.rmtree(job.staging_dir, ignore_errors=True)


def template_parameters(template: Path) -> dict[str, Any]:
    """The parameters a template declares in its cell tagged ``parameters``."""
    try:
        info = papermill.inspect_notebook(str(template))
    except Exception as exc:  # not JSON, not a notebook, unreadable
        raise ConfigError(f"template {template} is not a readable notebook: {type(exc).__name__}: {exc}") from exc
    if not info:
        raise ConfigError(f"template {template} has no cell tagged 'parameters', so it cannot take parameters")
    return dict(info)


def dumps_parameters(parameters: dict[str, Any]) -> str:
    return json.dumps(parameters, sort_keys=True, default=str)
