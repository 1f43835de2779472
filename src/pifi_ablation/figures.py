"""One function per figure: tables in, a matplotlib Figure out.

Functions neither read files nor save; ``export.py`` saves.  Every figure keeps
the seed notebook's panels, letters and meanings, and improves on them where
the seed misled: sample-size axes are ticked at the sizes actually run, bands
are labelled as 95% intervals over tasks with their n, and per-task optima are
read off the data rather than off the simulation's hidden truth.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, NullLocator

from pifi_ablation import stats, style
from pifi_ablation.ablations import Ablations, keyword_weight_curve, keyword_weight_logged
from pifi_ablation.metrics import DEFAULT_KEYWORD_WEIGHT, DEFAULT_LAMBDA_SCALE
from pifi_ablation.registry import MODEL_ORDER, TASK_TYPES

FIGURE_NAMES: tuple[str, ...] = (
    "sample_size", "keyword_weight", "lambda_scale", "task_sensitivity", "model_size",
)


# The phone layout (make_figure(..., phone=True)): the same panels stacked one under
# another, drawn for a phone's width, so their texts keep a readable size on a narrow screen.
_PHONE: ContextVar[bool] = ContextVar("pifi_ablation_phone_layout", default=False)


def _new_figure(n_panels: int) -> tuple[Figure, list[Axes]]:
    # A bare Figure, not pyplot's: nothing is registered with a GUI or global
    # state, so figures need no closing and pyplot is not imported to export.
    # No layout engine: _finish lays the figure out once (see _lay_out).
    phone = _PHONE.get()
    width = style.PHONE_WIDTH_IN if phone else style.TEXT_WIDTH_IN
    fig = Figure(figsize=(width, 2 * style.PANEL_HEIGHT_IN), layout=None)
    FigureCanvasAgg(fig)  # a renderer to measure text with
    axes = fig.subplots(n_panels, 1) if phone else fig.subplots(1, n_panels)
    return fig, list(np.atleast_1d(axes))


def _finish(fig: Figure, stamp: str | None, legend_handles: Sequence[Line2D] = ()) -> Figure:
    legend = _fitted_legend(fig, list(legend_handles)) if legend_handles else None
    note = None
    if stamp:
        # A measured source's stamp (folder, files, hash, notes) can outrun the figure: wrap it.
        note = fig.supxlabel(stamp, x=0.995, ha="right", va="bottom", fontsize=style.MIN_FONT_PT,
                             color="0.4")
        _fit_width(note)
    _lay_out(fig, legend, note)
    return fig


# Spacing of the layout, in points: from the page edge to the nearest text, from
# one panel's texts to the next panel's, and between the panels and the legend
# above or the stamp below.
_EDGE_PT = 3.0
_GAP_PT = 12.0
_BAND_PT = 5.0
# Where a panel's texts usually reach beyond its frame (inches: left, right,
# bottom, top), to give the panels nearly their final size before measuring.
_TYPICAL_REACH_IN = (0.45, 0.1, 0.45, 0.25)
_MAX_MEASURES = 3


@dataclass(frozen=True)
class _Reach:
    """How far (pixels) a panel's texts reach beyond its frame, as a function of its width.

    ``fixed`` (left, right, bottom, top) is what does not move with the width: tick labels,
    the y label, notes.  ``spans`` are the texts anchored to a fraction of the width (the
    titles and the x label): (anchor as a fraction of the width, offset of the text's left
    edge from the anchor, its width); a title wider than a narrow panel reaches out further
    the narrower the panel gets.
    """

    fixed: tuple[float, float, float, float]
    spans: tuple[tuple[float, float, float], ...] = ()

    def at(self, width: float) -> tuple[float, float, float, float]:
        left, right, bottom, top = self.fixed
        for anchor, offset, extent in self.spans:
            x0 = anchor * width + offset
            left, right = max(left, -x0), max(right, x0 + extent - width)
        return left, right, bottom, top


def _lay_out(fig: Figure, legend: Legend | None, note: Text | None) -> None:
    """Lay the panels out in a row, equal in size, the legend above them and the stamp below.

    Every panel is ``style.PANEL_HEIGHT_IN`` tall and the figure as tall as its
    legend, stamp and labels then need, so a long legend (a measured source's)
    adds height instead of squashing the panels.  This is one measurement of the
    panels' texts where matplotlib's constrained layout takes two (and solves a
    general grid): the panels are first given their final height, so their
    ticks, and so their texts' sizes, already are what they will be; the texts
    whose reach depends on the panels' width are modelled (:class:`_Reach`), and
    if placing the panels changes a tick anyway, the texts are measured again.
    """
    renderer = fig.canvas.get_renderer()
    axes = fig.axes
    edge = _EDGE_PT * fig.dpi / 72
    top_band = edge + (legend.get_window_extent(renderer).height + _BAND_PT * fig.dpi / 72
                       if legend else 0.0)
    bottom_band = edge + (note.get_window_extent(renderer).height + _BAND_PT * fig.dpi / 72
                          if note else 0.0)
    guess = _Reach(tuple(inches * fig.dpi for inches in _TYPICAL_REACH_IN))
    _place(fig, [guess] * len(axes), top_band, bottom_band)
    for _ in range(_MAX_MEASURES):
        ticks = [_tick_locations(ax) for ax in axes]
        _place(fig, [_overhang(ax, renderer) for ax in axes], top_band, bottom_band)
        if [_tick_locations(ax) for ax in axes] == ticks:
            break
    for ax in axes:
        _thin_tick_labels(ax.xaxis, renderer)
    height = fig.bbox.height
    if legend:
        legend.set_bbox_to_anchor((0.5, 1.0 - edge / height), transform=fig.transFigure)
    if note:
        note.set_y(edge / height)


def _thin_tick_labels(axis, renderer) -> None:
    """Blank each tick label that would touch the last one kept, left to right; the
    ticks stay (settings close together, such as logged keyword weights beside the
    grid's, would otherwise print over each other)."""
    labels, locations = axis.get_majorticklabels(), axis.get_majorticklocs()
    if len(labels) != len(locations):
        return  # ticks beyond the view: an automatic locator, which spaces its labels itself
    if any(label.get_rotation() for label in labels):
        return  # slanted labels overlap in their boxes, not in their letters
    kept, texts, changed = None, [], False
    for label in labels:
        box = label.get_window_extent(renderer)
        if kept is not None and box.x0 < kept.x1 + 2.0:
            texts.append("")
            changed = True
        else:
            texts.append(label.get_text())
            kept = box
    if changed:
        axis.set_ticks(locations, texts)


def _anchored_texts(ax: Axes) -> list[tuple[Text, float]]:
    """The panel's visible texts placed at a fraction of its width: titles, the x label."""
    texts = [(ax.title, 0.5), (ax._left_title, 0.0), (ax._right_title, 1.0)]
    if ax.axison and ax.xaxis.get_visible():
        texts.append((ax.xaxis.label, ax.xaxis.label.get_position()[0]))
    return [(text, anchor) for text, anchor in texts if text.get_visible() and text.get_text()]


def _overhang(ax: Axes, renderer) -> _Reach:
    """How far the panel's texts reach beyond its frame (see :class:`_Reach`).

    Measured as a layout engine measures (``for_layout_only``): the titles and the x label count
    for their height only, their width is modelled; the y label, which that leaves out, is
    measured apart."""
    frame = ax.get_window_extent(renderer)
    reach = ax.get_tightbbox(renderer, for_layout_only=True)
    left, right = max(frame.x0 - reach.x0, 0.0), max(reach.x1 - frame.x1, 0.0)
    bottom, top = max(frame.y0 - reach.y0, 0.0), max(reach.y1 - frame.y1, 0.0)
    label = ax.yaxis.label
    if ax.axison and ax.yaxis.get_visible() and label.get_visible() and label.get_text():
        box = label.get_window_extent(renderer)
        bottom, top = max(bottom, frame.y0 - box.y0), max(top, box.y1 - frame.y1)
    spans = []
    for text, anchor in _anchored_texts(ax):
        box = text.get_window_extent(renderer)
        spans.append((anchor, box.x0 - (frame.x0 + anchor * frame.width), box.width))
    return _Reach((left, right, bottom, top), tuple(spans))


def _tick_locations(ax: Axes) -> tuple[tuple[float, ...], tuple[float, ...]]:
    return tuple(ax.xaxis.get_majorticklocs()), tuple(ax.yaxis.get_majorticklocs())


def _widest(fits: Callable[[float], bool], limit: float) -> float:
    """The largest panel width in [0, ``limit``] for which ``fits`` holds (bisection: the
    room a layout needs grows with its panels' width, since a text can reach out at most as
    much as the panel narrows)."""
    low, high = 0.0, limit
    if fits(high):
        return high
    for _ in range(40):
        mid = (low + high) / 2
        low, high = (mid, high) if fits(mid) else (low, mid)
    return low


def _place(fig: Figure, reach: list[_Reach], top_band: float, bottom_band: float) -> None:
    """Size the figure and position the panels for texts reaching ``reach`` beyond them."""
    if _PHONE.get():
        _place_stacked(fig, reach, top_band, bottom_band)
        return
    dpi = fig.dpi
    panel = style.PANEL_HEIGHT_IN * dpi
    width_px = fig.bbox.width
    edge, gap = _EDGE_PT * dpi / 72, _GAP_PT * dpi / 72

    def needed(width: float) -> float:
        at = [r.at(width) for r in reach]
        return 2 * edge + len(at) * width + sum(a[0] + a[1] for a in at) + gap * (len(at) - 1)

    width = _widest(lambda w: needed(w) <= width_px, width_px / len(reach))
    at = [r.at(width) for r in reach]
    bottom = bottom_band + max(a[2] for a in at)
    top = top_band + max(a[3] for a in at)
    fig.set_figheight((bottom + panel + top) / dpi, forward=False)
    height_px = fig.bbox.height
    left = edge + at[0][0]
    for i, ax in enumerate(fig.axes):
        ax.set_position((left / width_px, bottom / height_px, width / width_px, panel / height_px))
        if i + 1 < len(at):
            left += width + at[i][1] + gap + at[i + 1][0]


def _place_stacked(fig: Figure, reach: list[_Reach], top_band: float, bottom_band: float) -> None:
    """The phone layout: panels one under another, each the figure's width less its texts."""
    dpi = fig.dpi
    panel = style.PHONE_PANEL_HEIGHT_IN * dpi
    edge, gap = _EDGE_PT * dpi / 72, _GAP_PT * dpi / 72
    width_px = fig.bbox.width

    def needed(width: float) -> float:
        at = [r.at(width) for r in reach]
        return 2 * edge + width + max(a[0] for a in at) + max(a[1] for a in at)

    width = _widest(lambda w: needed(w) <= width_px, width_px)
    at = [r.at(width) for r in reach]
    gaps = [at[i][2] + gap + at[i + 1][3] for i in range(len(at) - 1)]
    top = top_band + at[0][3]
    bottom = bottom_band + at[-1][2]
    fig.set_figheight((top + len(at) * panel + sum(gaps) + bottom) / dpi, forward=False)
    height_px = fig.bbox.height
    left = edge + max(a[0] for a in at)
    y = height_px - top
    for ax, after in zip(fig.axes, [*gaps, 0.0], strict=True):
        y -= panel
        ax.set_position((left / width_px, y / height_px, width / width_px, panel / height_px))
        y -= after


def _fit_width(text: Text) -> None:
    """Wrap ``text`` at spaces until its widest line fits the figure's width."""
    fig = text.get_figure(root=True)
    renderer = fig.canvas.get_renderer()
    limit = 0.98 * fig.bbox.width
    raw = text.get_text()
    chars = len(raw)
    while (width := text.get_window_extent(renderer).width) > limit and chars > _MIN_LINE_CHARS:
        longest = max(len(line) for line in text.get_text().split("\n"))
        chars = max(_MIN_LINE_CHARS, min(chars - 1, int(longest * limit / width)))
        text.set_text(textwrap.fill(raw, width=chars, break_on_hyphens=False))


_MIN_LINE_CHARS = 20


_MAX_LEGEND_COLUMNS = 8
_LEGEND_STYLE: dict[str, float] = {"handlelength": 1.6, "handletextpad": 0.8, "columnspacing": 1.2,
                                    "borderpad": 0.4}


def _fitted_legend(fig: Figure, handles: list) -> Legend:
    """A legend above the panels with as many columns as fit the figure's width
    (_lay_out anchors its top to the top of the page)."""
    renderer = fig.canvas.get_renderer()
    limit = 0.98 * fig.bbox.width
    ncols = _most_columns(fig, handles, limit)
    while True:
        legend = fig.legend(handles=_row_major(handles, ncols), loc="upper center",
                            bbox_to_anchor=(0.5, 1.0), borderaxespad=0.0, ncols=ncols,
                            frameon=False, **_LEGEND_STYLE)
        if ncols == 1 or legend.get_window_extent(renderer).width <= limit:
            return legend
        legend.remove()
        ncols -= 1


def _most_columns(fig: Figure, handles: list, limit: float) -> int:
    """The most columns whose labels and handles alone fit ``limit`` pixels: a legend
    is never narrower, so building legends can start here rather than at the most."""
    size = FontProperties(size=style.RC["legend.fontsize"])
    renderer = fig.canvas.get_renderer()
    em = size.get_size_in_points() * fig.dpi / 72
    texts = [renderer.get_text_width_height_descent(h.get_label(), size, ismath=False)[0]
             for h in handles]
    entry = (_LEGEND_STYLE["handlelength"] + _LEGEND_STYLE["handletextpad"]) * em
    for ncols in range(min(_MAX_LEGEND_COLUMNS, len(handles)), 1, -1):
        rows = -(-len(handles) // ncols)
        columns = [max(texts[c::ncols][:rows]) + entry for c in range(ncols)]
        spacing = (ncols - 1) * _LEGEND_STYLE["columnspacing"] + 2 * _LEGEND_STYLE["borderpad"]
        if sum(columns) + spacing * em <= limit:
            return ncols
    return 1


def _row_major(handles: list, ncols: int) -> list:
    """Reorder so that matplotlib's column-by-column legend reads row by row."""
    rows = -(-len(handles) // ncols)
    grid = [handles[r * ncols:(r + 1) * ncols] for r in range(rows)]
    return [grid[r][c] for c in range(ncols) for r in range(rows) if c < len(grid[r])]


def _band_handle(n_text: str) -> Patch:
    return Patch(facecolor=style.MEAN_COLOR, alpha=style.BAND_ALPHA,
                 label=f"95% CI over tasks ({n_text})")


def _range(values: pd.Series) -> str:
    low, high = int(values.min()), int(values.max())
    return f"{low}" if low == high else f"{low}-{high}"


def _n_text(summary: pd.DataFrame) -> str:
    """'n=7' tasks; with the runs behind them where seeds or models repeat a task."""
    text = f"n={_range(summary['n'])}"
    if "runs" in summary and not summary["runs"].equals(summary["n"]):
        text += f"; {_range(summary['runs'])} runs"
    return text


def _task_handles(tasks: Sequence[str], marker: str = "o") -> list[Line2D]:
    return [Line2D([], [], color=style.task_color(t), marker=marker, label=style.task_label(t))
            for t in tasks]


def _sample_axis(ax: Axes, sizes: Sequence[int]) -> None:
    """Log axis ticked at exactly the sample sizes run, in plain numbers."""
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator(sorted(sizes)))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([str(s) for s in sorted(sizes)])
    ax.set_xlabel("Selection samples (n)")


def _setting_axis(ax: Axes, settings: Sequence[float], label: str, log: bool = False) -> None:
    if log:
        ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator(sorted(settings)))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([f"{s:g}" for s in sorted(settings)])
    ax.set_xlabel(label)


def _mean_band(ax: Axes, summary: pd.DataFrame, x: str, label_what: str) -> None:
    """Mean over tasks with its 95% t-interval as a band, labelled with n."""
    ax.fill_between(summary[x], summary["ci_low"], summary["ci_high"], color=style.MEAN_COLOR,
                    alpha=style.BAND_ALPHA, linewidth=0, label=f"95% CI over tasks ({_n_text(summary)})")
    ax.plot(summary[x], summary["mean"], color=style.MEAN_COLOR, marker="s", label=label_what)


def _per_task_lines(ax: Axes, table: pd.DataFrame, x: str, y: str) -> list[str]:
    tasks = list(dict.fromkeys(table["task"]))
    values = stats.per_task(table, [x], y)
    for task in tasks:
        part = values[values["task"] == task].sort_values(x)
        ax.plot(part[x], part[y], marker="o", color=style.task_color(task),
                label=style.task_label(task), linewidth=1.0, alpha=0.9)
    return tasks


def _not_recorded(ax: Axes, what: str, why: str = "not recorded") -> None:
    ax.text(0.5, 0.5, f"{what}\n{why}", ha="center", va="center",
            transform=ax.transAxes, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():  # no empty frame: the panel holds a statement, not data
        spine.set_visible(False)


def sample_size_figure(table: pd.DataFrame, *, stamp: str | None = None) -> Figure:
    """(a) recovery per task vs n, with the mean and the recommended n; (b) signal quality,
    mean and 95% CI vs n; (c) selection time per n (mean, 95% CI)."""
    with style.paper_style():
        fig, (a, b, c) = _new_figure(3)
        sizes = sorted(int(s) for s in table["n_samples"].unique())
        recovery = stats.summarise(table, "n_samples", "recovery_rate")
        tasks = _per_task_lines(a, table, "n_samples", "recovery_rate")
        a.plot(recovery["n_samples"], recovery["mean"], color=style.MEAN_COLOR, marker="s",
               linewidth=1.8)
        recommended = stats.recommended_sample_size(recovery)
        a.axvline(recommended, **style.DEFAULT_LINE)
        a.annotate(f"{stats.RECOMMENDED_SHARE:.0%} of best\nmean at {recommended}", (recommended, 0.03),
                   xycoords=("data", "axes fraction"), xytext=(3, 0), textcoords="offset points",
                   ha="left", va="bottom", color="0.3",
                   bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1.0})
        _sample_axis(a, sizes)
        a.set_ylabel("Recovery rate")
        a.set_title("(a) Recovery")

        quality = stats.summarise(table, "n_samples", "signal_quality")
        _mean_band(b, quality, "n_samples", "Mean over tasks")
        _sample_axis(b, sizes)
        b.set_ylabel("Signal quality (ρ)")
        b.set_title("(b) Signal quality")

        time = stats.summarise(table, "n_samples", "time_sec")
        if time["n"].sum() == 0:
            _not_recorded(c, "Selection time", "not logged\n(no elapsed_sec\nin the logs)")
        else:
            pos = np.arange(len(time))
            err = np.vstack([time["mean"] - time["ci_low"], time["ci_high"] - time["mean"]])
            c.bar(pos, time["mean"], yerr=np.nan_to_num(err), capsize=2.5, color="0.6",
                  edgecolor="0.2", linewidth=0.5, error_kw={"elinewidth": 0.8})
            c.set_xticks(pos, [str(int(s)) for s in time["n_samples"]])
            c.set_xlabel("Selection samples (n)")
            c.set_ylabel("Selection time (s)")
            c.grid(axis="x", visible=False)
        c.set_title("(c) Selection overhead")
        handles = [*_task_handles(tasks),
                   Line2D([], [], color=style.MEAN_COLOR, marker="s", linewidth=1.8,
                          label="Mean over tasks"),
                   _band_handle(_n_text(quality)),
                   Line2D([], [], **style.DEFAULT_LINE, label="Recommended n (a)")]
        return _finish(fig, stamp, handles)


def _sweep_figure(table: pd.DataFrame, setting: str, default: float, axis_label: str,
                  left_value: str, left_label: str, left_title: str, right_title: str,
                  stamp: str | None, log: bool, logged: pd.DataFrame | None = None) -> Figure:
    with style.paper_style():
        fig, (a, b) = _new_figure(2)
        settings = sorted(float(s) for s in table[setting].unique())
        tasks = _per_task_lines(a, table, setting, left_value)
        if left_value == "recovery_rate":
            optima = stats.per_task_optimum(table, setting)
            for _, row in optima.iterrows():
                a.plot(row[setting], row["recovery_rate"], marker="*", markersize=9,
                       color=style.task_color(row["task"]), markeredgecolor="0.15",
                       markeredgewidth=0.4, linestyle="none", zorder=4)
        a.axvline(default, **style.DEFAULT_LINE)
        _setting_axis(a, settings, axis_label, log)
        a.set_ylabel(left_label)
        a.set_title(left_title)

        recovery = stats.summarise(table, setting, "recovery_rate")
        _mean_band(b, recovery, setting, "Mean over tasks")
        best = stats.argmax_setting(recovery, setting)
        best_mean = float(recovery.loc[recovery[setting] == best, "mean"].iloc[0])
        b.plot(best, best_mean, marker="*", markersize=11, color=_GOLD, markeredgecolor="0.15",
               markeredgewidth=0.5, linestyle="none", zorder=5)
        b.axvline(default, **style.DEFAULT_LINE)
        _setting_axis(b, settings, axis_label, log)
        b.set_ylabel("Mean recovery rate")
        b.set_title(right_title)
        handles = _task_handles(tasks)
        if left_value == "recovery_rate":
            handles.append(Line2D([], [], color="0.5", marker="*", markersize=8, linestyle="none",
                                  markeredgecolor="0.15", label="Task's best (a)"))
        handles += [
            Line2D([], [], color=style.MEAN_COLOR, marker="s", label="Mean over tasks (b)"),
            _band_handle(_n_text(recovery)),
            Line2D([], [], color=_GOLD, marker="*", markersize=9, linestyle="none",
                   markeredgecolor="0.15", label=f"Best mean ({best:g})"),
            Line2D([], [], **style.DEFAULT_LINE, label=f"Default ({default:g})"),
        ]
        if logged is not None and not logged.empty:  # measured runs that also ran stage 2
            runs = stats.summarise(logged, setting, "recovery_rate")
            marker = {"marker": "D", "markersize": 5, "linestyle": "none", "markerfacecolor": "white",
                      "markeredgecolor": style.MEAN_COLOR}
            b.plot(runs[setting], runs["mean"], zorder=6, **marker)
            handles.append(Line2D([], [], **marker,
                                  label=f"Logged runs, stages 1+2 (b; {_range(runs['runs'])} runs)"))
        return _finish(fig, stamp, handles)


_GOLD = "#E6A800"


def keyword_weight_figure(table: pd.DataFrame, *, stamp: str | None = None) -> Figure:
    """(a) recovery per task vs keyword weight, each task's best marked; (b) mean recovery
    with 95% CI, the best mean and the default.  Measured data: the curve is the stage-1
    re-selection; logged keyword_weight runs (stages 1 and 2) are marked apart in (b)."""
    return _sweep_figure(keyword_weight_curve(table), "keyword_weight", DEFAULT_KEYWORD_WEIGHT,
                         "Keyword weight (α)", "recovery_rate", "Recovery rate", "(a) Recovery per task",
                         "(b) Mean over tasks", stamp, log=False, logged=keyword_weight_logged(table))


def lambda_scale_figure(table: pd.DataFrame, *, stamp: str | None = None) -> Figure:
    """(a) max head effect per task vs lambda; (b) mean recovery with 95% CI vs lambda."""
    return _sweep_figure(table, "lambda_scale", DEFAULT_LAMBDA_SCALE, "Lambda scale (λ, log axis)",
                         "max_head_effect", "Max head effect (KL)", "(a) Head-effect magnitude",
                         "(b) Selection quality", stamp, log=True)


def task_sensitivity_figure(table: pd.DataFrame, *, stamp: str | None = None) -> Figure:
    """(a) sensitivity vs auto-last gap per task, Spearman rho; (b) auto-last and best-last
    gaps per task; (c) recovery per task, sorted, by task type."""
    with style.paper_style():
        fig, (a, b, c) = _new_figure(3)
        tasks = stats.per_task(table, ["task_type"], "sensitivity")
        for col in ("auto_last_gap", "best_last_gap", "recovery_rate"):
            tasks = tasks.merge(stats.per_task(table, ["task_type"], col), on=["task_type", "task"])
        order = list(dict.fromkeys(table["task"]))
        tasks = tasks.set_index("task").loc[order].reset_index()
        type_of = dict(zip(tasks["task"], tasks["task_type"], strict=True))

        for _, row in tasks.iterrows():
            a.plot(row["sensitivity"], 100 * row["auto_last_gap"],
                   marker=style.TYPE_MARKERS[row["task_type"]], markersize=6, linestyle="none",
                   color=style.task_color(row["task"]), markeredgecolor="0.2", markeredgewidth=0.4)
        # Room around the points, so a marker at the extremes (MNLI) is drawn whole.
        a.margins(0.12)
        corr = stats.spearman(tasks["sensitivity"], tasks["auto_last_gap"])
        rho = f"{corr.rho:.2f}" if np.isfinite(corr.rho) else "undefined"  # fewer than 3 tasks, or ties
        a.set_title(f"(a) Sensitivity vs gain\nSpearman ρ = {rho}, n = {corr.n} tasks")
        a.set_xlabel("Layer sensitivity")
        a.set_ylabel("Auto − last gap (pp)")

        pos = np.arange(len(tasks))
        width = 0.4
        b.bar(pos - width / 2, 100 * tasks["auto_last_gap"], width, color=_AUTO_GREY)
        b.bar(pos + width / 2, 100 * tasks["best_last_gap"], width, color=_BEST_GREY)
        b.set_xticks(pos, [style.task_label(t) for t in tasks["task"]], rotation=45, ha="right",
                     rotation_mode="anchor")
        b.set_ylabel("Gap (pp)")
        b.set_title("(b) Gaps by task")
        b.grid(axis="x", visible=False)

        ranked = tasks.sort_values("recovery_rate", ascending=True)
        for i, (_, row) in enumerate(ranked.iterrows()):
            c.barh(i, 100 * row["recovery_rate"], edgecolor="0.2", linewidth=0.5,
                   **_TYPE_BAR[row["task_type"]])
        c.set_yticks(np.arange(len(ranked)), [style.task_label(t) for t in ranked["task"]])
        c.axvline(100, color="0.35", linestyle=":", linewidth=1.0)
        c.set_xlim(0, 110)
        c.set_xlabel("Recovery rate (%)")
        c.set_title("(c) Recovery by task")
        c.grid(axis="y", visible=False)

        handles = []
        for t in order:
            h = _task_handles([t], marker=style.TYPE_MARKERS[type_of[t]])[0]
            h.set_linestyle("none")
            handles.append(h)
        handles += [Patch(facecolor=_AUTO_GREY, label="Auto − last (b)"),
                    Patch(facecolor=_BEST_GREY, label="Best − last (b)")]
        handles += [Patch(edgecolor="0.2", label=f"{t.capitalize()} (c)", **_TYPE_BAR[t])
                    for t in TASK_TYPES if t in set(tasks["task_type"])]
        return _finish(fig, stamp, handles)


_AUTO_GREY = "0.3"
_BEST_GREY = "0.72"
_TYPE_BAR: dict[str, dict[str, object]] = {
    "classification": {"facecolor": "#7FA7C9"},
    "entailment": {"facecolor": "white", "hatch": "////"},
}


def _model_tick(model: str) -> str:
    """'Qwen2-0.5B' -> '0.5B' (the axis label names the family)."""
    return model.split("-", 1)[1] if model.startswith("Qwen2-") else model


def model_size_figure(table: pd.DataFrame, *, stamp: str | None = None) -> Figure:
    """(a) best-last gap per model (tasks as points, mean and 95% CI); (b) recovery per model;
    (c) normalised best-layer position per model (0 = first layer, 1 = last)."""
    with style.paper_style():
        fig, (a, b, c) = _new_figure(3)
        models = [m for m in MODEL_ORDER if m in set(table["model"])]
        models += sorted(set(table["model"]) - set(models))
        ticks = [_model_tick(m) for m in models]
        family = "Qwen2 model" if all(m.startswith("Qwen2-") for m in models) else "Model"
        tasks = list(dict.fromkeys(table["task"]))
        pos = {m: i for i, m in enumerate(models)}
        offsets = dict(zip(tasks, np.linspace(-0.2, 0.1, len(tasks)), strict=True))

        def points(ax: Axes, value: str, scale: float, horizontal: bool = False) -> None:
            per = stats.per_task(table, ["model"], value)
            for _, row in per.iterrows():
                at = pos[row["model"]] + offsets[row["task"]]
                v = scale * row[value]
                ax.plot(*((v, at) if horizontal else (at, v)), marker="o", linestyle="none",
                        color=style.task_color(row["task"]), markeredgecolor="0.2",
                        markeredgewidth=0.3, alpha=0.9, zorder=3)

        def means(ax: Axes, value: str, scale: float, horizontal: bool = False) -> None:
            summary = stats.summarise(table, "model", value).set_index("model").loc[models]
            at = np.arange(len(models), dtype=float) + 0.28
            mean = scale * summary["mean"].to_numpy()
            err = np.nan_to_num(scale * np.vstack([summary["mean"] - summary["ci_low"],
                                                   summary["ci_high"] - summary["mean"]]))
            kw = {"fmt": "D", "color": style.MEAN_COLOR, "markersize": 4, "capsize": 3,
                  "elinewidth": 1.0, "zorder": 4}
            if horizontal:
                ax.errorbar(mean, at, xerr=err, **kw)
            else:
                ax.errorbar(at, mean, yerr=err, **kw)

        points(a, "best_last_gap", 100)
        means(a, "best_last_gap", 100)
        a.set_ylabel("Best − last gap (pp)")
        a.set_title("(a) Selection potential")

        recovery = stats.summarise(table, "model", "recovery_rate").set_index("model").loc[models]
        b.bar(np.arange(len(models)), recovery["mean"], width=0.7,
              color=[style.MODEL_COLORS.get(m, "0.6") for m in models], alpha=0.45,
              edgecolor="0.2", linewidth=0.5)
        points(b, "recovery_rate", 1)
        means(b, "recovery_rate", 1)
        b.axhline(1.0, color="0.35", linestyle=":", linewidth=1.0)
        b.set_ylim(0, 1.1)
        b.set_ylabel("Recovery rate")
        b.set_title("(b) Selection effectiveness")
        for ax in (a, b):
            ax.set_xticks(range(len(models)), ticks)
            ax.set_xlim(-0.55, len(models) - 0.45)
            ax.set_xlabel(family)
            ax.grid(axis="x", visible=False)

        points(c, "best_layer_norm", 1, horizontal=True)
        means(c, "best_layer_norm", 1, horizontal=True)
        c.axvline(1.0, color=_LAST_RED, linestyle="--", linewidth=1.0)
        c.set_yticks(range(len(models)), ticks)
        c.set_ylim(len(models) - 0.45, -0.55)
        c.set_xlim(0, 1.03)
        c.xaxis.set_major_locator(FixedLocator([0.0, 0.25, 0.5, 0.75, 1.0]))
        c.set_ylabel(family)
        c.set_xlabel("Best layer (0 = first, 1 = last)")
        c.set_title("(c) Best-layer position")
        c.grid(axis="y", visible=False)

        handles = _task_handles(tasks)
        for h in handles:
            h.set_linestyle("none")
        handles += [Line2D([], [], color=style.MEAN_COLOR, marker="D", markersize=4,
                           label="Mean, 95% CI over tasks"),
                    Line2D([], [], color=_LAST_RED, linestyle="--", label="Last layer (c)")]
        return _finish(fig, stamp, handles)


_LAST_RED = "#C0392B"


def paired_figure(ablations: Ablations, *, stamp: str | None = None) -> Figure:
    """Per-task differences from the default for every setting of the three sweeps: (a) sample
    size, (b) keyword weight (stage-1 re-selection), (c) lambda scale.  A dot per task, the mean
    difference with its 95% t-interval over tasks, zero (the default) dashed, the best mean starred."""
    from pifi_ablation import verdicts

    with style.paper_style():
        fig, axes = _new_figure(3)
        tasks: list[str] = []
        letters = ("(a)", "(b)", "(c)")
        for ax, sweep, letter in zip(axes, verdicts.SWEEPS, letters, strict=True):
            found = verdicts.comparisons(ablations, sweep)
            curve = verdicts.sweep_table(ablations, sweep)
            summary = (stats.summarise(curve, sweep.setting, "recovery_rate") if not curve.empty
                       else pd.DataFrame(columns=[sweep.setting, "mean"]))
            ties = set(verdicts.best_ties(summary, sweep.setting))
            ax.set_title(f"{letter} {sweep.label.capitalize()} vs {sweep.default:g}")
            if not found:
                _not_recorded(ax, sweep.label.capitalize(), "no runs away from\nthe default")
                continue
            order = list(dict.fromkeys(curve["task"]))
            tasks += [t for t in order if t not in tasks]
            offsets = dict(zip(order, np.linspace(-0.22, 0.22, len(order)), strict=True))
            # One artist per task and one for the means: every artist costs time to save.
            dots = pd.concat([c.differences.assign(at=i) for i, c in enumerate(found)])
            for task, part in dots.groupby("task", sort=False):
                ax.plot(part["at"] + offsets.get(task, 0.0), 100 * part["difference"], marker="o",
                        markersize=3.2, linestyle="none", color=style.task_color(task),
                        markeredgecolor="0.2", markeredgewidth=0.3, alpha=0.9, zorder=3)
            tested = [(i, c) for i, c in enumerate(found) if c.n > 0]
            at = np.array([i + 0.34 for i, _ in tested])
            mean = np.array([100 * c.t.mean for _, c in tested])
            err = np.nan_to_num(np.array([[100 * (c.t.mean - c.t.low) for _, c in tested],
                                          [100 * (c.t.high - c.t.mean) for _, c in tested]]))
            if tested:
                ax.errorbar(at, mean, yerr=err, fmt="D", color=style.MEAN_COLOR, markersize=3.5,
                            capsize=2.5, elinewidth=1.0, zorder=4)
            best = [k for k, (_, c) in enumerate(tested) if c.value in ties]
            if best:
                ax.plot(at[best], mean[best], marker="*", markersize=10, color=_GOLD,
                        markeredgecolor="0.15", markeredgewidth=0.5, linestyle="none", zorder=5)
            ax.axhline(0.0, **style.DEFAULT_LINE)
            ax.set_xticks(range(len(found)), [f"{c.value:g}" for c in found])
            ax.set_xlim(-0.55, len(found) - 0.4)
            ax.set_xlabel({"n": "Selection samples (n)", "α": "Keyword weight (α)",
                           "λ": "Lambda scale (λ)"}[sweep.symbol])
            ax.grid(axis="x", visible=False)
        # Side by side the panels share the first one's label; stacked (phone), each has it.
        for ax in axes if _PHONE.get() else axes[:1]:
            ax.set_ylabel("Difference from default\n(pp of recovery)")
        handles = _task_handles(tasks)
        for h in handles:
            h.set_linestyle("none")
        handles += [Line2D([], [], color=style.MEAN_COLOR, marker="D", markersize=3.5,
                           label="Mean, 95% CI over tasks"),
                    Line2D([], [], color=_GOLD, marker="*", markersize=9, linestyle="none",
                           markeredgecolor="0.15", label="Best mean"),
                    Line2D([], [], **style.DEFAULT_LINE, label="Default (no difference)")]
        return _finish(fig, stamp, handles)


# Figures drawn from all the ablations at once, not from one table.
WHOLE_FIGURES: dict[str, Callable[..., Figure]] = {"paired": paired_figure}
EXPORTED_FIGURES: tuple[str, ...] = (*FIGURE_NAMES, *WHOLE_FIGURES)


FIGURES: dict[str, Callable[..., Figure]] = {
    "sample_size": sample_size_figure,
    "keyword_weight": keyword_weight_figure,
    "lambda_scale": lambda_scale_figure,
    "task_sensitivity": task_sensitivity_figure,
    "model_size": model_size_figure,
}


# Each figure's panel titles, for the figure of an ablation without data: the same panels, each
# saying that there is no data yet (the chapter says what would produce it).
_PANELS: dict[str, tuple[str, ...]] = {
    "sample_size": ("(a) Recovery", "(b) Signal quality", "(c) Selection overhead"),
    "keyword_weight": ("(a) Recovery per task", "(b) Mean over tasks"),
    "lambda_scale": ("(a) Head-effect magnitude", "(b) Selection quality"),
    "task_sensitivity": ("(a) Sensitivity vs gain", "(b) Gaps by task", "(c) Recovery by task"),
    "model_size": ("(a) Selection potential", "(b) Selection effectiveness", "(c) Best-layer position"),
}


def no_data_figure(name: str, *, stamp: str | None = None) -> Figure:
    """Figure ``name``'s panels, each saying that the data loaded holds no run for it."""
    with style.paper_style():
        fig, axes = _new_figure(len(_PANELS[name]))
        for ax, title in zip(axes, _PANELS[name], strict=True):
            _not_recorded(ax, "No data yet", "(no usable run\nfor this ablation)")
            ax.set_title(title)
        return _finish(fig, stamp)


def make_figure(ablations: Ablations, name: str, *, phone: bool = False) -> Figure:
    """The figure ``name`` of ``ablations``, stamped with where its data came from.

    ``phone=True`` draws the phone layout: the panels stacked, at ``style.PHONE_WIDTH_IN``.
    """
    # The main-results and selection-signals chapters' figures draw the per-layer data.
    from pifi_ablation.figures_main import LAYER_FIGURES
    from pifi_ablation.nodata import has_data

    if name not in FIGURES and name not in WHOLE_FIGURES and name not in LAYER_FIGURES:
        raise KeyError(f"unknown figure {name!r}; known: "
                       f"{', '.join([*EXPORTED_FIGURES, *LAYER_FIGURES])}")
    token = _PHONE.set(phone)
    try:
        if name in LAYER_FIGURES:
            return LAYER_FIGURES[name](ablations.layers, stamp=ablations.provenance.label(name))
        if name in WHOLE_FIGURES:
            return WHOLE_FIGURES[name](ablations, stamp=ablations.provenance.label())
        if not has_data(ablations, name):
            return no_data_figure(name, stamp=ablations.provenance.label(name))
        return FIGURES[name](getattr(ablations, name), stamp=ablations.provenance.label(name))
    finally:
        _PHONE.reset(token)
