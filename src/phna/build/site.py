"""The static site: place index pages, the build record, and the Jupyter Book (Sphinx) build.

The HTML is built into a temporary folder (seeded with the previous build so Sphinx only re-renders what
changed) and swapped in only when the build succeeded, so a failed build never leaves a half-built site
where the previous good one was.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Iterable, Mapping

from phna import geography
from phna.build import messages
from phna.build.toc import place_dir
from phna.config import Config, Place
from phna.errors import PhnaError
from phna.wording import join_names, plural

GENERATED = "book/_generated"


def place_pages(root: Path, config: Config, place: Place, chapters: Iterable) -> list[messages.Page]:
    """The built pages of a place: its chapters, the ICB pages run for it and, for the ICB, the ICB-wide pages."""
    pages = [
        messages.Page(c.id, c.title, c.id, root / place_dir(place) / f"{c.id}.ipynb")
        for c in chapters
        if (root / place_dir(place) / f"{c.id}.ipynb").is_file()
    ]
    for chapter in config.icb_pages:
        if chapter.scope == "place":
            doc = f"/book/icb/{chapter.id}/{place.slug}"
            notebook = root / "book" / "icb" / chapter.id / f"{place.slug}.ipynb"
        elif place.is_icb:
            doc, notebook = f"/book/icb/{chapter.id}", root / "book" / "icb" / f"{chapter.id}.ipynb"
        else:
            continue
        if notebook.is_file():
            pages.append(messages.Page(chapter.id, chapter.title, doc, notebook))
    return pages


def _intro(config: Config, place: Place) -> str:
    """What the place is, from the configuration and the geography lookups (its ICB comes from the lookups)."""
    areas = geography.place_areas(place)
    names = geography.area_names()
    district_names = [names.get(code, code) for code in areas.districts]
    lsoas = f"{len(areas.lsoa11):,} small areas (LSOAs, 2011 definitions)"
    if place.is_icb:
        # The places that divide the ICB between them (not places outside it, nor one inside another).
        places = [p.name for p in geography.partition_places(config, place).places]
        return (
            f"{geography.icb_name(config.icb_code) if config.icb_code else place.name} covers {plural(len(areas.districts), 'local authority district')} "
            f"({join_names(district_names)}) and {lsoas}"
            + (f", in {plural(len(places), 'place')}: {join_names(places)}." if places else ".")
        )
    if not place.districts:
        made_of = f"a place defined by a list of {lsoas}"
    elif place.description:
        made_of = f"made up of {place.description}, with {lsoas}"
    elif district_names == [place.name]:
        made_of = f"the local authority district of {place.name}, with {lsoas}"
    else:
        made_of = f"made up of {join_names(district_names)}, with {lsoas}"
    if config.icb_code and areas.icb_code == config.icb_code:
        where = f"one of the places of {geography.icb_name(config.icb_code)}"
    elif areas.icb_code:
        where = f"in {geography.icb_name(areas.icb_code)}"
    else:
        where = "a place spanning more than one integrated care board"
    return f"{place.name} is {where}: {made_of}."


def write_place_index(root: Path, config: Config, place: Place, chapters: Iterable) -> Path:
    """The landing page of a place: what it is, its main messages (from its chapters' findings records, each
    linked to its evidence) and its chapters."""
    chapters = list(chapters)
    path = root / place_dir(place) / "index.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    found = messages.place_messages(place_pages(root, config, place, chapters))
    items = "\n".join(f"- {{doc}}`{c.title} <{c.id}>`" for c in chapters)
    sections = [f"# {place.name}", _intro(config, place), messages.render(found, place.name).strip()]
    sections.append(
        f"## Chapters\n\n{items}\n\n"
        "Every chapter starts with its key findings, shows each chart with its confidence intervals, "
        "source and a download of the numbers behind it, and ends with a note of the parameters and "
        "data it was made from."
    )
    path.write_text("\n\n".join(s for s in sections if s) + "\n", encoding="utf-8")
    return path


def _git_revision(root: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
        )
        revision = out.stdout.strip() or "unknown"
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return revision + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


PACKAGES = (
    "phna", "jupyter-book", "sphinx", "myst-nb", "papermill", "pandas", "numpy", "scipy",
    "matplotlib", "seaborn", "statsmodels",
)  # fmt: skip


def write_build_info(root: Path, config: Config, manifest_entries: Mapping[str, Mapping]) -> Path:
    """The generated part of "About this build": revision, parameters, data sources, packages."""
    from phna.provenance import catalogue_summary

    path = root / GENERATED / "build-info.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"- **Built**: {time.strftime('%Y-%m-%d %H:%M %Z')}",
        f"- **Source revision**: `{_git_revision(root)}`",
        f"- **Python**: {platform.python_version()} on {platform.system()} {platform.machine()}",
        f"- **Data mirror**: `{os.environ.get('PHNA_DATA_MIRROR', '../shared/data (default)')}`",
        "",
        "## Chapters and their parameters",
        "",
        "Each chapter page ends with the full list of data files it read, with their checksums.",
        "",
        "| chapter | place | parameters | data files read | run at |",
        "|---|---|---|---|---|",
    ]
    for job_id, entry in sorted(manifest_entries.items()):
        prov = entry.get("provenance", {})
        chapter_id, _, place = job_id.partition("/")
        params = ", ".join(
            f"{k}={json.dumps(v)}" for k, v in sorted(prov.get("parameters", {}).items()) if k != "place"
        )
        lines.append(
            f"| {chapter_id} | {place} | `{params}` | {len(prov.get('sources', []))} | {prov.get('run_at', '')} |"
        )
    lines += ["", "## Package versions", "", "| package | version |", "|---|---|"]
    for package in PACKAGES:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "not installed"
        lines.append(f"| {package} | {version} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sources = ["| source | publisher | licence | period | original location | sha256 |", "|---|---|---|---|---|---|"]
    for row in catalogue_summary(None):
        link = f"<{row['url']}>" if row.get("url") else "–"
        sources.append(
            f"| {row['title'].replace('_', ' ')} | {row['publisher']} | {row['licence']} | {row.get('period', '')} "
            f"| {link} | `{row['sha256'][:12]}…` |"
        )
    (path.parent / "sources.md").write_text("\n".join(sources) + "\n", encoding="utf-8")
    return path


def tree_hash(root: Path, toc_text: str) -> str:
    """A hash of everything the site is built from (pages, notebooks, their files, config, toc)."""
    digest = hashlib.sha256(toc_text.encode())
    for name in ("_config.yml",):
        digest.update((root / name).read_bytes())
    for path in sorted((root / "book").rglob("*")):
        # build-info.md carries the build time, so it alone is left out (it changes with every build).
        if path.is_file() and path.name != "build-info.md" and "/_vendor/" not in path.as_posix():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_html(root: Path, toc_path: Path, work: Path, log=print, seed: bool = True) -> Path:
    """Build the HTML into ``work`` and swap it into ``<root>/_build``; return the html folder.

    ``seed=False`` builds from nothing (after pages were removed, whose HTML a seeded build would keep)."""
    final = root / "_build"
    staging = work / "site"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    if seed and (final / ".doctrees").is_dir() and (final / "html").is_dir():
        # Seed with the previous build so Sphinx re-renders only what changed.
        shutil.copytree(final, staging / "_build", symlinks=True)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [
        str(jupyter_book) if jupyter_book.exists() else "jupyter-book",
        "build",
        str(root),
        "--toc",
        str(toc_path),
        "--path-output",
        str(staging),
        "-W",
        "-n",
        "--keep-going",
    ]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=root)
    if result.returncode != 0 or not (staging / "_build" / "html" / "index.html").is_file():
        report = (result.stdout + "\n" + result.stderr).strip().splitlines()
        problems = [line for line in report if "WARNING" in line or "ERROR" in line or "Error" in line]
        detail = "\n".join((problems or report)[-30:])
        raise PhnaError(
            "the Jupyter Book build failed; the previous site (if any) was left in place.\n" + detail
        )
    log(f"  site built in {time.perf_counter() - started:.1f} s")
    old = root / "_build.old"
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    (staging / "_build").rename(final)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    return final / "html"
