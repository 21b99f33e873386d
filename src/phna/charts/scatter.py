"""Scatter with a fitted relationship: points, the fitted line, its confidence band, outliers named."""

from __future__ import annotations

import numpy as np
import pandas as pd

from phna.charts import style


def _mask(data: pd.DataFrame, spec, label: str | None) -> np.ndarray:
    if spec is None:
        return np.zeros(len(data), dtype=bool)
    if isinstance(spec, str) and spec in data.columns:
        return data[spec].fillna(False).astype(bool).to_numpy()
    names = [spec] if isinstance(spec, str) else list(spec)
    if label is None:
        raise ValueError("scatter_fit: give labels= (a column) to pick points out by name")
    return data[label].isin(names).to_numpy()


def scatter_fit(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    fit: pd.DataFrame | None,
    title: str,
    xlabel: str,
    ylabel: str,
    highlight=None,
    labels: str | None = None,
    named=None,
    fit_label: str = "Fitted relationship",
    band_label: str = "95 % confidence band of the fit",
    prediction_label: str = "95 % prediction interval",
    reference: float | None = None,
    reference_label: str | None = None,
    legend_labels: tuple[str, str, str] = ("Other areas", "Areas of the place", "Named areas"),
):
    """Scatter of ``y`` against ``x`` with a fitted line and its confidence band.

    Parameters
    ----------
    df : DataFrame
        One row per point.
    x, y : str
        Columns plotted.
    fit : DataFrame, optional
        The fitted relationship on a grid: ``x``, ``fit``, ``lower``, ``upper`` (confidence band of the line)
        and optionally ``pred_lower``, ``pred_upper`` (prediction interval, drawn dashed).
    title, xlabel, ylabel : str
        Title (state the finding) and axis labels with units.
    highlight : str (boolean column) or list of labels, optional
        Points drawn in the place colour (e.g. the place's areas); the rest are light grey.
    labels : str, optional
        Column with each point's name (used to name ``named`` points and to pick ``highlight`` by name).
    named : str (boolean column) or list of labels, optional
        Points drawn in vermilion and named (e.g. outliers).
    reference : float, optional
        A horizontal reference line (e.g. 100 for SMRs, England).

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = df.copy()
    data = data[pd.to_numeric(data[x], errors="coerce").notna() & pd.to_numeric(data[y], errors="coerce").notna()]
    hi = _mask(data, highlight, labels)
    nm = _mask(data, named, labels)
    bg = ~(hi | nm)
    fig, ax = style.new_figure(style.WIDTH, 4.6)
    xs, ys = data[x].astype(float).to_numpy(), data[y].astype(float).to_numpy()
    ax.scatter(xs[bg], ys[bg], s=8, color=style.OTHER, alpha=0.5, edgecolor="none", zorder=2, label=legend_labels[0])
    if fit is not None and len(fit):
        f = fit.sort_values("x")
        if {"pred_lower", "pred_upper"} <= set(f.columns):
            ax.plot(f["x"], f["pred_lower"], color=style.ENGLAND, linestyle="--", linewidth=0.9, zorder=3,
                    label=prediction_label)
            ax.plot(f["x"], f["pred_upper"], color=style.ENGLAND, linestyle="--", linewidth=0.9, zorder=3)
        if {"lower", "upper"} <= set(f.columns):
            ax.fill_between(f["x"], f["lower"], f["upper"], color=style.ENGLAND, alpha=0.25, linewidth=0, zorder=3,
                            label=band_label)
        ax.plot(f["x"], f["fit"], color=style.ENGLAND, linewidth=1.6, zorder=4, label=fit_label)
    if reference is not None:
        ax.axhline(reference, color=style.REGION, linewidth=1, linestyle=":", zorder=3,
                   label=reference_label or f"Reference ({reference:g})")
        style.label_line(ax, reference_label or f"Reference ({reference:g})", y=reference, colour=style.REGION)
    only_hi = hi & ~nm
    if only_hi.any():
        ax.scatter(xs[only_hi], ys[only_hi], s=26, color=style.PLACE, edgecolor="white", linewidth=0.5, zorder=5,
                   label=legend_labels[1])
    if nm.any():
        ax.scatter(xs[nm], ys[nm], s=48, color=style.HIGHLIGHT, edgecolor="black", linewidth=0.6, zorder=6,
                   label=legend_labels[2])
        if labels is not None:
            for xv, yv, name in zip(xs[nm], ys[nm], data.loc[nm, labels]):
                ax.annotate(str(name), (xv, yv), xytext=(6, 4), textcoords="offset points", fontsize=style.MIN_FONT,
                            fontweight="bold", zorder=7)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=style.MIN_FONT)
    return fig
