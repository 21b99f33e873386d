"""The frozen parameters object of a chapter run (phna.parameters)."""

import dataclasses

import pytest

from phna.errors import ConfigError
from phna.parameters import Parameters, limit_columns, limit_suffix, normalise_confidence


class _Place:
    slug, name, districts, lsoas = "rugby", "Rugby", ("E07000220",), ()


def _params(**kw):
    return Parameters(chapter="overview", place=_Place(), config=None, periods=True, **kw)


@pytest.mark.parametrize("level, suffix", [(0.95, "95"), (0.998, "99_8"), (0.9, "90"), (0.99, "99"), (0.975, "97_5")])
def test_limit_suffix(level, suffix):
    assert limit_suffix(level) == suffix
    assert limit_columns(level) == (f"lower_{suffix}", f"upper_{suffix}")


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, "high", []])
def test_confidence_outside_zero_one_is_refused(bad):
    with pytest.raises(ConfigError, match="confidence"):
        normalise_confidence(bad)


def test_confidence_single_level_and_list():
    assert _params(confidence=0.99).confidence == (0.99,)
    assert _params(confidence=[0.9, 0.998]).level == 0.9


def test_parameters_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        _params().deprivation_index = "iod2025"


def test_unknown_deprivation_index_is_refused():
    with pytest.raises(ConfigError, match="imd2015"):
        _params(deprivation_index="imd2015")


def test_a_chapter_without_periods_refuses_a_period():
    with pytest.raises(ConfigError, match="2019-21"):
        Parameters(chapter="wider", place=_Place(), config=None, periods=False, period="2019-21")


def test_select_period():
    assert _params().select_period(["2019-21", "2021-23", "2020-22"], "x") == "2021-23"
    assert _params(period="2019-21").select_period(["2019-21", "2021-23"], "x") == "2019-21"
    with pytest.raises(ConfigError, match="available periods: 2021-23"):
        _params(period="2019-21").select_period(["2021-23"], "x")
