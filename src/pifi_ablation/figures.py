"""The ablations' figures: one function per kind of ablation (``FIGURE_OF_KIND``), which draws
an ablation's table as its declaration (:mod:`pifi_ablation.study`) says, and the figure drawn
from all the sweeps at once (the paired comparisons).  Tables in, a matplotlib Figure out.

Functions neither read files nor save; ``export.py`` saves.  Every figure keeps
the seed notebook's panels, letters and meanings, and improves on them where
the seed misled: sample-size axes are ticked at the sizes actually run, bands
are labelled as 95% intervals over tasks with their n, and per-task optima are
read off the data rather than off the simulation's hidden truth.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, NullLocator

from pifi_ablation import stats, study, style
from pifi_ablation.ablations import Ablations, sweep_curve, sweep_logged
from pifi_ablation.figure_layout import (
    finish,
    new_figure,
    not_recorded,
)
from pifi_ablation.figures_main import LAYER_FIGURES
from pifi_ablation.nodata import has_data, shown_rows
from pifi_ablation.registry import (
    MODEL_ORDER,
    TASK_TYPES,
    task_label,
)

FIGURE_NAMES: tuple[str, ...] = study.NAMES


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
    return [Line2D([], [], color=style.task_color(t), marker=marker, label=task_label(t))
            for t in tasks]


def _setting_axis(ax: Axes, settings: Sequence[float], label: str, log: bool = False,
                  whole: bool = False) -> None:
    """An axis ticked at exactly the settings run (``whole``: written as whole numbers)."""
    if log:
        ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator(sorted(settings)))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([str(s) if whole else f"{s:g}" for s in sorted(settings)])
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
                label=task_label(task), linewidth=1.0, alpha=0.9)
    return tasks


def sample_sweep_figure(table: pd.DataFrame, sweep: study.Ablation, *, stamp: str | None = None,
                        phone: bool = False) -> Figure:
    """(a) recovery per task vs the sample count, with the mean and the recommended count;
    (b) signal quality, mean and 95% CI vs the count; (c) selection time per count (mean, 95% CI).
    The count's axis is ticked at the counts run, in plain numbers."""
    n = sweep.setting
    with style.paper_style():
        fig, (a, b, c) = new_figure(3, phone)
        sizes = sorted(int(s) for s in table[n].unique())
        recovery = stats.summarise(table, n, "recovery_rate")
        tasks = _per_task_lines(a, table, n, "recovery_rate")
        a.plot(recovery[n], recovery["mean"], color=style.MEAN_COLOR, marker="s",
               linewidth=1.8)
        recommended = stats.recommended_setting(recovery, n)
        # What the dashed line means is said in the legend, not beside the line, where a
        # task's line would run under the words (or behind a box that dims it).
        a.axvline(recommended, **style.DEFAULT_LINE)
        _setting_axis(a, sizes, sweep.axis, sweep.log, whole=True)
        a.set_ylabel("Recovery rate")
        a.set_title(sweep.panels[0])

        quality = stats.summarise(table, n, "signal_quality")
        _mean_band(b, quality, n, "Mean over tasks")
        _setting_axis(b, sizes, sweep.axis, sweep.log, whole=True)
        b.set_ylabel("Signal quality (ρ)")
        b.set_title(sweep.panels[1])

        time = stats.summarise(table, n, "time_sec")
        if time["n"].sum() == 0:
            not_recorded(c, "Selection time", "not logged\n(no elapsed_sec\nin the logs)")
        else:
            pos = np.arange(len(time))
            err = np.vstack([time["mean"] - time["ci_low"], time["ci_high"] - time["mean"]])
            c.bar(pos, time["mean"], yerr=np.nan_to_num(err), capsize=2.5, color="0.6",
                  edgecolor="0.2", linewidth=0.5, error_kw={"elinewidth": 0.8})
            c.set_xticks(pos, [str(int(s)) for s in time[n]])
            c.set_xlabel(sweep.axis)
            c.set_ylabel("Selection time (s)")
            c.grid(axis="x", visible=False)
        c.set_title(sweep.panels[2])
        meaning = f"{stats.RECOMMENDED_SHARE:.0%} of best mean"
        handles = [*_task_handles(tasks),
                   Line2D([], [], color=style.MEAN_COLOR, marker="s", linewidth=1.8,
                          label="Mean over tasks"),
                   _band_handle(_n_text(quality)),
                   Line2D([], [], **style.DEFAULT_LINE,
                          label=f"Recommended {sweep.symbol} (a): {meaning}")]
        return finish(fig, stamp, handles, phone=phone)


