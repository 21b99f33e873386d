"""Choropleth maps drawn straight from GeoJSON with matplotlib (no GIS stack needed).

Boundaries are ONS generalised boundaries read through the data layer (``phna.data.boundaries``).
Coordinates are longitude/latitude (WGS84); the map is drawn with the aspect ratio corrected for
England's latitude, which is adequate for areas the size of a county.
"""

from __future__ import annotations

import math
from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import PatchCollection
from matplotlib.colors import BoundaryNorm, ListedColormap, Normalize
from matplotlib.patches import Polygon

from phna.charts import style


def _polygons(geometry: Mapping) -> list[np.ndarray]:
    kind = geometry["type"]
    if kind == "Polygon":
        rings = [geometry["coordinates"][0]]
    elif kind == "MultiPolygon":
        rings = [poly[0] for poly in geometry["coordinates"]]
    else:
        raise ValueError(f"cannot draw geometry of type {kind!r}")
    return [np.asarray(ring, dtype=float) for ring in rings]


def choropleth(
    geojson: Mapping,
    values: Mapping[str, float],
    *,
    title: str,
    legend_title: str,
    categorical_deciles: bool = False,
    cmap: str = "viridis_r",
    outline: Mapping | None = None,
    missing_colour: str = "#F0F0F0",
    label_outline: bool = True,
    clip: tuple[float, float] | None = (2, 98),
):
    """Shade each feature by ``values[feature code]``.

    Parameters
    ----------
    geojson : FeatureCollection with ``properties.code``.
    values : mapping from area code to value (missing codes are drawn in light grey).
    categorical_deciles : bool
        Treat values as deciles 1-10 (1 = most deprived, darkest), with a discrete legend.
    outline : FeatureCollection, optional
        Boundaries drawn on top (e.g. districts).
    label_outline : bool
        Name each outline area (its ``properties.name``) on the map, so readers can find their district.
    clip : (low, high) percentiles, optional
        The colour scale of a continuous map runs between these percentiles of the values (default 2nd to
        98th), so one extreme area does not wash out the rest; the colour bar's pointed ends show values
        beyond them. ``None`` uses the full range.
    """
    fig, ax = style.new_figure(style.WIDTH, 6.0)
    patches, shades = [], []
    for feature in geojson["features"]:
        value = values.get(feature["properties"]["code"], np.nan)
        for ring in _polygons(feature["geometry"]):
            patches.append(Polygon(ring, closed=True))
            shades.append(value)
    shades = np.asarray(shades, dtype=float)
    if categorical_deciles:
        colours = style.decile_colours()
        colour_map = ListedColormap(colours)
        norm = BoundaryNorm(np.arange(0.5, 11.5, 1), colour_map.N)
        extend = "neither"
    else:
        colour_map = plt.get_cmap(cmap)
        finite = shades[np.isfinite(shades)]
        low, high = (np.nanmin(finite), np.nanmax(finite)) if len(finite) else (0.0, 1.0)
        if clip is not None and len(finite):
            low, high = np.percentile(finite, clip)
            if high <= low:
                low, high = np.nanmin(finite), np.nanmax(finite)
        norm = Normalize(low, high, clip=True)
        below, above = bool(len(finite) and finite.min() < low), bool(len(finite) and finite.max() > high)
        extend = {(True, True): "both", (True, False): "min", (False, True): "max"}.get((below, above), "neither")
    collection = PatchCollection(patches, linewidth=0.2, edgecolor="white")
    facecolours = [missing_colour if np.isnan(v) else colour_map(norm(v)) for v in shades]
    collection.set_facecolor(facecolours)
    ax.add_collection(collection)
    if outline is not None:
        lines = [Polygon(r, closed=True) for f in outline["features"] for r in _polygons(f["geometry"])]
        ax.add_collection(PatchCollection(lines, facecolor="none", edgecolor="#333333", linewidth=0.8))
        if label_outline:
            _label_areas(ax, outline)
    ax.autoscale_view()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    aspect = 1 / math.cos(math.radians((y0 + y1) / 2))
    ax.set_aspect(aspect)
    # The figure as tall as the map needs (no band of white under a wide place, no squashed tall one).
    ratio = (y1 - y0) * aspect / max(x1 - x0, 1e-9)
    fig.set_size_inches(style.WIDTH, min(8.0, max(3.5, (style.WIDTH - 1.6) * ratio + 0.9)))
    ax.set_axis_off()
    ax.set_title(title)
    mappable = plt.cm.ScalarMappable(norm=norm, cmap=colour_map)
    bar = fig.colorbar(mappable, ax=ax, shrink=0.6, label=legend_title, extend=extend)
    if categorical_deciles:
        bar.set_ticks(range(1, 11), labels=["1 most deprived", *map(str, range(2, 10)), "10 least deprived"])
    return fig


def _label_areas(ax, outline: Mapping) -> None:
    """Write each area's name at the middle of its largest part, with a white halo to stay legible."""
    from matplotlib import patheffects

    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    for feature in outline["features"]:
        name = feature.get("properties", {}).get("name")
        rings = _polygons(feature["geometry"])
        if not name or not rings:
            continue
        ring = max(rings, key=lambda r: abs(_area(r)))
        x, y = ring[:, 0].mean(), ring[:, 1].mean()
        ax.text(x, y, "\n".join(str(name).split(" and ", 1)) if len(str(name)) > 16 else str(name), ha="center",
                va="center", fontsize=style.MIN_FONT, fontweight="bold", color="#222222", path_effects=halo, zorder=5)


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))
