"""The Fingertips API CSV reader, on the real file's layout and on broken copies of it.

Known values (mirror fingertips_child_injuries/SOURCES.md spot check, Fingertips 90284, persons, under 15,
2023/24, crude rate per 10,000): Coventry 84.59 (78.07-92.14), 570 / 67,383, worse than England;
Warwickshire 67.11 (62.23-72.27), 700 / 104,309, better; England 72.71, 72,293 / 9,942,344. Each is also read
here from the CSV with the csv module, independently of the reader.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest

from phna.data import DataError, child_injuries, read_fingertips_api_csv

LA_FILE = "fingertips_child_injuries/la_hospital_admissions_2324.csv"
REGION_FILE = "fingertips_child_injuries/region_hospital_admissions_2324.csv"


def _raw_row(path, code, period, sex="Persons"):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["Area Code"] == code and row["Time period"] == period and row["Sex"] == sex
                    and row["Category"] == ""):
                return row
    raise AssertionError(f"{code} {period} not in {path}")


@pytest.fixture(scope="module")
def la(mirror):
    return read_fingertips_api_csv(mirror / LA_FILE, "test")


def _row(df, code, period="2023/24"):
    hit = df[(df["area_code"] == code) & (df["period"] == period) & (df["sex"] == "persons") & df["inequality"].isna()]
    assert len(hit) == 1
    return hit.iloc[0]


@pytest.mark.parametrize("code, value, lower, upper, count, denominator, comparison", [
    ("E08000026", 84.59, 78.07, 92.14, 570, 67383, "worse"),  # SOURCES.md spot check
    ("E10000031", 67.11, 62.23, 72.27, 700, 104309, "better"),
])
def test_published_values_limits_counts_and_comparison(la, code, value, lower, upper, count, denominator, comparison):
    row = _row(la, code)
    assert row["value"] == pytest.approx(value, abs=0.005)
    assert row["lower_95"] == pytest.approx(lower, abs=0.005)
    assert row["upper_95"] == pytest.approx(upper, abs=0.005)
    assert (row["count"], row["denominator"]) == (count, denominator)
    assert row["compared_to_england"] == comparison


def test_every_column_matches_the_raw_file(la, mirror):
    raw = _raw_row(mirror / LA_FILE, "E08000026", "2023/24")
    row = _row(la, "E08000026")
    for column, name in [("Value", "value"), ("Lower CI 95.0 limit", "lower_95"), ("Upper CI 95.0 limit", "upper_95"),
                         ("Lower CI 99.8 limit", "lower_99_8"), ("Upper CI 99.8 limit", "upper_99_8"),
                         ("Count", "count"), ("Denominator", "denominator")]:
        assert row[name] == pytest.approx(float(raw[column])), column
    assert row["indicator_id"] == raw["Indicator ID"] == "90284"
    assert row["recent_trend"] == raw["Recent Trend"].lower()
    assert row["area_type"] == "district" and _row(la, "E10000031")["area_type"] == "county"


def test_same_columns_as_the_other_fingertips_loader(la):
    from phna.data.fingertips import COLUMNS

    assert list(la.columns[: len(COLUMNS)]) == COLUMNS


def test_england_repeated_by_the_api_is_kept_once(la):
    england = la[(la["area_code"] == "E92000001") & la["inequality"].isna() & (la["sex"] == "persons")]
    assert england["period"].is_unique
    assert _row(la, "E92000001")["value"] == pytest.approx(72.71, abs=0.005)


def test_child_injuries_combines_regions_and_parent_comparison(mirror):
    df = child_injuries()
    region = _row(df, "E12000005")
    raw = _raw_row(mirror / REGION_FILE, "E12000005", "2023/24")
    assert region["value"] == pytest.approx(float(raw["Value"]))
    # Each authority's comparison with its region comes from the region file.
    raw_cov = _raw_row(mirror / REGION_FILE, "E08000026", "2023/24")
    assert _row(df, "E08000026")["compared_to_parent"] == raw_cov["Compared to Regions (statistical) value or percentiles"].lower()
    keys = ["area_code", "period", "sex", "category_type", "inequality"]
    assert not df.fillna({"category_type": "", "inequality": ""}).duplicated(keys).any()


# --------------------------------------------------------------------------------------- other layouts
HEADER = ["Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex",
          "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit",
          "Count", "Denominator", "Value note", "Recent Trend", "Compared to England value or percentiles",
          "Compared to Counties & UAs (from Apr 2023) value or percentiles", "Time period Sortable"]


def _write(path, rows, header=HEADER):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


GOOD = ["93014", "Physically active adults", "E10000031", "Warwickshire", "E07000220", "Rugby", "Districts", "Persons",
        "19+ yrs", "", "", "2023/24", "70.1", "66.0", "74.0", "500", "713", "", "No significant change", "Better 95%",
        "Similar", "20230000"]


def test_a_file_without_99_8_limits_and_with_another_parent(tmp_path):
    df = read_fingertips_api_csv(_write(tmp_path / "x.csv", [GOOD]), "test", unit="%")
    row = df.iloc[0]
    assert np.isnan(row["lower_99_8"]) and row["lower_95"] == 66.0
    assert row["compared_to_england"] == "better"  # "Better 95%" keeps the word
    assert row["compared_to_parent"] == "similar"
    assert row["unit"] == "%" and row["sex"] == "persons"


@pytest.mark.parametrize("change, message", [
    ({12: "80.0"}, "outside its 95 % limits"),
    ({19: "Brilliant"}, "unknown comparison"),
    ({7: "Other"}, "unknown value"),
    ({4: "Rugby"}, "not matching"),
])
def test_broken_files_are_refused(tmp_path, change, message):
    row = list(GOOD)
    for index, value in change.items():
        row[index] = value
    with pytest.raises(DataError, match=message):
        read_fingertips_api_csv(_write(tmp_path / "x.csv", [row]), "test")


def test_a_key_repeated_with_different_numbers_is_refused(tmp_path):
    other = list(GOOD)
    other[12] = "71.0"
    with pytest.raises(DataError, match="duplicated"):
        read_fingertips_api_csv(_write(tmp_path / "x.csv", [GOOD, other]), "test")
    # The same row twice (as the API repeats England) is kept once.
    assert len(read_fingertips_api_csv(_write(tmp_path / "y.csv", [GOOD, GOOD]), "test")) == 1


def test_missing_columns_are_named(tmp_path):
    with pytest.raises(DataError, match="Recent Trend"):
        read_fingertips_api_csv(_write(tmp_path / "x.csv", [GOOD[:18] + GOOD[19:]],
                                       header=HEADER[:18] + HEADER[19:]), "test")
