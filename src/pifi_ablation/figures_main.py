"""Figures of the main-results and selection-signals chapters: per-layer data in, a Figure out.

``main_results`` and ``selection_signals`` are rows of panels laid out like the ablations'
figures (stacked in the phone layout); ``layer_curves`` is a grid of small multiples, one
panel per (task, model), rows by task and columns by model (one column in the phone layout).
Nothing here reads files or saves; :func:`pifi_ablation.figures.make_figure` dispatches here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, MaxNLocator

from pifi_ablation import figure_layout, main_results, signals, style
from pifi_ablation.layers import LayerRun, Layers
from pifi_ablation.registry import MODEL_ORDER, TASKS, task_label

BEST_COLOR = "#E6A800"  # the figures' gold for "best"
LAST_COLOR = "#C0392B"
AUTO_COLOR = "#0173b2"
SIGNAL_COLORS = {"keyword": "#de8f05", "correlation": "#cc78bc", "pcl": "#029e73", "probe": "#56b4e9",
                 "head_effect": "#d55e00"}
SIGNAL_LABELS = {"keyword": "Keyword", "correlation": "Correlation", "pcl": "PCL score",
                 "probe": "Probe acc.", "head_effect": "Head effect"}
_SELECTORS = {"abstract": "L_Abstract", "apply": "L_Apply", "final": "Final layer"}
_HIT_COLOR, _WITHIN_COLOR = "0.3", "0.72"


def _no_data(ax: Axes, what: str) -> None:
    figure_layout.not_recorded(ax, what, "no per-layer data")


def _task_means(table: pd.DataFrame, column: str) -> pd.DataFrame:
    return main_results.per_task(table, column)


def _mean_ci(ax: Axes, x: float, share: main_results.Share, scale: float) -> None:
    low = 0.0 if np.isnan(share.low) else scale * (share.mean - share.low)
    high = 0.0 if np.isnan(share.high) else scale * (share.high - share.mean)
    kw = {"fmt": "D", "color": style.MEAN_COLOR, "markersize": 4, "capsize": 3, "elinewidth": 1.0,
          "zorder": 5}
    ax.errorbar(x, scale * share.mean, yerr=[[low], [high]], **kw)


def main_results_figure(layers: Layers, *, stamp: str | None = None, phone: bool = False) -> Figure:
    """(a) share of grids whose last layer is best, per task, with the mean over tasks; (b)
    accuracy of the last, auto-selected and best layers, tasks paired; (c) hit and within-±2
    shares of L_Abstract, L_Apply and the final layer; (d) where the best layers sit."""
    with style.paper_style():
        fig, (a, b, c, d) = figure_layout.new_figure(4, phone)
        grids, runs = main_results.grid_table(layers), main_results.run_table(layers)
        if grids.empty:
            for ax, what in zip((a, b, c, d), ("Last layer best", "Accuracy", "Signal agreement",
                                               "Best-layer position"), strict=True):
                _no_data(ax, what)
        else:
            tasks = list(dict.fromkeys(grids["task"]))
            optimal = _task_means(grids, "last_optimal")
            pos = np.arange(len(tasks))
            a.barh(pos, 100 * optimal["mean"], color=[style.task_color(t) for t in tasks], edgecolor="0.2",
                   linewidth=0.5)
            share = main_results.share(grids, "last_optimal")
            a.axvline(100 * share.mean, color=style.MEAN_COLOR, linestyle="--", linewidth=1.0)
            a.set_yticks(pos, [task_label(t) for t in tasks])
            a.set_ylim(len(tasks) - 0.5, -0.5)
            a.set_xlim(0, 105)
            a.xaxis.set_major_locator(FixedLocator([0, 50, 100]))
            a.set_xlabel("Grids (%)")
            a.grid(axis="y", visible=False)

            columns = ("last_acc", "auto_acc", "best_acc")
            per = {col: _task_means(runs, col).set_index("task")["mean"] for col in columns}
            for task in tasks:
                b.plot(range(3), [100 * per[col][task] for col in columns], marker="o",
                       color=style.task_color(task), linewidth=0.8, alpha=0.9)
            for i, col in enumerate(columns):
                _mean_ci(b, i + 0.25, main_results.share(runs, col), 100)
            b.set_xticks(range(3), ["Last", "Auto", "Best"])
            b.set_xlim(-0.4, 2.6)
            b.set_ylabel("Accuracy (%)")
            b.grid(axis="x", visible=False)

            height = 0.36
            for i, signal in enumerate(_SELECTORS):
                for offset, what, color in ((-height / 2, "hit", _HIT_COLOR),
                                            (height / 2, "within2", _WITHIN_COLOR)):
                    s = main_results.share(runs, f"{signal}_{what}")
                    err = [[0.0 if np.isnan(s.low) else 100 * (s.mean - s.low)],
                           [0.0 if np.isnan(s.high) else 100 * (s.high - s.mean)]]
                    c.barh(i + offset, 100 * np.nan_to_num(s.mean), height, color=color, edgecolor="0.2",
                           linewidth=0.5, xerr=err, capsize=2.5, error_kw={"elinewidth": 0.8})
            c.set_yticks(range(len(_SELECTORS)), list(_SELECTORS.values()))
            c.set_ylim(len(_SELECTORS) - 0.5, -0.5)
            c.set_xlim(0, 105)
            c.xaxis.set_major_locator(FixedLocator([0, 50, 100]))
            c.set_xlabel("Runs (%)")
            c.grid(axis="y", visible=False)

            positions = np.concatenate([main_results.best_layers(acc) / (acc.size - 1)
                                        for acc in layers.grids().values()])
            d.hist(positions, bins=np.linspace(0, 1, 11), color=BEST_COLOR, edgecolor="0.2", linewidth=0.5)
            d.axvline(1.0, color=LAST_COLOR, linestyle="--", linewidth=1.0)
            d.set_xlim(0, 1.03)
            d.xaxis.set_major_locator(FixedLocator([0.0, 0.5, 1.0]))
            d.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
            d.set_xlabel("Depth (1 = last layer)")
            d.set_ylabel("Best layers")
            d.grid(axis="x", visible=False)
        a.set_title("(a) Last layer is best")
        b.set_title("(b) Last, auto, best")
        c.set_title("(c) Signal agreement")
        d.set_title("(d) Best-layer position")
        handles = [Line2D([], [], color="0.5", marker="o", linewidth=0.8, label="Task (a, b)"),
                   Line2D([], [], color=style.MEAN_COLOR, linestyle="--", label="Mean over tasks (a)"),
                   Line2D([], [], color=style.MEAN_COLOR, marker="D", markersize=4,
                          label="Mean, 95% CI over tasks (b, c)"),
                   Patch(facecolor=_HIT_COLOR, label="Hit: a best layer (c)"),
                   Patch(facecolor=_WITHIN_COLOR, label="Within ±2 layers (c)"),
                   Line2D([], [], color=LAST_COLOR, linestyle="--", label="Last layer (d)")]
        return figure_layout.finish(fig, stamp, handles, phone=phone)


# Small multiples: inches.
_CURVE_PANEL_H, _CURVE_PHONE_PANEL_H = 0.62, 0.85
_CURVE_GAP_H, _CURVE_GAP_W = 0.30, 0.32
_CURVE_LEFT, _CURVE_RIGHT, _CURVE_BOTTOM, _CURVE_TOP = 0.50, 0.06, 0.42, 0.30


def _model_tick(model: str) -> str:
    return model.split("-", 1)[1] if model.startswith("Qwen2-") else model


def _curve(ax: Axes, acc: np.ndarray, runs: list[LayerRun]) -> None:
    layers = np.arange(acc.size)
    ax.plot(layers, 100 * acc, color="0.35", linewidth=0.9, zorder=2)
    best = main_results.best_layers(acc)
    ax.plot(best, 100 * acc[best], linestyle="none", marker="*", markersize=7, color=BEST_COLOR,
            markeredgecolor="0.15", markeredgewidth=0.4, zorder=4)
    ax.plot([acc.size - 1], [100 * acc[-1]], linestyle="none", marker="s", markersize=3.5,
            color=LAST_COLOR, zorder=4)
    chosen = sorted({r.final_layer for r in runs})
    ax.plot(chosen, [100 * acc[i] for i in chosen], linestyle="none", marker="^", markersize=4,
            color=AUTO_COLOR, markeredgecolor="white", markeredgewidth=0.3, zorder=5)
    ax.set_xlim(-0.5, acc.size - 0.5)
    ax.xaxis.set_major_locator(FixedLocator([0, 10, 20]))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3))
    ax.grid(False)  # 21 panels: grid lines would cost a tenth of the export's time for little


def layer_curves_figure(layers: Layers, *, stamp: str | None = None, phone: bool = False) -> Figure:
    """One panel per (task, model): accuracy by plugged layer, the best layers (stars), the last
    (square) and the layers the selection chose over seeds (triangles)."""
    grids = layers.grids()
    tasks = [t for t in TASKS if any(k[0] == t for k in grids)]
    models = [m for m in MODEL_ORDER if any(k[1] == m for k in grids)]
    cells = [(t, m) for t in tasks for m in models]
    with style.paper_style():
        fig = Figure(figsize=(figure_layout.width_in(phone), 3.0), layout=None)
        figure_layout.Canvas(fig)
        handles = (Line2D([], [], color="0.35", label="Accuracy by layer"),
                   Line2D([], [], linestyle="none", marker="*", markersize=7, color=BEST_COLOR,
                          markeredgecolor="0.15", label="Best layer(s)"),
                   Line2D([], [], linestyle="none", marker="s", markersize=3.5, color=LAST_COLOR,
                          label="Last layer"),
                   Line2D([], [], linestyle="none", marker="^", markersize=4, color=AUTO_COLOR,
                          label="Selected (final layer, any seed)"))
        by_cell: dict[tuple[str, str], list[LayerRun]] = {}
        for run in layers.runs:
            by_cell.setdefault((run.task, run.model), []).append(run)
        if not cells:
            _no_data(fig.add_axes((0.0, 0.0, 1.0, 1.0)), "Layer curves")
        for task, model in cells:  # placed by _lay_out_curves
            ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
            if (task, model) in grids:
                _curve(ax, grids[(task, model)], by_cell[(task, model)])
            else:
                figure_layout.not_recorded(ax, "", "no complete grid")
            # y given: no automatic title position, which measures every panel again at each draw.
            ax.set_title(f"{task_label(task)} · {_model_tick(model)}", loc="left", pad=2, y=1.0)
        fig.supylabel("Accuracy (%)", x=0.005, ha="left", fontsize=style.RC["axes.labelsize"])
        fig.text(0.5, 0.0, "LLM layer plugged in", ha="center", va="bottom", gid=_CURVES_XLABEL)
        # Each panel's place in the grid: its task's row and its model's column.
        places = tuple((tasks.index(task), models.index(model)) for task, model in cells) or ((0, 0),)
        figure_layout.remember(fig, _lay_out_curves, stamp, handles, places, phone=phone)
        return _lay_out_curves(fig, stamp, handles, places, phone=phone)


_CURVES_XLABEL = "layer-curves-xlabel"


def _lay_out_curves(fig: Figure, stamp: str | None, handles: tuple[Line2D, ...],
                    places: tuple[tuple[int, int], ...], *, phone: bool) -> Figure:
    """Lay the small multiples out: the legend above and the stamp below, as tall as they are,
    and the panels between them at fixed sizes, in rows by task and columns by model (``places``,
    one per panel), or one under another (``phone``); the x label under the panels."""
    width = fig.get_figwidth()
    ncols = 1 if phone else max(col for _, col in places) + 1
    nrows = len(places) if phone else max(row for row, _ in places) + 1
    panel_h = _CURVE_PHONE_PANEL_H if phone else _CURVE_PANEL_H
    legend = figure_layout.fitted_legend(fig, list(handles))
    renderer = fig.canvas.get_renderer()
    legend_h = legend.get_window_extent(renderer).height / fig.dpi
    note = None
    if stamp:
        note = fig.supxlabel(stamp, x=0.995, ha="right", va="bottom", fontsize=style.MIN_FONT_PT,
                             color="0.4")
        figure_layout.fit_width(note)
    note_h = note.get_window_extent(renderer).height / fig.dpi if note else 0.0
    top = _CURVE_TOP + legend_h
    bottom = _CURVE_BOTTOM + note_h
    height = top + bottom + nrows * panel_h + (nrows - 1) * _CURVE_GAP_H
    fig.set_figheight(height, forward=False)
    panel_w = (width - _CURVE_LEFT - _CURVE_RIGHT - (ncols - 1) * _CURVE_GAP_W) / ncols
    for i, (ax, place) in enumerate(zip(fig.axes, places, strict=True)):
        row, col = (i, 0) if phone else place
        x0 = _CURVE_LEFT + col * (panel_w + _CURVE_GAP_W)
        y0 = height - top - (row + 1) * panel_h - row * _CURVE_GAP_H
        ax.set_position((x0 / width, y0 / height, panel_w / width, panel_h / height))
    xlabel = next(text for text in fig.texts if text.get_gid() == _CURVES_XLABEL)
    xlabel.set_position((_CURVE_LEFT / width + (width - _CURVE_LEFT - _CURVE_RIGHT) / width / 2,
                         (note_h + 0.05) / height))
    edge = figure_layout.EDGE_PT / 72
    legend.set_bbox_to_anchor((0.5, 1.0 - edge / height), transform=fig.transFigure)
    if note:
        note.set_y(edge / height)
    return fig


def _normalised(x: np.ndarray) -> np.ndarray:
    span = np.nanmax(x) - np.nanmin(x)
    return np.zeros_like(x) if span == 0 else (x - np.nanmin(x)) / span


def selection_signals_figure(layers: Layers, *, stamp: str | None = None,
                             phone: bool = False) -> Figure:
    """(a) Spearman ρ over layers of accuracy with each signal, tasks and mean over tasks; for the
    representative run: (b) accuracy and the PCL signals by layer (min-max scaled); (c) head
    effects, layer × head; (d) their layer-wise sums; (e) probe against test accuracy."""
    with style.paper_style():
        fig, (a, b, c, d, e) = figure_layout.new_figure(5, phone)
        run = signals.representative(layers)
        if run is None:
            for ax, what in zip((a, b, c, d, e), ("Signal ρ", "PCL signals", "Head effects", "Layer sums",
                                                  "Probe"), strict=True):
                _no_data(ax, what)
        else:
            table = signals.per_task_rho(layers)
            summary = signals.rho_summary(layers).set_index("signal")
            names = list(signals.SIGNALS)
            for i, s in enumerate(names):
                pts = table[s].dropna()
                a.plot(pts, np.full(pts.size, i - 0.15), linestyle="none", marker="o", markersize=3,
                       color="0.55", alpha=0.9, zorder=3)
                r = summary.loc[s]
                low = 0.0 if np.isnan(r["ci_low"]) else r["mean"] - r["ci_low"]
                high = 0.0 if np.isnan(r["ci_high"]) else r["ci_high"] - r["mean"]
                a.errorbar(r["mean"], i + 0.2, xerr=[[low], [high]], fmt="D", color=style.MEAN_COLOR,
                           markersize=4, capsize=3, elinewidth=1.0, zorder=5)
            a.axvline(0, color="0.35", linewidth=0.6)
            a.set_yticks(range(len(names)), [SIGNAL_LABELS[s] for s in names])
            a.set_ylim(len(names) - 0.5, -0.5)
            a.set_xlim(-1.05, 1.05)
            a.xaxis.set_major_locator(FixedLocator([-1, 0, 1]))
            a.set_xlabel("Spearman ρ")
            a.grid(axis="y", visible=False)

            x = np.arange(run.n_layers)
            b.plot(x, _normalised(run.acc), color=style.MEAN_COLOR, linewidth=1.6)
            for s in ("keyword", "correlation", "pcl"):
                b.plot(x, _normalised(signals.values(run, s)), color=SIGNAL_COLORS[s], linewidth=0.9)
            b.axvline(run.l_abstract, color=SIGNAL_COLORS["pcl"], linestyle="--", linewidth=0.9)
            best = main_results.best_layers(run.acc)
            b.plot(best, _normalised(run.acc)[best], linestyle="none", marker="*", markersize=7,
                   color=BEST_COLOR, markeredgecolor="0.15", markeredgewidth=0.4, zorder=5)
            b.set_xlabel("Layer")
            b.set_ylabel("Scaled (0-1)")

            effects = run.head_effects
            if effects is None or run.stage2_missing or effects.size == 0:
                figure_layout.not_recorded(c, "Head effects", "stage 2 found\nnothing")
                figure_layout.not_recorded(d, "Layer sums", "stage 2 found\nnothing")
            else:
                # Quads, not an image: the printed figures stay vector (no bitmap in the PDFs).
                rows, cols = effects.shape
                c.pcolormesh(np.arange(cols + 1) - 0.5, np.arange(rows + 1) - 0.5, effects, cmap="Greys",
                             shading="flat", rasterized=False)
                c.set_xlabel("Head")
                c.set_ylabel("Layer")
                c.grid(False)
                sums = effects.sum(axis=1)
                d.bar(np.arange(sums.size), sums, color=SIGNAL_COLORS["head_effect"], width=0.8)
                if 0 <= run.l_apply < sums.size:
                    d.bar(run.l_apply, sums[run.l_apply], color=AUTO_COLOR, width=0.8)
                d.set_xlabel("Layer")
                d.set_ylabel("Σ head effect (KL)")
                d.grid(axis="x", visible=False)
            if run.probe_acc is None or np.isnan(run.probe_acc).all():
                figure_layout.not_recorded(e, "Probe accuracy", "not logged")
            else:
                e.plot(x, 100 * run.probe_acc, color=SIGNAL_COLORS["probe"], marker="o", markersize=2)
                e.plot(x, 100 * run.acc, color=style.MEAN_COLOR, linewidth=1.2)
                e.set_xlabel("Layer")
                e.set_ylabel("Accuracy (%)")
        a.set_title("(a) ρ with accuracy")
        b.set_title("(b) PCL signals")
        c.set_title("(c) Head effects")
        d.set_title("(d) Sum per layer")
        e.set_title("(e) Probe, test")
        handles = [Line2D([], [], color="0.55", marker="o", markersize=3, linestyle="none", label="Task (a)"),
                   Line2D([], [], color=style.MEAN_COLOR, marker="D", markersize=4,
                          label="Mean, 95% CI over tasks (a)"),
                   Line2D([], [], color=style.MEAN_COLOR, linewidth=1.6, label="Test accuracy (b, e)"),
                   *[Line2D([], [], color=SIGNAL_COLORS[s], label=f"{SIGNAL_LABELS[s]} (b)")
                     for s in ("keyword", "correlation", "pcl")],
                   Line2D([], [], color=SIGNAL_COLORS["pcl"], linestyle="--", label="L_Abstract (b)"),
                   Line2D([], [], linestyle="none", marker="*", markersize=7, color=BEST_COLOR,
                          markeredgecolor="0.15", label="Best layer (b)"),
                   Patch(facecolor=AUTO_COLOR, label="L_Apply (d)"),
                   Line2D([], [], color=SIGNAL_COLORS["probe"], marker="o", markersize=2,
                          label="Probe accuracy (e)")]
        return figure_layout.finish(fig, stamp, handles, phone=phone)


LAYER_FIGURES: dict[str, Callable[..., Figure]] = {
    "main_results": main_results_figure,
    "layer_curves": layer_curves_figure,
    "selection_signals": selection_signals_figure,
}
