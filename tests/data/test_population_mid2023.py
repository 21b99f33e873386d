"""ONS mid-2023 population estimates (MYE2 sheets of ONS's workbook): spot checks from population/SOURCES.md
and the loader's input checks on deliberately broken copies of the workbook."""

from __future__ import annotations

import openpyxl
import pytest

from phna import data
from phna.data.population import MID2023_HEADER_ROW, MID2023_SHEETS

from conftest import needs_mirror

pytestmark = needs_mirror

WORKBOOK = "population/mye23tablesew.xlsx"


def test_population_mid2023_spot_checks():
    df = data.population_mid2023()
    assert list(df.columns) == ["area_code", "area_name", "sex", "age", "population"]
    coventry = df[df["area_code"] == "E08000026"]
    # population/SOURCES.md: Coventry all ages 360,702 (males 181,477, females 179,225); age 0 4,068; 90+ 2,587.
    assert coventry["population"].sum() == 360702
    assert coventry.groupby("sex")["population"].sum().to_dict() == {"female": 179225, "male": 181477}
    assert coventry.loc[coventry["age"] == 0, "population"].sum() == 4068
    assert coventry.loc[coventry["age"] == 90, "population"].sum() == 2587
    assert coventry["area_name"].iloc[0] == "Coventry"
    england = df[df["area_code"] == "E92000001"]
    assert england["population"].sum() == 57690323 and england["area_name"].iloc[0] == "England"
    for code in ("E07000218", "E07000219", "E07000220", "E07000221", "E07000222", "E10000031", "E12000005"):
        assert (df["area_code"] == code).sum() == 182, code
    persons = data.population_mid2023(persons=True)
    assert persons.loc[(persons["area_code"] == "E08000026") & (persons["sex"] == "persons"), "population"].sum() == 360702


def _broken_copy(mirror, tmp_path, edit):
    book = openpyxl.load_workbook(mirror / WORKBOOK)
    edit(book[MID2023_SHEETS["male"]])
    out = tmp_path / "mye23.xlsx"
    book.save(out)
    return out


def _coventry_row(sheet) -> int:
    for row in sheet.iter_rows(min_row=MID2023_HEADER_ROW + 2):
        if row[0].value == "E08000026":
            return row[0].row
    raise AssertionError("Coventry not in the sheet")


def test_population_mid2023_refuses_ages_not_adding_up(mirror, tmp_path):
    def edit(sheet):
        sheet.cell(row=_coventry_row(sheet), column=5).value = 999999  # age 0 no longer adds up to "All ages"

    with pytest.raises(data.DataError, match="do not add up"):
        data.population_mid2023(path=_broken_copy(mirror, tmp_path, edit))


def test_population_mid2023_refuses_text_and_missing_columns(mirror, tmp_path):
    def text(sheet):
        sheet.cell(row=_coventry_row(sheet), column=6).value = "c"

    with pytest.raises(data.DataError, match="non-numeric"):
        data.population_mid2023(path=_broken_copy(mirror, tmp_path, text))

    def drop_90(sheet):
        sheet.cell(row=MID2023_HEADER_ROW + 1, column=95).value = "ninety"

    with pytest.raises(data.DataError, match="90\\+"):
        data.population_mid2023(path=_broken_copy(mirror, tmp_path, drop_90))
