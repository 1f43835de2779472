"""Main results: is the last layer optimal, the selected layer against the last and the best,
and how often each selection signal finds a best layer.

Definitions (the population is :mod:`pifi_ablation.layers`': default runs with a complete
grid, all seeds):

* a grid's *best layers* are every layer at its maximum accuracy (repeated lines averaged);
  its last layer is *optimal* when ``best_last_gap`` = 0;
* a selected layer *hits* when it is a best layer; its *distance* is to the nearest best
  layer; it is *within ±2* when that distance is at most 2;
* ``L_Apply`` is left out where stage 2 found nothing (no head had an effect), with that
  reason; ``L_Abstract`` and the final layer are defined for every run;
* every share and mean is computed per task first (over that task's grids, or runs: models
  and seeds), then averaged over tasks with the 95% Student-t interval and n (tasks); the
  pooled count k/N (grids or runs) is given beside each share;
* a paired comparison (auto − last, best − auto) is the mean over tasks of the per-task mean
  difference over the same runs, with its 95% t-interval and the two-sided one-sample t
  p-value of the per-task differences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pifi_ablation import stats, student_t
from pifi_ablation.layers import TIE_TOLERANCE, LayerRun, Layers

WITHIN = 2  # layers: "within ±2" of a best layer
# The selection signals whose layer is compared with the best layers: key -> the log's field.
SIGNALS: dict[str, str] = {"abstract": "L_Abstract", "apply": "L_Apply", "final": "final_layer"}
STAGE2_NOTHING = "stage 2 found nothing (no head had an effect): L_Apply is no selection"


def best_layers(acc: np.ndarray) -> np.ndarray:
    """Every layer at the grid's maximum accuracy.

    >>> best_layers(np.array([0.80, 0.91, 0.85, 0.91])).tolist()
    [1, 3]
    """
    return np.flatnonzero(acc >= acc.max() - TIE_TOLERANCE)


def distance(layer: int, best: np.ndarray) -> int:
    """Layers from ``layer`` to the nearest best layer.

    >>> distance(5, np.array([1, 3]))
    2
    """
    return int(np.abs(best - layer).min())


def grid_table(layers: Layers) -> pd.DataFrame:
    """One row per (task, model) grid: its best layers, gap and whether the last is optimal.

    ``best_position`` is the mean normalised position of its best layers (0 = first, 1 = last).
    """
    rows = []
    for (task, model), acc in layers.grids().items():
        best = best_layers(acc)
        n = acc.size
        rows.append({"task": task, "model": model, "n_layers": n,
                     "best_layers": ", ".join(map(str, best)), "n_best": int(best.size),
                     "best_acc": float(acc.max()), "last_acc": float(acc[-1]),
                     "best_last_gap": float(acc.max() - acc[-1]),
                     "last_optimal": float(n - 1 in best),
                     "best_position": float(np.mean(best / (n - 1)))})
    return pd.DataFrame(rows, columns=["task", "model", "n_layers", "best_layers", "n_best", "best_acc",
                                       "last_acc", "best_last_gap", "last_optimal", "best_position"])


def _signal_layer(run: LayerRun, signal: str) -> int | None:
    if signal == "apply" and run.stage2_missing:
        return None
    return {"abstract": run.l_abstract, "apply": run.l_apply, "final": run.final_layer}[signal]


def run_table(layers: Layers) -> pd.DataFrame:
    """One row per run: accuracies of the last, auto (final) and best layers, recovery, and for
    each signal its layer, hit, distance and within-±2 (NaN where left out, with the reason)."""
    rows = []
    for run in layers.runs:
        acc = run.acc
        best = best_layers(acc)
        gap = float(acc.max() - acc[-1])
        auto_gap = float(acc[run.final_layer] - acc[-1])
        row = {"task": run.task, "model": run.model, "seed": run.seed,
               "last_acc": float(acc[-1]), "auto_acc": float(acc[run.final_layer]),
               "best_acc": float(acc.max()), "auto_last_gap": auto_gap,
               "best_auto_gap": float(acc.max() - acc[run.final_layer]),
               "recovery_rate": 1.0 if gap == 0 else auto_gap / gap,
               "excluded_apply": STAGE2_NOTHING if run.stage2_missing else ""}
        for signal in SIGNALS:
            layer = _signal_layer(run, signal)
            if layer is None:
                row |= {f"{signal}_layer": np.nan, f"{signal}_hit": np.nan,
                        f"{signal}_distance": np.nan, f"{signal}_within2": np.nan}
                continue
            d = distance(layer, best)
            row |= {f"{signal}_layer": float(layer), f"{signal}_hit": float(d == 0),
                    f"{signal}_distance": float(d), f"{signal}_within2": float(d <= WITHIN)}
        rows.append(row)
    columns = ["task", "model", "seed", "last_acc", "auto_acc", "best_acc", "auto_last_gap", "best_auto_gap",
               "recovery_rate", "excluded_apply"]
    columns += [f"{s}_{what}" for s in SIGNALS for what in ("layer", "hit", "distance", "within2")]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class Share:
    """A mean over tasks of per-task values (95% t-interval, n tasks) and the pooled k/N."""

    mean: float
    low: float
    high: float
    n: int
    k: float
    total: int

    @property
    def estimate(self) -> stats.Estimate:
        return stats.Estimate(self.mean, self.low, self.high, self.n)

    @property
    def pooled(self) -> str:
        return f"{self.k:g}/{self.total}"


def per_task(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per task (in the table's order): the mean of ``column`` over its rows (NaN left out),
    the sum k and the count N of rows with a value."""
    order = list(dict.fromkeys(table["task"]))
    grouped = table.groupby("task", sort=False)[column]
    out = pd.DataFrame({"mean": grouped.mean(), "k": grouped.sum(min_count=1), "N": grouped.count()})
    return out.reindex(order).rename_axis("task").reset_index()


