"""Loaders on the real mirror: shapes, keys and published values (source given beside each number)."""

from __future__ import annotations

import pandas as pd
import pytest

import phna.data as data

from conftest import needs_mirror

pytestmark = needs_mirror
CW = ["E08000026", "E07000218", "E07000219", "E07000220", "E07000221", "E07000222"]
LSOA11_PER_DISTRICT = {"E08000026": 195, "E07000218": 38, "E07000219": 81, "E07000220": 61, "E07000221": 73,
                       "E07000222": 86}  # imd2019_lsoa/SOURCES.md
LSOA21_PER_DISTRICT = {"E08000026": 203, "E07000218": 38, "E07000219": 84, "E07000220": 67, "E07000221": 77,
                       "E07000222": 88}  # lookups/SOURCES.md


def test_lsoa11_lookup():
    df = data.lsoa11_lookup()
    assert len(df) == 32844 and df["lsoa11_code"].is_unique
    assert list(df.columns) == ["lsoa11_code", "lsoa11_name", "msoa11_code", "msoa11_name", "district_code",
                                "district_name", "county_code", "county_name", "region_code", "icb_code", "icb_name"]
    cw = df[df["district_code"].isin(CW)]
    assert cw.groupby("district_code").size().to_dict() == LSOA11_PER_DISTRICT
    assert set(cw["icb_code"]) == {"E54000018"} and set(cw["region_code"]) == {"E12000005"}
    assert set(cw.loc[cw["district_code"] != "E08000026", "county_code"]) == {"E10000031"}
    assert df.notna().all().all()


def test_lsoa21_lookup():
    df = data.lsoa21_lookup()
    assert len(df) == 33755 and df["lsoa21_code"].is_unique
    cw = df[df["icb_code"] == "E54000018"]
    assert len(cw) == 557
    assert cw.groupby("district_code").size().to_dict() == LSOA21_PER_DISTRICT
    assert df.attrs["unofficial_columns"] == ["msoa21_code", "msoa21_name"]
    assert cw["msoa21_code"].nunique() == 42 + 7 + 17 + 13 + 15 + 15  # DERIVED file notes in lookups/SOURCES.md


def test_district_lookup():
    df = data.district_lookup()
    assert len(df) == 296 and df["district_code"].is_unique
    wm = df[df["region_code"] == "E12000005"]
    assert len(wm) == 30 and set(CW) <= set(wm["district_code"])
    row = df.set_index("district_code").loc["E07000220"]
    assert row["county_code"] == "E10000031" and row["region_name"] == "West Midlands"


def test_imd2019():
    df = data.imd2019_lsoa()
    assert len(df) == 32844 and df["lsoa11_code"].is_unique
    assert df["imd_rank"].min() == 1 and df["imd_rank"].max() == 32844
    # Ranks are tied only where scores are tied (26 published ties).
    tied = df[df["imd_rank"].duplicated(keep=False)]
    assert len(tied) == 52 and (tied.groupby("imd_rank")["imd_score"].nunique() == 1).all()
    assert set(df["imd_decile"]) == set(range(1, 11))
    first = df.set_index("lsoa11_code").loc["E01000001"]  # File 1: rank "29,199", decile 9; File 7 score 6.208
    assert (first["imd_rank"], first["imd_decile"], first["imd_score"]) == (29199, 9, pytest.approx(6.208))
    assert first["population_mid2015"] == 1296  # File 6
    assert df[df["district_code"].isin(CW)].shape[0] == 534
    # Decile 1 is the most deprived: the highest scores.
    assert df.groupby("imd_decile")["imd_score"].mean().is_monotonic_decreasing


def test_iod2025():
    df = data.iod2025_lsoa()
    assert len(df) == 33755
    first = df.set_index("lsoa21_code").loc["E01000001"]  # humaniverse_imd2025_england_lsoa21.csv first row
    assert (first["imd_score"], first["imd_rank"], first["imd_decile"]) == (pytest.approx(8.742), 26525, 8)
    assert first["living_environment_rank"] == 244
    assert df[df["district_code"].isin(CW)].shape[0] == 557


