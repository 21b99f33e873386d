"""Fixtures for the site checks: the built site, a deliberately broken copy, a local server, Chromium.

``built_site`` is the repository's ``_build/html`` (or ``PHNA_SITE_DIR``), else a tiny book built here (see
:mod:`browser.sites`). ``broken_site`` is a copy with one defect of each kind, to show every check fails.
Browser tests are marked ``browser``; without Chromium they skip, except under CI (``CI=true``), where they
fail so that a missing browser cannot pass silently.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from browser import checks, reader, sites

CHROMIUM = os.environ.get("PHNA_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    return sites.site_dir(tmp_path_factory)


@dataclass
class Breakage:
    """Where each defect was put in the broken copy (site-relative paths)."""

    site: Path
    chapter: str  # chapter page: figure image deleted, alt text stripped, findings/CSV links/About removed
    image: str  # the deleted image file
    link_page: str  # page with a broken internal link
    script_page: str  # page with an external <script src> and an injected JS error
    css_file: str  # stylesheet with an external @import
    # The chapter also gets, for the reader checks: an over-long alt text on a chart shrunk to 120 px (text too
    # small), a table without caption or row headers showing "<NA>" and counts as "431.0", build words, a
    # button whose accessible name does not match its text and a toggle with no name (axe), and a title and
    # heading without the place.
    # The script page gets two download links with the same name (the chapter must keep having none).


def _first_image(site: Path, page: str) -> tuple[str, str] | None:
    """(image path in the site, the src as written) of the first local <img> in a page's main content."""
    for image in checks.main_content(checks.soup(site / page)).find_all("img", src=True):
        src = image["src"]
        if not checks.is_external(src):
            target = (site / page).parent / src.split("?")[0]
            if target.is_file():
                return target.resolve().relative_to(site.resolve()).as_posix(), src
    return None


@pytest.fixture(scope="session")
def broken_site(built_site: Path, tmp_path_factory) -> Breakage:
    site = tmp_path_factory.mktemp("broken") / "html"
    shutil.copytree(built_site, site, ignore=shutil.ignore_patterns(".doctrees", ".buildinfo"))
    chapters = [page for page in checks.chapter_pages(site) if _first_image(site, page)]
    assert chapters, "the built site has no chapter page with a figure to break"
    chapter = next((page for page in chapters if reader.place_name(site, page)), chapters[0])
    image, src = _first_image(site, chapter)

    # 1. a missing image file (failed request); 2. that image's alt text stripped;
    # 3. the chapter's findings block, CSV downloads and 'About this chapter' section removed.
    (site / image).unlink()
    html = (site / chapter).read_text(encoding="utf-8")
    html = re.sub(r'(<img\b[^>]*?\balt=")[^"]*(")', r"\1\2", html)
    html = html.replace("findings", "no-findings").replace("About this chapter", "Colophon")
    html = re.sub(r'href="([^"]*?)\.csv"', r'href="\1.txt"', html).replace('class="reference download', 'class="reference')
    html = _break_for_readers(site, chapter, html)
    (site / chapter).write_text(html, encoding="utf-8")

    # 4. a broken internal link on the home page.
    link_page = "index.html" if (site / "index.html").stat().st_size > 1000 else checks.content_pages(site)[0]
    html = (site / link_page).read_text(encoding="utf-8")
    html = html.replace("</body>", '<a href="book/no-such-page.html">gone</a></body>', 1)
    (site / link_page).write_text(html, encoding="utf-8")

    # 5. an external script and 6. a JS error on another page.
    script_page = next(page for page in checks.content_pages(site) if page not in (chapter, link_page))
    html = (site / script_page).read_text(encoding="utf-8")
    html = html.replace(
        "</head>",
        '<script src="https://cdn.example.com/x.js"></script>'
        '<script>window.addEventListener("load", () => { undefinedFunctionOnPurpose(); });</script></head>',
        1,
    )
    same = '<a class="reference download internal" href="data.csv">Download the data behind this chart (CSV)</a>'
    start = html.find("<article")
    html = html[:start] + re.sub(r"(</h1>)", lambda m: m.group(1) + f"<p>{same} {same}</p>", html[start:], count=1)
    (site / script_page).write_text(html, encoding="utf-8")

    # 7. an external @import in a stylesheet the pages load.
    css_file = "_static/styles/sphinx-book-theme.css"
    if not (site / css_file).is_file():
        css_file = next(p.relative_to(site).as_posix() for p in sorted((site / "_static").rglob("*.css")))
    css = site / css_file
    css.write_text('@import url("https://fonts.example.com/css?family=Roboto");\n' + css.read_text(encoding="utf-8"))
    return Breakage(site, chapter, image, link_page, script_page, css_file)


