"""Checks of the book as its readers meet it, measured in headless Chromium at a laptop and a phone width.

One visit per page and width collects what the checks need (:func:`look`): the axe-core WCAG 2.2 A/AA
violations (axe-core is injected by the test, never shipped in the book), the images and their rendered
size, the tables and their cells, the page title, the main heading and the text. Each ``check_*`` function
then turns those facts into :class:`browser.checks.Problem` records; an empty list means the rule holds.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from browser.checks import Problem

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
#: The WCAG 2.0, 2.1 and 2.2 level A and AA rule sets of axe-core.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LAPTOP, PHONE = 1280, 390
#: Smallest chart text, in CSS px, at each width.
MIN_CHART_TEXT = {LAPTOP: 10.0, PHONE: 8.0}
#: Alt text says what a chart is and its one message; the numbers are in the table behind it.
ALT_LIMIT = 300
#: Columns a table may show on the page (the full table is in its CSV).
MAX_COLUMNS = 8

#: Words and shapes of the build, never for readers: file paths, config files, code identifiers.
BUILD_WORDS = {
    "data mirror": re.compile(r"\bdata mirror\b", re.I),
    "a relative path": re.compile(r"\.\./[\w./-]+"),
    "a config or code file name": re.compile(r"\b[\w-]+\.(?:ya?ml|ipynb|py|json|toml)\b"),
    "a code identifier": re.compile(r"(?<![\w/.@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/.@-])"),
    # "None of its areas …" is English; "None" as a value is not
    "a Python value": re.compile(r"\b(?:NaN|nan|True|False)\b|\bNone\b(?!\s+(?:of|is|are|was|were|has|have|had|in|at)\b)"),
    "an unfinished plural": re.compile(r"\w\(s\)"),
}

_LOOK = """() => {
  const main = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  const text = (e) => (e ? e.innerText || e.textContent || '' : '').replace(/\\s+/g, ' ').trim();
  const images = [...main.querySelectorAll('img')].map((i) => ({
    src: i.getAttribute('src') || '', alt: i.getAttribute('alt'), width: i.getBoundingClientRect().width,
    natural: i.naturalWidth, visible: i.getBoundingClientRect().width > 0,
  }));
  const tables = [...main.querySelectorAll('table')].map((t) => {
    const rows = [...t.querySelectorAll('tbody tr')];
    const box = t.parentElement;
    return {
      caption: text(t.querySelector('caption')),
      heads: [...t.querySelectorAll('thead th')].map(text),
      rows: rows.map((r) => [...r.cells].map(text)),
      row_headers: rows.map((r) => (r.cells[0] ? r.cells[0].tagName.toLowerCase() + ':' + (r.cells[0].getAttribute('scope') || '') : '')),
      too_wide: t.getBoundingClientRect().width > box.getBoundingClientRect().width + 1 || box.scrollWidth > box.clientWidth + 1,
    };
  });
  const code = [...main.querySelectorAll('code, kbd, samp')].map(text).filter((t) => t);
  const downloads = [...main.querySelectorAll('a[href]')]
    .filter((a) => a.classList.contains('download') || /\\.csv$/i.test(a.getAttribute('href').split('?')[0]))
    .map((a) => (a.getAttribute('aria-label') || text(a)));
  return {title: document.title, h1: text(main.querySelector('h1')), text: text(main), code, images, tables, downloads};
}"""


@dataclass
class Seen:
    """What a reader's browser showed of one page at one width."""

    page: str
    width: int
    title: str = ""
    h1: str = ""
    text: str = ""
    code: list = field(default_factory=list)
    images: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    downloads: list = field(default_factory=list)  # the accessible name of each download link
    violations: list = field(default_factory=list)  # axe-core results: id, impact, help, targets


