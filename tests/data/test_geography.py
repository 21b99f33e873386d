"""Place-aware access with stand-in Place objects (duck typing)."""

from __future__ import annotations

import pandas as pd
import pytest

import phna.data as data
from phna.data import DataError
from phna.geography import aggregate_counts, place_areas, select_rows

from conftest import needs_mirror

pytestmark = needs_mirror
CW = ("E08000026", "E07000218", "E07000219", "E07000220", "E07000221", "E07000222")
PLACES = {  # slug: (districts, LSOA11 count, LSOA21 count) — counts from the mirror SOURCES.md files
    "coventry": (("E08000026",), 195, 203),
    "warwickshire-north": (("E07000218", "E07000219"), 38 + 81, 38 + 84),
    "rugby": (("E07000220",), 61, 67),
    "south-warwickshire": (("E07000221", "E07000222"), 73 + 86, 77 + 88),
    "icb": (CW, 534, 557),
}


@pytest.mark.parametrize("slug", PLACES)
def test_places_resolve(slug, make_place):
    districts, n11, n21 = PLACES[slug]
    areas = place_areas(make_place(slug, districts, kind="icb" if slug == "icb" else "place"))
    assert (len(areas.lsoa11), len(areas.lsoa21)) == (n11, n21)
    assert areas.districts == tuple(sorted(districts))
    assert areas.region_code == "E12000005" and areas.icb_code == "E54000018"


def test_icb_by_code_and_msoas(make_place):
    areas = place_areas(make_place("icb", icb_code="E54000018", kind="icb"))
    assert len(areas.lsoa11) == 534 and len(areas.lsoa21) == 557 and areas.districts == tuple(sorted(CW))
    # Every C&W MSOA11 lies wholly within the ICB: 42 + 7 + 17 + 12 + 15 + 15 (life_expectancy_msoa/SOURCES.md).
    assert len(areas.msoa11) == 108
    assert len(place_areas(make_place("coventry", ["E08000026"])).msoa11) == 42


def test_lsoa_defined_place(make_place):
    lsoas = ["E01009522", "E01009523", "E01009524"]
    areas = place_areas(make_place("custom", lsoas=lsoas, kind="lsoas"))
    assert areas.lsoa11 == tuple(sorted(lsoas)) and areas.districts == ("E08000026",)
    assert len(areas.lsoa21) >= 3 and areas.msoa11 == ()
    with pytest.raises(DataError, match="not in England's lookup.*E01999999"):
        place_areas(make_place("bad", lsoas=["E01999999"], kind="lsoas"))
    with pytest.raises(DataError, match="E08999999"):
        place_areas(make_place("bad2", ["E08999999"]))


def test_select_rows(make_place):
    wn = make_place("warwickshire-north", ["E07000218", "E07000219"])
    rows = select_rows(data.fingertips(90366), wn)
    assert set(rows["area_code"]) == {"E07000218", "E07000219", "E92000001"}  # no region rows in Fingertips
    rows = select_rows(data.els("preventable-cardiovascular-mortality-england"), wn)
    assert set(rows["area_code"]) == {"E07000218", "E07000219", "E92000001", "E12000005"}


def test_aggregate_counts_deaths(make_place):
    sw = make_place("south-warwickshire", ["E07000221", "E07000222"], name="South Warwickshire")
    df = data.deaths_population_2014()
    out = aggregate_counts(df, sw)
    assert len(out) == 40 and set(out["n_areas"]) == {2}
    assert out["area_code"].unique().tolist() == ["place:south-warwickshire"]
    males = out[out["sex"] == "male"]
    assert males["deaths"].sum() == 618 + 530  # Table 2: Stratford-on-Avon + Warwick males
    both = df[df["area_code"].isin(["E07000221", "E07000222"])]
    assert out["population"].sum() == both["population"].sum()


def test_aggregate_counts_lsoa_population(make_place):
    out = aggregate_counts(data.lsoa_population_2019(), make_place("coventry", ["E08000026"]),
                           code_col="lsoa11_code", value_cols=["population"], by=["sex"])
    assert out["population"].sum() == 371521 and set(out["n_areas"]) == {195}
    by_age = aggregate_counts(data.lsoa_population_2019(), make_place("rugby", ["E07000220"]),
                              code_col="lsoa11_code", value_cols=["population"])
    assert list(by_age.columns) == ["lsoa11_code", "area_name", "area_type", "sex", "age", "population", "n_areas"]
    assert len(by_age) == 182 and set(by_age["n_areas"]) == {61}


def test_aggregate_refuses_rates_and_incomplete_sums(make_place):
    coventry = make_place("coventry", ["E08000026"])
    le = data.msoa_life_expectancy()
    with pytest.raises(DataError, match=r"\['value'\] are not count columns.*never averaged"):
        aggregate_counts(le, coventry, code_col="msoa11_code", value_cols=["value"])
    wn = make_place("wn", ["E07000218", "E07000219"])
    partial = data.deaths_population_2014().query("area_code != 'E07000219'")
    with pytest.raises(DataError, match="incomplete|none of"):
        aggregate_counts(partial, wn)
    small = pd.DataFrame({"area_code": ["E07000218", "E07000219"], "deaths": [1, 2]})
    with pytest.raises(DataError, match="defined by LSOAs"):
        aggregate_counts(small, make_place("x", lsoas=["E01009522"], kind="lsoas"), value_cols=["deaths"])
    assert aggregate_counts(small, wn, value_cols=["deaths"])["deaths"].item() == 3
