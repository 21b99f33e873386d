"""Charts readable by everyone: neighbouring deciles distinct, comparison colours paired with shapes and words,
reference lines named, map scales robust to an outlier, districts named on maps, and the spine chart narrow."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from phna.charts import style  # noqa: E402
from phna.charts.maps import choropleth  # noqa: E402
from phna.charts.ranked import ranked_chart  # noqa: E402
from phna.charts.spine import spine_chart  # noqa: E402
from phna.charts.trend import trend_chart  # noqa: E402
from phna.page import fit_text, fit_width  # noqa: E402


def _lab(colour) -> np.ndarray:
    """CIELAB coordinates of an sRGB colour (D65 white)."""
    linear = np.array([c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)])
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz / np.array([0.95047, 1.0, 1.08883])]
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _distance(a, b) -> float:
    """CIELAB colour difference (ΔE 1976): about 2 is just noticeable; neighbours on a map need far more."""
    return float(np.linalg.norm(_lab(a) - _lab(b)))


def _texts(fig) -> list[str]:
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]


def test_neighbouring_deciles_are_distinct():
    colours = style.decile_colours()
    assert len(colours) == 10
    for a, b in zip(colours, colours[1:]):
        assert _distance(a, b) >= 18, (a, b)
    # the old viridis deciles 1 and 2 (two dark purples) fail the same test
    viridis = plt.get_cmap("viridis")
    assert _distance(viridis(0.0), viridis(1 / 9)) < 18


def test_comparison_colours_are_distinct_and_paired_with_shapes():
    assert _distance(style.COMPARISON["similar"], style.COMPARISON["worse"]) > 40
    assert len(set(style.COMPARISON_MARKERS.values())) == len(style.COMPARISON_MARKERS)
    assert set(style.COMPARISON_MARKERS) == set(style.COMPARISON)


def test_ranked_chart_names_its_benchmark_line_and_shapes_comparisons():
    df = pd.DataFrame({"area_name": ["A", "B", "C"], "value": [1.0, 2.0, 3.0], "comparison": ["better", "similar", "worse"]})
    fig = ranked_chart(df, title="t", xlabel="x", benchmark=2.0, category="comparison")
    assert "England" in [t.get_text() for t in fig.axes[0].texts]  # on the chart, not only in the legend
    markers = {tuple(np.round(c.get_paths()[0].vertices, 2).ravel()) for c in fig.axes[0].collections if len(c.get_offsets())}
    assert len(markers) == 3  # three categories, three shapes
    plt.close(fig)


def test_trend_chart_names_the_benchmark_and_place_lines():
    df = pd.DataFrame({"period": ["2019", "2020", "2021"] * 2, "value": [1, 2, 3, 2, 3, 4],
                       "area_name": ["England"] * 3 + ["Rugby"] * 3})
    fig = trend_chart(df, title="t", ylabel="y", highlight="Rugby")
    assert {"England", "Rugby"} <= {t.get_text() for t in fig.axes[0].texts}
    plt.close(fig)


def _square(code: str, name: str, x: float) -> dict:
    ring = [[x, 52.0], [x + 0.1, 52.0], [x + 0.1, 52.1], [x, 52.1], [x, 52.0]]
    return {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_map_scale_resists_an_outlier_and_names_districts():
    areas = {"type": "FeatureCollection", "features": [_square(f"A{i}", f"a{i}", 0.1 * i) for i in range(50)]}
    values = {f"A{i}": 70.0 + 0.1 * i for i in range(49)} | {"A49": 500.0}  # one outlier
    districts = {"type": "FeatureCollection", "features": [_square("D1", "Rugby", 0.0)]}
    fig = choropleth(areas, values, title="t", legend_title="years", outline=districts)
    bar = fig.axes[-1]
    assert bar.get_ylim()[1] < 100  # the scale ends near the 98th percentile, not at 500
    assert "Rugby" in [t.get_text() for t in fig.axes[0].texts]
    unclipped = choropleth(areas, values, title="t", legend_title="years", clip=None)
    assert unclipped.axes[-1].get_ylim()[1] >= 500
    plt.close("all")


def test_spine_chart_is_narrow_and_says_each_comparison_in_words():
    rows = []
    for k in range(12):
        for area, cat in (("North Warwickshire", "worse"), ("Nuneaton and Bedworth", "similar")):
            rows.append({"indicator": f"Indicator number {k} with a long name about something", "period": "2023",
                         "unit": "%", "polarity": "high is good", "centre": 50, "centre_basis": "England",
                         "england": 50.0, "england_districts_min": 30, "england_districts_q25": 45,
                         "england_districts_q75": 55, "england_districts_max": 70, "value": 40.0 + k,
                         "area_name": area, "comparison": cat, "domain": "income" if k < 6 else "work"})
    fig = spine_chart(pd.DataFrame(rows), title="Warwickshire North: 1 of 12 indicators significantly worse")
    fit_text(fig)
    fit_width(fig)
    width = fig.get_tightbbox(fig.canvas.get_renderer()).width
    assert width <= style.WIDTH * 1.02, width  # was 11 in wide (text about 3 px high at page width)
    texts = " ".join(_texts(fig))
    assert "North Warwickshire 40.0 (worse)" in texts and "(similar)" in texts and "Income" in texts
    assert min(t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()) >= style.MIN_FONT
    plt.close(fig)
