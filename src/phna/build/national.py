"""The national edition: the book of every ICB in England (or a chosen few), chapter runs as Dask tasks.

``phna build --national`` plans one book per ICB (its configuration from :func:`phna.config.icb_config_data`:
the ICB, one place per district, this book's chapters), then runs every out-of-date (chapter, place) of every
book as a task on ``dask.distributed``: a LocalCluster on this machine by default, or the scheduler whose
address is given (a cluster started with ``dask scheduler`` and ``dask worker``; the workers must see this
checkout and the data mirror at the same paths). The runner's own job, key and store functions decide what
reruns (:mod:`phna.build.cache`): a run whose inputs have not changed is taken from the store.

Each ICB's book has a folder of its own, ``_build/national/<ICB code>/`` (its configuration, its pages, its
record of runs and its site in ``_build/html``), and is built by a Sphinx build of its own, so a failing
chapter leaves out only its own page: the other pages of that ICB and the other ICBs' sites are built. A
national index, ``_build/national/index.html``, links every ICB's site and lists what failed.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import yaml

from phna import geography, paths
from phna.build import _build_site, _jobs_for, cache, store
from phna.build import execute
from phna.build.execute import Job, JobResult
from phna.build.titles import retitle_notebook
from phna.config import Config, icb_config_data, load_config
from phna.errors import ConfigError, PhnaError
from phna.provenance import catalogue_checksums

#: Hand-written pages every ICB's book shares (its own introduction is written for it).
SHARED_PAGES = ("how-to-read.md", "methods.md", "data-sources.md", "glossary.md", "about-this-build.md")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Book:
    """One ICB's book: its configuration, its folder and what happened to its runs."""

    code: str
    config: Config
    root: Path
    jobs: list[Job] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    html: Path | None = None
    site_error: str = ""


def national_root() -> Path:
    return paths.repo_root() / "_build" / "national"


def all_icbs() -> list[str]:
    """Every ICB code in England's LSOA lookup, sorted."""
    from phna.data import lsoa11_lookup

    return sorted(str(c) for c in lsoa11_lookup()["icb_code"].dropna().unique())


def plan_books(icbs: Sequence[str] | None = None, districts: Sequence[str] | None = None,
               configs: Sequence[str | Path] | None = None, out: Path | None = None) -> list[Book]:
    """The books to build: one per ICB (all of England when nothing is chosen).

    ``districts`` chooses places instead: each district becomes a place in its ICB's book, and only those
    places are built (the ICB-wide pages need every place of the ICB, so they are left out). ``configs`` are
    configuration files of books to build as they are (``phna config new`` writes one).
    """
    out = out or national_root()
    books: list[Book] = []
    if configs:
        for path in configs:
            config = load_config(path)
            if not config.icb_code:
                raise ConfigError(f"{path}: a national build needs the configuration's icb code")
            books.append(Book(config.icb_code, config, out / config.icb_code))
    chosen_districts: dict[str, list[str]] = {}
    for code in districts or ():
        icb = _icb_of_district(code)
        chosen_districts.setdefault(icb, []).append(code)
    codes = list(icbs or ())
    if not codes and not chosen_districts and not configs:
        codes = all_icbs()
    for code in [*codes, *[c for c in chosen_districts if c not in codes]]:
        data = icb_config_data(code)
        if code in chosen_districts and code not in (icbs or ()):
            wanted = set(chosen_districts[code])
            data["places"] = [p for p in data["places"] if p["kind"] != "icb" and set(p["districts"]) <= wanted]
            data.pop("icb_pages", None)
        root = out / code
        root.mkdir(parents=True, exist_ok=True)
        path = root / "config.yaml"
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        books.append(Book(code, load_config(path), root))
    return books


def _icb_of_district(code: str) -> str:
    from phna.data import lsoa11_lookup

    lookup = lsoa11_lookup()
    icbs = lookup.loc[lookup["district_code"] == code, "icb_code"]
    if icbs.empty:
        raise ConfigError(f"district {code!r} is not in England's LSOA lookup (district codes look like E08000025)")
    return str(icbs.value_counts().index[0])  # the ICB holding most of its small areas


