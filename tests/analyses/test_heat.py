"""HEAT page: answers come from the book's analyses; prompts for local input; template for two places."""

from __future__ import annotations

import phna

import dataclasses
import os
from pathlib import Path

import pandas as pd
import pytest

from phna.analyses import heat, overview
from phna.findings import Finding, by_key, rank

TEMPLATE = Path(__file__).resolve().parents[2] / "analyses" / "heat.ipynb"


@pytest.fixture
def rugby(mirror, monkeypatch):
    monkeypatch.setenv("PHNA_DATA_MIRROR", str(mirror))
    return phna.chapter("heat", place="rugby").params


def test_answers_use_the_books_numbers(rugby):
    result = heat.assessment(rugby)
    assert [q.number for q in result.questions] == [1, 2, 3, 4]
    dep = overview.deprivation(rugby)
    assert result.questions[0].answers[0] == by_key(dep.findings, "core20").sentence
    assert result.core20["x"].iloc[0] == dep.core20["x"].iloc[0]
    assert set(result.sii["sex"]) == {"male", "female"}
    assert any("slope index of inequality" in a for a in result.questions[1].answers)
    for q in result.questions:
        assert q.local_input
        md = heat.question_markdown(q)
        assert md.startswith(f"## {q.number}.") and ":::{admonition} For local input" in md


def test_findings_are_ranked_records(rugby):
    result = heat.assessment(rugby)
    assert all(isinstance(f, Finding) for f in result.findings)
    chosen = rank(result.findings)
    assert len(chosen) == 5 and all(f.evidence for f in chosen)


def test_deprivation_index_changes_the_answers(rugby):
    imd = heat.assessment(rugby)
    iod = heat.assessment(dataclasses.replace(rugby, deprivation_index="iod2025"))
    assert imd.core20["index"].iloc[0] == "IMD 2019" and iod.core20["index"].iloc[0] == "IMD 2025"
    assert by_key(imd.findings, "core20").sentence != by_key(iod.findings, "core20").sentence
    assert "IMD 2025" in iod.questions[3].answers[0]


def test_data_problems_become_messages(rugby, monkeypatch):
    def broken(params):
        raise heat.data.DataError("no MSOA file")

    monkeypatch.setattr(heat.life_expectancy, "within_place", broken)
    result = heat.assessment(rugby)
    assert any("no MSOA file" in u for u in result.questions[1].unavailable)
    assert result.sii.empty


@pytest.mark.slow
def test_template_two_places(mirror, tmp_path):
    import papermill as pm

    os.environ["PHNA_DATA_MIRROR"] = str(mirror)
    for place in ("rugby", "warwickshire-north"):
        folder = tmp_path / place
        folder.mkdir()
        pm.execute_notebook(str(TEMPLATE), str(folder / "out.ipynb"), parameters={"place": place}, cwd=str(folder),
                            kernel_name="python3", progress_bar=False)
        core = pd.read_csv(folder / "data" / f"heat-{place}-core20.csv")
        text = (folder / "out.ipynb").read_text()
        assert f"{int(core['x'].iloc[0]):,}" in text
        assert text.count("For local input") >= 4
        assert (folder / "data" / f"heat-{place}-le-sii.csv").is_file()
        assert "100 ranked units" not in text and "more than 100" not in text