def sweep_figure(table: pd.DataFrame, sweep: study.Ablation, *, stamp: str | None = None,
                 phone: bool = False) -> Figure:
    """(a) per task vs the setting: recovery, each task's best marked, or the sweep's declared
    ``metric``; (b) mean recovery with its 95% CI, the best mean and the default.  Where the
    table marks its rows' basis (measured keyword weight), the curve is the stage-1
    re-selection, and the logged runs (stages 1 and 2) are marked apart in (b)."""
    setting, default = sweep.setting, sweep.default
    logged = sweep_logged(table)
    table = sweep_curve(table)
    axis_label = sweep.axis.removesuffix(")") + ", log axis)" if sweep.log else sweep.axis
    metric = sweep.metric
    left_value = metric.column if metric else "recovery_rate"
    left_label = f"{metric.words.capitalize()} ({metric.unit})" if metric else "Recovery rate"
    left_title, right_title = sweep.panels
    with style.paper_style():
        fig, (a, b) = new_figure(2, phone)
        settings = sorted(float(s) for s in table[setting].unique())
        tasks = _per_task_lines(a, table, setting, left_value)
        if left_value == "recovery_rate":
            optima = stats.per_task_optimum(table, setting)
            for _, row in optima.iterrows():
                a.plot(row[setting], row["recovery_rate"], marker="*", markersize=9,
                       color=style.task_color(row["task"]), markeredgecolor="0.15",
                       markeredgewidth=0.4, linestyle="none", zorder=4)
        a.axvline(default, **style.DEFAULT_LINE)
        _setting_axis(a, settings, axis_label, sweep.log)
        a.set_ylabel(left_label)
        a.set_title(left_title)

        recovery = stats.summarise(table, setting, "recovery_rate")
        _mean_band(b, recovery, setting, "Mean over tasks")
        best = stats.argmax_setting(recovery, setting)
        best_mean = float(recovery.loc[recovery[setting] == best, "mean"].iloc[0])
        b.plot(best, best_mean, marker="*", markersize=11, color=_GOLD, markeredgecolor="0.15",
               markeredgewidth=0.5, linestyle="none", zorder=5)
        b.axvline(default, **style.DEFAULT_LINE)
        _setting_axis(b, settings, axis_label, sweep.log)
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
        if not logged.empty:  # measured runs that also ran stage 2
            runs = stats.summarise(logged, setting, "recovery_rate")
            marker = {"marker": "D", "markersize": 5, "linestyle": "none", "markerfacecolor": "white",
                      "markeredgecolor": style.MEAN_COLOR}
            b.plot(runs[setting], runs["mean"], zorder=6, **marker)
            handles.append(Line2D([], [], **marker,
                                  label=f"Logged runs, stages 1+2 (b; {_range(runs['runs'])} runs)"))
        return finish(fig, stamp, handles, phone=phone)


_GOLD = "#E6A800"


