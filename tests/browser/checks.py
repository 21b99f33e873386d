"""Checks of a built site, as plain functions that return the problems they find.

Each check takes the site's HTML folder (or a served URL) and returns a list of :class:`Problem`; an empty
list means the site passed. The positive tests run them on the built book; the negative tests run them on a
deliberately broken copy to show that each one catches what it is for. The static checks need only the
files; :func:`browse` drives headless Chromium (Debian's, through Playwright's ``executable_path``).
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

#: Pages that are Sphinx machinery rather than content.
NOT_CONTENT = {"genindex.html", "search.html", "py-modindex.html"}
#: Folders of assets (and copies of sources) rather than pages.
ASSET_DIRS = {"_static", "_sources", "_images", "_downloads", "mathjax", "_sphinx_design_static"}
#: Where the generated chapters live; every non-index page below them is a chapter.
CHAPTER_DIRS = ("book/places/", "book/icb/")
ABOUT_HEADING = "About this chapter"

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@dataclass(frozen=True)
class Problem:
    page: str  # path of the page (or CSS file) in the site, e.g. book/places/rugby/overview.html
    check: str  # links | alt | chapter | offline | console | request
    detail: str

    def __str__(self) -> str:
        return f"{self.page}: [{self.check}] {self.detail}"


def report(problems: Iterable[Problem], limit: int = 40) -> str:
    problems = list(problems)
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"… and {len(problems) - limit} more")
    return f"{len(problems)} problem(s):\n" + "\n".join(lines)


# ------------------------------------------------------------------ pages
def content_pages(site: Path) -> list[str]:
    """Site-relative paths of every content page (not the index/search machinery, not assets)."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        if relative in NOT_CONTENT or relative.split("/", 1)[0] in ASSET_DIRS:
            continue
        pages.append(relative)
    return pages


@functools.lru_cache(maxsize=512)
def _soup(path: Path, mtime: float) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "html.parser")


def soup(path: Path) -> BeautifulSoup:
    return _soup(path, path.stat().st_mtime)


def main_content(document: BeautifulSoup):
    """The page's main content (the article, without the navigation and sidebars)."""
    for selector in ("article.bd-article", "main#main-content", "main", "div[role=main]"):
        found = document.select_one(selector)
        if found is not None:
            return found
    return document


def _has_about_heading(content) -> bool:
    """True when the content has the "About this chapter" heading: a section heading, or a rubric (the
    footer is written as a MyST ``{rubric}`` so that it does not appear in the page's table of contents)."""
    candidates = content.find_all(re.compile(r"^h[1-6]$")) + content.select(".rubric")
    for heading in candidates:
        text = " ".join(heading.get_text(" ").split()).rstrip("#¶ ").strip()
        if text.startswith(ABOUT_HEADING):
            return True
    return False


def is_chapter_page(site: Path, page: str) -> bool:
    """A generated chapter: any non-index page under book/places/ or book/icb/, or any page that ends with
    the "About this chapter" section every chapter notebook writes."""
    if page.startswith(CHAPTER_DIRS) and PurePosixPath(page).name != "index.html":
        return True
    return _has_about_heading(main_content(soup(site / page)))


def chapter_pages(site: Path) -> list[str]:
    return [page for page in content_pages(site) if is_chapter_page(site, page)]


# ------------------------------------------------------------------ static checks
def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("//")


def _resolve(site: Path, page: str, url: str) -> tuple[Path, str]:
    """The file a local URL on ``page`` points at, and its fragment."""
    parts = urlsplit(url)
    if not parts.path:
        return site / page, unquote(parts.fragment)
    base = PurePosixPath(page).parent
    target = (site / base / unquote(parts.path)).resolve()
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def _ids(path: Path) -> set[str]:
    document = soup(path)
    return {tag["id"] for tag in document.find_all(id=True)} | {tag["name"] for tag in document.find_all("a", attrs={"name": True})}


