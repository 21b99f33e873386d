"""DfE LAIT loader: values against the parquet file read independently, periods, suppression, area codes.

Known values (mirror children_dfe_lait/SOURCES.md spot check, Coventry / Warwickshire / England): InfMort 2023:
5.5 / 3.7 / 3.9; Low_Birth_Weight_Babies 2024: 3.53 / 1.97 / 2.98; ChildPov 2025: 25.5 / 14.2 / 19.8;
FSP_NEW_GOODDEV 2025: 65.3 / 68.6 / 68.3. Breastfeeding at 6-8 weeks, England, LAIT "2024": 52.71, OHID's
2023/24 value (Fingertips 92517), which fixes LAIT's convention of labelling a financial year by its end.
"""

from __future__ import annotations

import pandas as pd
import pytest

from phna.data import DataError, lait, lait_dictionary
from phna.data.dfe_lait import period_label

LA = {331: "E08000026", 937: "E10000031", 970: "E92000001"}


@pytest.fixture(scope="module")
def raw(mirror):
    return pd.read_parquet(mirror / "children_dfe_lait/bds_long_0.parquet")


@pytest.mark.parametrize("measure, year, expected", [
    ("InfMort", 2023, {331: 5.5, 937: 3.7, 970: 3.9}),
    ("Low_Birth_Weight_Babies", 2024, {331: 3.53, 937: 1.97, 970: 2.98}),
    ("ChildPov", 2025, {331: 25.5, 937: 14.2, 970: 19.8}),
    ("FSP_NEW_GOODDEV", 2025, {331: 65.3, 937: 68.6, 970: 68.3}),
])
def test_spot_check_values_and_codes(mirror, raw, measure, year, expected):
    df = lait(measure)
    for number, value in expected.items():
        row = df[(df["la_number"] == number) & (df["year"] == year)]
        assert len(row) == 1
        assert row["value"].iloc[0] == pytest.approx(value)
        assert row["area_code"].iloc[0] == LA[number]
        text = raw[(raw["Short Desc"] == measure) & (raw["LA Number"] == number) & (raw["Years"] == str(year))]["Values"]
        assert float(text.iloc[0]) == pytest.approx(row["value"].iloc[0], abs=1e-6)


def test_financial_year_labelled_by_its_end():
    df = lait("6wksBreast")
    england = df[(df["area_code"] == "E92000001") & (df["year"] == 2024)].iloc[0]
    assert england["period"] == "2023/24" and england["value"] == pytest.approx(52.71)
    assert lait("InfMort")["period"].str.fullmatch(r"\d{4}").all()  # calendar years stay years


def test_suppressed_values_are_missing_and_flagged(raw):
    df = lait("6wksBreast")
    cov = df[(df["la_number"] == 331) & (df["year"] == 2024)].iloc[0]
    text = raw[(raw["Short Desc"] == "6wksBreast") & (raw["LA Number"] == 331) & (raw["Years"] == "2024")]["Values"]
    assert text.iloc[0] == "-"
    assert cov["suppressed"] and pd.isna(cov["value"])
    assert not df.loc[df["suppressed"], "value"].notna().any()


def test_region_and_polarity_from_the_dictionary():
    df = lait("InfMort")
    wm = df[df["area_name"] == "West Midlands"]
    assert set(wm["area_code"]) == {"E12000005"} and set(wm["area_type"]) == {"region"}
    assert set(df["polarity"]) == {"low is good"} and set(df["source"]) == {"ONS"}
    info = lait_dictionary().set_index("measure")
    assert info.loc["FSP_NEW_GOODDEV", "polarity"] == "high is good"
    assert info.loc["CIN", "polarity"] == "no judgement"  # LAIT gives "-"


def test_other_year_labels_kept_as_published():
    df = lait("Hosp_Adm_Alc_<18yrs")
    assert df["period"].str.contains("-").all()  # pooled periods such as 2021/22-23/24


def test_unknown_measure():
    with pytest.raises(DataError, match="not in the LAIT data"):
        lait("NoSuchMeasure")


@pytest.mark.parametrize("year, kind, label", [
    (2024, "Financial Year", "2023/24"), (2025, "Academic Year", "2024/25"), (2000, "Financial Year", "1999/00"),
    (2023, "Calendar Year", "2023"), (2025, "Annual", "2025"),
])
def test_period_label(year, kind, label):
    assert period_label(year, kind) == label
