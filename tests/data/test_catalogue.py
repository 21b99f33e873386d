"""The catalogue: schema-valid, unique, and true to the mirror."""

from __future__ import annotations

import copy

import pytest

from phna.data import DataError, catalogue
from phna.data.checksums import sha256

from conftest import needs_mirror


def test_catalogue_validates_against_schema():
    catalogue.validate()


def test_every_entry_has_provenance():
    for source in catalogue.load()["sources"]:
        assert source["url"].startswith("http"), source["id"]
        assert source["licence"], source["id"]
        assert source["format"] in ("csv", "csv;", "geojson", "topojson", "json", "text", "parquet", "xlsx")
        if source["format"] in ("csv", "geojson"):
            assert source["columns"], f"{source['id']} lists no expected columns"


def test_derived_files_are_flagged_unofficial():
    for source in catalogue.load()["sources"]:
        assert source["official"] is not source["path"].split("/")[-1].startswith("DERIVED_"), source["id"]


def test_schema_rejects_bad_entries():
    doc = copy.deepcopy(catalogue.load())
    doc["sources"][0]["sha256"] = "not-a-checksum"
    with pytest.raises(DataError, match="sha256"):
        catalogue.validate(doc)
    doc = copy.deepcopy(catalogue.load())
    doc["sources"][1]["id"] = doc["sources"][0]["id"]
    with pytest.raises(DataError, match="duplicated id"):
        catalogue.validate(doc)
    doc = copy.deepcopy(catalogue.load())
    doc["sources"][0]["unknown_key"] = 1
    with pytest.raises(DataError, match="schema"):
        catalogue.validate(doc)


def test_unknown_id_suggests_close_matches():
    with pytest.raises(DataError, match="did you mean lookups.lsoa11_msoa11"):
        catalogue.entry("lookups.lsoa11_msoa1")


@needs_mirror
def test_small_files_match_their_checksums(mirror):
    for source in catalogue.load()["sources"]:
        if source["size"] < 200_000:
            path = mirror / source["path"]
            assert path.stat().st_size == source["size"], source["id"]
            assert sha256(path) == source["sha256"], source["id"]


def test_loaders_only_use_catalogued_ids():
    ids = set(catalogue.sources())
    for expected in ["lookups.lsoa11_icb22", "lookups.lsoa21_msoa21_derived", "imd2019.file2_domains",
                     "iod2025.lsoa21", "population.lsoa11_syoa_sex_2019_cw", "population.mye2_2019",
                     "deaths2014.table_2", "deaths2014.table_1a", "deaths2014.mye2_males",
                     "life_expectancy.msoa11_2016_20", "local_health.msoa", "fingertips.trafford_themes.health__life_expectancy",
                     "els.healthy-life-expectancy", "els_metadata.healthy-life-expectancy", "health_index.indicators",
                     "fuel_poverty.2012", "fuel_poverty.2021", "similar_areas.global", "esp2013.pheindicatormethods",
                     "boundaries.lsoa11", "boundaries.lsoa11_detailed_e08000026"]:
        assert expected in ids
