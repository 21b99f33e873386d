"""The built site: links resolve, images have alt text, chapters have findings and downloads, pages load
in headless Chromium without errors, failed requests or requests to other hosts, and maths renders."""

from __future__ import annotations

import warnings

import pytest

from browser import checks


def test_there_are_pages_and_chapters(built_site):
    pages = checks.content_pages(built_site)
    assert "index.html" in pages
    assert checks.chapter_pages(built_site), "no chapter page (with an 'About this chapter' section) in the site"


def test_internal_links_resolve(built_site):
    problems = checks.check_internal_links(built_site)
    assert not problems, checks.report(problems)


def test_images_have_alt_text(built_site):
    problems = checks.check_alt_text(built_site)
    assert not problems, checks.report(problems)


def test_chapters_have_findings_and_downloads(built_site):
    problems = checks.check_chapters(built_site)
    assert not problems, checks.report(problems)


@pytest.mark.browser
def test_pages_load_without_errors(browser, site_url, built_site):
    problems, visits = checks.browse(browser, site_url, checks.content_pages(built_site))
    noise = {
        checks.known_noise(m) for v in visits for m in v.console_errors + v.page_errors if checks.known_noise(m)
    }
    for why in sorted(noise):
        warnings.warn(f"known toolchain console error on the site's pages: {why}", stacklevel=1)
    assert not problems, checks.report(problems)


@pytest.mark.browser
def test_maths_renders_offline(browser, site_url, built_site):
    pages = [p for p in checks.content_pages(built_site) if 'class="math' in (built_site / p).read_text(encoding="utf-8")]
    if not pages:
        pytest.skip("no page of this site has maths")
    for page in pages[:3]:
        seen = checks.visit(browser, site_url, page)
        assert not seen.external_requests, f"{page} asked other hosts for {seen.external_requests}"
        assert seen.maths_rendered >= seen.maths_source > 0, (
            f"{page}: {seen.maths_source} maths element(s) but {seen.maths_rendered} rendered by MathJax "
            "(is MathJax vendored? run `bash scripts/vendor-mathjax.sh`)"
        )