def prepare_root(book: Book) -> None:
    """Lay out an ICB book's folder: its Jupyter Book configuration with its own title, its introduction and
    the shared hand-written pages."""
    repo = paths.repo_root()
    root = book.root
    (root / "book").mkdir(parents=True, exist_ok=True)
    settings = yaml.safe_load((repo / "_config.yml").read_text(encoding="utf-8"))
    settings["title"] = book.config.title
    (root / "_config.yml").write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for name in SHARED_PAGES:
        source = repo / "book" / name
        if source.is_file():
            (root / "book" / name).write_text(localise(source.read_text(encoding="utf-8"), book.config),
                                              encoding="utf-8")
    static = root / "book" / "_static"
    if (repo / "book" / "_static").is_dir():
        shutil.copytree(repo / "book" / "_static", static, dirs_exist_ok=True)
    vendor = root / "book" / "_vendor"
    if (repo / "book" / "_vendor").is_dir() and not vendor.exists():
        vendor.symlink_to(repo / "book" / "_vendor", target_is_directory=True)
    (root / "book" / "intro.md").write_text(intro_page(book.config), encoding="utf-8")


#: Sentences of the shared pages written for Coventry and Warwickshire, and what another ICB's book says instead.
LOCAL_SENTENCES = (
    ("that plan health and care for Coventry and Warwickshire.", "that plan health and care for {area}."),
    ("for the Warwickshire places the book shows Warwickshire\n  county's value, named as the county's.",
     "for places in a two-tier county the book shows\n  the county's value, named as the county's."),
    ("- **West Midlands** values are shown where the source publishes them.",
     "- **Regional** values (each place's own region) are shown where the source publishes them."),
)


def localise(text: str, config: Config) -> str:
    """A shared hand-written page for another ICB's book: its sentences about Coventry and Warwickshire rewritten."""
    area = (config.icb_name or config.title).removeprefix("NHS ").removesuffix(" ICB")
    for old, new in LOCAL_SENTENCES:
        text = text.replace(old, new.format(area=area))
    return text


def intro_page(config: Config) -> str:
    """The front page of an ICB's book: what it covers, its places and their main messages."""
    names = geography.area_names()
    rows = []
    for place in config.places:
        if place.kind == "icb":
            continue
        made_of = ", ".join(f"{names.get(c, c)} ({c})" for c in place.districts) or f"{len(place.lsoas)} small areas"
        rows.append(f"| {place.name} | {made_of} |")
    icb = config.icb_name or config.title
    table = "\n".join(["| place | made up of |", "|---|---|", *rows]) if rows else ""
    return (
        f"# {config.title}\n\n"
        f"This book describes how long people live, how many die early from causes that could have been "
        f"prevented, and the conditions in which they live, for the places of {icb} ({config.icb_code}). Each "
        f"place is compared with England and with its own region. It is one book of the national edition: "
        f"every integrated care board's book is built the same way, from the same public data.\n\n"
        "## At a glance\n\n```{include} _generated/at-a-glance.md\n```\n\n"
        + (f"## The places\n\n{table}\n\n" if table else "")
        + "```{tableofcontents}\n```\n"
    )


