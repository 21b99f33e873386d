"""The places configuration: the shipped file is valid, and every kind of mistake is caught with a clear message."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from phna.config import load_config, parameters_for
from phna.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "analyses" / "config.yaml"


def write(tmp_path: Path, data: dict) -> Path:
    (tmp_path / "analyses").mkdir(exist_ok=True)
    for chapter in data.get("chapters", []) + data.get("icb_pages", []):
        template = tmp_path / chapter["template"]
        template.parent.mkdir(parents=True, exist_ok=True)
        if not template.exists():
            template.write_text((REPO / "analyses" / "overview.ipynb").read_text())
    path = tmp_path / "analyses" / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture
def base() -> dict:
    return yaml.safe_load(CONFIG.read_text())


def test_shipped_config_is_valid_and_defines_the_ics_places(mirror):
    config = load_config(CONFIG)
    assert [p.slug for p in config.places] == [
        "icb", "coventry", "warwickshire-north", "rugby", "south-warwickshire",
    ]  # fmt: skip
    assert config.icb_code == "E54000018"
    assert config.place("warwickshire-north").districts == ("E07000218", "E07000219")
    assert config.place("south-warwickshire").districts == ("E07000221", "E07000222")
    assert config.place("coventry").comparators == ("E92000001", "E12000005")


def test_unknown_key_is_an_error(tmp_path, base):
    base["places"][1]["colour"] = "blue"
    with pytest.raises(ConfigError, match="colour"):
        load_config(write(tmp_path, base), check_codes=False)


def test_unknown_top_level_key_is_an_error(tmp_path, base):
    base["plces"] = []
    with pytest.raises(ConfigError, match="plces"):
        load_config(write(tmp_path, base), check_codes=False)


def test_badly_formed_code_is_an_error(tmp_path, base):
    base["places"][1]["districts"] = ["E0800026"]
    with pytest.raises(ConfigError, match="E0800026"):
        load_config(write(tmp_path, base), check_codes=False)


def test_well_formed_but_unknown_district_is_an_error(tmp_path, base, mirror):
    base["places"][3]["districts"] = ["E07000999"]
    with pytest.raises(ConfigError, match="E07000999"):
        load_config(write(tmp_path, base))


def test_unknown_comparator_is_an_error(tmp_path, base, mirror):
    base["defaults"]["comparators"] = ["E92000001", "E12000099"]
    with pytest.raises(ConfigError, match="E12000099"):
        load_config(write(tmp_path, base))


def test_place_needs_districts_or_lsoas_not_both(tmp_path, base):
    base["places"][1]["lsoas"] = ["E01009564"]
    with pytest.raises(ConfigError):
        load_config(write(tmp_path, base), check_codes=False)
    del base["places"][1]["lsoas"]
    del base["places"][1]["districts"]
    with pytest.raises(ConfigError):
        load_config(write(tmp_path, base), check_codes=False)


def test_duplicate_slug_is_an_error(tmp_path, base):
    base["places"].append(copy.deepcopy(base["places"][1]))
    with pytest.raises(ConfigError, match="coventry"):
        load_config(write(tmp_path, base), check_codes=False)


def test_missing_template_is_an_error(tmp_path, base):
    data = copy.deepcopy(base)
    path = write(tmp_path, data)
    data["chapters"].append({"id": "nothing", "title": "Nothing", "template": "analyses/nothing.ipynb"})
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match="nothing.ipynb"):
        load_config(path, check_codes=False)


def test_analyst_can_add_a_district_place_and_an_lsoa_place(tmp_path, base, mirror):
    base["places"].append({"slug": "birmingham", "name": "Birmingham", "kind": "district", "districts": ["E08000025"]})
    base["places"].append(
        {"slug": "foleshill", "name": "Foleshill", "kind": "lsoas", "lsoas": ["E01009564", "E01009565"]}
    )
    config = load_config(write(tmp_path, base))
    assert config.place("birmingham").districts == ("E08000025",)
    assert config.place("foleshill").lsoas == ("E01009564", "E01009565")


def test_unknown_place_names_the_valid_ones(base):
    config = load_config(CONFIG, check_codes=False)
    with pytest.raises(ConfigError, match=r"unknown place 'nowhere'.*coventry"):
        config.place("nowhere")


def test_parameters_merge_in_order_and_are_validated():
    config = load_config(CONFIG, check_codes=False)
    chapter, place = config.chapter("overview"), config.place("rugby")
    params = parameters_for(config, chapter, place, {"confidence": 0.99})
    assert params["confidence"] == [0.99]
    assert params["place"] == "rugby"
    assert params["deprivation_index"] == "imd2019"
    for bad in ({"confidence": 1.5}, {"deprivation_index": "imd2015"}, {"period": "last year"}, {"colour": "x"}):
        with pytest.raises(ConfigError):
            parameters_for(config, chapter, place, bad)


def test_period_is_refused_before_any_run_for_chapters_that_only_show_the_latest():
    config = load_config(CONFIG, check_codes=False)
    place = config.place("rugby")
    assert parameters_for(config, config.chapter("overview"), place, {"period": "2019"})["period"] == "2019"
    with pytest.raises(ConfigError, match=r"does not take period='2019'.*overview, life-expectancy, preventable-mortality"):
        parameters_for(config, config.chapter("wider-determinants"), place, {"period": "2019"})


def test_each_chapter_declares_what_it_takes():
    config = load_config(CONFIG, check_codes=False)
    takes = {c.id: set(c.takes) for c in (*config.chapters, *config.icb_pages)}
    extract = {"deaths_extract", "extract_outside"}
    assert takes["life-expectancy"] == {"comparators", "confidence", "deprivation_index", "period", *extract}
    assert extract <= takes["preventable-mortality"]
    assert "deaths_extract" not in takes["wider-determinants"] and "period" not in takes["wider-determinants"]
    assert {"budget", "need_measure"} <= takes["proportionate-universalism"]
    assert not {"budget", "need_measure"} & takes["overview"]
    assert config.chapter("overview").periods and not config.chapter("heat").periods


def test_a_chapter_setting_a_parameter_it_does_not_take_is_an_error(tmp_path, base):
    base["chapters"][0]["parameters"] = {"budget": 5}
    with pytest.raises(ConfigError, match=r"chapter 'overview' in config.yaml does not take budget=5"):
        load_config(write(tmp_path, base), check_codes=False)
    del base["chapters"][0]["parameters"]
    base["chapters"][0]["takes"] = ["comparators", "colour"]
    with pytest.raises(ConfigError, match="colour"):
        load_config(write(tmp_path, base), check_codes=False)


def test_a_place_parameter_no_chapter_takes_is_an_error(tmp_path, base):
    for chapter in base["icb_pages"]:
        chapter["takes"] = [t for t in chapter["takes"] if t != "budget"]
        chapter.pop("parameters", None)
    base["places"][3]["parameters"] = {"budget": 10}
    with pytest.raises(ConfigError, match=r"place 'rugby' sets budget, which no chapter takes"):
        load_config(write(tmp_path, base), check_codes=False)


def test_only_the_icb_is_given_the_configured_icb_code_other_places_take_theirs_from_the_lookups(
    tmp_path, base, mirror
):
    from phna.geography import place_areas

    base["places"].append({"slug": "birmingham", "name": "Birmingham", "kind": "district", "districts": ["E08000025"]})
    config = load_config(write(tmp_path, base))
    assert config.place("icb").icb_code == "E54000018"
    assert config.place("birmingham").icb_code is None and config.place("rugby").icb_code is None
    birmingham = place_areas(config.place("birmingham"))
    assert birmingham.icb_code is not None and birmingham.icb_code != "E54000018"  # Birmingham and Solihull ICB
    assert place_areas(config.place("rugby")).icb_code == "E54000018"
    assert place_areas(config.place("icb")).icb_code == "E54000018"


def test_the_older_periods_flag_must_agree_with_takes(tmp_path, base):
    base["chapters"][3]["periods"] = False  # wider-determinants: does not take period, so this agrees
    load_config(write(tmp_path, base), check_codes=False)
    base["chapters"][0]["periods"] = False  # overview takes period
    with pytest.raises(ConfigError, match=r"chapter 'overview' says periods: false but its takes list has period"):
        load_config(write(tmp_path, base), check_codes=False)
