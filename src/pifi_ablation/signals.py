"""Selection signals: how well each per-layer signal ranks the layers by accuracy.

For every run of the per-layer population (:mod:`pifi_ablation.layers`) and every signal, the
Spearman ρ over layers between the grid's accuracy and the signal (average ranks for ties;
undefined, and left out, where either is constant or the signal was not logged); then per
task the mean over its runs, then over tasks the mean with its 95% t-interval and n (tasks).
The signals: ``keyword_signal``, ``corr_signal``, the probe accuracy, the summed head effect
per layer (where stage 2 searched every layer and found something) and stage 1's combined PCL
score, whose ρ is SPEC's ``signal_quality``.

The signals' correlation matrix is computed the same way: per run over layers, averaged per
task, then over tasks.  The *representative run* is the one whose recovery is closest to the
median recovery over runs; ties go to the first in (task, model, seed) order.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from pifi_ablation import stats
from pifi_ablation.layers import LayerRun, Layers
from pifi_ablation.main_results import per_task, run_table

# Signal key -> what it is.  "pcl" is stage 1's score (signal_quality when set against accuracy).
SIGNALS: dict[str, str] = {
    "keyword": "keyword signal",
    "correlation": "correlation signal",
    "pcl": "PCL score (stage 1)",
    "probe": "probe accuracy",
    "head_effect": "summed head effect",
}
MATRIX: tuple[str, ...] = ("accuracy", *SIGNALS)


def values(run: LayerRun, name: str) -> np.ndarray | None:
    """Per-layer values of ``name`` for ``run`` (None where not logged)."""
    if name == "accuracy":
        return run.acc
    if name == "keyword":
        return run.keyword_signal
    if name == "correlation":
        return run.corr_signal
    if name == "pcl":
        return run.pcl_score
    if name == "probe":
        return run.probe_acc
    if name == "head_effect":
        return run.head_effect_sums
    raise KeyError(name)


def spearman(x: np.ndarray | None, y: np.ndarray | None) -> float:
    """Spearman ρ over layers (NaN entries left out); NaN when undefined.

    >>> spearman(np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.7, 0.6]))
    0.5
    """
    if x is None or y is None:
        return float("nan")
    keep = ~(np.isnan(x) | np.isnan(y))
    a, b = x[keep], y[keep]
    if a.size < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(np.corrcoef(stats.average_ranks(a), stats.average_ranks(b))[0, 1])


def run_matrix(run: LayerRun) -> np.ndarray:
    """Spearman ρ between every two of :data:`MATRIX` over ``run``'s layers, each entry as
    :func:`spearman` gives it.

    The series logged at every layer and not constant are ranked once and correlated in one
    call (the same arithmetic as :func:`spearman`, pair by pair); a pair with a series that
    has unlogged layers or is constant or missing goes through :func:`spearman`.  This is what
    keeps the signals' tables linear and fast at tens of thousands of runs.
    """
    vals = [values(run, name) for name in MATRIX]
    k = len(vals)
    size = run.acc.size
    clean = [i for i, v in enumerate(vals)
             if v is not None and v.size == size >= 3 and not np.isnan(v).any() and np.ptp(v) > 0]
    m = np.full((k, k), np.nan)
    if clean:
        ranks = np.stack([stats.average_ranks(vals[i]) for i in clean])
        m[np.ix_(clean, clean)] = np.atleast_2d(np.corrcoef(ranks))
    done = set(clean)
    for i in range(k):
        for j in range(i, k):
            if i not in done or j not in done:
                m[i, j] = m[j, i] = spearman(vals[i], vals[j])
    return m


def rho_table(layers: Layers) -> pd.DataFrame:
    """One row per run: Spearman ρ of accuracy with each signal (NaN where undefined), each as
    :func:`spearman` gives it.

    Runs with the same number of layers are ranked and correlated together, a signal at a time
    (:func:`_ranks_by_row`, :func:`_correlation_by_row`); a run whose accuracy or signal has an
    unlogged layer, is constant or is missing goes through :func:`spearman`.  A folder of
    thousands of runs takes a few array operations per signal instead of a loop over its runs."""
    runs = layers.runs
    rho = {s: np.full(len(runs), np.nan) for s in SIGNALS}
    by_size: dict[int, list[int]] = {}
    for i, run in enumerate(runs):
        by_size.setdefault(run.acc.size, []).append(i)
    for size, idx in by_size.items():
        acc = np.stack([runs[i].acc for i in idx])
        acc_clean = _clean_rows(acc) & (size >= 3)
        acc_ranks = _ranks_by_row(acc[acc_clean])
        for s in SIGNALS:
            series = [values(runs[i], s) for i in idx]
            logged = np.array([v is not None and v.size == size for v in series])
            table = np.stack([v if ok else np.zeros(size) for v, ok in zip(series, logged, strict=True)])
            clean = acc_clean & logged & _clean_rows(table)
            out = np.full(len(idx), np.nan)
            out[clean] = _correlation_by_row(acc_ranks[clean[acc_clean]], _ranks_by_row(table[clean]))
            for j in np.flatnonzero(~clean):
                out[j] = spearman(runs[idx[j]].acc, series[j])
            rho[s][idx] = out
    frame = pd.DataFrame({"task": [r.task for r in runs], "model": [r.model for r in runs],
                          "seed": [r.seed for r in runs]}, columns=["task", "model", "seed"])
    for s in SIGNALS:
        frame[s] = rho[s]
    return frame


def _clean_rows(table: np.ndarray) -> np.ndarray:
    """Rows logged at every layer and not constant."""
    if table.shape[1] == 0:
        return np.zeros(table.shape[0], dtype=bool)
    return ~np.isnan(table).any(axis=1) & (np.ptp(table, axis=1) > 0)


def _ranks_by_row(table: np.ndarray) -> np.ndarray:
    """:func:`stats.average_ranks` of every row (no NaN): ranks 1..n, ties sharing their mean."""
    m, n = table.shape
    if m == 0:
        return np.empty((0, n))
    order = np.argsort(table, axis=1, kind="mergesort")
    ordered = np.take_along_axis(table, order, axis=1)
    position = np.broadcast_to(np.arange(n), (m, n))
    starts = np.ones((m, n), dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    ends = np.ones((m, n), dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    first = np.maximum.accumulate(np.where(starts, position, 0), axis=1)
    last = np.minimum.accumulate(np.where(ends, position, n - 1)[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty((m, n))
    np.put_along_axis(ranks, order, (first + last) / 2 + 1, axis=1)
    return ranks


def _correlation_by_row(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson's r of each row of ``x`` with the same row of ``y`` (as ``np.corrcoef``, clipped
    to [-1, 1])."""
    xc = x - x.mean(axis=1, keepdims=True)
    yc = y - y.mean(axis=1, keepdims=True)
    r = (xc * yc).sum(axis=1) / np.sqrt((xc * xc).sum(axis=1) * (yc * yc).sum(axis=1))
    return np.clip(r, -1.0, 1.0)