# ---------------------------------------------------------------------------------------------- running
def run_chapter(job: Job, config_path: str) -> JobResult:
    """A Dask task: run one (chapter, place) in the worker's own process.

    The local runner starts a Python process per run (so that a Ctrl-C can stop it); a Dask worker is that
    process already, and running the chapter in it saves starting Python and importing papermill for every
    chapter (about 2.5 s of a 16-20 s run on a loaded two-core machine; see benchmarks/bench_national.py).
    The chapter's kernel is still a process of its own, started fresh for each run, so nothing a chapter read
    or recorded reaches the next one. The run folder is laid out as :func:`phna.build.execute.start` lays it
    out, and :func:`phna.build.execute.main` runs it. Workers must run one task at a time (``--nthreads 1``),
    because the kernel finds its configuration in the environment (``PHNA_CONFIG``).
    """
    started = time.perf_counter()
    if job.staging_dir.exists():
        shutil.rmtree(job.staging_dir)
    job.work_dir.mkdir(parents=True)
    spec = {
        "chapter_id": job.chapter_id, "place_slug": job.place_slug, "template": str(job.template),
        "parameters": job.parameters, "name": job.name, "failed_dir": str(job.failed_dir),
    }  # fmt: skip
    (job.staging_dir / "job.json").write_text(json.dumps(spec, default=str), encoding="utf-8")
    os.environ["PHNA_CONFIG"] = str(config_path)
    try:
        execute.main([str(job.staging_dir)])
    except BaseException as exc:  # never a cell error (main reports those); e.g. the kernel could not start
        return JobResult(job, time.perf_counter() - started,
                         error=f"chapter {job.chapter_id!r} for place {job.place_slug!r} did not run: "
                               f"{type(exc).__name__}: {exc}")
    outcome = json.loads((job.staging_dir / "result.json").read_text(encoding="utf-8"))
    return JobResult(job, time.perf_counter() - started, provenance=outcome.get("provenance", {}),
                     error=outcome.get("error"))


def _client(scheduler: str | None, workers: int):
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    # Each task waits on a chapter process of its own, so one thread per worker is the right size.
    cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                           dashboard_address=":0", silence_logs=40)
    return Client(cluster), cluster


def build_national(
    *,
    icbs: Sequence[str] | None = None,
    districts: Sequence[str] | None = None,
    configs: Sequence[str | Path] | None = None,
    chapters: Sequence[str] | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    force: bool = False,
    html: bool = True,
    verify_data: bool = True,
    out: Path | None = None,
    store_dir: Path | None = None,
    log: Callable[[str], None] = _log,
) -> list[Book]:
    """Build the books of the chosen ICBs (default: all of England) with chapter runs on Dask.

    Finished runs are kept in ``store_dir`` (default ``.phna/national-store``), shared by every ICB's book: a
    run with the same key (the same template, parameters, place, code and data) is never run twice.
    Returns the books, each with its failures (place, chapter and cell, as the runner names them) and its site.
    Raises PhnaError after building everything that could be built when any run or site failed.
    """
    started = time.perf_counter()
    out = out or national_root()
    books = plan_books(icbs, districts, configs, out)
    if verify_data:
        from phna import data as phna_data

        log("Checking data files against the catalogue …")
        phna_data.verify().raise_for_errors()
    checksums = catalogue_checksums()
    runs = store.Store(store_dir or paths.repo_root() / ".phna" / "national-store")
    todo: list[tuple[Book, Job, cache.Manifest]] = []
    skipped = 0
    manifests: dict[str, cache.Manifest] = {}
    for book in books:
        for chapter_id in chapters or ():
            book.config.chapter(chapter_id)
        prepare_root(book)
        book.jobs = _jobs_for(book.root, book.config, list(book.config.places), chapters, {})
        manifest = manifests[book.code] = cache.Manifest(book.root / ".phna" / "manifest.json")
        for job in book.jobs:
            # A task runs in a folder of its own, whichever book it belongs to.
            job.staging_dir = out / ".runs" / book.code / f"{job.chapter_id}--{job.place_slug}"
            key, reason = cache.reason_to_run(job, manifest, checksums, paths.repo_root(), runs.has)
            job.key = key
            reason = reason or ("forced" if force else None)
            if reason is None:
                skipped += 1
            else:
                job.reason = reason
                todo.append((book, job, manifest))
    log(f"{len(books)} book(s): {len(todo)} chapter run(s) to do, {skipped} up to date.")

    if todo:
        _run_on_dask(todo, runs, checksums, scheduler, workers, started, log)
    shutil.rmtree(out / ".runs", ignore_errors=True)

    for book in books:
        manifest = manifests[book.code]
        installed = store.Installed(book.root / ".phna" / "installed.json")
        failed_labels = {label.split(": ", 1)[0] for label in book.failed}
        for job in book.jobs:
            if job.label not in failed_labels and runs.has(job.key):
                store.install(job, runs, installed, manifest.job_id(job))
        installed.save()
        manifest.save()
        if html:
            try:
                book.html = _build_site(book.root, book.config, manifest, log=lambda m, c=book.code: log(f"  {c}: {m}"))
            except PhnaError as exc:  # this ICB's site failed; the others are still built
                book.site_error = str(exc)
                log(f"  {book.code}: the site failed: {str(exc).splitlines()[0]}")
    index = write_index(out, books)
    log(f"National index: {index}. Finished in {time.perf_counter() - started:.1f} s.")
    problems = [f for b in books for f in b.failed] + [f"{b.code}: {b.site_error}" for b in books if b.site_error]
    if problems:
        raise PhnaError(f"{len(problems)} problem(s) in the national build (every other page was built):\n"
                        + "\n".join(problems))
    return books


