"""Each check catches the defect it is for, on a deliberately broken copy of the site."""

from __future__ import annotations

import pytest

from browser import checks


def _matching(problems, page, check, text=""):
    return [p for p in problems if p.page == page and p.check == check and text in p.detail]


def test_missing_image_and_broken_link_are_reported(broken_site):
    problems = checks.check_internal_links(broken_site.site)
    assert _matching(problems, broken_site.link_page, "links", "no-such-page.html"), checks.report(problems)
    assert _matching(problems, broken_site.chapter, "links", "no such file"), checks.report(problems)


def test_missing_alt_text_is_reported(broken_site):
    problems = checks.check_alt_text(broken_site.site)
    assert _matching(problems, broken_site.chapter, "alt"), checks.report(problems)


def test_chapter_without_findings_or_download_is_reported(broken_site):
    problems = checks.check_chapters(broken_site.site, [broken_site.chapter])
    assert _matching(problems, broken_site.chapter, "chapter", "findings"), checks.report(problems)
    assert _matching(problems, broken_site.chapter, "chapter", "download"), checks.report(problems)
    assert _matching(problems, broken_site.chapter, "chapter", "About this chapter"), checks.report(problems)
    # a generated chapter is still found as one without its "About this chapter" section
    assert broken_site.chapter in checks.chapter_pages(broken_site.site)


def test_external_script_and_import_are_reported(broken_site):
    problems = checks.check_offline(broken_site.site)
    assert _matching(problems, broken_site.script_page, "offline", "https://cdn.example.com/x.js"), checks.report(problems)
    assert _matching(problems, broken_site.css_file, "offline", "@import"), checks.report(problems)


@pytest.mark.browser
def test_browser_reports_js_error_missing_file_and_external_request(browser, broken_url, broken_site):
    problems, _ = checks.browse(browser, broken_url, [broken_site.script_page, broken_site.chapter])
    script_page = [p for p in problems if p.page == broken_site.script_page]
    assert any(p.check == "console" and "undefinedFunctionOnPurpose" in p.detail for p in script_page), checks.report(problems)
    assert any(p.check == "request" and "cdn.example.com" in p.detail for p in script_page), checks.report(problems)
    image = broken_site.image.rsplit("/", 1)[-1]
    assert any(p.check == "request" and image in p.detail for p in problems if p.page == broken_site.chapter), checks.report(problems)


@pytest.mark.browser
def test_reader_checks_catch_each_defect(broken_seen, broken_site):
    """Each reader check fails on the broken chapter (see conftest.Breakage) for the defect put there."""
    from browser import reader

    page = broken_site.chapter
    problems = reader.check_axe(broken_seen)
    assert _matching(problems, page, "axe", "label-content-name-mismatch"), checks.report(problems)
    assert _matching(problems, page, "axe", "summary-name"), checks.report(problems)
    problems = reader.check_alt_length(broken_seen)
    assert _matching(problems, page, "alt length", "phna-broken-chart.svg"), checks.report(problems)
    problems = reader.check_tables(broken_seen)
    for defect in ("no <caption>", "row header", "<NA>", "whole numbers as decimals (431.0)"):
        assert _matching(problems, page, "table", defect), (defect, checks.report(problems))
    problems = reader.check_download_names(broken_seen)
    assert _matching(problems, broken_site.script_page, "download", "behind this chart (CSV)"), checks.report(problems)
    problems = reader.check_titles(broken_seen, broken_site.site)
    assert _matching(problems, page, "title", "page title"), checks.report(problems)
    assert _matching(problems, page, "title", "heading"), checks.report(problems)
    problems = reader.check_build_words(broken_seen)
    for defect in ("a relative path", "plus_groups.yaml", "deaths_extract", "a Python value", "text set as code"):
        assert _matching(problems, page, "build words", defect), (defect, checks.report(problems))
    problems = reader.check_chart_text(broken_seen, broken_site.site)
    for width in ("at 1280 px", "at 390 px"):
        assert _matching(problems, page, "chart text", f"phna-broken-chart.svg: smallest text 3.0 CSS px {width}"), (
            width, checks.report(problems))


def test_table_check_allows_a_table_for_people():
    """The table check passes a table with a caption, row headers, words, whole numbers and a dash."""
    from browser import reader

    good = reader.Seen("p.html", reader.LAPTOP, tables=[{
        "caption": "Deaths by district", "heads": ["District", "Deaths", "Rate"],
        "rows": [["A", "431", "12.0"], ["B", "–", "10.5"]], "row_headers": ["th:row", "th:row"], "too_wide": False,
    }])  # fmt: skip
    assert reader.check_tables([good]) == []
