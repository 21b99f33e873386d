"""The book as its readers meet it, in headless Chromium at 1280 px (a laptop) and 390 px (a phone): no
axe-core WCAG 2.2 A/AA violation, short alt text, tables with captions and row headers and no codes or
decimal counts, chapter titles naming their place, no build language, and chart text large enough to read.

Each check is shown to catch its defect on the deliberately broken copy of the site in test_checks_fail.py.
"""

from __future__ import annotations

import pytest

from browser import checks, reader

pytestmark = pytest.mark.browser


def test_no_accessibility_violations(reader_seen):
    problems = reader.check_axe(reader_seen)
    assert not problems, checks.report(problems)


def test_alt_text_is_short(reader_seen):
    problems = reader.check_alt_length(reader_seen)
    assert not problems, checks.report(problems)


def test_tables_are_for_people(reader_seen):
    problems = reader.check_tables(reader_seen)
    assert not problems, checks.report(problems)


def test_download_links_have_distinct_names(reader_seen):
    problems = reader.check_download_names(reader_seen)
    assert not problems, checks.report(problems)


def test_chapter_titles_name_the_place(reader_seen, built_site):
    problems = reader.check_titles(reader_seen, built_site)
    assert not problems, checks.report(problems)


def test_no_build_language(reader_seen):
    problems = reader.check_build_words(reader_seen)
    assert not problems, checks.report(problems)


def test_chart_text_is_readable_on_a_laptop_and_a_phone(reader_seen, built_site):
    problems = reader.check_chart_text(reader_seen, built_site)
    assert not problems, checks.report(problems)