def look(browser, base_url: str, page: str, width: int, axe: bool = True) -> Seen:
    """Load ``page`` at ``width`` CSS px, run axe-core (WCAG 2.2 A/AA) when asked, and collect the facts."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    try:
        tab.goto(base_url + page, wait_until="load", timeout=60_000)
        try:
            tab.wait_for_load_state("networkidle", timeout=10_000)
        except Exception:  # a page that keeps polling is not an error here
            pass
        facts = tab.evaluate(_LOOK)
        seen = Seen(page, width, **facts)
        if axe:
            tab.add_script_tag(path=str(AXE_JS))
            result = tab.evaluate(
                "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                AXE_TAGS,
            )
            seen.violations = [
                {"id": v["id"], "impact": v["impact"], "help": v["help"],
                 "targets": [" ".join(map(str, n["target"])) for n in v["nodes"]]}
                for v in result["violations"]
            ]  # fmt: skip
    finally:
        context.close()
    return seen


def axe_count(seen: list[Seen]) -> int:
    """Number of failing elements (axe 'nodes') over all pages."""
    return sum(len(v["targets"]) for s in seen for v in s.violations)


# ------------------------------------------------------------------ checks
def check_axe(seen: list[Seen]) -> list[Problem]:
    return [
        Problem(s.page, "axe", f"{v['id']} ({v['impact']}) at {s.width} px: {v['help']}: {target}")
        for s in seen for v in s.violations for target in v["targets"]
    ]  # fmt: skip


def check_alt_length(seen: list[Seen], limit: int = ALT_LIMIT) -> list[Problem]:
    return [
        Problem(s.page, "alt length", f"alt text of {image['src']} has {len(image['alt'])} characters (at most {limit})")
        for s in seen if s.width == LAPTOP for image in s.images if image["alt"] and len(image["alt"]) > limit
    ]  # fmt: skip


_MISSING = re.compile(r"^(?:<NA>|NA|NaN|nan|None|NaT|null)$")
_DECIMAL_ZERO = re.compile(r"^[-−]?[£$]?\d[\d,]*\.0+$")


def check_tables(seen: list[Seen]) -> list[Problem]:
    """Every table has a caption and row headers; no missing-value code and no count printed with ".0"
    (a column whose numbers all end in .0); at most :data:`MAX_COLUMNS` columns; no sideways scroll at 1280 px."""
    problems = []
    for s in seen:
        for k, table in enumerate(s.tables, start=1):
            name = f"table {k} ({table['caption'][:50] or 'no caption'})"
            if s.width != LAPTOP:
                continue
            if not table["caption"]:
                problems.append(Problem(s.page, "table", f"{name} has no <caption>"))
            if table["rows"] and not all(h.startswith("th") for h in table["row_headers"]):
                problems.append(Problem(s.page, "table", f"{name}: first cell of each row is not a row header (<th scope=row>)"))
            cells = [c for row in table["rows"] for c in row]
            missing = sorted({c for c in cells if _MISSING.match(c)})
            if missing:
                problems.append(Problem(s.page, "table", f"{name} shows {missing} for missing values (use a dash and a note)"))
            width = max((len(r) for r in table["rows"]), default=len(table["heads"]))
            if width > MAX_COLUMNS:
                problems.append(Problem(s.page, "table", f"{name} has {width} columns on the page (at most {MAX_COLUMNS})"))
            for j in range(width):
                column = [r[j] for r in table["rows"] if j < len(r) and re.search(r"\d", r[j])]
                head = table["heads"][j] if j < len(table["heads"]) else f"column {j + 1}"
                # A percentage or rate may round to a whole number on every row (26.0 %, 31.0 %): not a count.
                if "%" in head or "rate" in head.lower():
                    continue
                if len(column) >= 2 and all(_DECIMAL_ZERO.match(c) for c in column):
                    problems.append(Problem(s.page, "table", f"{name}: '{head}' prints whole numbers as decimals ({column[0]})"))
            if table["too_wide"]:
                problems.append(Problem(s.page, "table", f"{name} is wider than the page at {s.width} px (scrolls sideways)"))
    return problems


def check_download_names(seen: list[Seen]) -> list[Problem]:
    """Each download link on a page has its own name, saying which chart or table it downloads (a list of
    links all called "Download the data (CSV)" cannot be told apart by a screen-reader user)."""
    problems = []
    for s in seen:
        if s.width != LAPTOP:
            continue
        repeated = sorted({name for name in s.downloads if s.downloads.count(name) > 1})
        problems += [Problem(s.page, "download", f"{s.downloads.count(n)} download links are all named {n!r}") for n in repeated]
    return problems


def place_name(site: Path, page: str) -> str | None:
    """The name of the place a chapter page is about: the heading of its place's index page."""
    parts = PurePosixPath(page).parts
    if len(parts) >= 4 and parts[:2] == ("book", "places"):
        index = site / "book" / "places" / parts[2] / "index.html"
    elif len(parts) == 4 and parts[:2] == ("book", "icb") and (site / "book" / "places" / PurePosixPath(page).stem).is_dir():
        index = site / "book" / "places" / PurePosixPath(page).stem / "index.html"  # an ICB page per place
    elif len(parts) >= 3 and parts[:2] == ("book", "icb"):
        index = site / "book" / "places" / "icb" / "index.html"
    else:
        return None
    if not index.is_file() or PurePosixPath(page).name == "index.html":
        return None
    match = re.search(r"<h1[^>]*>(.*?)</h1>", index.read_text(encoding="utf-8"), re.S)
    return re.sub(r"<[^>]+>|[#¶]", "", match.group(1)).strip() if match else None


