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


# ------------------------------------------------------------------------ declared parameters (resolve)
from pathlib import Path  # noqa: E402

from phna.config import load_config  # noqa: E402
from phna.parameters import PARAMETERS, parse_value, resolve, template_mismatch  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "analyses" / "config.yaml"


@pytest.fixture(scope="module")
def config():
    return load_config(CONFIG, check_codes=False)


def test_every_template_declares_exactly_what_its_chapter_takes(config):
    from phna.build.execute import template_parameters

    mismatches = [
        m for c in (*config.chapters, *config.icb_pages) if (m := template_mismatch(c, template_parameters(c.template)))
    ]
    assert not mismatches, "templates out of step with analyses/config.yaml:\n" + "\n".join(mismatches)


def test_a_template_out_of_step_with_its_declaration_is_named(config):
    chapter = config.chapter("wider-determinants")
    message = template_mismatch(chapter, ["place", "comparators", "deprivation_index", "period"])
    assert "does not declare it" in message and "confidence" in message
    assert "declares period, which the config's takes list does not have" in message


def test_resolve_merges_defaults_chapter_place_and_overrides(config):
    params = resolve(config, "proportionate-universalism", "icb", {"budget": 5}, check_codes=False)
    assert params.get("budget") == 5 and params.get("need_measure") == "imd_score"
    assert params.as_dict() == {"place": "icb", "deprivation_index": "imd2019", "budget": 5, "need_measure": "imd_score"}
    # defaults the chapter does not take (comparators, confidence, period) do not reach it


@pytest.mark.parametrize(
    "chapter, given, message",
    [
        ("wider-determinants", {"deaths_extract": "x.csv"}, "does not take deaths_extract='x.csv'"),
        ("overview", {"budget": 5}, r"does not take budget=5 \(chapters that take budget: proportionate-universalism\)"),
        ("heat", {"period": "2019-21"}, "does not take period='2019-21'"),
        ("proportionate-universalism", {"confidence": 0.99}, "does not take confidence=0.99"),
        ("overview", {"colour": "red"}, "has no parameter 'colour'"),
    ],
)
def test_a_parameter_the_chapter_does_not_take_is_refused_naming_what_it_takes(config, chapter, given, message):
    with pytest.raises(ConfigError, match=message) as info:
        resolve(config, chapter, "rugby", given, check_codes=False)
    assert f"It takes: {', '.join(config.chapter(chapter).takes)}" in str(info.value)


def test_the_place_is_chosen_with_place_not_as_a_parameter(config):
    with pytest.raises(ConfigError, match="choose the place with --place"):
        resolve(config, "overview", "rugby", {"place": "coventry"}, check_codes=False)


@pytest.mark.parametrize("level", [0.5, 0.9, 0.99, 0.999, [0.9, 0.998]])
def test_any_confidence_level_between_zero_and_one_is_accepted(config, level):
    levels = level if isinstance(level, list) else [level]
    assert resolve(config, "overview", "rugby", {"confidence": level}, check_codes=False).confidence == tuple(levels)


@pytest.mark.parametrize("level", [0, 1, 95, -0.5, "high", []])
def test_a_confidence_level_outside_zero_and_one_is_refused(config, level):
    with pytest.raises(ConfigError, match="confidence"):
        resolve(config, "overview", "rugby", {"confidence": level}, check_codes=False)


def test_comparators_given_on_the_command_line_are_checked_like_config_codes(config, mirror):
    assert resolve(config, "overview", "rugby", {"comparators": ["E92000001", "E08000025"]}).comparators == (
        "E92000001", "E08000025",
    )  # fmt: skip
    with pytest.raises(ConfigError, match="unknown comparator code.*E12000099"):
        resolve(config, "overview", "rugby", {"comparators": ["E92000001", "E12000099"]})
    with pytest.raises(ConfigError, match="comparators"):
        resolve(config, "overview", "rugby", {"comparators": ["not a code"]})


@pytest.mark.parametrize(
    "name, raw, value",
    [
        ("comparators", "[E92000001, E12000005]", ["E92000001", "E12000005"]),
        ("comparators", "E92000001,E12000005", ["E92000001", "E12000005"]),
        ("comparators", "E12000005", ["E12000005"]),
        ("confidence", "0.99", 0.99),
        ("confidence", "[0.9, 0.998]", [0.9, 0.998]),
        ("period", "2019", "2019"),
        ("budget", "5", 5),
        ("deaths_extract", "x.csv", "x.csv"),
    ],
)
def test_command_line_values_are_read_as_declared(name, raw, value):
    assert parse_value(name, raw) == value


def test_the_help_lists_every_parameter_with_its_meaning_and_the_chapters_that_take_it():
    from phna.cli import make_parser

    parser = make_parser()
    run = parser._subparsers._group_actions[0].choices["run"]
    text = " ".join(run.format_help().split())
    for declaration in PARAMETERS.values():
        assert f"{declaration.name}: {' '.join(declaration.meaning.split())}" in text
    assert "deaths.csv. Taken by: life-expectancy, preventable-mortality." in text and "2019-21. Taken by: overview, life-expectancy, preventable-mortality." in text
    import phna.parameters

    assert all(f"``{name}``" in phna.parameters.__doc__ for name in PARAMETERS)


def test_schema_lists_the_declared_parameters():
    from phna.parameters import config_schema

    schema = config_schema()
    assert schema["$defs"]["takes"]["items"]["enum"] == list(PARAMETERS)
    assert set(schema["$defs"]["parameters"]["properties"]) == set(PARAMETERS)


# ------------------------------------------------------------------------- the command line refuses early
@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "wider-determinants", "--place", "rugby", "-p", "deaths_extract", "x.csv"],
         "chapter 'wider-determinants' does not take deaths_extract"),
        (["run", "overview", "--place", "rugby", "-p", "budget", "5"], "chapter 'overview' does not take budget=5"),
        (["run", "overview", "--place", "rugby", "-p", "comparators", "[E92000001, E12000099]"],
         "unknown comparator code(s) E12000099"),
        (["run", "overview", "--place", "rugby", "-p", "confidence", "1.5"], "confidence"),
    ],
)  # fmt: skip
def test_the_command_line_refuses_before_any_notebook_runs(project, capsys, args, message):
    from phna.cli import main

    assert main([*args, "--no-html"]) == 1
    assert message in capsys.readouterr().err
    assert not (project / ".phna" / "runs").exists() and not (project / "book" / "places").exists()


def test_repeated_places_and_chapters_are_merged(project, monkeypatch):
    import phna.build
    from phna.cli import main

    planned = {}

    class Planned(Exception):
        pass

    def plan(root, config, places, chapter_ids, overrides):
        planned.update(places=[p.slug for p in places], chapters=list(chapter_ids or []))
        raise Planned

    monkeypatch.setattr(phna.build, "_jobs_for", plan)
    with pytest.raises(Planned):
        main(["build", "--place", "rugby", "--place", "rugby", "--chapter", "overview", "--chapter", "overview"])
    assert planned == {"places": ["rugby"], "chapters": ["overview"]}
    with pytest.raises(Planned):
        phna.build.build(places=["coventry", "rugby", "coventry"], html=False)
    assert planned["places"] == ["coventry", "rugby"]
