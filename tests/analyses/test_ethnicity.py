"""Who lives in the most deprived areas (phna.analyses.ethnicity): the real mirror for Coventry and Rugby, the
parameters, and the template run with papermill for two places.

Known values and where they come from:
- Coventry, Census 2021 summed over its 203 LSOAs: 345,318 residents; Asian 18.5 %, Black 8.9 %, Mixed 3.4 %,
  White 65.5 %, Other 3.7 % (mirror census2021_ethnicity/SOURCES.md). Re-read here from the raw Nomis file and
  the ONS LSOA-to-district lookup with the csv module, not through the loaders.
- England (E92000001): Asian 9.6 %, Black 4.2 %, Mixed 3.0 %, White 81.0 %, Other 2.2 % (ONS percentages in
  the ONSvisual file, 1 decimal).
- Perturbation: ONS perturbs Census counts, so sums over different small areas disagree slightly (Coventry:
  345,318 over LSOAs, 345,325 over MSOAs, 345,324 published: at most 7 people, 0.002 %). The Core20-by-group counts
  come from the same LSOA rows as the Core20 count of all residents, whose five groups add up exactly to each
  LSOA's total in this extract, so they must agree to the person; the MSOA-based total must agree with the LSOA
  total within 0.01 %.
"""

from __future__ import annotations

import csv
import json
import os

import numpy as np
import pandas as pd
import pytest

from phna.analyses import ethnicity as eth
from phna.context import ChapterContext
from _projects import run_template

REPO_TEMPLATE = os.path.join(os.path.dirname(__file__), "..", "..", "analyses", "ethnicity.ipynb")
SPOT_SHARES = {"Asian": 18.5, "Black": 8.9, "Mixed or multiple": 3.4, "White": 65.5, "Other ethnic group": 3.7}


@pytest.fixture(scope="module", autouse=True)
def data_env(mirror):
    old = os.environ.get("PHNA_DATA_MIRROR")
    os.environ["PHNA_DATA_MIRROR"] = str(mirror)
    yield
    if old is None:
        os.environ.pop("PHNA_DATA_MIRROR", None)
    else:
        os.environ["PHNA_DATA_MIRROR"] = old


def params(place="coventry", **kw):
    kw.setdefault("deprivation_index", "iod2025")
    return ChapterContext("ethnicity", place=place, **kw).params