def _run_on_dask(todo, runs: store.Store, checksums, scheduler, workers, started, log) -> None:
    from dask.distributed import as_completed

    client, cluster = _client(scheduler, workers)
    try:
        log(f"Dask: {len(client.scheduler_info().get('workers', {}))} worker(s); dashboard {client.dashboard_link}")
        by_future = {}
        for book, job, manifest in todo:
            future = client.submit(run_chapter, job, str(book.config.path), pure=False,
                                   key=f"{book.code}-{job.chapter_id}-{job.place_slug}")
            by_future[future] = (book, job, manifest)
        for number, future in enumerate(as_completed(by_future), start=1):
            book, job, manifest = by_future[future]
            try:
                result = future.result()
            except Exception as exc:  # the task itself failed (a lost worker, not a notebook cell)
                result = JobResult(job, 0.0, error=f"chapter {job.chapter_id!r} for place {job.place_slug!r} "
                                                   f"did not run: {type(exc).__name__}: {exc}")
            where = f"[{number}/{len(todo)}] {book.code} {job.label}"
            if result.error:
                book.failed.append(f"{job.label}: {result.error}")
                log(f"  {where}: FAILED: {result.error.splitlines()[0]}")
                continue
            job = result.job
            fingerprint = cache.fingerprint(job, result.provenance, checksums, paths.repo_root())
            job.key = cache.key_of(fingerprint)
            by_future[future][1].key = job.key
            retitle_notebook(job.work_dir / f"{job.name}.ipynb", job.place_name, per_place_page=job.per_place_page)
            record = dict(result.provenance, fingerprint=fingerprint)
            runs.put(job, job.key, record)
            manifest.record(job, job.key, record)
            log(f"  {where}: done in {result.seconds:.1f} s ({job.reason}); "
                f"{time.perf_counter() - started:.0f} s elapsed")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ------------------------------------------------------------------------------------------------ index
def write_index(out: Path, books: Sequence[Book]) -> Path:
    """``_build/national/index.html``: a link to each ICB's site, and what failed."""
    items = []
    for book in sorted(books, key=lambda b: b.config.icb_name or b.code):
        name = html.escape(geography.icb_name(book.code))
        places = html.escape(", ".join(p.name for p in book.config.places if p.kind != "icb"))
        if book.html is not None and (book.html / "index.html").is_file():
            link = f'<a href="{book.code}/_build/html/index.html">{name}</a>'
        else:
            link = f"{name} (no site: {'not built' if not book.site_error else 'its site failed'})"
        note = ""
        if book.failed:
            note = f"<br><small>{len(book.failed)} page(s) could not be built and are left out.</small>"
        items.append(f"<li>{link}<br><small>{places}</small>{note}</li>")
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Population health needs: every integrated care board in England</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5;font-size:1rem}li{margin:0.6rem 0}small{color:#444}</style></head><body>"
        "<h1>Population health needs: every integrated care board in England</h1>"
        f"<p>{'One book for each of ' + str(len(books)) + ' integrated care boards' if len(books) != 1 else 'One integrated care board'}"
        ", built the same way from the same "
        "public data. Each place is compared with England and its own region.</p>"
        f"<ul>{''.join(items)}</ul></body></html>\n"
    )
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
