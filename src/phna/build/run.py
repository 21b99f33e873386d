"""Run jobs a few at a time, each in a process of its own; stop everything on a failure or a Ctrl-C.

The runner polls its running jobs several times a second, so an interrupt (SIGINT, or SIGTERM, which is
turned into the same) is handled at once: no job is started after it, every running job and its kernel
is stopped (:func:`phna.build.execute.stop`), their run folders are removed, and ``KeyboardInterrupt`` is
raised again for the command to exit with 130. Runs that finished before the interrupt have been handed to
``on_done`` (which stores them), so the next build reuses them.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import time
from pathlib import Path
from typing import Callable, Sequence

from phna.build.execute import Job, JobResult, Running, start, stop
from phna.errors import ChapterFailed

POLL_SECONDS = 0.1


@contextlib.contextmanager
def sigterm_as_interrupt():
    """Treat SIGTERM (a cancelled CI job, ``kill``) like Ctrl-C while the block runs."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def deferred_interrupt():
    """Finish the block before acting on a Ctrl-C (for installing pages, which must not stop half way)."""
    received: list[int] = []

    def remember(signum, frame):
        received.append(signum)

    try:
        previous = {sig: signal.signal(sig, remember) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        raise KeyboardInterrupt


def run_jobs(
    jobs: Sequence[Job],
    workers: int,
    config_path: Path,
    on_done: Callable[[JobResult, int], None],
    log: Callable[[str], None],
) -> None:
    """Run ``jobs``, ``workers`` at a time; the first failure stops the others and raises ChapterFailed."""
    queue = list(jobs)
    running: list[Running] = []
    done = 0
    try:
        with sigterm_as_interrupt():
            while queue or running:
                while queue and len(running) < max(1, workers):
                    running.append(start(queue.pop(0), config_path))
                time.sleep(POLL_SECONDS)
                for run in [r for r in running if r.finished()]:
                    running.remove(run)
                    done += 1
                    result = run.result()
                    try:
                        with deferred_interrupt():  # a finished run enters the store whole, or not at all
                            on_done(result, done)
                    except ChapterFailed as exc:  # e.g. a run that wrote a file with the wrong name
                        result.error = str(exc)
                    if result.error:
                        _stop_all(running)
                        _clean(run.job)
                        raise ChapterFailed(result.error)
                    _clean(run.job)
    except KeyboardInterrupt:
        stopping = [r.job.label for r in running]
        _stop_all(running)
        log(
            "Interrupted: "
            + (f"stopped {', '.join(stopping)}; " if stopping else "")
            + f"started nothing new ({len(queue)} not started). book/ and _build/ were not changed."
            + (f" The {done} finished run(s) are kept and the next build reuses them." if done else "")
        )
        raise


def _stop_all(running: list[Running]) -> None:
    stop(running)
    for run in running:
        _clean(run.job)
    running.clear()


def _clean(job: Job) -> None:
    shutil.rmtree(job.staging_dir, ignore_errors=True)