def _raw_counts(mirror, district):
    folder = mirror / "census2021_ethnicity"
    with open(folder / "ons_lsoa21_lad23_lookup_ew.csv", encoding="utf-8-sig", newline="") as handle:
        codes = {r["LSOA21CD"] for r in csv.DictReader(handle) if r["LAD23CD"] == district}
    totals = np.zeros(6, dtype=int)
    with open(folder / "nomis_ts021_ethnic_group_5_lsoa21_ew.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            if row and row[0].split(" : ")[0] in codes:
                totals += [int(row[i]) for i in (1, 3, 5, 7, 9, 11)]
    return len(codes), totals


def test_coventry_composition_against_the_source_files(mirror):
    n_lsoas, raw = _raw_counts(mirror, "E08000026")
    assert n_lsoas == 203
    comp = eth.composition(params())
    place = comp.table[comp.table["area_code"] == "place:coventry"].set_index("ethnic_group")
    assert int(place["population"].iloc[0]) == raw[0] == 345_318
    assert [int(place.loc[g, "count"]) for g in eth.GROUPS] == raw[1:].tolist()
    assert place["percent"].round(1).to_dict() == SPOT_SHARES
    assert (place["lower_95"] < place["percent"]).all() and (place["upper_95"] > place["percent"]).all()
    england = comp.table[comp.table["area_code"] == "E92000001"].set_index("ethnic_group")["percent"].to_dict()
    assert england == {"Asian": 9.6, "Black": 4.2, "Mixed or multiple": 3.0, "White": 81.0, "Other ethnic group": 2.2}
    # Detailed groups from the 42 MSOAs add up to the MSOA total, within the perturbation of the LSOA total.
    assert comp.msoas == 42
    assert abs(comp.detailed["count"].sum() - raw[0]) <= 0.0001 * raw[0]
    headline = comp.findings[0]
    assert headline.key == "composition/minority" and headline.comparison == "higher"
    assert headline.value == pytest.approx(100 * raw[[1, 2, 3, 5]].sum() / raw[0])


@pytest.mark.parametrize("place", ["coventry", "rugby"])
def test_core20_by_group_counts_add_up(place):
    p = params(place)
    core = eth.core20_by_group(p)
    table = core.table.set_index("group")
    groups = table.loc[eth.GROUPS]
    assert int(groups["in_core20"].sum()) == int(table.loc[eth.ALL, "in_core20"])  # exact: see module docstring
    assert int(groups["residents"].sum()) == int(table.loc[eth.ALL, "residents"])
    # The place's Core20 count, computed independently from the IoD 2025 deciles and the LSOA totals.
    from phna import data

    iod = data.iod2025_lsoa().set_index("lsoa21_code")["imd_decile"]
    lsoas = data.census_ethnicity_lsoa21().drop_duplicates("lsoa21_code").set_index("lsoa21_code")["population"]
    codes = list(p.areas.lsoa21)
    core20 = [c for c in codes if iod[c] <= 2]
    assert int(table.loc[eth.ALL, "in_core20"]) == int(lsoas[core20].sum())
    assert core.core20_lsoas == len(core20)
    # Ratio = group's share / everyone's share; shown rows have their interval around them.
    shown = groups[groups["ratio"].notna()]
    assert np.allclose(shown["ratio"], shown["share"] / shown["share_all"])
    assert ((shown["lower_95"] <= shown["ratio"]) & (shown["ratio"] <= shown["upper_95"])).all()


def test_coventry_black_residents_are_over_represented():
    core = eth.core20_by_group(params()).table.set_index("group")
    black = core.loc["Black"]
    assert black["in_core20"] == 15_347 and black["residents"] == 30_722  # Census counts, IoD 2025 deciles 1-2
    assert black["comparison"] == "more likely" and black["lower_95"] > 1
    assert core.loc["White", "comparison"] == "less likely"


def test_suppressed_values_never_reach_tables_or_findings():
    p = params("rugby")
    core = eth.core20_by_group(p)
    plus = eth.plus_evidence(p, core)
    rural = plus.table.set_index("group").loc[eth.RURAL]
    assert rural["residents"] > 0 and rural["in_core20"] < 10  # Rugby's two Core20 areas are urban
    assert rural["suppressed"] and np.isnan(rural["share"]) and np.isnan(rural["ratio"]) and rural["interval"] == "–"
    records = core.findings + plus.findings
    assert not any(f.key == f"core20/{eth.RURAL}" for f in records)
    assert any(f.key == "plus/rural" and f.kind == "context" for f in records)
    # Rugby has 2 Core20 areas: the group shares describe two neighbourhoods, so none becomes a key finding.
    assert core.core20_lsoas == 2 and not any(f.comparison == "higher" for f in records)
    assert any(f.key == "core20/context" and "Only 2" in f.sentence for f in core.findings)


def test_over_represented_groups_become_findings():
    core = eth.core20_by_group(params())
    over = set(core.table.loc[core.table["comparison"] == "more likely", "group"])
    assert over == {"Asian", "Black", "Mixed or multiple", "Other ethnic group"}
    assert {f.key.split("/", 1)[1] for f in core.findings if f.comparison == "higher"} == over


def test_deprivation_index_changes_the_core20():
    new, old = params("coventry"), params("coventry", deprivation_index="imd2019")
    a, b = eth.core20_by_group(new), eth.core20_by_group(old)
    assert a.index == "IoD 2025" and b.index.startswith("IMD 2019")
    assert a.core20_lsoas != b.core20_lsoas
    # IMD 2019 on 2021 areas: an unchanged LSOA keeps its 2019 decile.
    from phna import data

    mapped = eth.lsoa21_deprivation("imd2019").set_index("lsoa21_code")
    pairs = data.lsoa11_lsoa21_lookup()
    unchanged = pairs[(pairs["change_code"] == "U") & pairs["lsoa21_code"].isin(new.areas.lsoa21)]
    imd = data.imd2019_lsoa().set_index("lsoa11_code")["imd_decile"]
    assert (mapped.loc[unchanged["lsoa21_code"], "decile"].to_numpy() == imd[unchanged["lsoa11_code"]].to_numpy()).all()


def test_comparators_and_confidence_parameters():
    p = params("rugby", comparators=["E92000001"], confidence=[0.9])
    comp = eth.composition(p)
    assert set(comp.table["area"]) == {"Rugby", "England"}
    core = eth.core20_by_group(p).table
    assert {"lower_90", "upper_90"} <= set(core.columns) and "lower_95" not in core.columns
    wide = eth.core20_by_group(params("rugby", confidence=[0.95, 0.998])).table.set_index("group")
    narrow = core.set_index("group")
    black = "Black"
    assert wide.loc[black, "lower_99_8"] < wide.loc[black, "lower_95"] < narrow.loc[black, "lower_90"]


def test_icb_table_by_place_adds_up_to_the_icb():
    icb = params("icb")
    by_place = eth.core20_by_place(icb)
    assert set(by_place["place"]) == {"Coventry", "Warwickshire North", "Rugby", "South Warwickshire"}
    whole = eth.core20_by_group(icb).table.set_index("group")
    summed = by_place.groupby("group")[["residents", "in_core20"]].sum()
    assert (summed.loc[whole.index, "in_core20"] == whole["in_core20"]).all()  # the four places tile the ICB
    assert (summed.loc[whole.index, "residents"] == whole["residents"]).all()
    assert eth.core20_by_place(params("rugby")).empty


def test_small_areas_describe_the_link():
    areas = eth.small_areas(params())
    assert len(areas.lsoas) == 203
    assert areas.by_band["population"].sum() == 345_318
    assert areas.correlation > 0.4  # Coventry: more deprived areas have larger shares of ethnic minority residents
    assert "more deprived an area, the higher" in areas.findings[0].sentence
    assert areas.findings[0].meaning == "This describes areas, not people."


# ------------------------------------------------------------------------------------ the template
@pytest.mark.slow
@pytest.mark.parametrize("place", ["coventry", "rugby"])
def test_template_runs(place, mirror, tmp_path, monkeypatch):
    out, data_dir = run_template(REPO_TEMPLATE, place, tmp_path, mirror, monkeypatch)
    for name in ("composition", "core20-by-group", "minority-map", "deprivation-map"):
        assert (data_dir / f"ethnicity-{name}.svg").is_file(), name
        assert (data_dir / f"ethnicity-{name}.csv").is_file(), name
    for name in ("detailed-groups", "core20-by-group-table", "plus-evidence", "minority-by-deprivation"):
        assert (data_dir / f"ethnicity-{name}.csv").is_file(), name
    expected = eth.core20_by_group(params(place)).table
    got = pd.read_csv(data_dir / "ethnicity-core20-by-group.csv")
    assert got["in_core20"].tolist() == expected["in_core20"].tolist()
    assert got["ratio"].to_numpy() == pytest.approx(expected["ratio"].to_numpy(), nan_ok=True)
    cells = json.loads(out.read_text())["cells"]
    text = json.dumps(cells)
    findings = [o for c in cells for o in c.get("outputs", []) if "phna_findings" in o.get("metadata", {})]
    assert findings and findings[0]["metadata"]["phna_findings"]
    assert text.count("swapped some records") == 1  # the Census caveat, stated once
    assert "About this chapter" in text
    for line in text.split("\\n"):
        if line.startswith(":alt:"):
            assert len(line) <= 270, line
