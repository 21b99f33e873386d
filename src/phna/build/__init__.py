"""The book build: plan the chapter runs, execute what changed (two at a time), install, build the site.

``build()`` is what ``phna build`` and ``phna run`` call:

1. read and validate the configuration and the parameters of every run, before any notebook runs;
2. verify the data files against the catalogue (the build refuses unverified data);
3. decide which (chapter, place) runs are out of date (:mod:`phna.build.cache`) and execute them, each in a
   process of its own (:mod:`phna.build.run`); each finished run goes into the store (:mod:`phna.build.store`);
   the first failure, or a Ctrl-C, stops the build and leaves ``book/`` and ``_build/`` as they were;
4. only when every run has finished, install the pages into ``book/`` from the store, and remove the pages of
   places and chapters no longer in the configuration;
5. write the place index pages, ``_toc.yml`` and the build record, then build the HTML into a temporary
   folder and swap it in.
"""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from phna import paths
from phna.provenance import catalogue_checksums
from phna.build import cache, site, store, toc
from phna.build.glance import at_a_glance
from phna.build.execute import Job, JobResult, template_parameters
from phna.build.run import deferred_interrupt, run_jobs
from phna.build.titles import retitle_notebook
from phna.config import Chapter, Config, Place, load_config
from phna.errors import ConfigError
from phna.parameters import resolve, template_mismatch


@dataclass
class BuildReport:
    executed: list[tuple[str, str, float]] = field(default_factory=list)  # (job, reason, seconds)
    skipped: list[str] = field(default_factory=list)
    installed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    site_built: bool = False
    html: Path | None = None
    seconds: float = 0.0


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _place_entry(place: Place, *, own: bool = True) -> dict[str, Any]:
    """A place as a page reads it: what it is and where; for the page's own place, its parameters too."""
    entry: dict[str, Any] = {
        "slug": place.slug, "name": place.name, "kind": place.kind, "districts": list(place.districts),
        "lsoas": list(place.lsoas), "description": place.description,
    }  # fmt: skip
    if own:
        entry.update(comparators=list(place.comparators), parameters=dict(place.parameters))
    return entry


def config_entries(config: Config, chapter: Chapter, place: Place) -> dict[str, Any]:
    """The configuration a page reads: its place, its chapter, the ICB; for a page run once for the ICB,
    every place and the PLUS groups too (such pages list and compare all the places)."""
    entries: dict[str, Any] = {
        "place": _place_entry(place),
        "chapter": {"id": chapter.id, "scope": chapter.scope, "periods": chapter.periods},
        "icb": {"code": config.icb_code, "name": config.icb_name},
    }
    if chapter in config.icb_pages and chapter.scope == "icb":
        entries["places"] = [_place_entry(p, own=False) for p in config.places]
        entries["plus_groups"] = [dict(g) for g in config.plus_groups]
    return entries


def _jobs_for(
    root: Path, config: Config, places: Sequence[Place], chapter_ids: Sequence[str] | None, overrides: Mapping
) -> list[Job]:
    state = root / ".phna"
    jobs: list[Job] = []
    wanted = set(chapter_ids) if chapter_ids else None
    declared_cache: dict[Path, dict] = {}

    def add(chapter: Chapter, place: Place, target_dir: Path, name: str) -> None:
        if chapter.template not in declared_cache:
            declared_cache[chapter.template] = template_parameters(chapter.template)
        mismatch = template_mismatch(chapter, declared_cache[chapter.template])
        if mismatch:
            raise ConfigError(mismatch)
        params = resolve(config, chapter, place, overrides).as_dict()  # refuses what the chapter does not take
        # The configuration reaches the kernel as PHNA_CONFIG, never as a parameter: a path of the machine
        # must not enter the cache key.
        params.pop("config_path", None)
        jobs.append(
            Job(
                chapter_id=chapter.id,
                chapter_title=chapter.title,
                place_slug=place.slug,
                template=chapter.template,
                parameters=params,
                target_dir=target_dir,
                name=name,
                staging_dir=state / "runs" / f"{chapter.id}--{place.slug}",
                failed_dir=state / "failed",
                file_prefix=config.file_prefix(chapter.id, place.slug),
                config_entries=config_entries(config, chapter, place),
                place_name=place.name,
                per_place_page=chapter in config.icb_pages and chapter.scope == "place",
            )
        )

    seen: set[str] = set()
    places = [p for p in places if not (p.slug in seen or seen.add(p.slug))]  # --place x --place x: once
    for chapter in config.icb_pages:
        if wanted is not None and chapter.id not in wanted:
            continue
        if chapter.scope == "icb":
            icb = next((p for p in config.places if p.is_icb), config.places[0])
            add(chapter, icb, root / "book" / "icb", chapter.id)
        else:
            for place in places:
                add(chapter, place, root / "book" / "icb" / chapter.id, place.slug)
    for place in places:
        for chapter in config.chapters:
            if wanted is None or chapter.id in wanted:
                add(chapter, place, root / toc.place_dir(place), chapter.id)
    return jobs