def check_internal_links(site: Path, pages: Iterable[str] | None = None) -> list[Problem]:
    """Every local link and asset (a/href, img/src, script/src, link/href) resolves to a file in the site,
    and a link's #fragment to an element id of its target page."""
    site = site.resolve()
    problems = []
    for page in pages if pages is not None else content_pages(site):
        document = soup(site / page)
        for tag, attribute in (("a", "href"), ("img", "src"), ("script", "src"), ("link", "href"), ("source", "src")):
            for element in document.find_all(tag, attrs={attribute: True}):
                url = element[attribute].strip()
                if not url or url == "#" or not _is_local(url) or url.startswith(("mailto:", "javascript:", "data:")):
                    continue
                if tag == "link" and not {"stylesheet", "icon", "preload", "modulepreload"} & set(element.get("rel", [])):
                    continue  # canonical, search, index, prev/next … are checked when they are <a> links
                target, fragment = _resolve(site, page, url)
                if site not in target.parents and target != site:
                    problems.append(Problem(page, "links", f"<{tag} {attribute}={url!r}> points outside the site"))
                elif not target.is_file():
                    problems.append(Problem(page, "links", f"<{tag} {attribute}={url!r}>: no such file"))
                elif tag == "a" and fragment and target.suffix == ".html" and fragment not in _ids(target):
                    problems.append(Problem(page, "links", f"<a href={url!r}>: no element with id {fragment!r}"))
    return problems


def check_alt_text(site: Path, pages: Iterable[str] | None = None) -> list[Problem]:
    """Every <img> in the main content has non-empty alt text."""
    problems = []
    for page in pages if pages is not None else content_pages(site):
        for image in main_content(soup(site / page)).find_all("img"):
            if not (image.get("alt") or "").strip():
                problems.append(Problem(page, "alt", f"<img src={image.get('src')!r}> has no alt text"))
    return problems


def _is_download(link) -> bool:
    classes = link.get("class", [])
    href = urlsplit(link.get("href", "")).path.lower()
    return "download" in classes or href.endswith(".csv")


def check_chapters(site: Path, pages: Iterable[str] | None = None) -> list[Problem]:
    """Every chapter page has its findings block, a data download and its "About this chapter" section."""
    problems = []
    for page in pages if pages is not None else chapter_pages(site):
        content = main_content(soup(site / page))
        if content.select_one("div.admonition.findings") is None:
            problems.append(Problem(page, "chapter", "no findings block (admonition with class 'findings')"))
        if not any(_is_download(link) for link in content.find_all("a", href=True)):
            problems.append(Problem(page, "chapter", "no data download link (a.download or a .csv link)"))
        if not _has_about_heading(content):
            problems.append(Problem(page, "chapter", f"no '{ABOUT_HEADING}' section"))
    return problems


