"""Census 2021 ethnic group loaders (phna.data.census_ethnicity) against the mirror's spot checks.

Known values and where they come from (mirror census2021_ethnicity/SOURCES.md, "Spot-check"):
- Coventry (E08000026), summed over its 203 LSOAs: 345,318 usual residents; Asian 18.5 %, Black 8.9 %,
  Mixed 3.4 %, White 65.5 %, Other 3.7 %; summed over its MSOAs: 345,325 (official 345,324).
- LSOAs per district: Coventry 203, North Warwickshire 38, Nuneaton and Bedworth 84, Rugby 67,
  Stratford-on-Avon 77, Warwick 88; 35,672 LSOAs in England and Wales.
The same Coventry shares are ONS's published percentages in the ONSvisual file (1 decimal).
"""

from __future__ import annotations

import csv

import pytest

from phna import data
from phna.data import DataError, census_ethnicity as ce

from conftest import needs_mirror

COVENTRY = "E08000026"
SPOT_SHARES = {"Asian": 18.5, "Black": 8.9, "Mixed or multiple": 3.4, "White": 65.5, "Other ethnic group": 3.7}
LSOAS_PER_DISTRICT = {"E08000026": 203, "E07000218": 38, "E07000219": 84, "E07000220": 67, "E07000221": 77,
                      "E07000222": 88}

pytestmark = needs_mirror


