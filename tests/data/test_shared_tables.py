"""The derived tables the chapters share exist once (phna.geography), so chapters cannot disagree about them."""

import pytest

from phna import data, geography

from conftest import needs_mirror

pytestmark = needs_mirror

CW_DISTRICTS = ("E07000218", "E07000219", "E07000220", "E07000221", "E07000222", "E08000026")


def test_icb_districts_of_coventry_and_warwickshire():
    # Source: NHS England, ICB E54000018 = Coventry, North Warwickshire, Nuneaton and Bedworth, Rugby,
    # Stratford-on-Avon and Warwick (ONS LSOA 2011 to ICB 2022 lookup in the mirror).
    assert geography.icb_districts("E54000018") == CW_DISTRICTS
    assert geography.icb_name("E54000018") == "Coventry and Warwickshire ICB"


def test_icb_districts_refuses_an_unknown_code():
    with pytest.raises(data.DataError, match="E54099999"):
        geography.icb_districts("E54099999")


@pytest.mark.parametrize("index", ["imd2019", "iod2025"])
def test_msoa_deprivation_is_the_population_weighted_mean_of_its_lsoas(index):
    table = geography.msoa_deprivation(index).set_index("msoa11_code")
    lookup = data.lsoa11_lookup()
    msoa = lookup.loc[lookup["district_code"] == "E08000026", "msoa11_code"].iloc[0]
    members = lookup.loc[lookup["msoa11_code"] == msoa, "lsoa11_code"]
    imd = data.imd2019_lsoa().set_index("lsoa11_code").loc[members]
    if index == "imd2019":
        scores = imd["imd_score"]
    else:
        pairs = data.lsoa11_lsoa21_lookup()
        iod = data.iod2025_lsoa().set_index("lsoa21_code")["imd_score"]
        scores = members.map(lambda c: iod.loc[pairs.loc[pairs["lsoa11_code"] == c, "lsoa21_code"]].mean())
        scores.index = members
    expected = (scores * imd["population_mid2015"]).sum() / imd["population_mid2015"].sum()
    assert table.loc[msoa, "score"] == pytest.approx(expected, rel=1e-12)
    assert table.loc[msoa, "lsoas"] == len(members)


def test_the_two_indices_rank_msoas_differently_somewhere():
    a = geography.msoa_deprivation("imd2019").set_index("msoa11_code")["score"].rank()
    b = geography.msoa_deprivation("iod2025").set_index("msoa11_code")["score"].rank()
    assert (a != b.reindex(a.index)).any()


def test_area_names():
    names = geography.area_names()
    assert names["E92000001"] == "England" and names["E12000005"] == "West Midlands"
    assert names["E07000220"] == "Rugby" and names["E54000018"] == "Coventry and Warwickshire ICB"
