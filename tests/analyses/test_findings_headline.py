"""The small additions to phna.findings and phna.wording made for the mortality chapters."""

from __future__ import annotations

from phna.findings import Finding, rank
from phna.wording import gap_phrase


def record(key, **kwargs):
    base = dict(topic="life expectancy at birth", area="Rugby", sex="male", period="2023-25", value=79.4,
                unit="years", comparator="England", comparator_value=79.7)
    return Finding(key=key, **{**base, **kwargs})


def test_headline_is_ranked_first_whatever_its_comparison():
    similar = record("latest", comparison="similar", source="OHID", headline=True)
    worse = record("old", topic="life expectancy (2014)", period="2014", comparison="worse", source="computed",
                   importance=3)
    gap = record("gap", topic="gap", kind="inequality", comparison="higher", source="computed", value=3.7,
                 comparator_value=0.0)
    assert [f.key for f in rank([worse, gap, similar])] == ["latest", "old", "gap"]
    # without the flag the similar figure would be ranked last
    assert rank([worse, gap, record("latest", comparison="similar", source="OHID")])[-1].key == "latest"


def test_a_record_reads_as_its_sentence():
    f = record("latest", comparison="similar", source="OHID")
    assert str(f) == f.sentence and "similar to England (79.7 years), as published by OHID" in str(f)


def test_gap_phrase():
    assert gap_phrase(77.7, 79.7, "years") == "2.0 years less than"
    assert gap_phrase(81.7, 79.7, "years") == "2.0 years more than"
    assert gap_phrase(79.72, 79.7, "years") == "the same as"
    assert gap_phrase(None, 79.7) == "not comparable with"
