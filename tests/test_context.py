"""The chapter context publishes figures and tables the same way everywhere, and refuses bad parameters."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from phna.context import ChapterContext, display_format  # noqa: E402
from phna.errors import ConfigError  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CONFIG = str(REPO / "analyses" / "config.yaml")


@pytest.fixture
def shown(monkeypatch):
    """Capture what the context displays instead of sending it to a notebook."""
    out: list[tuple[str, dict]] = []
    monkeypatch.setattr("phna.context._display_markdown", lambda text, metadata=None: out.append((text, metadata or {})))
    return out


@pytest.fixture
def ctx(tmp_path):
    return ChapterContext("test", place="rugby", config_path=CONFIG, output_dir=tmp_path)


def test_figure_writes_png_and_the_exact_csv_and_shows_alt_text(ctx, shown, tmp_path):
    data = pd.DataFrame({"area": ["Rugby", "England"], "value": [80.123456, 79.3], "lower_ci": [79.0, 79.2]})
    fig, ax = plt.subplots()
    ax.bar(data["area"], data["value"])
    ctx.figure(fig, name="Life expectancy", alt="Bars: Rugby 80.1, England 79.3", caption="LE.", source="ONS", data=data)
    png, csv = tmp_path / "data" / "test-life-expectancy.png", tmp_path / "data" / "test-life-expectancy.csv"
    assert png.stat().st_size > 1000
    pd.testing.assert_frame_equal(pd.read_csv(csv), data, check_dtype=False)
    text = shown[-1][0]
    assert ":alt: Bars: Rugby 80.1, England 79.3" in text
    assert "{download}`" in text and "data/test-life-expectancy.csv" in text
    assert "*Source: ONS.*" in text and ":name: fig-rugby-test-life-expectancy" in text


def test_figure_without_alt_text_is_refused(ctx, shown):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="alt text"):
        ctx.figure(fig, name="x", alt=" ", caption="c", source="s", data=pd.DataFrame({"a": [1]}))


def test_empty_data_gives_a_clear_message_not_a_blank_chart(ctx, shown, tmp_path):
    fig, _ = plt.subplots()
    ctx.figure(fig, name="empty", alt="nothing", caption="Trend", source="s", data=pd.DataFrame())
    assert "not shown" in shown[-1][0] and "no data" in shown[-1][0]
    assert not (tmp_path / "data" / "test-empty.png").exists()
    ctx.table(pd.DataFrame(), name="t", caption="Table", source="s")
    assert "not shown" in shown[-1][0]


def test_table_rounds_for_reading_but_csv_keeps_full_precision(ctx, shown, tmp_path):
    data = pd.DataFrame({"area": ["A"], "value": [79.611954], "share": [0.12345]})
    ctx.table(data, name="t", caption="A table", source="ONS", columns={"area": "Area", "value": "Value"})
    text = shown[-1][0]
    assert "79.6" in text and "79.611954" not in text and "Area" in text and "share" not in text
    assert pd.read_csv(tmp_path / "data" / "test-t.csv")["value"].iloc[0] == pytest.approx(79.611954)
    assert display_format(pd.Series([0.12345]))(0.12345) == "0.123"


def test_findings_are_a_list_in_a_findings_admonition(ctx, shown):
    ctx.findings(["One.", "", "Two."])
    text = shown[-1][0]
    assert ":class: tip findings" in text and "- One." in text and "- Two." in text and "- \n" not in text


def test_bad_parameters_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="unknown place"):
        ChapterContext("test", place="atlantis", config_path=CONFIG, output_dir=tmp_path)
    with pytest.raises(ConfigError, match="confidence"):
        ChapterContext("test", place="rugby", confidence=[0.95, 1.2], config_path=CONFIG, output_dir=tmp_path)
    with pytest.raises(ConfigError, match="deprivation_index"):
        ChapterContext("test", place="rugby", deprivation_index="imd2015", config_path=CONFIG, output_dir=tmp_path)


def test_footer_records_parameters_sources_and_modules(ctx, shown, mirror):
    from phna import data

    data.district_lookup()
    ctx.footer()
    text, metadata = shown[-1]
    record = metadata["phna_provenance"]
    assert record["parameters"]["place"] == "rugby"
    assert any(s.startswith("lookups.") for s in record["sources"])
    assert "phna.context" in record["modules"]
    assert "About this chapter" in text and "| `place` | `rugby` |" in text


def test_method_metadata_is_left_to_the_csv(ctx, shown, tmp_path):
    data = pd.DataFrame({"area": ["A"], "value": [1.5], "method": ["Wilson"], "statistic": ["proportion"],
                         "reason": [None]})
    ctx.table(data, name="m", caption="Meta", source="s")
    text = shown[-1][0]
    assert "Wilson" not in text and "(method, statistic, reason in the CSV)" in text
    assert list(pd.read_csv(tmp_path / "data" / "test-m.csv").columns) == ["area", "value", "method", "statistic", "reason"]


def test_period_selection_takes_the_latest_or_the_one_asked_for(tmp_path):
    latest = ChapterContext("test", place="rugby", config_path=CONFIG, output_dir=tmp_path)
    assert latest.select_period(["2019-21", "2021-23", "2020-22"], "LE") == "2021-23"
    chosen = ChapterContext("test", place="rugby", period="2019-21", config_path=CONFIG, output_dir=tmp_path)
    assert chosen.select_period(["2019-21", "2021-23"], "LE") == "2019-21"
    with pytest.raises(ConfigError, match=r"period '2019-21' is not available for CVD; available periods: 2020-22, 2021-23"):
        chosen.select_period(["2021-23", "2020-22"], "CVD")
    assert chosen.select_period(["2021-23", "2020-22"], "CVD", strict=False) == "2021-23"


def test_chapters_without_periods_refuse_a_period_rather_than_ignore_it(tmp_path):
    with pytest.raises(ConfigError, match="does not take period='2019'"):
        ChapterContext("wider-determinants", place="rugby", period="2019", config_path=CONFIG, output_dir=tmp_path)
    ChapterContext("overview", place="rugby", period="2019", config_path=CONFIG, output_dir=tmp_path)
