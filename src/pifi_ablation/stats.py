"""Statistics that turn each ablation table into findings.

Means are taken over tasks, with a two-sided 95% Student-t interval
(mean +/- t_{0.975, n-1} * s / sqrt(n)); ``n`` is the number of tasks behind the
mean and is reported with it.  Rows that repeat a task within a group (seeds,
models of a measured source) are averaged per task first, so every task counts
once.  Missing values (undefined for a run) are left out and lower ``n``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pifi_ablation import student_t

CONFIDENCE = 0.95
RECOMMENDED_SHARE = 0.90  # the sample size whose recovery reaches 90% of the best mean


def t_quantile(p: float, df: int) -> float:
    """Quantile of Student's t with ``df`` degrees of freedom.

    >>> round(t_quantile(0.975, 4), 4)
    2.7764
    """
    return student_t.quantile(p, df)


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties sharing the mean of their ranks.

    >>> average_ranks(np.array([10.0, 30.0, 20.0, 30.0])).tolist()
    [1.0, 3.5, 2.0, 3.5]
    """
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(values.size, dtype=float)
    ranks[order] = np.arange(1, values.size + 1)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return sums[inverse] / counts[inverse]


@dataclass(frozen=True)
class Estimate:
    """A mean with its 95% confidence interval and the number of values behind it."""

    mean: float
    low: float
    high: float
    n: int


def mean_ci(values: ArrayLike, confidence: float = CONFIDENCE) -> Estimate:
    """Mean and Student-t confidence interval of ``values``, NaNs left out.

    With one value the interval is undefined (NaN); with none the mean is too.

    >>> e = mean_ci([1.0, 2.0, 3.0])
    >>> (e.mean, round(e.low, 4), round(e.high, 4), e.n)
    (2.0, -0.4841, 4.4841, 3)
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = int(x.size)
    if n == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    mean = float(x.mean())
    if n == 1:
        return Estimate(mean, float("nan"), float("nan"), 1)
    half = float(t_quantile(0.5 + confidence / 2, n - 1) * x.std(ddof=1) / np.sqrt(n))
    return Estimate(mean, mean - half, mean + half, n)


def per_task(table: pd.DataFrame, by: Sequence[str], value: str) -> pd.DataFrame:
    """One value per (group, task): the mean over repeated rows (seeds), NaNs left out."""
    keys = [*by, "task"]
    return table.groupby(keys, sort=True)[value].mean().reset_index()


def summarise(table: pd.DataFrame, by: str | Sequence[str], value: str) -> pd.DataFrame:
    """Mean, 95% interval and n over tasks of ``value`` for each group of ``by``.

    Columns: the ``by`` columns, ``mean``, ``ci_low``, ``ci_high``, ``n`` (tasks) and
    ``runs`` (the rows with a value behind the mean: seeds and models of every task).
    """
    by = [by] if isinstance(by, str) else list(by)
    tasks = per_task(table, by, value)
    runs = table.groupby(by, sort=True)[value].count()
    rows = []
    for group, part in tasks.groupby(by, sort=True):
        group = group if isinstance(group, tuple) else (group,)
        e = mean_ci(part[value])
        rows.append({**dict(zip(by, group, strict=True)),
                     "mean": e.mean, "ci_low": e.low, "ci_high": e.high, "n": e.n,
                     "runs": int(runs.loc[group if len(group) > 1 else group[0]])})
    return pd.DataFrame(rows, columns=[*by, "mean", "ci_low", "ci_high", "n", "runs"])


def recommended_setting(summary: pd.DataFrame, setting: str, share: float = RECOMMENDED_SHARE) -> int | float:
    """Smallest ``setting`` (a whole count: the sample size) whose mean recovery reaches ``share``
    of the best mean recovery.

    ``summary`` is :func:`summarise` of recovery_rate by ``setting``.  NaN when no mean is
    defined (no data: see ``findings.no_data``).

    >>> s = pd.DataFrame({"n_samples": [50, 100, 200], "mean": [0.5, 0.8, 0.85]})
    >>> recommended_setting(s, "n_samples")
    100
    """
    ordered = summary.sort_values(setting)
    target = share * ordered["mean"].max()
    reached = ordered[ordered["mean"] >= target]
    if reached.empty:
        return float("nan")
    return int(reached[setting].iloc[0])


def argmax_setting(summary: pd.DataFrame, setting: str) -> float:
    """The setting of highest mean (the smallest such setting when several tie); NaN when no
    mean is defined (no data).

    >>> argmax_setting(pd.DataFrame({"x": [], "mean": []}), "x")
    nan
    """
    ordered = summary.sort_values(setting)
    means = ordered["mean"].to_numpy(dtype=float)
    if not np.isfinite(means).any():
        return float("nan")
    return float(ordered[setting].iloc[int(np.nanargmax(means))])


def per_task_optimum(table: pd.DataFrame, setting: str, value: str = "recovery_rate"
                     ) -> pd.DataFrame:
    """For each task, the setting where its (seed-averaged) ``value`` is highest, and that value.

    Derived from the data, never from a generator's hidden truth.
    """
    tasks = per_task(table, [setting], value)
    rows = []
    for task, part in tasks.groupby("task", sort=False):
        part = part.sort_values(setting)
        i = int(np.argmax(part[value].to_numpy()))
        rows.append({"task": task, setting: float(part[setting].iloc[i]),
                     value: float(part[value].iloc[i])})
    return pd.DataFrame(rows, columns=["task", setting, value])


@dataclass(frozen=True)
class Correlation:
    """Spearman rank correlation with its two-sided p-value and the number of pairs."""

    rho: float
    p_value: float
    n: int


def spearman(x: ArrayLike, y: ArrayLike) -> Correlation:
    """Spearman rho of paired values, pairs with a NaN left out.

    >>> spearman([1, 2, 3, 4], [10, 20, 30, 45]).rho
    1.0
    """
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    if a.size < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return Correlation(float("nan"), float("nan"), int(a.size))
    # Spearman rho is Pearson's r of the average ranks; its two-sided p-value uses
    # t = rho * sqrt((n - 2) / (1 - rho^2)) with n - 2 degrees of freedom.
    rho = float(np.corrcoef(average_ranks(a), average_ranks(b))[0, 1])
    n = int(a.size)
    if abs(rho) >= 1.0:
        return Correlation(float(np.sign(rho)), 0.0, n)
    t = rho * np.sqrt((n - 2) / ((1.0 - rho) * (1.0 + rho)))
    return Correlation(rho, student_t.two_sided_p(float(t), n - 2), n)