def share(table: pd.DataFrame, column: str) -> Share:
    """Mean over tasks of the per-task mean of ``column``, with k/N pooled over rows."""
    if table.empty:
        return Share(float("nan"), float("nan"), float("nan"), 0, 0.0, 0)
    tasks = per_task(table, column)
    e = stats.mean_ci(tasks["mean"])
    return Share(e.mean, e.low, e.high, e.n, float(np.nansum(table[column])), int(table[column].count()))


@dataclass(frozen=True)
class Paired:
    """A paired difference: mean over tasks of per-task mean differences, 95% t-interval, n
    tasks, the two-sided one-sample t p-value, and the tasks whose difference is > 0."""

    mean: float
    low: float
    high: float
    n: int
    p_value: float
    positive: int

    @property
    def estimate(self) -> stats.Estimate:
        return stats.Estimate(self.mean, self.low, self.high, self.n)


def paired(table: pd.DataFrame, a: str, b: str) -> Paired:
    """``a`` − ``b`` over the same runs, per task, then over tasks (see the module)."""
    if table.empty:
        return Paired(float("nan"), float("nan"), float("nan"), 0, float("nan"), 0)
    diff = table.assign(_d=table[a] - table[b])
    tasks = per_task(diff, "_d")["mean"].dropna().to_numpy()
    e = stats.mean_ci(tasks)
    p = float("nan")
    if tasks.size >= 2:
        sd = float(tasks.std(ddof=1))
        if sd == 0:
            p = 1.0 if e.mean == 0 else 0.0
        else:
            p = student_t.two_sided_p(e.mean / (sd / np.sqrt(tasks.size)), tasks.size - 1)
    return Paired(e.mean, e.low, e.high, e.n, p, int((tasks > 0).sum()))


def table_one(layers: Layers) -> pd.DataFrame:
    """The paper's Table 1: per task and model the best layer(s), the last, auto and best layers'
    accuracy (auto and recovery averaged over seeds) and the runs behind; then a mean row, each
    column averaged per task first and then over tasks."""
    grids = grid_table(layers)
    runs = run_table(layers)
    if grids.empty:
        return pd.DataFrame(columns=["task", "model", "best_layers", "last_acc", "auto_acc", "best_acc",
                                     "recovery_rate", "runs"])
    per_cell = runs.groupby(["task", "model"], sort=False).agg(
        auto_acc=("auto_acc", "mean"), recovery_rate=("recovery_rate", "mean"), runs=("seed", "count"))
    body = grids.merge(per_cell.reset_index(), on=["task", "model"])
    body = body[["task", "model", "best_layers", "last_acc", "auto_acc", "best_acc", "recovery_rate", "runs"]]
    means = {c: float(per_task(body, c)["mean"].mean())
             for c in ("last_acc", "auto_acc", "best_acc", "recovery_rate")}
    mean_row = {"task": "mean", "model": "", "best_layers": "", **means, "runs": int(body["runs"].sum())}
    return pd.concat([body, pd.DataFrame([mean_row])], ignore_index=True)
