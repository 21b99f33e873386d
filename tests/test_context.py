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


def test_figure_writes_svg_and_the_exact_csv_and_shows_alt_text(ctx, shown, tmp_path):
    data = pd.DataFrame({"area": ["Rugby", "England"], "value": [80.123456, 79.3], "lower_ci": [79.0, 79.2]})
    fig, ax = plt.subplots()
    ax.bar(data["area"], data["value"])
    ax.set_title("Rugby men live longer than England's")
    ctx.figure(fig, name="Life expectancy", alt="Bars: Rugby 80.1, England 79.3", caption="LE.", source="ONS", data=data)
    svg, csv = tmp_path / "data" / "test-life-expectancy.svg", tmp_path / "data" / "test-life-expectancy.csv"
    assert "<text" in svg.read_text()  # text stays text (measurable, sharp at any size)
    pd.testing.assert_frame_equal(pd.read_csv(csv), data, check_dtype=False)
    text = shown[-1][0]
    assert ":alt: Bars: Rugby 80.1, England 79.3" in text
    # the download link names the chart it belongs to
    assert "[Download the data behind the chart “Rugby men live longer than England's” (CSV)](data/test-life-expectancy.csv)" in text
    assert "*Source: ONS.*" in text and ":name: fig-rugby-test-life-expectancy" in text


def test_figure_text_is_at_least_the_house_minimum_and_fits_the_house_width(ctx, shown, tmp_path):
    from phna.charts import style
    from phna.page import fit_text, fit_width

    fig, ax = plt.subplots(figsize=(9, 4))
    ax.set_yticks([0, 1], ["NHS Coventry and Warwickshire Integrated Care Board", "England"], fontsize=6)
    ax.set_title("A very long title that states the finding of the chart in more words than fit on one line of it")
    ctx.figure(fig, name="wide", alt="A chart.", caption="Wide.", source="s", data=pd.DataFrame({"a": [1]}))
    svg = (tmp_path / "data" / "test-wide.svg").read_text()
    import re

    sizes = [float(v) for v in re.findall(r"font-size: ([\d.]+)px", svg)]
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
    assert min(sizes) >= style.MIN_FONT
    assert width <= style.WIDTH * 72 * 1.02, width  # so 10 pt text is 8 CSS px or more on a 390 px phone
    fig, ax = plt.subplots(figsize=(9, 4))  # the helpers alone: a 6 pt tick label is raised to the minimum
    ax.set_yticks([0], ["x"], fontsize=6)
    fit_text(fig)
    fit_width(fig)
    assert min(t.get_fontsize() for t in ax.get_yticklabels()) == style.MIN_FONT


def test_long_alt_text_is_cut_to_whole_sentences_with_a_warning(ctx, shown):
    from phna.page import ALT_LIMIT

    alt = "Bar chart of deaths by district. " + "Rugby had 431 deaths, more than the others. " * 10
    fig, _ = plt.subplots()
    with pytest.warns(UserWarning, match="alt text has"):
        ctx.figure(fig, name="a", alt=alt, caption="c", source="s", data=pd.DataFrame({"a": [1]}))
    shown_alt = shown[-1][0].split(":alt: ", 1)[1].split("\n", 1)[0]
    assert len(shown_alt) <= ALT_LIMIT and shown_alt.startswith("Bar chart of deaths by district.")
    assert shown_alt.endswith(".")


def test_figure_without_alt_text_is_refused(ctx, shown):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="alt text"):
        ctx.figure(fig, name="x", alt=" ", caption="c", source="s", data=pd.DataFrame({"a": [1]}))


def test_empty_data_gives_a_clear_message_not_a_blank_chart(ctx, shown, tmp_path):
    fig, _ = plt.subplots()
    ctx.figure(fig, name="empty", alt="nothing", caption="Trend", source="s", data=pd.DataFrame())
    assert "not shown" in shown[-1][0] and "no data" in shown[-1][0]
    assert not (tmp_path / "data" / "test-empty.svg").exists()
    ctx.table(pd.DataFrame(), name="t", caption="Table", source="s")
    assert "not shown" in shown[-1][0]


def test_table_rounds_for_reading_but_csv_keeps_full_precision(ctx, shown, tmp_path):
    data = pd.DataFrame({"area": ["A"], "value": [79.611954], "share": [0.12345]})
    ctx.table(data, name="t", caption="A table", source="ONS", columns={"area": "Area", "value": "Value"})
    text = shown[-1][0]
    assert "79.6" in text and "79.611954" not in text and "Area" in text and "0.123" not in text
    assert "The CSV also has share (%)." in text  # columns left off the page are named
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
    assert "About this chapter" in text and '<th scope="row" class="text">Place</th><td class="text">Rugby</td>' in text
    # parameters in words, never as code
    assert "`" not in text.replace("```", "").replace("{doc}`/book/methods`", "").replace("{doc}`/book/data-sources`", "")
    assert "<td class=\"text\">95 % and 99.8 %</td>" in text and "Confidence levels" in text and "deprivation_index" not in text


