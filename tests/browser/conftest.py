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

from browser import checks, sites

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
    chapter = chapters[0]
    image, src = _first_image(site, chapter)

    # 1. a missing image file (failed request); 2. that image's alt text stripped;
    # 3. the chapter's findings block, CSV downloads and 'About this chapter' section removed.
    (site / image).unlink()
    html = (site / chapter).read_text(encoding="utf-8")
    html = re.sub(r'(<img\b[^>]*?\balt=")[^"]*(")', r"\1\2", html)
    html = html.replace("findings", "no-findings").replace("About this chapter", "Colophon")
    html = re.sub(r'href="([^"]*?)\.csv"', r'href="\1.txt"', html).replace('class="reference download', 'class="reference')
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
    (site / script_page).write_text(html, encoding="utf-8")

    # 7. an external @import in a stylesheet the pages load.
    css_file = "_static/styles/sphinx-book-theme.css"
    if not (site / css_file).is_file():
        css_file = next(p.relative_to(site).as_posix() for p in sorted((site / "_static").rglob("*.css")))
    css = site / css_file
    css.write_text('@import url("https://fonts.example.com/css?family=Roboto");\n' + css.read_text(encoding="utf-8"))
    return Breakage(site, chapter, image, link_page, script_page, css_file)


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
