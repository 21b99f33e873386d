"""The findings records and their ranking (phna.findings), and the one sentence per record (phna.wording)."""

import math

import pytest

from phna.findings import Finding, by_key, rank
from phna.wording import agree, finding_sentence, plural


def _f(key, comparison="similar", source="OHID", kind="level", value=80.0, comparator_value=80.0, **kw):
    return Finding(key=key, topic="life expectancy at birth", area=kw.pop("area", key), sex="male", period="2023-25",
                   value=value, unit="years", comparator="England", comparator_value=comparator_value,
                   comparison=comparison, source=source, kind=kind, **kw)


def test_rank_puts_significant_differences_first_and_caps_at_five():
    records = [_f(f"similar{i}") for i in range(6)] + [_f("worse", "worse", value=77.7, comparator_value=79.7)]
    ranked = rank(records)
    assert len(ranked) == 5
    assert ranked[0].key == "worse"


def test_rank_orders_gaps_before_trends_and_drops_suppressed():
    trend = _f("trend", "increasing", source="computed", kind="trend")
    gap = _f("gap", "none", source="none", kind="gap", value=9.1, comparator_value=None)
    hidden = _f("hidden", "worse", suppressed=True)
    assert [f.key for f in rank([trend, hidden, gap])] == ["gap", "trend"]


def test_rank_keeps_one_record_per_topic_area_and_sex():
    a = _f("a", "worse", area="Rugby", value=79.4, comparator_value=79.7)
    b = _f("b", "similar", area="Rugby")
    assert [f.key for f in rank([a, b])] == ["a"]


def test_significant_comparison_needs_a_source():
    with pytest.raises(ValueError, match="source"):
        _f("x", "worse", source="none")


def test_by_key_selects_by_key():
    records = [_f("a"), _f("b")]
    assert by_key(records, "b").key == "b"
    assert by_key(records, "c") is None


def test_sentence_states_value_period_comparison_and_its_source():
    # Coventry, male life expectancy 2023-25: 77.7 against England 79.7, OHID "Worse" (issue 11's example).
    text = finding_sentence(_f("cov", "worse", area="Coventry", value=77.7, comparator_value=79.7))
    assert text == ("Male life expectancy at birth in Coventry was 77.7 years in 2023-25, worse than England "
                    "(79.7 years), as published by OHID.")


def test_sentence_without_a_comparison_never_uses_a_significance_word():
    text = finding_sentence(_f("x", "not compared", source="none", value=80.2, comparator_value=79.7))
    assert "not compared" in text
    assert not any(w in text for w in ("better", "worse", "significant", "higher than", "lower than"))


def test_sentence_with_limits():
    text = finding_sentence(_f("x", "higher", source="computed", value=83.9, lower=83.1, upper=84.7, level=0.95))
    assert "(95 % CI 83.1 to 84.7)" in text and "computed here" in text


@pytest.mark.parametrize("count, expected", [(1, "1 small area"), (159, "159 small areas"), (1000.0, "1,000 small areas")])
def test_plural(count, expected):
    assert plural(count, "small area") == expected


def test_agree():
    assert agree(1) == "is" and agree(2) == "are" and agree(1, "has", "have") == "has"


def test_relative_difference_handles_missing():
    assert _f("x", comparator_value=None).relative_difference == 0.0
    assert math.isclose(_f("x", value=88.0, comparator_value=80.0).relative_difference, 0.1)