def per_task_figure(table: pd.DataFrame, ablation: study.Ablation, *, stamp: str | None = None,
                    phone: bool = False) -> Figure:
    """(a) sensitivity vs auto-last gap per task, Spearman rho; (b) auto-last and best-last
    gaps per task; (c) recovery per task, sorted, by task type."""
    with style.paper_style():
        fig, (a, b, c) = new_figure(3, phone)
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
        a.set_title(f"{ablation.panels[0]}\nSpearman ρ = {rho}, n = {corr.n} tasks")
        a.set_xlabel("Layer sensitivity")
        a.set_ylabel("Auto − last gap (pp)")

        pos = np.arange(len(tasks))
        width = 0.4
        b.bar(pos - width / 2, 100 * tasks["auto_last_gap"], width, color=_AUTO_GREY)
        b.bar(pos + width / 2, 100 * tasks["best_last_gap"], width, color=_BEST_GREY)
        b.set_xticks(pos, [task_label(t) for t in tasks["task"]], rotation=45, ha="right",
                     rotation_mode="anchor")
        b.set_ylabel("Gap (pp)")
        b.set_title(ablation.panels[1])
        b.grid(axis="x", visible=False)

        ranked = tasks.sort_values("recovery_rate", ascending=True)
        for i, (_, row) in enumerate(ranked.iterrows()):
            c.barh(i, 100 * row["recovery_rate"], edgecolor="0.2", linewidth=0.5,
                   **_TYPE_BAR[row["task_type"]])
        c.set_yticks(np.arange(len(ranked)), [task_label(t) for t in ranked["task"]])
        c.axvline(100, color="0.35", linestyle=":", linewidth=1.0)
        c.set_xlim(0, 110)
        c.set_xlabel("Recovery rate (%)")
        c.set_title(ablation.panels[2])
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
        return finish(fig, stamp, handles, phone=phone)


_AUTO_GREY = "0.3"
_BEST_GREY = "0.72"
_TYPE_BAR: dict[str, dict[str, object]] = {
    "classification": {"facecolor": "#7FA7C9"},
    "entailment": {"facecolor": "white", "hatch": "////"},
}


def _model_tick(model: str) -> str:
    """'Qwen2-0.5B' -> '0.5B' (the axis label names the family)."""
    return model.split("-", 1)[1] if model.startswith("Qwen2-") else model


def per_model_figure(table: pd.DataFrame, ablation: study.Ablation, *, stamp: str | None = None,
                     phone: bool = False) -> Figure:
    """(a) best-last gap per model (tasks as points, mean and 95% CI); (b) recovery per model;
    (c) normalised best-layer position per model (0 = first layer, 1 = last)."""
    with style.paper_style():
        fig, (a, b, c) = new_figure(3, phone)
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
        a.set_title(ablation.panels[0])

        recovery = stats.summarise(table, "model", "recovery_rate").set_index("model").loc[models]
        b.bar(np.arange(len(models)), recovery["mean"], width=0.7,
              color=[style.MODEL_COLORS.get(m, "0.6") for m in models], alpha=0.45,
              edgecolor="0.2", linewidth=0.5)
        points(b, "recovery_rate", 1)
        means(b, "recovery_rate", 1)
        b.axhline(1.0, color="0.35", linestyle=":", linewidth=1.0)
        b.set_ylim(0, 1.1)
        b.set_ylabel("Recovery rate")
        b.set_title(ablation.panels[1])
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
        c.set_title(ablation.panels[2])
        c.grid(axis="y", visible=False)

        handles = _task_handles(tasks)
        for h in handles:
            h.set_linestyle("none")
        handles += [Line2D([], [], color=style.MEAN_COLOR, marker="D", markersize=4,
                           label="Mean, 95% CI over tasks"),
                    Line2D([], [], color=_LAST_RED, linestyle="--", label="Last layer (c)")]
        return finish(fig, stamp, handles, phone=phone)


_LAST_RED = "#C0392B"