BROKEN_CHART = """<svg xmlns="http://www.w3.org/2000/svg" width="400pt" height="200pt" viewBox="0 0 400 200">
<text x="10" y="100" style="font-size: 10px; font-family: sans-serif">A chart label</text></svg>"""


def _break_for_readers(site: Path, chapter: str, html: str) -> str:
    """The reader-check defects (see :class:`Breakage`), put into the chapter's HTML."""
    (site / "_images").mkdir(exist_ok=True)
    (site / "_images" / "phna-broken-chart.svg").write_text(BROKEN_CHART, encoding="utf-8")
    up = "../" * chapter.count("/")
    block = (
        f'<img src="{up}_images/phna-broken-chart.svg" style="width: 120px" alt="{"A long description. " * 20}">'
        '<table><thead><tr><th>district_name</th><th>deaths</th><th>status</th></tr></thead><tbody>'
        "<tr><td>A</td><td>431.0</td><td>&lt;NA&gt;</td></tr><tr><td>B</td><td>12.0</td><td>ok</td></tr></tbody></table>"
        "<p>Read from ../shared/data with data/plus_groups.yaml: <code>deaths_extract</code> None.</p>"
        '<button aria-label="Go">Search the book</button><details><summary></summary>More</details>'
    )
    html = re.sub(r"<title>.*?</title>", "<title>A chapter — a book</title>", html, count=1, flags=re.S)
    start = html.find("<article")  # the page's own heading (an earlier <h1> is the theme's print-only copy)
    head, body = html[:start], html[start:]
    body = re.sub(r"(<h1[^>]*>).*?(</h1>)", lambda m: m.group(1) + "A chapter" + m.group(2) + block, body, count=1, flags=re.S)
    return head + body


@pytest.fixture(scope="session")
def chromium() -> str:
    if not Path(CHROMIUM).is_file():
        message = f"headless Chromium not found at {CHROMIUM}: run `bash scripts/install-chromium.sh` (as root)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " — CI must run the browser checks, not skip them", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = checks.launch(playwright, chromium)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def site_url(built_site):
    with checks.serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def broken_url(broken_site):
    with checks.serve(broken_site.site) as url:
        yield url


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe-core, from node_modules (scripts/vendor-axe.sh installs the version pinned in package-lock.json)."""
    if not reader.AXE_JS.is_file():
        sites.ensure_axe()
    if not reader.AXE_JS.is_file():
        message = "axe-core is not installed: run `bash scripts/vendor-axe.sh` (needs npm)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return reader.AXE_JS


@pytest.fixture(scope="session")
def reader_seen(browser, site_url, built_site, axe_js) -> list:
    """Every content page at 1280 px (with axe-core) and at 390 px (with axe-core too: a phone is a reader)."""
    pages = checks.content_pages(built_site)
    return [reader.look(browser, site_url, page, width) for width in (reader.LAPTOP, reader.PHONE) for page in pages]


@pytest.fixture(scope="session")
def broken_seen(browser, broken_url, broken_site, axe_js) -> list:
    pages = [(broken_site.chapter, reader.LAPTOP), (broken_site.chapter, reader.PHONE), (broken_site.script_page, reader.LAPTOP)]
    return [reader.look(browser, broken_url, page, width) for page, width in pages]
