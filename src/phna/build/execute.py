"""Run one chapter template for one place with Papermill, in a process of its own that can be stopped.

:func:`start` launches ``python -m phna.build.execute RUN_DIR`` in a new session (so a Ctrl-C at the
terminal reaches only the runner, which decides what to stop). The child runs the template in
``RUN_DIR/work`` (the kernel's working directory, where the chapter writes its figures and CSV files) and
writes ``RUN_DIR/result.json``: the provenance the chapter recorded, or a description of the failure (the
failed notebook is kept under ``.phna/failed/``). :func:`stop` ends a run and its kernel. Nothing here
touches ``book/``: finished runs go to the store (:mod:`phna.build.store`) and are installed from there.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import nbformat
import papermill

from phna.errors import ConfigError

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
    target_dir: Path  # where the finished notebook and its files are installed
    name: str  # notebook file name without suffix
    staging_dir: Path  # the run's folder under .phna/runs while it runs
    failed_dir: Path
    file_prefix: str = ""  # the files a run writes are named <file_prefix>*; default "<name>-"
    config_entries: dict[str, Any] = field(default_factory=dict)  # the configuration the page reads
    place_name: str = ""
    per_place_page: bool = False  # an ICB page run once per place ("<Title>: <Place>")
    key: str = ""
    reason: str = ""

    @property
    def label(self) -> str:
        return f"{self.chapter_id} · {self.place_slug}"

    @property
    def target(self) -> Path:
        return self.target_dir / f"{self.name}.ipynb"

    @property
    def prefix(self) -> str:
        return self.file_prefix or f"{self.name}-"

    @property
    def work_dir(self) -> Path:
        return self.staging_dir / "work"

    @property
    def log_path(self) -> Path:
        return self.failed_dir.parent / "logs" / f"{self.place_slug}-{self.name}.log"


@dataclass
class JobResult:
    job: Job
    seconds: float
    provenance: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def _describe_failure(spec: Mapping[str, Any], exc: Exception, notebook_path: Path) -> str:
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
        f"chapter {spec['chapter_id']!r} for place {spec['place_slug']!r} failed at {where}: "
        f"{ename}: {evalue}{source}\n    template: {spec['template']}\n    failed notebook kept at: {notebook_path}"
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


@dataclass
class Running:
    """A run in progress: its job, its process and when it started."""

    job: Job
    process: subprocess.Popen
    started: float

    def finished(self) -> bool:
        return self.process.poll() is not None

    def result(self) -> JobResult:
        """The result of a finished run (a crash of the run's process is a failure too)."""
        seconds = time.perf_counter() - self.started
        path = self.job.staging_dir / "result.json"
        if not path.is_file():
            return JobResult(
                self.job, seconds,
                error=f"chapter {self.job.chapter_id!r} for place {self.job.place_slug!r} stopped without a "
                f"result (exit code {self.process.returncode}); its log is {self.job.log_path}",
            )  # fmt: skip
        outcome = json.loads(path.read_text(encoding="utf-8"))
        return JobResult(self.job, seconds, provenance=outcome.get("provenance", {}), error=outcome.get("error"))


def start(job: Job, config_path: Path) -> Running:
    """Start a job in a new session; the kernel finds the configuration through ``PHNA_CONFIG``."""
    if job.staging_dir.exists():
        shutil.rmtree(job.staging_dir)
    job.work_dir.mkdir(parents=True)
    spec = {
        "chapter_id": job.chapter_id, "place_slug": job.place_slug, "template": str(job.template),
        "parameters": job.parameters, "name": job.name, "failed_dir": str(job.failed_dir),
    }  # fmt: skip
    (job.staging_dir / "job.json").write_text(json.dumps(spec, default=str), encoding="utf-8")
    job.log_path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PHNA_CONFIG=str(config_path))
    with open(job.log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "phna.build.execute", str(job.staging_dir)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )  # fmt: skip
    return Running(job, process, time.perf_counter())


def stop(runs: Sequence[Running], grace: float = 1.0) -> None:
    """Stop runs and every process under them (a kernel runs in a session of its own): SIGTERM, then SIGKILL."""
    try:
        import psutil
    except ImportError:  # without psutil the runs' process groups are still signalled
        psutil = None
    family: list = []
    for run in runs:
        try:
            parent = psutil.Process(run.process.pid)
            family += [parent, *parent.children(recursive=True)]  # collected before any of them exits
        except Exception:  # no psutil, or the process has already gone
            pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for member in family:
            with contextlib.suppress(Exception):  # already gone
                member.send_signal(sig)
        for run in runs:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(run.process.pid, sig)
        deadline = time.monotonic() + grace
        try:
            for run in runs:
                run.process.wait(timeout=max(0.01, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            continue
        if psutil is None or not psutil.wait_procs(family, timeout=max(0.01, deadline - time.monotonic()))[1]:
            return


def _execute(spec: Mapping[str, Any], work: Path, staged: Path) -> None:
    papermill.execute_notebook(
        spec["template"],
        str(staged),
        parameters=spec["parameters"],
        kernel_name="python3",
        cwd=str(work),
        progress_bar=False,
        log_output=False,
        report_mode=False,
    )


def main(argv: list[str]) -> int:
    """The run's own process: execute the template and write ``result.json`` (never raises for a cell error)."""
    run_dir = Path(argv[0])
    spec = json.loads((run_dir / "job.json").read_text(encoding="utf-8"))
    work = run_dir / "work"
    staged = work / f"{spec['name']}.ipynb"
    try:
        _execute(spec, work, staged)
        outcome: dict[str, Any] = {"provenance": read_provenance(staged)}
    except Exception as exc:  # papermill raises PapermillExecutionError for cell errors
        failed_dir = Path(spec["failed_dir"])
        failed_dir.mkdir(parents=True, exist_ok=True)
        kept = failed_dir / f"{spec['place_slug']}-{spec['name']}.ipynb"
        if staged.is_file():
            shutil.copy2(staged, kept)
        outcome = {"error": _describe_failure(spec, exc, kept)}
    tmp = run_dir / "result.tmp"
    tmp.write_text(json.dumps(outcome, default=str), encoding="utf-8")
    tmp.replace(run_dir / "result.json")
    return 0


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


if __name__ == "__main__":  # pragma: no cover - the run's own process, see start()
    sys.exit(main(sys.argv[1:]))
