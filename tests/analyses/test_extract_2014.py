"""Validation against real totals: an extract made from the ONS 2014 deaths reproduces the 2014 life expectancies.

The test extract is GENERATED here from public counts: the ONS 2014 deaths and mid-2014 populations of each
Coventry and Warwickshire district by sex and life-table band (``phna.data.deaths_population_2014``) are spread
over the district's 2011 LSOAs in proportion to their mid-2019 populations (whole deaths, by largest remainder, so
every district total is kept exactly), and each small area's deaths over underlying causes in the mix of the
England and Wales 2014 deaths by ICD-10 code, sex and broad age (the mirror's
``ew_deaths_icd10_broad_age_2001_2016``, read directly: a test fixture, not a page's data). The book computed from
this extract must give exactly the district and place life expectancies computed from the ONS counts (Rugby 80.5
years for men and 83.9 for women), and the cause contributions must add up to the gap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from phna.analyses.extract import AGE_BAND_LABELS

STARTS = [0, 1, *range(5, 95, 5)]
BROAD = [(0, "Infant (< 1 yr)"), (1, "Young children (1-4 yrs)"), (5, "Children (5-14 yrs)"),
         (15, "Adults (15-44 yrs)"), (45, "Old Adults I (45-64 yrs)"), (65, "Old Adults II (> 64 yrs)")]
ICB = "E54000018"


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    exact = total * weights / weights.sum()
    whole = np.floor(exact).astype(int)
    rest = total - whole.sum()
    whole[np.argsort(-(exact - whole), kind="stable")[:rest]] += 1
    return whole


def _cause_mix(mirror) -> dict[tuple[str, int], tuple[np.ndarray, np.ndarray]]:
    raw = pd.read_csv(mirror / "ew_deaths_icd10_broad_age_2001_2016" / "beginr_deaths_UK_2001_2016.csv.gz",
                      usecols=["ICD", "Year", "Sex", "Deaths", "Age_cat"])
    raw = raw[(raw["Year"] == 2014) & raw["ICD"].str.match(r"^[A-Z]\d{2}\d?$", na=False)]
    mix = {}
    for sex, word in (("male", "Males"), ("female", "Females")):
        for start, label in BROAD:
            part = raw[(raw["Sex"] == word) & (raw["Age_cat"] == label)].groupby("ICD")["Deaths"].sum()
            mix[(sex, start)] = (part.index.to_numpy(), np.cumsum(part.to_numpy()) / part.sum())
    return mix


@pytest.fixture(scope="module")
def extract_2014(tmp_path_factory, mirror):
    import os

    os.environ.setdefault("PHNA_DATA_MIRROR", str(mirror))
    from phna import data

    lookup = data.lsoa11_lookup()
    lookup = lookup[lookup["icb_code"] == ICB]
    ons = data.deaths_population_2014()
    ons = ons[ons["area_code"].isin(set(lookup["district_code"])) & ons["sex"].isin(["male", "female"])]
    pop = data.lsoa_population_2019()
    pop["age_start"] = np.array(STARTS)[np.searchsorted(STARTS, pop["age"].to_numpy(), side="right") - 1]
    pop = pop.groupby(["lsoa11_code", "district_code", "sex", "age_start"], as_index=False)["population"].sum()
    mix = _cause_mix(mirror)
    broad = {s: max(b for b, _ in BROAD if b <= s) for s in STARTS}
    label = dict(zip(STARTS, AGE_BAND_LABELS))
    rows = []
    for row in ons.itertuples():
        cells = pop[(pop["district_code"] == row.area_code) & (pop["sex"] == row.sex)
                    & (pop["age_start"] == row.age_start)]
        weights = cells["population"].to_numpy(dtype=float) + 1e-9
        deaths = _largest_remainder(int(row.deaths), weights)
        people = row.population * weights / weights.sum()
        codes, cumulative = mix[(row.sex, broad[row.age_start])]
        for lsoa, k, n in zip(cells["lsoa11_code"], deaths, people):
            if k == 0:
                rows.append((lsoa, row.sex, label[row.age_start], "2014", "R99", 0, n))
                continue
            picked = codes[np.searchsorted(cumulative, (np.arange(k) + 0.5) / k)]
            for code, count in zip(*np.unique(picked, return_counts=True)):
                rows.append((lsoa, row.sex, label[row.age_start], "2014", code, int(count), n))
    frame = pd.DataFrame(rows, columns=["lsoa11_code", "sex", "age_band", "period", "icd10", "deaths",
                                        "population"])
    path = tmp_path_factory.mktemp("ons2014") / "ons2014.csv"
    frame.to_csv(path, index=False, float_format="%.12g")
    return path, int(ons["deaths"].sum())


def params(place):
    from phna.context import ChapterContext

    return ChapterContext("life-expectancy", place=place).params


def test_the_extract_keeps_every_death(extract_2014):
    path, total = extract_2014
    assert pd.read_csv(path)["deaths"].sum() == total


@pytest.mark.parametrize("place", ["rugby", "coventry", "warwickshire-north", "south-warwickshire"])
def test_reproduces_the_life_expectancy_computed_from_ons_2014(extract_2014, place):
    from phna.analyses import life_expectancy as le
    from phna.analyses.le_extract import life_expectancy_from_extract

    p = params(place)
    result = life_expectancy_from_extract(p, extract_2014[0])
    ons = le.computed(p).table
    for role in ("place", "ICB"):
        mine = result.table[result.table["role"] == role].set_index("sex")["value"]
        theirs = ons[ons["role"] == role].set_index("sex")["value"]
        for sex in ("male", "female"):
            assert mine[sex] == pytest.approx(theirs[sex], abs=1e-6), (role, sex)
    if place == "rugby":
        values = result.table[result.table["role"] == "place"].set_index("sex")["value"].round(1)
        assert (values["male"], values["female"]) == (80.5, 83.9)


def test_cause_contributions_sum_to_the_gap(extract_2014):
    from phna.analyses.le_extract import life_expectancy_from_extract

    result = life_expectancy_from_extract(params("coventry"), extract_2014[0])
    dec = result.decomposition
    assert set(dec["sex"]) == {"male", "female"}
    for sex, part in dec.groupby("sex"):
        q = result.table[result.table["sex"] == sex].set_index("group")["value"]
        gap = q["quintile:1"] - q["quintile:5"]
        # deaths were spread by population, with no deprivation gradient, so the gap's size means nothing here
        assert part["contribution"].sum() == pytest.approx(gap, abs=1e-9)
        by_cause = part.groupby("cause")["contribution"].sum()
        assert by_cause.sum() == pytest.approx(gap, abs=1e-9) and len(by_cause) >= 6
