"""Wording helpers used by every chapter's findings."""

import math

from phna.wording import comparison_phrase, fmt_ci, fmt_int, fmt_value_ci, join_names, possessive


def test_numbers_and_intervals_in_words():
    assert fmt_int(371521) == "371,521"
    assert fmt_value_ci(80.14, 79.36, 80.84, "years") == "80.1 years (95 % CI 79.4 to 80.8)"
    assert fmt_ci(math.nan, 1.0) == "no confidence interval published"
    assert fmt_ci(1, 2, level=0.998) == "99.8 % CI 1.0 to 2.0"


def test_comparisons_and_names():
    assert comparison_phrase("higher", "England", 79.31) == "significantly higher than England (79.3)"
    assert comparison_phrase("similar", "England") == "not significantly different from England"
    assert join_names(["Rugby", "Warwick", "Coventry"]) == "Rugby, Warwick and Coventry"
    assert possessive("Rugby") == "Rugby's" and possessive("Test neighbourhoods") == "Test neighbourhoods'"