def build(
    *,
    places: Sequence[str] | None = None,
    chapters: Sequence[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    force: bool = False,
    workers: int = 2,
    html: bool = True,
    config_path: str | Path | None = None,
    verify_data: bool = True,
    log: Callable[[str], None] = _log,
) -> BuildReport:
    """Build the book (or part of it). See the module docstring for the steps."""
    started = time.perf_counter()
    root = paths.repo_root()
    config = load_config(config_path)
    selected = [config.place(slug) for slug in dict.fromkeys(places)] if places else list(config.places)
    for chapter_id in chapters or ():
        config.chapter(chapter_id)  # unknown chapter → ConfigError before anything runs
    jobs = _jobs_for(root, config, selected, chapters, dict(overrides or {}))

    from phna import data as phna_data

    if verify_data:
        log("Checking data files against the catalogue …")
        phna_data.verify().raise_for_errors()
    checksums = catalogue_checksums()

    state = root / ".phna"
    shutil.rmtree(state / "runs", ignore_errors=True)  # run folders left by a process that was killed
    manifest = cache.Manifest(state / "manifest.json")
    runs = store.Store(state / "store")
    report = BuildReport()
    todo: list[Job] = []
    for job in jobs:
        key, reason = cache.reason_to_run(job, manifest, checksums, root, runs.has)
        job.key = key
        if force:
            reason = reason or "forced"
        if reason is None:
            report.skipped.append(job.label)
        else:
            job.reason = reason
            todo.append(job)
    log(f"{len(todo)} chapter run(s) to do, {len(report.skipped)} up to date.")

    def on_done(result: JobResult, number: int) -> None:
        job = result.job
        if result.error:
            log(f"  [{number}/{len(todo)}] {job.label}: FAILED after {result.seconds:.1f} s")
            return
        fingerprint = cache.fingerprint(job, result.provenance, checksums, root)
        job.key = cache.key_of(fingerprint)
        retitle_notebook(job.work_dir / f"{job.name}.ipynb", job.place_name, per_place_page=job.per_place_page)
        record = dict(result.provenance, fingerprint=fingerprint)
        runs.put(job, job.key, record)
        manifest.record(job, job.key, record)
        manifest.save()
        report.executed.append((job.label, job.reason, result.seconds))
        log(
            f"  [{number}/{len(todo)}] {job.label}: done in {result.seconds:.1f} s ({job.reason}); "
            f"{time.perf_counter() - started:.0f} s elapsed"
        )

    for job in todo:
        log(f"  queued {job.label}: {job.reason}")
    try:
        run_jobs(todo, workers, config.path, on_done, log)
    finally:
        if (state / "runs").is_dir() and not any((state / "runs").iterdir()):
            (state / "runs").rmdir()

    with deferred_interrupt():  # book/ changes all at once or not at all
        _install(root, config, jobs, manifest, runs, report, log)

    if html:
        report.html = _build_site(root, config, manifest, log, fresh=bool(report.removed))
        report.site_built = report.html is not None
    report.seconds = time.perf_counter() - started
    log(f"Finished in {report.seconds:.1f} s.")
    return report


def _install(root: Path, config: Config, jobs: Sequence[Job], manifest: cache.Manifest, runs: store.Store,
             report: BuildReport, log) -> None:  # fmt: skip
    """Install every planned page from the store; remove pages of places and chapters no longer configured."""
    installed = store.Installed(root / ".phna" / "installed.json")
    ran = {label for label, _, _ in report.executed}
    for job in jobs:
        if store.install(job, runs, installed, manifest.job_id(job), again=job.label in ran):
            report.installed.append(job.label)
    stale = store.stale_pages(root, config)
    if stale:
        store.remove(stale)
        report.removed = [path.relative_to(root).as_posix() for path in stale]
        log(f"Removed {len(stale)} page(s) or file(s) no longer in the configuration: " + ", ".join(report.removed[:6]))
    configured = {f"{c.id}/{p.slug}" for p in config.places for c in (*config.chapters, *config.icb_pages)}
    for job_id in [j for j in manifest.entries if j not in configured]:
        manifest.forget(job_id)
        installed.keys.pop(job_id, None)
    manifest.save()
    installed.save()
    runs.keep_only(manifest.keys())


def _existing_chapters(root: Path, config: Config) -> tuple[list[tuple[Place, list[Chapter]]], list[str]]:
    """Each place that has built chapters with those chapters, and the (chapter · place) runs not built yet."""
    built, missing = [], []
    for place in config.places:
        present = [c for c in config.chapters if (root / toc.place_dir(place) / f"{c.id}.ipynb").is_file()]
        missing += [f"{c.id} · {place.slug}" for c in config.chapters if c not in present]
        if present:
            built.append((place, present))
    return built, missing


def _build_site(root: Path, config: Config, manifest: cache.Manifest, log, fresh: bool = False) -> Path | None:
    full_toc = toc.render_toc(config)
    (root / "_toc.yml").write_text(full_toc, encoding="utf-8")
    built, missing = _existing_chapters(root, config)
    if missing:
        log(
            "Note: the site will not include these chapters, which have not been built yet: "
            + ", ".join(missing[:8])
            + (" …" if len(missing) > 8 else "")
            + ". Run `phna build` to build them all."
        )
    for place, present in built:
        site.write_place_index(root, config, place, present)
    for chapter in config.icb_pages:
        if chapter.scope == "place":
            _write_icb_chapter_index(root, chapter, config.places)
    site.write_build_info(root, config, manifest.entries)
    glance = root / site.GENERATED / "at-a-glance.md"
    glance.write_text(at_a_glance(root, config), encoding="utf-8")
    partial = toc.toc_data(config, [place for place, _ in built])
    # Drop toc entries whose files do not exist (chapters never built), so Sphinx does not fail on them.
    partial_text = _prune_missing(root, partial)
    toc_path = root / ".phna" / "_toc.site.yml"
    toc_path.parent.mkdir(parents=True, exist_ok=True)
    toc_path.write_text(partial_text, encoding="utf-8")

    key = site.tree_hash(root, partial_text)
    key_file = root / ".phna" / "site.key"
    if key_file.is_file() and key_file.read_text() == key and (root / "_build" / "html" / "index.html").is_file():
        log("The site is up to date: nothing to rebuild.")
        return root / "_build" / "html"
    log("Building the site with Jupyter Book …")
    try:
        # After pages were removed, build afresh: a build seeded with the old one would keep their HTML.
        html = site.build_html(root, toc_path, root / ".phna", log=log, seed=not fresh)
    except KeyboardInterrupt:
        shutil.rmtree(root / ".phna" / "site", ignore_errors=True)  # the staging folder of the HTML build
        raise
    key_file.write_text(key)
    return html


def _write_icb_chapter_index(root: Path, chapter: Chapter, places: Sequence[Place]) -> None:
    """The index of an ICB page run per place, listing the places whose page has been built."""
    path = root / "book" / "icb" / chapter.id / "index.md"
    places = [p for p in places if (path.parent / f"{p.slug}.ipynb").is_file()]
    if not places:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    items = "\n".join(f"- {{doc}}`{p.name} <{p.slug}>`" for p in places)
    path.write_text(f"# {chapter.title}\n\nOne page for each place:\n\n{items}\n", encoding="utf-8")


def _prune_missing(root: Path, toc_dict: dict) -> str:
    import yaml

    def exists(entry: Mapping) -> bool:
        stem = root / entry["file"]
        return any(stem.with_suffix(s).is_file() for s in (".md", ".ipynb"))

    def prune(entries: list) -> list:
        kept = []
        for entry in entries:
            if not exists(entry):
                continue
            entry = dict(entry)
            if "sections" in entry:
                entry["sections"] = prune(entry["sections"])
                if not entry["sections"]:
                    del entry["sections"]
            kept.append(entry)
        return kept

    parts = []
    for part in toc_dict["parts"]:
        chapters = prune(part["chapters"])
        if chapters:
            parts.append({**part, "chapters": chapters})
    return yaml.safe_dump({**toc_dict, "parts": parts}, sort_keys=False)
