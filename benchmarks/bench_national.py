"""Benchmark of the national edition: chapters per minute on a Dask LocalCluster against the local process pool.

Not a test: run it by hand on a quiet machine::

    .venv/bin/python benchmarks/bench_national.py --sizes 10 50 all --workers 2
    .venv/bin/python benchmarks/bench_national.py --sizes 3 --chapter overview      # a quick look

For each size (the first N districts of a region, by code, each a place in its ICB's book) every chapter run is
executed twice from scratch (``--force``): once as Dask tasks on a LocalCluster (:mod:`phna.build.national`) and
once through the process pool ``phna build`` uses (:func:`phna.build.run.run_jobs`), each with ``--workers``
at a time. One ICB's site is built with Sphinx to time rendering.

The cost of one chapter run is split, from a few sample runs:

- **run start**: a run's wall time beyond its notebook's (papermill's) duration: the process the local pool
  starts for each run (Python and papermill) and storing the result; a Dask worker runs the chapter in its own
  process, so this is what running on Dask saves (``dask_outside_notebook_s`` against ``pool_outside_notebook_s``);
- **kernel start**: the notebook's duration less the time its cells took (papermill's per-cell durations):
  starting the kernel and shutting it down;
- **imports**: Python, pandas, matplotlib and phna imported by the chapter's first cells;
- **data loading**: the chapter's code run twice in one fresh process; the data layer caches what it read
  (``lru_cache``), so the first run less the second is the time spent reading the data files;
- **computing**: the second run (statistics, figures and tables with the data already in memory);
- **rendering**: the Sphinx build of an ICB's site divided by its pages.

It prints a table and the projected time for every (chapter, place) of all of England (every ICB's book: one
place per district and the ICB itself, every chapter and ICB page) on the given workers and on N workers.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from phna.build import _jobs_for  # noqa: E402
from phna.build import national  # noqa: E402
from phna.build.run import run_jobs  # noqa: E402
from phna.config import load_config  # noqa: E402

TWICE = r"""
import json, sys, time
import matplotlib
matplotlib.use("Agg")
import nbformat
spec = json.loads(sys.argv[1])
nb = nbformat.read(spec["template"], as_version=4)
code = [c.source for c in nb.cells if c.cell_type == "code"]
params = "\n".join(f"{k} = {v!r}" for k, v in spec["parameters"].items())
started = time.perf_counter()
lines = [l for source in code for l in source.splitlines() if l.startswith(("import ", "from "))]
exec(compile("\n".join(lines), "imports", "exec"), {})   # Python, pandas, matplotlib and phna
imports = time.perf_counter() - started
times = []
for attempt in range(2):
    t0 = time.perf_counter()
    namespace = {}
    for number, source in enumerate(code):
        source = "\n".join(l for l in source.splitlines() if not l.lstrip().startswith(("%", "!")))
        exec(compile(source, f"cell {number}", "exec"), namespace)
        if number == spec["parameters_cell"]:
            exec(params, namespace)
    times.append(time.perf_counter() - t0)
print(json.dumps({"imports": imports, "first": times[0], "second": times[1]}))
"""


def districts_of_region(region: str) -> list[str]:
    from phna.data import district_lookup, lsoa11_lookup

    lookup = district_lookup()
    in_england = set(lsoa11_lookup()["district_code"])
    codes = lookup.loc[lookup["region_code"] == region, "district_code"]
    return sorted(c for c in codes if c in in_england)


def _plan(districts, chapters, out):
    books = national.plan_books(districts=districts, out=out)
    jobs = []
    for book in books:
        national.prepare_root(book)
        book.jobs = _jobs_for(book.root, book.config, list(book.config.places), chapters, {})
        jobs.extend(book.jobs)
    return books, jobs


def time_pool(districts, chapters, workers, out) -> tuple[float, int, list, float]:
    planning = time.perf_counter()
    books, jobs = _plan(districts, chapters, out)
    planning = time.perf_counter() - planning
    results = []
    for job in jobs:
        job.staging_dir = out / ".pool-runs" / f"{job.chapter_id}--{job.place_slug}"
    started = time.perf_counter()

    def done(result, number):  # before the runner removes the run folder: the notebook's own duration
        results.append((result.seconds, notebook_seconds(result.job.work_dir / f"{result.job.name}.ipynb")))

    for book in books:  # the pool runs one configuration at a time (the kernel reads it from PHNA_CONFIG)
        run_jobs(book.jobs, workers, book.config.path, done, lambda m: None)
    return time.perf_counter() - started, len(jobs), results, planning


def notebook_seconds(path: Path) -> float:
    """papermill's duration of an executed notebook (kernel start to the last cell)."""
    return float(json.loads(path.read_text())["metadata"].get("papermill", {}).get("duration") or 0)


def outside_notebook(pairs) -> float:
    """Mean seconds a run took beyond its notebook: starting the run's process and papermill, and storing it."""
    return sum(run - nb for run, nb in pairs) / max(1, len(pairs))


def time_dask(districts, chapters, workers, out) -> tuple[float, float, int]:
    lines: list[str] = []
    started = time.perf_counter()
    books = national.build_national(districts=districts, chapters=chapters, out=out, workers=workers, force=True,
                                    html=False, verify_data=False, store_dir=out / "store", log=lines.append)
    runs = sum(len(b.jobs) for b in books)
    import re

    took = {m.group(1): float(m.group(2)) for line in lines
            for m in [re.search(r"\] \S+ (.+?): done in ([0-9.]+) s", line)] if m}
    pairs = [(took[job.label], notebook_seconds(out / "store" / job.key / "out" / f"{job.name}.ipynb"))
             for book in books for job in book.jobs if job.label in took]
    return time.perf_counter() - started, runs, books, pairs