def check_titles(seen: list[Seen], site: Path) -> list[Problem]:
    """A chapter page's title (in the browser tab) and its main heading name its place."""
    problems = []
    for s in seen:
        name = place_name(site, s.page)
        if not name or s.width != LAPTOP:
            continue
        names = {name, re.sub(r"\s+ICB$", "", name)}
        own_title = re.split(r"\s+[—–-]\s+", s.title)[0]
        if not any(n in own_title for n in names):
            problems.append(Problem(s.page, "title", f"page title {own_title!r} does not name the place ({name})"))
        if not any(n in s.h1 for n in names):
            problems.append(Problem(s.page, "title", f"heading {s.h1!r} does not name the place ({name})"))
    return problems


#: The one page that is a technical record of the build, for people reproducing it.
BUILD_RECORD_PAGES = {"book/about-this-build.html"}
_CHECKSUM = re.compile(r"^[0-9a-f]{8,64}…?$")


def check_build_words(seen: list[Seen]) -> list[Problem]:
    """No build language on a page: file paths, config file names, code identifiers, code formatting
    (checksums excepted). The "About this build" page, the build's own record, is not checked."""
    problems = []
    for s in seen:
        if s.width != LAPTOP or s.page in BUILD_RECORD_PAGES:
            continue
        words = re.sub(r"https?://\S+", " ", s.text)  # a source's address is not build language
        for what, pattern in BUILD_WORDS.items():
            found = sorted(set(pattern.findall(words)))
            if found:
                problems.append(Problem(s.page, "build words", f"{what}: {found[:5]}"))
        code = sorted({c for c in s.code if not _CHECKSUM.match(c)})
        if code:
            problems.append(Problem(s.page, "build words", f"text set as code: {code[:5]}"))
    return problems


def svg_text_sizes(path: Path) -> tuple[float, list[float]]:
    """(width of the SVG's viewBox, the font size of every text element in viewBox units)."""
    root = ElementTree.parse(path).getroot()
    box = root.get("viewBox")
    width = float(box.split()[2]) if box else float(re.sub(r"[a-z]+$", "", root.get("width", "0")))
    sizes = []
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] != "text" or not "".join(element.itertext()).strip():
            continue
        style = element.get("style", "") + ";" + (element.get("font-size") or "")
        match = re.search(r"font(?:-size)?\s*:\s*(?:[a-z0-9]+\s+)*?([\d.]+)px", style) or re.search(r";\s*([\d.]+)(?:px)?\s*$", style)
        if match:
            scale = re.search(r"scale\(([\d.]+)", element.get("transform", ""))
            sizes.append(float(match.group(1)) * (float(scale.group(1)) if scale else 1.0))
    return width, sizes


def check_chart_text(seen: list[Seen], site: Path) -> list[Problem]:
    """Chart text is at least 10 CSS px at 1280 px and 8 CSS px at 390 px: each chart is an SVG whose text
    sizes, scaled by the width the browser drew the image at, are measured; a raster chart cannot be."""
    problems = []
    for s in seen:
        limit = MIN_CHART_TEXT.get(s.width)
        if limit is None:
            continue
        for image in s.images:
            if not image["visible"]:
                continue
            src = unquote(urlsplit(image["src"]).path)
            if not src.lower().endswith(".svg"):
                problems.append(Problem(s.page, "chart text", f"{src} is a raster image: its text size cannot be "
                                        "checked and is blurred when scaled (publish charts as SVG)"))
                continue
            path = (site / PurePosixPath(s.page).parent / src).resolve()
            if not path.is_file():
                continue  # reported by the link check
            box_width, sizes = svg_text_sizes(path)
            if not sizes or not box_width:
                continue
            smallest = min(sizes) * image["width"] / box_width
            if smallest < limit - 0.05:
                problems.append(Problem(s.page, "chart text", f"{src}: smallest text {smallest:.1f} CSS px at "
                                        f"{s.width} px wide (drawn {image['width']:.0f} px wide; at least {limit:g} px)"))
    return problems