def rho_summary(layers: Layers) -> pd.DataFrame:
    """Per signal: mean ρ over tasks (per task first), 95% interval, n tasks, runs."""
    table = rho_table(layers)
    rows = []
    for s in SIGNALS:
        e = stats.mean_ci(per_task(table, s)["mean"]) if not table.empty else stats.mean_ci([])
        rows.append({"signal": s, "mean": e.mean, "ci_low": e.low, "ci_high": e.high, "n": e.n,
                     "runs": int(table[s].count()) if not table.empty else 0})
    return pd.DataFrame(rows, columns=["signal", "mean", "ci_low", "ci_high", "n", "runs"])


def per_task_rho(layers: Layers) -> pd.DataFrame:
    """Per task (rows) and signal (columns): the mean ρ over the task's runs."""
    table = rho_table(layers)
    if table.empty:
        return pd.DataFrame(columns=["task", *SIGNALS])
    out = pd.DataFrame({"task": list(dict.fromkeys(table["task"]))})
    for s in SIGNALS:
        out[s] = per_task(table, s)["mean"].to_numpy()
    return out


def correlation_matrix(layers: Layers) -> pd.DataFrame:
    """Spearman ρ between every two of accuracy and the signals: per run over layers, averaged
    per task (NaN left out), then over tasks.  Rows and columns in :data:`MATRIX` order."""
    k = len(MATRIX)
    per_run = []
    tasks = []
    for run in layers.runs:
        per_run.append(run_matrix(run))
        tasks.append(run.task)
    if not per_run:
        return pd.DataFrame(np.full((k, k), np.nan), index=list(MATRIX), columns=list(MATRIX))
    stack = np.stack(per_run)
    by_task = []
    # nanmean of an all-NaN cell is NaN (a signal not logged anywhere), not a warning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for task in dict.fromkeys(tasks):
            pick = np.array([t == task for t in tasks])
            by_task.append(np.nanmean(stack[pick], axis=0))
        mean = np.nanmean(np.stack(by_task), axis=0)
    return pd.DataFrame(mean, index=list(MATRIX), columns=list(MATRIX))


def representative(layers: Layers) -> LayerRun | None:
    """The run whose recovery is closest to the median recovery over runs (the first in
    (task, model, seed) order among ties); None without runs."""
    if not layers.runs:
        return None
    recovery = run_table(layers)["recovery_rate"].to_numpy()
    gap = np.abs(recovery - np.median(recovery))
    return layers.runs[int(np.argmin(gap))]  # argmin takes the first of equal gaps
