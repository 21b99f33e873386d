"""The built site is self-contained: it loads no script, stylesheet, font, @import, image or frame from
another host (plain links to other sites are fine), so it works offline and leaks no reader data to CDNs.

Jupyter Book 1 loads MathJax from a CDN by default; the book uses a copy vendored by
``scripts/vendor-mathjax.sh`` and published at ``mathjax/`` (see ``_config.yml``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from browser import checks, sites

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return sites.site_dir(tmp_path_factory)


def test_site_loads_nothing_from_other_hosts(site):
    problems = checks.check_offline(site)
    assert not problems, checks.report(problems)


def test_the_accessibility_checker_is_not_shipped(site, tmp_path):
    """axe-core is a test tool: injected by the browser tests, never part of the book."""
    def shipped(folder: Path) -> list[str]:
        found = [p.relative_to(folder).as_posix() for p in folder.rglob("axe*.js")]
        return found + [p.relative_to(folder).as_posix() for p in folder.rglob("*.html") if "axe.min.js" in p.read_text(encoding="utf-8")]

    assert not shipped(site), shipped(site)
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "axe.min.js").write_text("/* axe */")
    assert shipped(tmp_path) == ["_static/axe.min.js"]  # the check would see it


def test_maths_uses_the_vendored_mathjax(site):
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    assert not checks.is_external(config["mathjax_path"]), "mathjax_path must point at the vendored copy"
    assert "book/_vendor" in config["html_extra_path"]
    pages = [p for p in site.rglob("*.html") if "tex-chtml.js" in p.read_text(encoding="utf-8")]
    for page in pages:
        src = next(
            tag["src"] for tag in checks.soup(page).find_all("script", src=True) if "tex-chtml.js" in tag["src"]
        )
        assert not checks.is_external(src), f"{page.relative_to(site)} loads MathJax from {src}"
        assert (page.parent / src.split("?")[0]).resolve().is_file(), (
            f"{page.relative_to(site)} loads {src}, which is not in the site: run `bash scripts/vendor-mathjax.sh`"
        )


@pytest.mark.parametrize(
    "snippet, expected",
    [
        ('<script src="https://cdn.example.com/x.js"></script>', "cdn.example.com"),
        ('<link rel="stylesheet" href="//fonts.example.com/css">', "fonts.example.com"),
        ('<link rel="preconnect" href="https://fonts.gstatic.com">', "fonts.gstatic.com"),
        ("<style>@import 'https://fonts.example.com/a.css';</style>", "@import"),
        ('<div style="background: url(https://img.example.com/a.png)"></div>', "img.example.com"),
        ('<img alt="x" src="http://img.example.com/a.png">', "img.example.com"),
    ],
)
def test_external_resources_are_caught(tmp_path, snippet, expected):
    (tmp_path / "index.html").write_text(f"<html><head></head><body>{snippet}</body></html>", encoding="utf-8")
    problems = checks.check_offline(tmp_path)
    assert any(expected in p.detail for p in problems), checks.report(problems)


def test_plain_links_and_local_assets_are_fine(tmp_path):
    (tmp_path / "index.html").write_text(
        '<html><head><link rel="stylesheet" href="_static/a.css"><link rel="canonical" href="https://example.org/">'
        '</head><body><a href="https://www.ons.gov.uk/">ONS</a><script src="mathjax/tex-chtml.js"></script></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "a.css").write_text("@font-face { src: url(fonts/a.woff2); }", encoding="utf-8")
    assert checks.check_offline(tmp_path) == []


def test_external_font_in_css_file_is_caught(tmp_path):
    (tmp_path / "index.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "theme.css").write_text(
        "@font-face { font-family: X; src: url('https://fonts.gstatic.com/x.woff2') format('woff2'); }", encoding="utf-8"
    )
    problems = checks.check_offline(tmp_path)
    assert [p.page for p in problems] == ["theme.css"], checks.report(problems)
