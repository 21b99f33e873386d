"""Malformed inputs raise DataError naming the file, the column and the offending values."""

from __future__ import annotations

import csv
import io

import pytest

import phna.data as data
from phna.data import DataError

from conftest import needs_mirror

POP_HEADER = "lsoa_year,lsoa_code,lsoa_name,la_year,la_code,la_name,age,gender,est_year,n\n"


def _lsoa_rows(code="E01009522", la="E08000026", n=5):
    return "".join(f"2019,{code},X 001A,2019,{la},X,{age},{sex},2019,{n}\n" for sex in "fm" for age in range(91))


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, message", [
    (POP_HEADER.replace(",n\n", ",count\n") + _lsoa_rows(), r"expected columns \['n'\]"),
    (POP_HEADER + _lsoa_rows() + _lsoa_rows(), "duplicated on"),
    (POP_HEADER + _lsoa_rows(code="X01009522"), "lsoa11_code.*X01009522"),
    (POP_HEADER + _lsoa_rows(n=-1), r"'population'.*outside"),
    (POP_HEADER + _lsoa_rows().replace(",90,f,", ",91,f,"), r"'age'.*outside"),
    (POP_HEADER + _lsoa_rows().replace(",5\n", ",five\n", 1), r"'n' has non-numeric.*five"),
    (POP_HEADER + _lsoa_rows()[: -len(_lsoa_rows()) // 2], "2 sexes x 91 ages"),
])
def test_lsoa_population_malformed(tmp_path, text, message):
    path = write(tmp_path, "pop.csv", text)
    with pytest.raises(DataError, match=message) as error:
        data.lsoa_population_2019(path=path)
    assert str(path) in str(error.value)


def test_lsoa_population_good_small_file(tmp_path):
    df = data.lsoa_population_2019(path=write(tmp_path, "pop.csv", POP_HEADER + _lsoa_rows()))
    assert len(df) == 182 and df["population"].sum() == 910


def test_mye2_malformed(tmp_path):
    header = "year,code,name,geography,sex,age,population\n"
    with pytest.raises(DataError, match="unknown sex label.*X"):
        data.population_single_year(2019, path=write(tmp_path, "a.csv", header + "2019,E92000001,ENGLAND,Country,X,0,1\n"))
    with pytest.raises(DataError, match="area_code.*E9200001"):
        data.population_single_year(2019, path=write(tmp_path, "b.csv", header + "2019,E9200001,ENGLAND,Country,M,0,1\n"))


def test_life_expectancy_malformed(tmp_path):
    header = ("Period,Analysis,Geography Type,Code,Code Name,Sex,No of Deaths,Population,"
              "Life Expectancy at birth (in years),Lower 95% confidence interval,Upper 95% confidence interval\n")
    row = "2016 to 2020,LE,2011MSOAs,E02000001,City of London 001,Males,97,24214,{le},87.6,99.6\n"
    with pytest.raises(DataError, match=r"'value'.*outside \[40, 120\].*812"):
        data.msoa_life_expectancy(path=write(tmp_path, "le.csv", header + row.format(le=812)))
    assert len(data.msoa_life_expectancy(path=write(tmp_path, "ok.csv", header + row.format(le=93.6)))) == 1


def test_els_malformed(tmp_path):
    header = "areacd,areanm,geography,indicator,period,observation,measure,unit,lci_95,uci_95,status,notes\n"
    bad_period = header + "E08000026,Coventry,LAD,HLE,2022,59.2,Years,yrs,55.9,62.6,,\n"
    with pytest.raises(DataError, match="period.*'2022'"):
        data.els("healthy-life-expectancy", path=write(tmp_path, "a.csv", bad_period))
    outside = header + "E08000026,Coventry,LAD,HLE,2022-01-01/P3Y,70.0,Years,yrs,55.9,62.6,,\n"
    with pytest.raises(DataError, match="outside its 95 % CI"):
        data.els("healthy-life-expectancy", path=write(tmp_path, "b.csv", outside))


def test_esp_malformed(tmp_path):
    with pytest.raises(DataError, match="19 age bands"):
        data.esp2013(path=write(tmp_path, "esp.csv", "esp2013\n5000\n"))


def test_parse_period_labels():
    from phna.data.els import parse_period

    assert parse_period("2022-01-01/P3Y")[0] == "2022-24"
    assert parse_period("2021-04-01/P1Y")[0] == "2021/22"
    assert parse_period("2014-04-01/P3Y")[0] == "2014/15-16/17"
    assert parse_period("2023-01-01/P1Y")[0] == "2023"
    assert parse_period("2019-01-01/P5Y")[0] == "2019-23"
    assert parse_period("2023-10-05")[2] == 0
    with pytest.raises(ValueError):
        parse_period("2023/24")


@needs_mirror
def test_deaths_table2_malformed(fake_repo):
    repo = fake_repo()
    original = repo.real_bytes("deaths2014.table_2").decode("utf-8")
    lines = original.split("\n")
    i = next(n for n, line in enumerate(lines) if line.startswith("Coventry "))
    cells = next(csv.reader([lines[i]]))
    cells[3] = str(int(cells[3]) + 1)  # under-1 males no longer add up to All Ages
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    repo.replace("deaths2014.table_2", "\n".join(lines[:i] + [buffer.getvalue()] + lines[i + 1:]).encode("utf-8"))
    with pytest.raises(DataError, match="males deaths by age do not add to All Ages.*Coventry"):
        data.deaths_population_2014()
    renamed = original.replace("\nCoventry ", "\nAtlantis ")
    repo.replace("deaths2014.table_2", renamed.encode("utf-8"))
    with pytest.raises(DataError, match="without a code.*Atlantis"):
        data.deaths_population_2014()


@needs_mirror
def test_imd_and_lookup_malformed(fake_repo):
    repo = fake_repo()
    text = repo.real_bytes("imd2019.file2_domains").decode("utf-8-sig")
    head, first, rest = text.split("\n", 2)
    cells = first.split(",")
    cells[5] = "11"  # IMD decile
    repo.replace("imd2019.file2_domains", "\n".join([head, ",".join(cells), rest]).encode("utf-8"))
    with pytest.raises(DataError, match=r"imd2019.file2_domains.*'imd_decile'.*outside \[1, 10\]"):
        data.imd2019_lsoa()
    text = repo.real_bytes("lookups.lsoa11_icb22").decode("utf-8")
    head, first, rest = text.split("\n", 2)
    repo.replace("lookups.lsoa11_icb22", "\n".join([head, first, first, rest]).encode("utf-8"))
    with pytest.raises(DataError, match="lookups.lsoa11_icb22.*duplicated on \\['lsoa11_code'\\]"):
        data.lsoa11_lookup()


@needs_mirror
def test_fingertips_malformed(fake_repo):
    repo = fake_repo()
    sid = "fingertips.trafford_themes.health__life_expectancy"
    text = repo.real_bytes(sid).decode("utf-8").replace(",79.5,", ",seventy,", 1)
    repo.replace(sid, text.encode("utf-8"))
    with pytest.raises(DataError, match="'value' has non-numeric.*seventy"):
        data.fingertips(90366)