def test_settings_in_words():
    from phna.page import setting_words

    assert setting_words(None) == "none given (the published data are used)"
    assert setting_words(True) == "yes" and setting_words([1000000, 2]) == "1,000,000 and 2"
    assert setting_words("../my/deaths.csv") == "a local file supplied by the analyst"


def test_method_metadata_is_left_to_the_csv(ctx, shown, tmp_path):
    data = pd.DataFrame({"area": ["A"], "value": [1.5], "method": ["Wilson"], "statistic": ["proportion"],
                         "reason": [None]})
    ctx.table(data, name="m", caption="Meta", source="s")
    text = shown[-1][0]
    assert "Wilson" not in text and "proportion" not in text
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


def test_table_for_people(ctx, shown, tmp_path):
    """Headings in words, counts as whole numbers, money as money, a dash and a note for missing values, row
    headers and a caption, area codes left to the CSV."""
    data = pd.DataFrame({
        "area_code": ["E1", "E2"], "area_name": ["Rugby", "Warwick"], "deaths": [431.0, 119.0],
        "value": [12.3456, None], "lower_ci": [10.1, None], "status": [pd.NA, "ok"], "per_head": [1.0512, 2.5],
    })  # fmt: skip
    ctx.table(data, name="p", caption="Deaths, 2014", source="ONS")
    text = shown[-1][0]
    assert "<caption>Deaths, 2014</caption>" in text and '<th scope="row" class="text">Rugby</th>' in text
    assert '<th scope="col" class="text">Area</th>' in text and "Lower 95 % limit" in text and "area_name" not in text
    assert "<td>431</td>" in text and "431.0" not in text
    assert "<td>£1.05</td>" in text and "<NA>" not in text and "<td>–</td>" in text and "– no value" in text
    assert "E1" not in text  # codes stay in the CSV
    assert "Download the table “Deaths, 2014” (CSV)" in text


def test_wide_table_shows_seven_columns_and_names_the_rest(ctx, shown):
    data = pd.DataFrame({f"c{i}": [float(i) + 0.5, i + 0.25] for i in range(10)} | {"lower_99_8": [1.5, 1.6], "upper_99_8": [2.5, 2.6]})
    ctx.table(data, name="w", caption="Wide", source="s")
    text = shown[-1][0]
    assert text.count('scope="col"') == 7 and "The CSV also has" in text and "99.8 %" in text


def test_humanise_column_names():
    from phna.tables import humanise

    assert humanise("lsoas_without_need") == "LSOAs without need"
    assert humanise("upper_ci") == "Upper 95 % limit" and humanise("deaths") == "Deaths"
    assert humanise("Already words") == "Already words"


def test_table_says_a_one_value_column_once_and_leaves_keys_to_the_csv(ctx, shown):
    data = pd.DataFrame({"msoa11_code": ["E1", "E2", "E3"], "msoa_name": ["A 001", "A 002", "A 003"],
                         "indicator": ["le_male"] * 3, "label": ["Life expectancy, males"] * 3,
                         "period": ["2016-20"] * 3, "value": [79.1, 80.2, 81.3], "decimals": [1, 1, 1]})
    ctx.table(data, name="k", caption="Keys", source="s")
    text = shown[-1][0]
    assert "le_male" not in text and "E1" not in text and '<th scope="row" class="text">A 001</th>' in text
    assert "On every row, label: Life expectancy, males; period: 2016-20." in text
    assert text.count('scope="col"') == 2  # neighbourhood and value


def test_indicator_table_rounds_each_row_as_its_indicator(ctx, shown):
    data = pd.DataFrame({"indicator": ["Pay", "Rate"], "value": [22225.0, 24.94], "decimals": [0, 1]})
    ctx.table(data, name="d", caption="Rows", source="s")
    text = shown[-1][0]
    assert "<td>22,225</td>" in text and "<td>24.9</td>" in text and "22,225.0" not in text


def test_download_links_on_a_page_have_distinct_names(ctx, shown):
    for caption in ("Males, 2014.", "Females, 2014."):
        fig, ax = plt.subplots()
        ax.set_title("Under-75 mortality in 2014")  # the same title twice
        ctx.figure(fig, name=caption, alt="A chart.", caption=caption, source="s", data=pd.DataFrame({"a": [1]}))
    first, second = shown[-2][0], shown[-1][0]
    assert "“Under-75 mortality in 2014”" in first and "“Females, 2014”" in second


def test_a_one_row_table_is_turned_on_its_side(ctx, shown):
    data = pd.DataFrame({"area_code": ["E07000220"], "area_name": ["Rugby"], "value": [30.246908], "lower_ci": [24.2],
                         "comparison_england": ["similar"], "status": [None]})
    ctx.table(data, name="one", caption="One row", source="s")
    text = shown[-1][0]
    assert '<th scope="row" class="text">Compared with England</th><td class="text">similar</td>' in text
    assert '<th scope="row" class="text">Value</th><td class="text">30.2</td>' in text and "E07000220" not in text
