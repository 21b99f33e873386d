"""The built site the browser and offline checks run against, and a tiny stand-in book.

``site_dir()`` picks, in order: ``PHNA_SITE_DIR`` (any built HTML folder), the repository's ``_build/html``
when it exists (``make book`` has run), or a tiny Jupyter Book built here with the repository's own
``_config.yml``: an introduction page with maths, a place index page and one chapter notebook whose outputs
have the same shape as a real chapter's (findings admonition, MyST figure with alt text, CSV download,
"About this chapter"). So the checks always have a site to run on, even before the chapters build.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import zlib
import struct
from pathlib import Path

import nbformat
import yaml

REPO = Path(__file__).resolve().parents[2]
VENDOR = REPO / "book" / "_vendor"

INTRO = """\
# Tiny book

A stand-in for the real book, used by the site checks when no built site is given.
Read the {doc}`demo chapter <places/demo/overview>` or the {doc}`place page <places/demo/index>`.

Inline maths $x^2 + y^2 = z^2$ and a display equation:

$$
\\mathrm{DSR} = \\frac{\\sum_i w_i \\, d_i / n_i}{\\sum_i w_i}
$$

An external link is fine: [ONS](https://www.ons.gov.uk/).
"""

PLACE_INDEX = """\
# Demo place

## Chapters

- {doc}`Place overview in Demo place <overview>`
"""

FINDINGS = """:::{admonition} Key findings
:class: tip findings

- The demo place has 1,234 residents.
- Half of them live in the most deprived decile.
:::
"""

FIGURE = """```{figure} data/overview-demo.svg
:alt: Bar chart of the share of the demo place's population in each deprivation decile.
:name: fig-overview-demo
:class: phna-chart

Share of the population by decile. *Source: made up for the tests.*
```

[Download the data behind the chart “Share of the population by decile” (CSV)](data/overview-demo.csv)
"""

TABLE = """<div class="phna-table-wrap">
<table class="phna-table"><caption>Share of the demo place's population by decile</caption><thead><tr><th scope="col">Decile</th><th scope="col">People</th><th scope="col">Share (%)</th></tr></thead><tbody><tr><th scope="row">1</th><td>617</td><td>50.5</td></tr><tr><th scope="row">2</th><td>–</td><td>49.5</td></tr></tbody></table>
</div>

– no value: not published, or not shown because it rests on too few events or people.

*Source: made up for the tests.* [Download the table “Share of the demo place's population by decile” (CSV)](data/overview-demo.csv)
"""

#: A chart as the book writes them: SVG, its text as text (10 units in a 403-unit-wide image).
SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="403pt" height="200pt" viewBox="0 0 403 200">
<rect x="40" y="40" width="300" height="120" fill="#0072B2"/>
<text x="40" y="185" style="font-size: 10px; font-family: sans-serif">Share of the population (%)</text></svg>
"""

ABOUT = """```{rubric} About this chapter
```

Made by the site tests. Methods are described in {doc}`/book/intro`.
"""


def _png(width: int = 4, height: int = 3) -> bytes:
    """A tiny valid grey PNG (no plotting library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _markdown_output(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/markdown": text})


def write_tiny_book(root: Path) -> Path:
    """Write the tiny book's sources into ``root`` and return it."""
    root.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = "Tiny book (site tests)"
    (root / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    toc = {
        "format": "jb-book",
        "root": "book/intro",
        "parts": [{"caption": "Places", "chapters": [{"file": "book/places/demo/index", "sections": [{"file": "book/places/demo/overview"}]}]}],
    }
    (root / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    book = root / "book"
    place = book / "places" / "demo"
    (place / "data").mkdir(parents=True, exist_ok=True)
    (book / "intro.md").write_text(INTRO, encoding="utf-8")
    (place / "index.md").write_text(PLACE_INDEX, encoding="utf-8")
    (place / "data" / "overview-demo.png").write_bytes(_png())
    (place / "data" / "overview-demo.svg").write_text(SVG, encoding="utf-8")
    (place / "data" / "overview-demo.csv").write_text("decile,share\n1,0.5\n2,0.5\n", encoding="utf-8")

    code = nbformat.v4.new_code_cell("ctx.findings(...)  # stands in for the library calls", execution_count=1)
    code.outputs = [_markdown_output(FINDINGS), _markdown_output(FIGURE), _markdown_output(TABLE)]
    footer = nbformat.v4.new_code_cell("ctx.footer()", execution_count=2)
    footer.outputs = [_markdown_output(ABOUT)]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Place overview in Demo place\n\nWho lives here?"), code, footer],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(notebook, place / "overview.ipynb")

    # The vendored MathJax, published by html_extra_path exactly as in the real book, and any static or
    # template folders and bibliographies the configuration may refer to.
    for folder in ("book/_vendor", "_static", "_templates", "book/_static", "book/_templates"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder, dirs_exist_ok=True)
    for bib in REPO.glob("*.bib"):
        shutil.copy2(bib, root / bib.name)
    return root


def ensure_mathjax() -> None:
    """Vendor MathJax (scripts/vendor-mathjax.sh) if it is missing; the build needs it for offline maths."""
    if (VENDOR / "mathjax" / "tex-chtml.js").is_file():
        return
    script = REPO / "scripts" / "vendor-mathjax.sh"
    if shutil.which("npm") and script.is_file():
        subprocess.run(["bash", str(script)], check=False, timeout=600)


def ensure_axe() -> None:
    """Install axe-core for the accessibility checks (scripts/vendor-axe.sh) if it is missing."""
    script = REPO / "scripts" / "vendor-axe.sh"
    if shutil.which("npm") and script.is_file() and not (REPO / "node_modules" / "axe-core" / "axe.min.js").is_file():
        subprocess.run(["bash", str(script)], check=False, timeout=600)


def build_tiny_book(workdir: Path) -> Path:
    """Build the tiny book under ``workdir`` and return its HTML folder."""
    ensure_mathjax()
    source = write_tiny_book(workdir / "src")
    output = workdir / "out"
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [
        str(jupyter_book) if jupyter_book.exists() else "jupyter-book",
        "build", str(source), "--path-output", str(output), "-W", "-n", "--keep-going",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, cwd=source, timeout=900)
    html = output / "_build" / "html"
    if result.returncode != 0 or not (html / "index.html").is_file():
        raise RuntimeError(
            "building the tiny test book failed:\n" + (result.stdout + "\n" + result.stderr)[-4000:]
        )
    return html


@contextlib.contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def shared_tmp(tmp_path_factory) -> Path:
    """A temporary folder shared by all pytest-xdist workers of this run."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def site_dir(tmp_path_factory) -> Path:
    """The built HTML folder to check (see the module docstring for the order)."""
    given = os.environ.get("PHNA_SITE_DIR")
    if given:
        path = Path(given).resolve()
        if not (path / "index.html").is_file():
            raise RuntimeError(f"PHNA_SITE_DIR={given} is not a built site (no index.html in it)")
        return path
    built = REPO / "_build" / "html"
    if (built / "index.html").is_file():
        return built
    workdir = shared_tmp(tmp_path_factory) / "phna-tiny-site"
    with _locked(workdir.with_suffix(".lock")):
        html = workdir / "out" / "_build" / "html"
        if not (workdir / "done").is_file():
            shutil.rmtree(workdir, ignore_errors=True)
            html = build_tiny_book(workdir)
            (workdir / "done").write_text("ok")
        return html