def test_lsoa_population_2019():
    df = data.lsoa_population_2019()
    assert df["lsoa11_code"].nunique() == 534
    assert df.loc[df["district_code"] == "E08000026", "population"].sum() == 371521  # population/SOURCES.md
    assert df.loc[df["district_code"] == "E08000026", "lsoa11_code"].nunique() == 195
    assert set(df["sex"]) == {"male", "female"} and df["age"].max() == 90


def test_population_single_year():
    df = data.population_single_year(2019, persons=True)
    eng = df[(df["area_code"] == "E92000001") & (df["sex"] == "persons")]
    assert eng["population"].sum() == 56286961  # population/SOURCES.md
    cov = df[(df["area_code"] == "E08000026") & (df["sex"] != "persons")]
    assert cov["population"].sum() == 371521
    assert df.set_index("area_code").loc["E12000005", "area_type"].iloc[0] == "region"
    for year in (2021, 2022):
        assert data.population_single_year(year)["area_code"].str.startswith("E08000026").any()
    with pytest.raises(data.DataError, match="available years"):
        data.population_single_year(2020)


def test_population_by_imd_decile():
    df = data.population_by_imd_decile_2020()
    assert len(df) == 1820 and df["population"].sum() == 56550138  # population/SOURCES.md


def test_deaths_population_2014():
    df = data.deaths_population_2014()
    totals = df.groupby(["area_code", "sex"])["deaths"].sum()
    # ons_deaths_area_2014/SOURCES.md spot checks (Table 2, males/females all ages)
    assert totals[("E92000001", "male")] == 229116 and totals[("E92000001", "female")] == 239759
    assert totals[("E08000026", "male")] == 1276 and totals[("E08000026", "female")] == 1397
    assert totals[("E10000031", "male")] == 2458 and totals[("E07000220", "female")] == 453
    assert totals[("E12000005", "male")] == 25557
    assert list(df.loc[df["area_code"] == "E08000026", "age_band"].unique()) == [
        "0", "1-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
        "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
    cov_pop = df[(df["area_code"] == "E08000026") & (df["sex"] == "male")]["population"].sum()
    assert cov_pop == 169293  # MYE2 mid-2014 males, Coventry ALL AGES
    cornwall = df[(df["area_code"] == "E06000052") & (df["sex"] == "male")]
    assert cornwall["population"].sum() == 264718 + 1148  # Cornwall + Isles of Scilly, MYE2 mid-2014 males
    assert df.attrs["unmatched"] == ["INNER LONDON", "OUTER LONDON", "Usual residence outside England and Wales"]
    assert not df.duplicated(["area_code", "sex", "age_band"]).any()
    assert set(df["area_type"]) == {"country", "region", "county", "district"}


def test_ons_asmr_2014():
    df = data.ons_asmr_2014().set_index(["area_code", "sex"])
    assert df.loc[("E08000026", "persons"), "value"] == pytest.approx(1012.8)  # Table 1a
    assert df.loc[("E92000001", "male"), "value"] == pytest.approx(1113.8)
    assert df.loc[("E08000026", "male"), "count"] == 1276
    assert df["lower_ci"].isna().all()


def test_msoa_life_expectancy():
    df = data.msoa_life_expectancy()
    assert df["msoa11_code"].str.startswith("E02").all() and df["msoa11_code"].nunique() == 6791
    assert df["value"].isna().sum() == 454  # life_expectancy_msoa/SOURCES.md
    ok = df.dropna(subset=["value"])
    assert ((ok["lower_ci"] <= ok["value"]) & (ok["value"] <= ok["upper_ci"])).all()
    assert set(df["period"]) == {"2016-20"}
    assert len(data.msoa_life_expectancy(england_only=False)) == 21603


def test_local_health():
    df = data.local_health_msoa()
    assert df["msoa11_code"].nunique() == 6791 and df["indicator"].nunique() == 12
    row = df[(df["msoa11_code"] == "E02000001") & (df["indicator"] == "smr_under75_preventable")]
    assert row["value"].item() == pytest.approx(67.9)  # msoa_file_local_health_mortality_le.csv, first row
    ltla = data.local_health_ltla()
    assert ltla["area_code"].nunique() == 309


def test_fingertips():
    le = data.fingertips(90366)
    cov = le[le["area_code"] == "E08000026"]
    assert set(cov["sex"]) == {"male", "female"} and "2023-25" in set(cov["period"])
    assert not le.duplicated(["area_code", "period", "sex"]).any()
    sii = data.fingertips("92901")  # three extracts combined without duplicates, newest preferred
    assert not sii.duplicated(["area_code", "period", "sex"]).any()
    assert sii["source_file"].nunique() == 3
    overlap = sii[(sii["area_code"] == "E08000026") & (sii["period"] == "2015-17")]
    assert set(overlap["source_file"]) == {"fingertips.trafford_themes.health__inequality_life_expectancy"}
    for ind in (90362, 93721, 40502):
        assert (data.fingertips(ind)["area_code"] == "E08000026").any()
    with pytest.raises(data.DataError, match="available ids"):
        data.fingertips(1)


def test_els():
    df = data.els("healthy-life-expectancy")
    row = df[(df["area_code"] == "E08000026") & (df["period"] == "2022-24") & (df["indicator"] == "Male healthy life expectancy")]
    assert (row["value"].item(), row["lower_ci"].item(), row["upper_ci"].item()) == (59.2, 55.9, 62.6)  # ELS SOURCES.md
    assert row["period_start"].item() == pd.Timestamp("2022-01-01")
    cvd = data.els("preventable-cardiovascular-mortality-england")
    assert cvd.loc[(cvd["area_code"] == "E08000026") & (cvd["period"] == "2022-24"), "value"].item() == pytest.approx(40.3, abs=0.05)
    assert set(data.els("children-in-relative-poverty")["period"]) == {"2021/22", "2022/23", "2023/24", "2024/25"}
    assert len(data.els_datasets()) == 28
    meta = data.els_metadata("healthy-life-expectancy")
    assert meta["shared"]["sourceOrg"] == "Office for National Statistics"
    assert "Male healthy life expectancy" in meta["indicators"]
    with pytest.raises(data.DataError, match="unknown dataset"):
        data.els("no-such-dataset")


def test_wider_determinants():
    hi = data.health_index_indicators()
    assert hi["indicator"].nunique() == 56 and set(CW) <= set(hi["area_code"])
    scores = data.health_index()
    assert {"district", "icb"} == set(scores["area_type"]) and (scores["area_code"] == "E54000018").any()
    fp = data.fuel_poverty().set_index(["area_code", "period"])
    assert fp.loc[("E08000026", "2012"), "value"] == pytest.approx(16.3, abs=0.05)  # fuel_poverty/SOURCES.md
    assert fp.loc[("E08000026", "2021"), "value"] == pytest.approx(20.8, abs=0.05)
    assert fp.loc[("E08000026", "2018"), "definition"] == "LIHC" and fp.loc[("E08000026", "2019"), "definition"] == "LILEE"
    sim = data.similar_areas("global")
    cov = sim[sim["area_code"] == "E08000026"].sort_values("rank")
    assert cov["neighbour_code"].head(5).tolist() == ["E06000015", "E08000035", "W06000015", "E06000031", "E08000031"]
    esp = data.esp2013()
    assert esp["standard_population"].sum() == 100000 and esp["age_band"].iloc[-1] == "90+"
    esp20 = data.esp2013(under_one=True)
    assert len(esp20) == 20 and esp20["standard_population"].sum() == 100000
    deaths_bands = data.deaths_population_2014()["age_band"].unique().tolist()
    assert esp20["age_band"].tolist() == deaths_bands


def test_boundaries():
    icb = data.boundaries("icb22", ["E54000018"])
    assert icb["type"] == "FeatureCollection" and len(icb["features"]) == 1
    assert icb["features"][0]["properties"] == {"code": "E54000018",
                                                "name": "NHS Coventry and Warwickshire Integrated Care Board"}
    detailed = data.boundaries("lsoa11_detailed")
    assert len(detailed["features"]) == 534
    assert len(data.boundaries("ltla24", CW)["features"]) == 6
    with pytest.raises(data.DataError, match="not in the boundary file"):
        data.boundaries("ltla24", ["E08000026", "E99999999"])
    with pytest.raises(data.DataError, match="unknown level"):
        data.boundaries("wards")


def test_loaders_return_copies():
    a = data.lsoa_population_2019()
    a["population"] = 0
    assert data.lsoa_population_2019()["population"].sum() > 0