def time_site(book) -> tuple[float, int]:
    from phna.build import _build_site, cache

    started = time.perf_counter()
    manifest = cache.Manifest(book.root / ".phna" / "manifest.json")
    (book.root / ".phna" / "site.key").unlink(missing_ok=True)
    national._build_site(book.root, book.config, manifest, log=lambda m: None, fresh=True)
    pages = len(list((book.root / "book" / "places").rglob("*.ipynb")))
    return time.perf_counter() - started, pages


def split(job) -> dict:
    """Kernel start, imports, data loading and computing of one chapter run."""
    import nbformat

    nb = nbformat.read(job.template, as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    parameters_cell = next(i for i, c in enumerate(code_cells) if "parameters" in c.metadata.get("tags", []))
    spec = {"template": str(job.template), "parameters": job.parameters, "parameters_cell": parameters_cell}
    env = dict(__import__("os").environ, PHNA_CONFIG=str(job.config_path))
    out = subprocess.run([sys.executable, "-c", TWICE, json.dumps(spec, default=str)], capture_output=True,
                         text=True, cwd=job.work_dir, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--region", default="E12000005", help="region code (default West Midlands)")
    parser.add_argument("--sizes", nargs="+", default=["10", "50", "all"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chapter", action="append", help="chapters to run (default overview)")
    parser.add_argument("--samples", type=int, default=2, help="chapter runs whose cost is split")
    parser.add_argument("--pool", action=argparse.BooleanOptionalAction, default=True,
                        help="also time the local process pool")
    parser.add_argument("--workers-projected", type=int, default=32)
    args = parser.parse_args(argv)
    chapters = args.chapter or ["overview"]
    region = districts_of_region(args.region)
    rows = []
    work = Path(tempfile.mkdtemp(prefix="bench-national-"))
    last_books = None
    for size in args.sizes:
        chosen = region if size == "all" else region[: int(size)]
        seconds, runs, books, pairs = time_dask(chosen, chapters, args.workers, work / f"dask-{size}")
        last_books = books
        row = {"districts": len(chosen), "runs": runs, "dask_s": seconds, "dask_per_min": runs / seconds * 60,
               "dask_outside_notebook_s": outside_notebook(pairs)}
        if args.pool:
            pool_seconds, pool_runs, pool_pairs, planning = time_pool(chosen, chapters, args.workers,
                                                                      work / f"pool-{size}")
            # dask_s includes planning the books and starting the cluster; pool_s only the runs.
            row.update(pool_s=pool_seconds, pool_per_min=pool_runs / pool_seconds * 60,
                       pool_outside_notebook_s=outside_notebook(pool_pairs), planning_s=planning)
        rows.append(row)
        print(json.dumps(row), flush=True)

    # The split, from a few sample runs of the last size.
    samples = []
    book = max(last_books, key=lambda b: len(b.jobs))  # the biggest book: rendering per page is fairer
    for job in book.jobs[: args.samples]:
        job.config_path = book.config.path
        job.work_dir.mkdir(parents=True, exist_ok=True)
        notebook = book.root.parent / "store" / job.key / "out" / f"{job.name}.ipynb"
        nb = json.loads(notebook.read_text())
        cells = sum(c.get("metadata", {}).get("papermill", {}).get("duration") or 0 for c in nb["cells"])
        total = nb["metadata"].get("papermill", {}).get("duration") or 0
        timing = split(job)
        samples.append({"run": job.label, "total": total, "kernel_start": max(0.0, total - cells),
                        "imports": timing["imports"], "data_loading": max(0.0, timing["first"] - timing["second"]),
                        "computing": timing["second"]})
    site_seconds, pages = time_site(book)
    mean = {k: sum(s[k] for s in samples) / len(samples) for k in ("total", "kernel_start", "imports",
                                                                     "data_loading", "computing")}
    mean["rendering"] = site_seconds / max(1, pages)
    print(json.dumps({"split_per_chapter_s": mean, "samples": samples}), flush=True)

    # Projection for all of England: every ICB's book (one place per district plus the ICB), every chapter and ICB page.
    from phna.data import lsoa11_lookup

    lookup = lsoa11_lookup()
    icbs = lookup["icb_code"].nunique()
    districts = len(set().union(*[set(national.geography.icb_districts(c)) for c in lookup["icb_code"].unique()]))
    config = load_config()
    per_place = len(config.chapters) + sum(1 for c in config.icb_pages if c.scope == "place")
    once = sum(1 for c in config.icb_pages if c.scope == "icb")
    england_runs = (districts + icbs) * per_place + icbs * once
    best = max(rows, key=lambda r: r["runs"])
    per_min = best["dask_per_min"]
    seconds_per_run = args.workers * 60 / per_min
    projection = {
        "england_runs": england_runs, "icbs": icbs, "districts": districts,
        f"hours_on_{args.workers}_workers": england_runs / per_min / 60,
        f"hours_on_{args.workers_projected}_workers": england_runs * seconds_per_run / args.workers_projected / 3600,
        # One Sphinx build per ICB, of its places' pages (about 8 per place): the per-page cost measured above.
        "site_builds_hours": (districts + icbs) * per_place * mean["rendering"] / 3600,
        "note": "chapters per minute measured with one chapter type; other chapters cost more or less",
    }
    print(json.dumps({"projection": projection}), flush=True)
    print("\n| districts | runs | Dask LocalCluster (runs/min) | process pool (runs/min) |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['districts']} | {r['runs']} | {r['dask_per_min']:.1f} | {r.get('pool_per_min', float('nan')):.1f} |")
    print("\nper chapter run (s): " + ", ".join(f"{k} {v:.1f}" for k, v in mean.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
