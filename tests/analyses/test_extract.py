"""The analyst-supplied deaths extract: reading, validation errors, and use in the life expectancy chapter.

All extracts here are GENERATED in the test from plausible (Gompertz-shaped) death rates; they are never
shown to readers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from phna.analyses.extract import AGE_BAND_LABELS, ExtractError, read_deaths_extract

STARTS = [0, 1, *range(5, 95, 5)]


def generated_counts(codes, *, code_column="area_code", population=6000, seed=1, period=None) -> pd.DataFrame:
    """Deaths ~ Poisson(population x rate) with rates rising exponentially with age (men a little higher)."""
    rng = np.random.default_rng(seed)
    rows = []
    for code in codes:
        scale = population if not isinstance(population, dict) else population[code]
        for sex, factor in (("male", 1.3), ("female", 1.0)):
            for start, label in zip(STARTS, AGE_BAND_LABELS):
                width = 1 if start == 0 else 4 if start == 1 else 5
                pop = scale * width / 5 * (0.4 if start >= 85 else 1.0)
                rate = 0.004 if start == 0 else factor * 0.00005 * np.exp(0.09 * start)
                rows.append({code_column: code, "sex": sex, "age_band": label, "population": round(pop),
                             "deaths": int(rng.poisson(pop * min(rate, 0.5)))})
    frame = pd.DataFrame(rows)
    if period:
        frame["period"] = period
    return frame


def test_reads_labels_and_pools_periods(tmp_path):
    a = generated_counts(["E07000220"], period="2021")
    b = generated_counts(["E07000220"], period="2022", seed=2)
    path = tmp_path / "extract.csv"
    pd.concat([a, b]).to_csv(path, index=False)
    out = read_deaths_extract(path)
    assert out.attrs["level"] == "area"
    assert out.attrs["period"] == "2021-22"
    assert len(out) == 40
    assert out["deaths"].sum() == a["deaths"].sum() + b["deaths"].sum()
    assert out["age_start"].tolist()[:3] == [0, 1, 5]


def test_accepts_age_start_and_sex_codes(tmp_path):
    frame = generated_counts(["E01031000"], code_column="lsoa11_code")
    frame["age_start"] = frame["age_band"].map(dict(zip(AGE_BAND_LABELS, STARTS)))
    frame = frame.drop(columns="age_band").assign(sex=frame["sex"].map({"male": "1", "female": "2"}))
    path = tmp_path / "lsoa.csv"
    frame.to_csv(path, index=False)
    out = read_deaths_extract(path)
    assert out.attrs["level"] == "lsoa11"
    assert set(out["sex"]) == {"male", "female"}
    assert out.attrs["period"] == "extract"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda f: f.drop(columns="deaths"), "missing column"),
        (lambda f: f.assign(sex="x"), "sex must be"),
        (lambda f: f.assign(age_band="0-4"), "age_band must be"),
        (lambda f: f.assign(deaths=-1), "non-negative"),
        (lambda f: f.assign(area_code="Rugby"), "area_code values"),
        (lambda f: pd.concat([f, f.head(1)]), "repeated"),
        (lambda f: f.drop(columns="area_code"), "exactly one of"),
    ],
)
def test_validation_errors_are_clear(tmp_path, change, message):
    path = tmp_path / "bad.csv"
    change(generated_counts(["E07000220"])).to_csv(path, index=False)
    with pytest.raises(ExtractError, match=message):
        read_deaths_extract(path)


def test_missing_file(tmp_path):
    with pytest.raises(ExtractError, match="does not exist"):
        read_deaths_extract(tmp_path / "nope.csv")


def test_chapter_uses_the_extract(tmp_path, mirror, monkeypatch):
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    import phna
    from phna.analyses import life_expectancy as le

    codes = ["E07000218", "E07000219", "E92000001", "E12000005"]
    frame = generated_counts(codes, population={"E07000218": 4000, "E07000219": 8000, "E92000001": 3_000_000,
                                                "E12000005": 300_000}, period="2021-23")
    path = tmp_path / "extract.csv"
    frame.to_csv(path, index=False)
    ctx = phna.chapter("life-expectancy", place="warwickshire-north", comparators=["E92000001", "E12000005"])
    result = le.computed(ctx.params, str(path))
    assert result.data_label == "analyst-supplied extract"
    assert result.period == "2021-23"
    assert "analyst-supplied" in result.source
    place = result.table[result.table["role"] == "place"].set_index("sex")
    # the place is the sum of its two districts
    expected = frame[frame["area_code"].isin(codes[:2])].groupby("sex")["deaths"].sum()
    assert place.loc["male", "deaths"] == expected["male"]
    assert 60 < place.loc["male", "value"] < 95
    assert place.loc["female", "value"] > place.loc["male", "value"]
    assert set(result.table["role"]) == {"place", "comparator", "England"}
    assert "West Midlands" in set(result.table["area_name"])
    assert all(f.period == "2021-23" for f in result.findings) and len(result.findings) == 2


def test_lsoa_extract_without_england_is_not_compared(tmp_path, mirror, monkeypatch):
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    import phna
    from phna.analyses import life_expectancy as le

    ctx = phna.chapter("life-expectancy", place="rugby")
    frame = generated_counts(list(ctx.areas.lsoa11), code_column="lsoa11_code", population=400)
    path = tmp_path / "lsoa.csv"
    frame.to_csv(path, index=False)
    result = le.computed(ctx.params, str(path))
    assert list(result.table["role"].unique()) == ["place"]
    assert (result.table["comparison"] == "not compared").all()
    assert all(f.comparison == "none" and f.source == "none" for f in result.findings)
    assert any("England" in n for n in result.notes)
    assert le.gap_by_age(ctx.params, result).table.empty