# ------------------------------------------------------------------ self-contained site
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(['"]?)([^'")\s;]+)""", re.I)
#: <link rel=…> values that make the browser fetch the href.
FETCHING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch", "icon", "manifest", "import"}
#: Elements that fetch their src (or data) when the page loads.
FETCHING_SRC = ("script", "img", "iframe", "audio", "video", "source", "track", "embed", "input")


def is_external(url: str) -> bool:
    """True for a URL that would be fetched from another host (http(s) or protocol-relative)."""
    url = url.strip().lower()
    return url.startswith(("http://", "https://", "//"))


def _css_problems(text: str, where: str) -> list[Problem]:
    problems = []
    for _, url in _CSS_IMPORT.findall(text):
        if is_external(url):
            problems.append(Problem(where, "offline", f"CSS @import of {url}"))
    for _, url in _CSS_URL.findall(text):
        if is_external(url):
            problems.append(Problem(where, "offline", f"CSS url({url}) (font or image from another host)"))
    return problems


def check_offline(site: Path) -> list[Problem]:
    """The site loads nothing from another host: no external scripts, stylesheets, fonts, @imports, images
    or frames in any HTML file, and no external @import/url() in any CSS file. Plain links are fine."""
    site = site.resolve()
    problems = []
    for path in sorted(site.rglob("*.html")):
        page = path.relative_to(site).as_posix()
        document = soup(path)
        for tag in document.find_all(FETCHING_SRC):
            for attribute in ("src", "srcset", "data-src"):
                value = tag.get(attribute) or ""
                urls = [part.strip().split(" ")[0] for part in value.split(",")] if attribute == "srcset" else [value]
                problems += [Problem(page, "offline", f"<{tag.name} {attribute}={u!r}>") for u in urls if is_external(u)]
        for tag in document.find_all("object", attrs={"data": True}):
            if is_external(tag["data"]):
                problems.append(Problem(page, "offline", f"<object data={tag['data']!r}>"))
        for link in document.find_all("link", href=True):
            rels = set(link.get("rel", []))
            if rels & FETCHING_RELS and is_external(link["href"]):
                problems.append(Problem(page, "offline", f"<link rel={' '.join(sorted(rels))} href={link['href']!r}>"))
        for style in document.find_all("style"):
            problems += _css_problems(style.get_text(), page)
        for tag in document.find_all(style=True):
            problems += _css_problems(tag["style"], page)
    for path in sorted(site.rglob("*.css")):
        problems += _css_problems(path.read_text(encoding="utf-8", errors="replace"), path.relative_to(site).as_posix())
    return problems


# ------------------------------------------------------------------ serving and browsing
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def launch(playwright, executable: str):
    """Launch Debian's headless Chromium (Playwright's own browser download does not work here)."""
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


#: Console errors that come from the toolchain itself, not from the book, each with its cause and fix.
#: They are reported as warnings rather than failures; remove an entry once its fix is in _config.yml.
KNOWN_CONSOLE_NOISE: dict[str, str] = {}  # none: fixed in _config.yml (html_context default_mode; no sphinx_thebe)


def known_noise(message: str) -> str | None:
    """The explanation of a known toolchain console error, or None for any other message."""
    return next((why for known, why in KNOWN_CONSOLE_NOISE.items() if message.startswith(known)), None)


@dataclass
class PageVisit:
    page: str
    console_errors: list[str]
    page_errors: list[str]
    failed_requests: list[str]
    external_requests: list[str]
    maths_rendered: int  # number of MathJax containers on the page after loading
    maths_source: int  # number of maths elements Sphinx wrote


def visit(browser, base_url: str, page: str, timeout_ms: int = 30_000) -> PageVisit:
    """Load one page in a fresh context, blocking (and recording) every request to another host."""
    origin = base_url.rstrip("/")
    context = browser.new_context()
    result = PageVisit(page, [], [], [], [], 0, 0)

    def route(r):
        if r.request.url.startswith(origin) or r.request.url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            result.external_requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.on("console", lambda m: result.console_errors.append(f"{m.text} ({m.location.get('url', '')})") if m.type == "error" else None)
    tab.on("pageerror", lambda e: result.page_errors.append(str(e)))
    tab.on(
        "requestfailed",
        lambda r: None if not r.url.startswith(origin) else result.failed_requests.append(f"{r.url}: {r.failure}"),
    )
    tab.on("response", lambda r: result.failed_requests.append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None)
    try:
        tab.goto(base_url + page, wait_until="load", timeout=timeout_ms)
        try:
            tab.wait_for_load_state("networkidle", timeout=10_000)
        except Exception:  # a page that keeps polling is not an error in itself
            pass
        result.maths_source = tab.locator(".math").count()
        if result.maths_source:
            try:
                tab.wait_for_selector("mjx-container", timeout=10_000)
            except Exception:
                pass
            result.maths_rendered = tab.locator("mjx-container").count()
    finally:
        context.close()
    return result


def browse(browser, base_url: str, pages: Iterable[str]) -> tuple[list[Problem], list[PageVisit]]:
    """Visit each page; report console errors, uncaught exceptions, failed and external requests."""
    problems, visits = [], []
    for page in pages:
        seen = visit(browser, base_url, page)
        visits.append(seen)
        problems += [Problem(page, "console", m) for m in seen.console_errors if not known_noise(m)]
        problems += [Problem(page, "console", f"uncaught exception: {m}") for m in seen.page_errors if not known_noise(m)]
        problems += [Problem(page, "request", f"failed: {message}") for message in seen.failed_requests]
        problems += [Problem(page, "request", f"external request blocked: {url}") for url in seen.external_requests]
    return problems, visits
