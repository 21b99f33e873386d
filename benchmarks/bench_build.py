"""Benchmark the book build: cold, no-op and one-parameter rebuilds, with the number of notebooks run.

Run ``python benchmarks/bench_build.py`` (or ``make bench``). It works in a scratch copy of the repository
(``PHNA_ROOT`` points the ``phna`` command at it), so the working tree, its build and its cache are left
alone. Four builds, each timed from start to finished site:

1. **cold**: after removing ``book/places``, ``book/icb``, ``.phna`` and ``_build`` (what ``make clean`` does);
2. **no-op**: the same build again, when nothing changed (every chapter should be up to date);
3. **one parameter**: after giving one place (``--place``, default rugby) ``parameters: {confidence: [0.9]}``
   in the scratch copy's ``analyses/config.yaml``; only that place's pages should run again (its chapters and
   its page of the per-place ICB pages; the ICB pages that list the places read their areas, not their
   parameters);
4. **fresh clone**: a copy of the scratch repository at another path with only ``.phna/`` carried across (no
   ``book/places``, ``book/icb`` or ``_build``), as a CI cache would restore it: no chapter should run; the
   pages are installed from the store and the site is built.

The notebook counts are read from the runner's log (stderr): ``N chapter run(s) to do, M up to date.`` and one
``[i/N] chapter · place: done in …`` line per notebook executed.

Options: ``--place SLUG``, ``--jobs N`` (passed to ``phna build``), ``--keep`` (keep the scratch copy),
``--json FILE`` (write the results as JSON too), ``--scratch DIR`` (where to make the copy).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
#: Not copied into the scratch repository: environments, builds and generated chapters.
SKIP = {".git", ".venv", "_build", "_build.old", ".phna", "node_modules", ".pytest_cache", ".hypothesis", "__pycache__"}
GENERATED = ("book/places", "book/icb", ".phna", "_build")

PLAN = re.compile(r"(\d+) chapter run\(s\) to do, (\d+) up to date\.")
DONE = re.compile(r"\[\d+/\d+\] (.+?): done in ([\d.]+) s")
FAILED = re.compile(r"\[\d+/\d+\] (.+?): FAILED")


def copy_repo(target: Path) -> Path:
    """Copy the repository's sources (not its environment, build or cache) to ``target``."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).resolve().relative_to(REPO).as_posix()
        skipped = {n for n in names if n in SKIP}
        skipped |= {n for n in names if f"{relative}/{n}".lstrip("./") in GENERATED}
        return skipped

    shutil.copytree(REPO, target, ignore=ignore, symlinks=True)
    return target


def copy_with_cache(root: Path, target: Path) -> Path:
    """Copy a built scratch repository with its ``.phna/`` but without its book pages or site."""
    left_out = {"book/places", "book/icb", "_build", "_build.old"}

    def ignore(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).relative_to(root).as_posix()
        return {n for n in names if (n if relative == "." else f"{relative}/{n}") in left_out}

    shutil.copytree(root, target, ignore=ignore, symlinks=True)
    return target


def phna_command() -> list[str]:
    script = Path(sys.executable).parent / "phna"
    return [str(script)] if script.exists() else [sys.executable, "-c", "import sys, phna.cli; sys.exit(phna.cli.main())"]


def environment(root: Path) -> dict[str, str]:
    """The scratch copy as PHNA_ROOT (and its src/ first on PYTHONPATH), with the data mirror and download
    cache of the real repository."""
    env = dict(os.environ, PHNA_ROOT=str(root))
    # Import phna from the scratch copy, a frozen snapshot: the editable install reads the working tree, where
    # an edit made during the benchmark would change the chapters' cache keys and re-run them.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root / "src"), os.environ.get("PYTHONPATH")]))
    if not env.get("PHNA_DATA_MIRROR"):
        try:
            from phna.data.mirror import mirror_location

            mirror = mirror_location()  # resolved against the real repository (../shared/data)
        except Exception:  # noqa: BLE001 - no mirror: phna falls back to the official URLs
            mirror = None
        if mirror is not None:
            env["PHNA_DATA_MIRROR"] = str(mirror)
    if not env.get("PHNA_CACHE") and (REPO / ".phna" / "cache").is_dir():
        env["PHNA_CACHE"] = str(REPO / ".phna" / "cache")
    return env


def run_build(root: Path, env: dict[str, str], jobs: int, label: str) -> dict:
    command = phna_command() + ["build", "--jobs", str(jobs)]
    print(f"\n== {label}: {' '.join(command)}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    log = []
    for line in process.stderr:  # show the runner's progress while keeping it for parsing
        sys.stderr.write("   " + line)
        log.append(line)
    stdout = process.stdout.read()
    returncode = process.wait()
    seconds = time.perf_counter() - started
    text = "".join(log)
    plan = PLAN.search(text)
    executed = DONE.findall(text)
    return {
        "build": label,
        "seconds": round(seconds, 2),
        "returncode": returncode,
        "planned": int(plan.group(1)) if plan else None,
        "up_to_date": int(plan.group(2)) if plan else None,
        "executed": len(executed),
        "notebooks": [name for name, _ in executed],
        "notebook_seconds": round(sum(float(s) for _, s in executed), 2),
        "failed": FAILED.findall(text),
        "tail": "" if returncode == 0 else (text + stdout)[-3000:],
    }


def set_place_parameter(root: Path, place: str) -> None:
    path = root / "analyses" / "config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = [p for p in config["places"] if p["slug"] == place]
    if not entries:
        raise SystemExit(f"no place {place!r} in analyses/config.yaml; places: {[p['slug'] for p in config['places']]}")
    entries[0].setdefault("parameters", {})["confidence"] = [0.9]
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--place", default="rugby", help="place whose parameter is changed (default rugby)")
    parser.add_argument("--jobs", type=int, default=2, help="chapters run at a time (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--scratch", type=Path, help="folder for the scratch copy (default a temporary folder)")
    args = parser.parse_args(argv)

    base = Path(tempfile.mkdtemp(prefix="phna-bench-", dir=args.scratch))
    root = copy_repo(base / "repo")
    env = environment(root)
    results = []
    try:
        for relative in GENERATED:  # cold: what `make clean` removes
            shutil.rmtree(root / relative, ignore_errors=True)
        results.append(run_build(root, env, args.jobs, "cold"))
        if results[-1]["returncode"] == 0:
            results.append(run_build(root, env, args.jobs, "no-op"))
            set_place_parameter(root, args.place)
            results.append(run_build(root, env, args.jobs, f"{args.place}: confidence [0.9]"))
            clone = base / "elsewhere" / "clone"
            copy_with_cache(root, clone)
            results.append(run_build(clone, environment(clone), args.jobs, "fresh clone, .phna/ copied"))
    finally:
        if args.keep:
            print(f"\nscratch copy kept in {root}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)

    print(f"\n{'build':28} {'seconds':>8} {'notebooks run':>14} {'up to date':>11}  status")
    for r in results:
        status = "ok" if r["returncode"] == 0 else f"FAILED (exit {r['returncode']})"
        print(f"{r['build']:28} {r['seconds']:8.1f} {r['executed']:>14} {str(r['up_to_date']):>11}  {status}")
    for r in results:
        if r["returncode"] != 0:
            print(f"\n{r['build']} failed; end of its log:\n{r['tail']}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0 if results and all(r["returncode"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
