"""The front page summary takes its numbers from the chapters' own CSVs and says when a chapter is missing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from phna.build.glance import at_a_glance
from phna.config import load_config

REPO = Path(__file__).resolve().parents[1]


def test_summary_reads_the_chapter_outputs(tmp_path):
    config = load_config(REPO / "analyses" / "config.yaml", check_codes=False)
    data = tmp_path / "book" / "places" / "rugby" / "data"
    data.mkdir(parents=True)
    pd.DataFrame({"population": [60000, 56436], "period": ["mid-2022", "mid-2022"]}).to_csv(
        data / "overview-population-pyramid.csv", index=False)
    pd.DataFrame({"value": [0.0377]}).to_csv(data / "overview-core20.csv", index=False)
    pd.DataFrame({"role": ["place", "country"], "value": [80.54, 79.6], "comparison": ["similar", "similar"]}).to_csv(
        data / "life-expectancy-computed-male.csv", index=False)
    pd.DataFrame({"role": ["place"], "sex": ["persons"], "value": [305.2], "comparison": ["better"]}).to_csv(
        data / "preventable-mortality-dsr-2014-under75.csv", index=False)
    text = at_a_glance(tmp_path, config)
    rugby = next(line for line in text.splitlines() if line.startswith("| Rugby"))
    assert rugby == "| Rugby | 116,436 (mid-2022) | 3.8 % | 80.5 (similar to England) | – | 305 (better than England) |"
    coventry = next(line for line in text.splitlines() if line.startswith("| Coventry |"))
    assert coventry == "| Coventry | – | – | – | – | – |"
