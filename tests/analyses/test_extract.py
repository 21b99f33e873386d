"""The analyst's deaths extract: the one format, loud validation (file, line, column), places and quintiles,
and the suppression gate (no value from a small count reaches a table, chart data or finding).

Every extract here is GENERATED (the example command's synthetic extract or small hand-made frames); none is
shown to readers.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from phna.analyses import extract as extract_module
from phna.analyses.extract import ExtractError, publishable, read_deaths_extract

GOOD = [
    "lsoa11_code,sex,age_band,period,icd10,deaths",
    "E01031000,male,70-74,2022,I21.9,3",
    "E01031000,female,90+,2022,F03,2",
    "E01031001,m,0,2022,P07.3,1",
]


def write(tmp_path, lines, name="extract.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reads_the_format(tmp_path):
    out = read_deaths_extract(write(tmp_path, GOOD))
    assert out.attrs["vintage"] == "lsoa11" and out.attrs["period"] == "2022" and not out.attrs["has_population"]
    assert out["icd10"].tolist() == ["I219", "F03", "P073"]
    assert out["age_start"].tolist() == [70, 90, 0]
    assert out["sex"].tolist() == ["male", "female", "male"]
    assert out["deaths"].sum() == 6


def test_periods_give_years():
    assert extract_module.period_years("2021-23") == (2021, 2023)
    assert extract_module.period_years("2019/2020") == (2019, 2020)
    assert extract_module.period_years("2023-21") is None and extract_module.period_years("last year") is None


BAD = {
    "negative deaths": (lambda g: g[:1] + ["E01031000,male,70-74,2022,I21.9,-3"] + g[2:], "line 2", "deaths"),
    "text in numbers": (lambda g: g[:2] + ["E01031000,female,90+,2022,F03,two"] + g[3:], "line 3", "deaths"),
    "fractional deaths": (lambda g: g[:2] + ["E01031000,female,90+,2022,F03,1.5"] + g[3:], "line 3", "deaths"),
    "wrong header": (lambda g: ["lsoa,sex,age_band,period,icd10,deaths"] + g[1:], "line 1", "header"),
    "unknown column": (lambda g: [g[0] + ",notes"] + [r + ",x" for r in g[1:]], "line 1", "unknown"),
    "empty file": (lambda g: [""], "empty", "empty"),
    "header only": (lambda g: g[:1], "no rows", "header"),
    "unknown sex": (lambda g: g[:3] + ["E01031001,x,0,2022,P07.3,1"], "line 4", "sex"),
    "unknown age band": (lambda g: g[:1] + ["E01031000,male,70-79,2022,I21.9,3"] + g[2:], "line 2", "age_band"),
    "bad code": (lambda g: g[:1] + ["Rugby,male,70-74,2022,I21.9,3"] + g[2:], "line 2", "lsoa11_code"),
    "bad cause": (lambda g: g[:1] + ["E01031000,male,70-74,2022,heart,3"] + g[2:], "line 2", "icd10"),
    "bad period": (lambda g: g[:1] + ["E01031000,male,70-74,recent,I21.9,3"] + g[2:], "line 2", "period"),
    "duplicate rows": (lambda g: g + [g[1]], "line 2", "line 5"),
    "overlapping periods": (lambda g: g + ["E01031002,male,70-74,2021-22,I21.9,3"], "overlap", "period"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_extracts_name_file_line_and_column(tmp_path, case):
    change, where, what = BAD[case]
    path = write(tmp_path, change(list(GOOD)), name="local-deaths.csv")
    with pytest.raises(ExtractError) as info:
        read_deaths_extract(path)
    message = str(info.value)
    assert "local-deaths.csv" in message and where in message and what in message, message


def test_the_good_file_passes_the_same_checks(tmp_path):
    # the cases above fail because of their change, not because the base file is bad
    assert len(read_deaths_extract(write(tmp_path, GOOD))) == 3


def test_population_must_agree_between_causes(tmp_path):
    lines = ["lsoa11_code,sex,age_band,period,icd10,deaths,population", "E01031000,male,70-74,2022,I21,3,100",
             "E01031000,male,70-74,2022,C34,1,120"]
    with pytest.raises(ExtractError, match=r"column population.*line 2"):
        read_deaths_extract(write(tmp_path, lines))


def test_publishable_removes_small_counts_and_everything_derived():
    table = pd.DataFrame({"value": [80.1, np.nan, 79.0], "lower": [79.0, 70.0, 78.0], "deaths": [9, 200, 10],
                          "suppressed": [False, False, True]})
    out = publishable(table, counts=["deaths"], derived=["value", "lower"])
    assert np.isnan(out.loc[0, "deaths"]) and out.loc[2, "deaths"] == 10
    assert np.isnan(out.loc[1, "lower"])  # the value was withheld, so its limits go too
    assert np.isnan(out.loc[2, "value"]) and out["suppressed"].tolist() == [False, True, True]
    assert out.loc[0, "value"] == 80.1


# ---------------------------------------------------------------------------------------------- with the data
@pytest.fixture(scope="module")
def example(tmp_path_factory, mirror):
    import os

    os.environ.setdefault("PHNA_DATA_MIRROR", str(mirror))
    from phna.analyses.extract_example import write_example

    path = tmp_path_factory.mktemp("extract") / "example.csv"
    write_example(path)
    return path


def params(place="rugby", **extra):
    from phna.context import ChapterContext

    return ChapterContext("life-expectancy", place=place, **extra).params


def test_example_extract_is_valid_and_plausible(example, mirror):
    out = read_deaths_extract(example)
    assert out.attrs["period"] == "2021-23" and out.attrs["vintage"] == "lsoa11"
    per_year = out["deaths"].sum() / 3
    assert 6_000 < per_year < 12_000  # C&W registers roughly 9,000-10,000 deaths a year


def test_areas_outside_the_icb_stop_the_run_unless_dropped(tmp_path, example, mirror):
    from phna.analyses.extract_areas import extract_counts

    frame = pd.read_csv(example, dtype=str)
    extra = pd.DataFrame([["E01000001", "male", "70-74", "2021-23", "I21", "4"],  # City of London
                          ["E01999999", "female", "80-84", "2021-23", "C34", "3"]], columns=frame.columns)
    path = tmp_path / "wider.csv"
    pd.concat([frame, extra]).to_csv(path, index=False)
    with pytest.raises(ExtractError, match=r"1 unknown code.*E01999999.*1 area\(s\) outside Rugby.*E01000001"):
        extract_counts(params(), path)
    counts = extract_counts(params(extract_outside="drop"), path)
    assert (counts.dropped_areas, counts.dropped_deaths) == (2, 7)
    assert extract_counts(params(), example).dropped_areas == 0
    from phna.errors import ConfigError

    with pytest.raises(ConfigError, match="extract_outside: 'dropp' is not one of"):
        params(extract_outside="dropp")


def test_quintiles_split_the_place_and_follow_the_deprivation_index(example, mirror):
    from phna.analyses.extract_areas import extract_counts

    counts = extract_counts(params(), example)
    quintiles = [counts.groups[f"quintile:{q}"][2] for q in range(1, 6)]
    place = counts.groups["place"][2]
    assert set().union(*quintiles) == place and sum(map(len, quintiles)) == len(place)
    assert max(map(len, quintiles)) - min(map(len, quintiles)) <= 1
    other = extract_counts(params(deprivation_index="iod2025"), example)
    assert [other.groups[f"quintile:{q}"][2] for q in range(1, 6)] != quintiles


def test_example_gives_quintiles_sii_and_causes_that_sum_to_the_gap(example, mirror):
    from phna.analyses.le_extract import life_expectancy_from_extract
    from phna.analyses.pm_extract import preventable_from_extract

    result = life_expectancy_from_extract(params(), example)
    assert set(result.table["role"]) == {"place", "ICB", "quintile"}
    assert result.table["value"].between(70, 90).all()
    assert result.sii["sii"].notna().all()
    dec = result.decomposition
    for sex, part in dec.groupby("sex"):
        assert part["contribution"].sum() == pytest.approx(part["gap"].iloc[0], abs=1e-9)
        q = result.table[result.table["sex"] == sex].set_index("group")["value"]
        assert part["gap"].iloc[0] == pytest.approx(q["quintile:1"] - q["quintile:5"], abs=1e-9)
    assert set(dec["cause_label"]) >= {"Circulatory", "Cancer", "COVID-19", "Mental and behavioural", "Other"}
    pm = preventable_from_extract(params(), example)
    assert pm.table["value"].between(50, 1000).all() and len(pm.findings) == 1


# ----------------------------------------------------------------------------------- small numbers, scanned
def small_extract(tmp_path, place_lsoas, deaths_per_sex=9, people_per_sex=7660):
    """Rugby at 9 deaths and 7,660 people per sex (the issue's example), populations given in the extract."""
    bands = extract_module.AGE_BAND_LABELS
    lsoas = sorted(place_lsoas)
    per_cell = people_per_sex / (len(lsoas) * len(bands))
    # the deaths fall in the oldest bands (3 each at 80-84, 85-89 and 90+), spread over the first areas
    dead = {(lsoas[i % len(lsoas)], band): 1 for band in ("80-84", "85-89", "90+") for i in range(deaths_per_sex // 3)}
    rows = [[lsoa, sex, band, "2022", "I21", dead.get((lsoa, band), 0), round(per_cell, 3)]
            for sex in ("male", "female") for lsoa in lsoas for band in bands]
    frame = pd.DataFrame(rows, columns=["lsoa11_code", "sex", "age_band", "period", "icd10", "deaths",
                                        "population"])
    assert frame.groupby("sex")["deaths"].sum().tolist() == [deaths_per_sex] * 2
    path = tmp_path / "small.csv"
    frame.to_csv(path, index=False)
    return path, frame


def forbidden_values(p, path):
    """Numbers that would be disclosive: the unsuppressed life expectancies and limits and the small counts."""
    from phna import stats
    from phna.analyses.extract_areas import extract_counts, group_counts

    cells = group_counts(extract_counts(p, path))
    raw = stats.life_expectancy(cells, deaths="deaths", population="population", age_start="age_start",
                                by=["group", "sex"], confidence=0.95)
    values = set()
    for column in ("value", "lowercl", "uppercl"):
        values |= {f"{v:.1f}" for v in raw[column].dropna() if 40 < v < 1000}
    return values


def numbers_in(text: str) -> set[str]:
    """Every decimal number in a text, as it reads to one decimal place (how pages round years)."""
    return {f"{float(n):.1f}" for n in re.findall(r"(?<![\d.])\d+\.\d+", text)}


def test_small_numbers_never_reach_a_table_or_finding(tmp_path, mirror, monkeypatch):
    from phna.analyses import le_extract, pm_extract

    p = params()
    path, frame = small_extract(tmp_path, p.areas.lsoa11)
    forbidden = forbidden_values(p, path)
    assert forbidden, "the raw life tables give values, so the scan below can find them"

    def published_text(le_result, pm_result):
        tables = [le_result.table, le_result.sii, le_result.decomposition, pm_result.table]
        text = " ".join(t.to_csv(index=False) for t in tables)
        text += " ".join(f.sentence for f in [*le_result.findings, *pm_result.findings])
        return text, tables

    le_result = le_extract.life_expectancy_from_extract(p, path)
    pm_result = pm_extract.preventable_from_extract(p, path)
    text, tables = published_text(le_result, pm_result)
    leaks = forbidden & numbers_in(text)
    assert not leaks, leaks
    for table in tables:
        if "deaths" in table:
            assert not ((table["deaths"] < 10) & table["deaths"].notna()).any()
    assert le_result.decomposition.empty and le_result.sii["sii"].isna().all()

    # the gate is what stops them: without it the same scan finds the values
    monkeypatch.setattr(le_extract, "publishable", lambda t, **k: t)
    broken, _ = published_text(le_extract.life_expectancy_from_extract(p, path), pm_result)
    assert forbidden & numbers_in(broken)


def test_the_command_line_takes_a_relative_extract_from_where_it_runs(tmp_path, monkeypatch):
    from phna.cli import _overrides

    monkeypatch.chdir(tmp_path)
    values = _overrides([["deaths_extract", "local/deaths.csv"], ["confidence", "0.99"]])
    assert values["deaths_extract"] == str(tmp_path / "local" / "deaths.csv")
    assert values["confidence"] == 0.99


def test_reading_records_the_extract_by_content(tmp_path):
    """The run records the file's hash, so editing the extract in place reruns the chapter."""
    import hashlib

    from phna import provenance

    path = write(tmp_path, GOOD)
    read_deaths_extract(path)
    recorded = provenance.files_read()
    assert recorded[str(path.resolve())] == hashlib.sha256(path.read_bytes()).hexdigest()
    write(tmp_path, [*GOOD, "E01031002,female,80-84,2022,C34,1"])
    read_deaths_extract(path)
    assert provenance.files_read()[str(path.resolve())] != recorded[str(path.resolve())]


@pytest.mark.parametrize("index", ["iod2025", "imd2019"])
def test_an_extract_by_2021_small_area_with_populations(tmp_path, mirror, index):
    from phna.analyses.extract_areas import extract_counts
    from phna.analyses.le_extract import life_expectancy_from_extract

    p = params(deprivation_index=index)
    rng = np.random.default_rng(5)
    starts = [0, 1, *range(5, 95, 5)]
    rows = []
    for lsoa in p.areas.lsoa21:
        for sex, factor in (("male", 1.3), ("female", 1.0)):
            for start, band in zip(starts, extract_module.AGE_BAND_LABELS):
                pop = 40.0 if start >= 85 else 100.0
                rate = 0.004 if start == 0 else factor * 0.00005 * np.exp(0.09 * start)
                rows.append([lsoa, sex, band, "2023", "I21", int(rng.poisson(pop * min(rate, 0.5))), pop])
    path = tmp_path / "lsoa21.csv"
    pd.DataFrame(rows, columns=["lsoa21_code", "sex", "age_band", "period", "icd10", "deaths", "population"]).to_csv(
        path, index=False)
    counts = extract_counts(p, path)
    assert counts.vintage == "lsoa21" and counts.population_source == "the extract's populations"
    assert set().union(*(counts.groups[f"quintile:{q}"][2] for q in range(1, 6))) == set(p.areas.lsoa21)
    result = life_expectancy_from_extract(p, path)
    place = result.table[result.table["role"] == "place"].set_index("sex")["value"]
    assert 70 < place["male"] < place["female"] < 95
