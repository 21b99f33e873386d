"""2011 rural-urban classification of LSOAs: counts on the real mirror, and malformed files."""

from __future__ import annotations

import pytest

import phna.data as data
from phna.data import DataError

from conftest import needs_mirror

CW = ["E08000026", "E07000218", "E07000219", "E07000220", "E07000221", "E07000222"]
HEADER = "lsoa11_code,ruc11_code,ruc,classification\n"
GOOD = ("E01000001,A1,Urban,Urban conurbation\n"
        "E01009522,C1,Urban,Urban city and town\n"
        "E01031234,E2,Rural,Rural village\n"
        "W01000001,D1,Rural,Rural town and fringe\n")


@needs_mirror
def test_rural_urban_lsoa11_england():
    df = data.rural_urban_lsoa11()
    assert list(df.columns) == ["lsoa11_code", "ruc11_code", "ruc11_name", "ruc"]
    assert len(df) == 32844 and df["lsoa11_code"].is_unique and df["lsoa11_code"].str.startswith("E01").all()
    assert df["ruc"].value_counts().to_dict() == {"Urban": 27246, "Rural": 5598}
    assert df.groupby("ruc11_code").size().to_dict() == {"A1": 11523, "B1": 1208, "C1": 14456, "C2": 59,
                                                         "D1": 2937, "D2": 119, "E1": 2361, "E2": 181}
    assert set(df.loc[df["ruc"] == "Rural", "ruc11_code"]) == {"D1", "D2", "E1", "E2"}
    names = df.drop_duplicates("ruc11_code").set_index("ruc11_code")["ruc11_name"]
    assert names["E1"] == "Rural village and dispersed" and names["A1"] == "Urban major conurbation"
    # every LSOA of the lookup is classified
    assert set(df["lsoa11_code"]) == set(data.lsoa11_lookup()["lsoa11_code"])


@needs_mirror
def test_rural_urban_lsoa11_coventry_and_warwickshire():
    lookup = data.lsoa11_lookup()
    cw = lookup[lookup["district_code"].isin(CW)].merge(data.rural_urban_lsoa11(), on="lsoa11_code")
    assert len(cw) == 534
    rural = cw[cw["ruc"] == "Rural"].groupby("district_code").size().reindex(CW, fill_value=0).to_dict()
    assert rural == {"E08000026": 0, "E07000218": 28, "E07000219": 0, "E07000220": 14, "E07000221": 57,
                     "E07000222": 9}
    assert sum(rural.values()) == 108
    # C&W has only three classes: city and town, town and fringe, village and dispersed (no sparse settings)
    assert set(cw["ruc11_code"]) == {"C1", "D1", "E1"}
    stratford = cw[cw["district_code"] == "E07000221"]["ruc11_code"].value_counts().to_dict()
    assert stratford == {"D1": 33, "E1": 24, "C1": 16}


def write(tmp_path, text):
    path = tmp_path / "ruc.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_rural_urban_lsoa11_good_small_file(tmp_path):
    df = data.rural_urban_lsoa11(path=write(tmp_path, HEADER + GOOD))
    assert df["lsoa11_code"].tolist() == ["E01000001", "E01009522", "E01031234"]  # Wales dropped
    assert df["ruc"].tolist() == ["Urban", "Urban", "Rural"]
    assert df["ruc11_name"].iloc[2] == "Rural village and dispersed in a sparse setting"


@pytest.mark.parametrize("text, message", [
    (HEADER.replace("ruc11_code", "RUC11CD") + GOOD, r"expected columns \['ruc11_code'\]"),
    (HEADER + GOOD + "E01000001,A1,Urban,Urban conurbation\n", "duplicated on"),
    (HEADER + GOOD + "E0100002,A1,Urban,Urban conurbation\n", "lsoa11_code.*E0100002"),
    (HEADER + GOOD + "E01000002,F1,Rural,Rural hamlet\n", r"unknown class code.*F1"),
    (HEADER + GOOD + "E01000002,D1,Urban,Rural town and fringe\n", r"'ruc' disagrees.*E01000002"),
    (HEADER + GOOD + "E01000002,B1,Urban,Urban city and town\n", r"'classification' disagrees.*E01000002"),
    (HEADER + "W01000001,D1,Rural,Rural town and fringe\n", "no English LSOA"),
])
def test_rural_urban_lsoa11_malformed(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(DataError, match=message) as error:
        data.rural_urban_lsoa11(path=path)
    assert str(path) in str(error.value)