def _raw_rows(path):
    """The Nomis file read with the csv module alone: (code, total, five counts) of each data row."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            if row and " : " in row[0] and row[0][:3] in ("E01", "W01"):
                yield row[0].split(" : ")[0], int(row[1]), [int(row[i]) for i in (3, 5, 7, 9, 11)]


def test_lsoa_loader_matches_the_spot_check(mirror):
    lookup = data.lsoa21_lad23_lookup()
    coventry = set(lookup.loc[lookup["district_code"] == COVENTRY, "lsoa21_code"])
    assert len(coventry) == 203
    eth = data.census_ethnicity_lsoa21()
    assert eth["lsoa21_code"].nunique() == 35_672
    cov = eth[eth["lsoa21_code"].isin(coventry)]
    total = int(cov.drop_duplicates("lsoa21_code")["population"].sum())
    assert total == 345_318
    shares = (100 * cov.groupby("ethnic_group")["count"].sum() / total).round(1).to_dict()
    assert shares == SPOT_SHARES
    # The same numbers read from the raw file without the loader.
    raw = [r for r in _raw_rows(mirror / "census2021_ethnicity" / "nomis_ts021_ethnic_group_5_lsoa21_ew.csv")
           if r[0] in coventry]
    assert len(raw) == 203 and sum(r[1] for r in raw) == 345_318
    for i, group in enumerate(ce.BROAD_GROUPS.values()):
        assert int(cov.loc[cov["ethnic_group"] == group, "count"].sum()) == sum(r[2][i] for r in raw), group


def test_lsoas_per_district():
    lookup = data.lsoa21_lad23_lookup()
    assert len(lookup) == 35_672
    counts = lookup[lookup["district_code"].isin(LSOAS_PER_DISTRICT)].groupby("district_code").size().to_dict()
    assert counts == LSOAS_PER_DISTRICT


def test_published_percentages():
    pct = data.census_ethnicity_percent()
    cov = pct[pct["area_code"] == COVENTRY].set_index("ethnic_group")["percent"].to_dict()
    assert cov == SPOT_SHARES
    assert {"E92000001", "E12000005"} <= set(pct["area_code"])
    assert set(pct.loc[pct["area_code"] == "E12000005", "area_type"]) == {"region"}


def test_msoa_loader_detailed_groups_add_up():
    msoa = data.census_ethnicity_msoa21()
    assert msoa["ethnic_group"].nunique() == 19
    cov = msoa[msoa["msoa21_name"].str.match(r"^Coventry \d{3}$")]
    assert int(cov.drop_duplicates("msoa21_code")["population"].sum()) == 345_325  # SOURCES.md: MSOA sum
    per_broad = cov.groupby(["msoa21_code", "broad_group"]).agg(count=("count", "sum"), broad=("broad_count", "first"))
    assert (per_broad["count"] == per_broad["broad"]).all()


def test_catalogue_entries_verify():
    ids = [ce.LSOA_SOURCE, ce.MSOA_SOURCE, ce.PERCENT_SOURCE, ce.CATEGORIES_SOURCE, ce.LOOKUP_SOURCE]
    report = data.verify(ids)
    assert report.ok, [c for c in report.checks]
    assert len(report.checks) == 5


# ------------------------------------------------------------------------------ malformed files are refused
HEADER = ("TS021 - Ethnic group,,,,,,,,,,,,\nONS Crown Copyright Reserved,,,,,,,,,,,,\nPopulation :,All usual residents,,,,,,,,,,,\n"
          "Units      :,Persons,,,,,,,,,,,\nDate       :,2021,,,,,,,,,,,\n,,,,,,,,,,,,\n"
          '2021 super output area - lower layer,Total: All usual residents,%,"Asian, Asian British or Asian Welsh",%,'
          '"Black, Black British, Black Welsh, Caribbean or African",%,Mixed or Multiple ethnic groups,%,White,%,'
          "Other ethnic group,%\n,,,,,,,,,,,,\n")
FOOTER = ',,,,,,,,,,,,\n,"In order to protect against disclosure of personal information, records",,,,,,,,,,,\n'


def _write(tmp_path, body: str, header: str = HEADER):
    path = tmp_path / "ts021.csv"
    path.write_text(header + body + FOOTER, encoding="utf-8")
    return path


def test_small_valid_file_is_read(tmp_path):
    path = _write(tmp_path, "E01011954 : Hartlepool 001A,2284,100,19,0.8,0,0,6,0.3,2248,98.4,11,0.5\n")
    out = data.census_ethnicity_lsoa21(path)
    assert list(out["ethnic_group"]) == list(ce.BROAD_GROUPS.values())
    assert out["count"].tolist() == [19, 0, 6, 2248, 11] and set(out["population"]) == {2284}
    assert set(out["lsoa21_name"]) == {"Hartlepool 001A"}


@pytest.mark.parametrize("body, message", [
    ("E01011954 Hartlepool 001A,2284,100,19,0.8,0,0,6,0.3,2248,98.4,11,0.5\n", "code : name"),
    ("E01011954 : Hartlepool 001A,2285,100,19,0.8,0,0,6,0.3,2248,98.4,11,0.5\n", "do not add up"),
    ("E01011954 : Hartlepool 001A,2284,100,19,0.8,x,0,6,0.3,2248,98.4,11,0.5\n", "non-numeric"),
    ("X01011954 : Hartlepool 001A,2284,100,19,0.8,0,0,6,0.3,2248,98.4,11,0.5\n", "not matching"),
])
def test_malformed_rows_are_refused(tmp_path, body, message):
    with pytest.raises(DataError, match=message):
        data.census_ethnicity_lsoa21(_write(tmp_path, body))


def test_missing_header_is_refused(tmp_path):
    path = _write(tmp_path, "E01011954 : Hartlepool 001A,2284,100,19,0.8,0,0,6,0.3,2248,98.4,11,0.5\n",
                  header=HEADER.replace("2021 super output area - lower layer", "area"))
    with pytest.raises(DataError, match="no header row"):
        data.census_ethnicity_lsoa21(path)


def test_percentages_must_match_their_labels(tmp_path, mirror):
    import json

    content = json.loads((mirror / "census2021_ethnicity" / "onsvisual_content.json").read_text(encoding="utf-8"))
    for entry in content:
        if entry["classCode"] == "ethnic_group_tb_6a":
            cats = entry["categories"]
            cats[0]["name"], cats[3]["name"] = cats[3]["name"], cats[0]["name"]  # -001 would read as White
    bad = tmp_path / "content.json"
    bad.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(DataError, match="categories of ethnic_group_tb_6a"):
        data.census_ethnicity_percent(categories=bad)
