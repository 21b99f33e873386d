"""Pure parsing helpers: ELS periods and ONS area-name matching."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from phna.data.deaths import name_key
from phna.data.els import parse_period


@given(st.integers(1990, 2040), st.sampled_from([1, 4, 8, 9, 11]), st.integers(1, 10))
def test_period_labels_round_trip(year, month, years):
    label, start, n = parse_period(f"{year}-{month:02d}-01/P{years}Y")
    assert start == dt.date(year, month, 1) and n == years
    if month == 1:
        expected = str(year) if years == 1 else f"{year}-{(year + years - 1) % 100:02d}"
    else:
        first = f"{year}/{(year + 1) % 100:02d}"
        last = year + years - 1
        expected = first if years == 1 else f"{first}-{last % 100:02d}/{(last + 1) % 100:02d}"
    assert label == expected


def test_name_key_normalises_footnotes_and_punctuation():
    assert name_key("ENGLAND AND WALES1       ") == "england and wales"
    assert name_key("SCOTLAND 1,") == "scotland"
    assert name_key("Rhondda\u201a Cynon\u201a Taff") == "rhondda cynon taf"
    assert name_key("Tyne and Wear (Met county)") == name_key("Tyne and Wear (Met County)")
    assert name_key("Cornwall and Isles of Scilly2") == "cornwall and isles of scilly"
    assert name_key("Kingston upon Hull, City of") == name_key("Kingston upon Hull City of")