def paired_figure(ablations: Ablations, *, stamp: str | None = None,
                  phone: bool = False) -> Figure:
    """Per-task differences from the default for every setting of each sweep, a panel per sweep
    in the study's order (the keyword weight's: the stage-1 re-selection).  A dot per task, the mean
    difference with its 95% t-interval over tasks, zero (the default) dashed, the best mean starred."""
    from pifi_ablation import verdicts

    with style.paper_style():
        fig, axes = new_figure(len(verdicts.SWEEPS), phone)
        tasks: list[str] = []
        letters = [f"({chr(ord('a') + i)})" for i in range(len(verdicts.SWEEPS))]
        for ax, sweep, letter in zip(axes, verdicts.SWEEPS, letters, strict=True):
            found = verdicts.comparisons(ablations, sweep)
            curve = shown_rows(ablations, sweep.name)
            summary = (stats.summarise(curve, sweep.setting, "recovery_rate") if not curve.empty
                       else pd.DataFrame(columns=[sweep.setting, "mean"]))
            ties = set(verdicts.best_ties(summary, sweep.setting))
            ax.set_title(f"{letter} {sweep.label.capitalize()} vs {sweep.default:g}")
            if not found:
                not_recorded(ax, sweep.label.capitalize(), "no runs away from\nthe default")
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
            ax.set_xlabel(sweep.axis)
            ax.grid(axis="x", visible=False)
        for ax in axes:  # shown by the first panel alone, side by side (finish)
            ax.set_ylabel("Difference from default\n(pp of recovery)")
        handles = _task_handles(tasks)
        for h in handles:
            h.set_linestyle("none")
        handles += [Line2D([], [], color=style.MEAN_COLOR, marker="D", markersize=3.5,
                           label="Mean, 95% CI over tasks"),
                    Line2D([], [], color=_GOLD, marker="*", markersize=9, linestyle="none",
                           markeredgecolor="0.15", label="Best mean"),
                    Line2D([], [], **style.DEFAULT_LINE, label="Default (no difference)")]
        return finish(fig, stamp, handles, phone=phone, shared_ylabel=True)


# Figures drawn from all the ablations at once, not from one table.
WHOLE_FIGURES: dict[str, Callable[..., Figure]] = {"paired": paired_figure}
EXPORTED_FIGURES: tuple[str, ...] = (*FIGURE_NAMES, *WHOLE_FIGURES)


# Each kind of ablation's figure (pifi_ablation.study declares each ablation's kind): the table
# and the declaration in, a Figure out.
FIGURE_OF_KIND: dict[study.Kind, Callable[..., Figure]] = {
    "sample_sweep": sample_sweep_figure,
    "sweep": sweep_figure,
    "per_task": per_task_figure,
    "per_model": per_model_figure,
}


def no_data_figure(name: str, *, stamp: str | None = None,
                   phone: bool = False) -> Figure:
    """Figure ``name``'s panels, each saying that the data loaded holds no run for it."""
    with style.paper_style():
        panels = study.BY_NAME[name].panels
        fig, axes = new_figure(len(panels), phone)
        for ax, title in zip(axes, panels, strict=True):
            not_recorded(ax, "No data yet", "(no usable run\nfor this ablation)")
            ax.set_title(title)
        return finish(fig, stamp, phone=phone)


def make_figure(ablations: Ablations, name: str, *, phone: bool = False) -> Figure:
    """The figure ``name`` of ``ablations``, stamped with where its data came from.

    ``phone=True`` draws the phone layout: the panels stacked, at ``style.PHONE_WIDTH_IN``.
    """
    if name not in study.BY_NAME and name not in WHOLE_FIGURES and name not in LAYER_FIGURES:
        raise KeyError(f"unknown figure {name!r}; known: "
                       f"{', '.join([*EXPORTED_FIGURES, *LAYER_FIGURES])}")
    if name in LAYER_FIGURES:
        return LAYER_FIGURES[name](ablations.layers, stamp=ablations.provenance.label(name), phone=phone)
    if name in WHOLE_FIGURES:
        return WHOLE_FIGURES[name](ablations, stamp=ablations.provenance.label(), phone=phone)
    if not has_data(ablations, name):
        return no_data_figure(name, stamp=ablations.provenance.label(name), phone=phone)
    ablation = study.BY_NAME[name]
    draw = FIGURE_OF_KIND[ablation.kind]
    return draw(ablations.table(name), ablation, stamp=ablations.provenance.label(name), phone=phone)
