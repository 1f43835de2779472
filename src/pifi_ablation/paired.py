"""Paired comparisons, multiplicity and exact permutation p-values.

Every setting of a sweep is run on the same tasks, models and seeds, so a setting
is compared with the default *paired*: per task, the mean at the setting over that
task's (model, seed) cells that also have a default run with a defined value, minus
the mean at the default over the same cells.  Over tasks: the mean difference, its
95% Student-t interval, the two-sided one-sample t p-value of the per-task
differences (the paired t-test), and the tasks better / equal / worse.  Across the
settings of one ablation the p-values are Holm-adjusted, and the simultaneous
intervals are Bonferroni intervals at level 1 - 0.05/m.  With 5-7 tasks the exact
sign-flip permutation p of the per-task differences is a check that assumes no
normality.  Student's t comes from :mod:`pifi_ablation.student_t`, so nothing here
imports scipy (the export's speed); the tests compare with scipy.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pifi_ablation import student_t
from pifi_ablation.stats import average_ranks

ALPHA = 0.05
CONFIDENCE = 0.95
# Cells within a task: the columns a measured table has besides the task and the setting.
CELL_COLUMNS: tuple[str, ...] = ("model", "seed")
# Permutations are enumerated up to this many tasks (9! = 362,880 orderings); above, sampled.
EXACT_MAX_N = 9
SIGN_FLIP_EXACT_MAX_N = 16
RANDOM_PERMUTATIONS = 100_000
PERMUTATION_SEED = 20_251_130
# |statistic| >= |observed| up to this relative tolerance counts as "as extreme".
REL_TOL = 1e-12
# Differences of fractions (recovery, accuracy) closer than this are equal: rounding of
# (b + d) - b, not a measured difference.
SAME = 1e-12

# Why a value is missing (the text shown in its place).
TOO_FEW = "too few tasks"
ZERO_VARIANCE = "zero variance"
IDENTICAL = "identical on every task"
NO_DATA = "[no data]"  # as findings.NO_DATA: the text of a value the data cannot give


@dataclass(frozen=True)
class TInterval:
    """Mean of values with its two-sided t-interval, t p-value against 0, and n.

    ``reason`` says why ``p_value`` is missing (n < 2, zero variance), else "".
    """

    mean: float
    low: float
    high: float
    p_value: float
    n: int
    reason: str = ""


def one_sample_t(values: ArrayLike, confidence: float = CONFIDENCE) -> TInterval:
    """Mean, its t-interval at ``confidence`` and the two-sided one-sample t p-value (H0: mean 0).

    t = mean / (s / sqrt(n)) with n - 1 degrees of freedom.  NaNs are left out.  With
    n = 0 everything is missing; with n = 1 the interval and p; with zero variance the
    p-value (the interval is the single value).

    >>> r = one_sample_t([1.0, 2.0, 3.0])
    >>> (r.mean, round(r.low, 4), round(r.high, 4), round(r.p_value, 4), r.n)
    (2.0, -0.4841, 4.4841, 0.0742, 3)
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = int(x.size)
    nan = float("nan")
    if n == 0:
        return TInterval(nan, nan, nan, nan, 0, NO_DATA)
    mean = float(x.mean())
    if n == 1:
        return TInterval(mean, nan, nan, nan, 1, TOO_FEW)
    if np.ptp(x) <= SAME:  # every value the same: no variance to test against
        if np.all(np.abs(x) <= SAME):
            return TInterval(0.0, 0.0, 0.0, nan, n, IDENTICAL)
        return TInterval(mean, mean, mean, nan, n, ZERO_VARIANCE)
    sd = float(x.std(ddof=1))
    se = sd / math.sqrt(n)
    half = student_t.quantile(0.5 + confidence / 2, n - 1) * se
    p = student_t.two_sided_p(mean / se, n - 1)
    return TInterval(mean, mean - half, mean + half, p, n)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values; NaNs stay NaN and do not count in m.

    Sorted ascending, p_(i) becomes max_{j <= i} min(1, (m - j + 1) p_(j)).

    >>> holm([0.01, 0.04, 0.03, float("nan")])
    [0.03, 0.06, 0.06, nan]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.size, np.nan)
    defined = np.flatnonzero(~np.isnan(p))
    m = defined.size
    order = defined[np.argsort(p[defined], kind="mergesort")]
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return [float(v) for v in out]


def simultaneous_interval(values: ArrayLike, m: int, alpha: float = ALPHA) -> tuple[float, float]:
    """Bonferroni simultaneous t-interval of the mean: level 1 - alpha / m (NaN if undefined)."""
    r = one_sample_t(values, confidence=1.0 - alpha / max(m, 1))
    return r.low, r.high


def sign_flip_p(differences: ArrayLike) -> float:
    """Exact two-sided sign-flip permutation p of the mean of paired differences.

    Under H0 each difference is as likely +d as -d: the share of the 2^n sign
    assignments whose |sum| is at least the observed |sum| (relative tolerance 1e-12).
    NaNs are left out; NaN with no difference.

    >>> sign_flip_p([1.0, 2.0, 3.0])  # only all-plus and all-minus reach |6|
    0.25
    """
    d = np.asarray(differences, dtype=float)
    d = d[~np.isnan(d)]
    n = d.size
    if n == 0:
        return float("nan")
    if n > SIGN_FLIP_EXACT_MAX_N:  # beyond 2^16 assignments, sampled like the Spearman test
        rng = np.random.default_rng(PERMUTATION_SEED)
        signs = rng.choice([-1.0, 1.0], size=(RANDOM_PERMUTATIONS, n))
        hits = int(np.count_nonzero(np.abs(signs @ d) >= abs(d.sum()) * (1 - REL_TOL)))
        return (hits + 1) / (RANDOM_PERMUTATIONS + 1)
    signs = 1.0 - 2.0 * ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1)
    sums = np.abs(signs @ d)
    return float(np.count_nonzero(sums >= abs(d.sum()) * (1 - REL_TOL)) / sums.size)


@dataclass(frozen=True)
class ExactCorrelation:
    """Spearman rho with its permutation p-value: exact (all n! orderings) or sampled."""

    rho: float
    p_value: float
    n: int
    exact: bool
    permutations: int


def spearman_exact(x: ArrayLike, y: ArrayLike) -> ExactCorrelation:
    """Spearman rho of paired values and its two-sided permutation p.

    The p-value is the share of the n! orderings of y's average ranks whose |rho| is at
    least the observed |rho| (relative tolerance 1e-12).  Above ``EXACT_MAX_N`` pairs,
    ``RANDOM_PERMUTATIONS`` random orderings with a fixed seed, p = (b + 1) / (B + 1).
    Pairs with a NaN are left out; rho and p are missing with fewer than 3 pairs or a
    constant variable.

    >>> c = spearman_exact([1, 2, 3, 4], [1, 2, 3, 4])
    >>> (c.rho, c.p_value, c.exact)  # 2 of the 24 orderings reach |rho| = 1
    (1.0, 0.08333333333333333, True)
    """
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    n = int(a.size)
    if n < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return ExactCorrelation(float("nan"), float("nan"), n, n <= EXACT_MAX_N, 0)
    ra = average_ranks(a)
    rb = average_ranks(b)
    ca, cb = ra - ra.mean(), rb - rb.mean()
    scale = math.sqrt(float(ca @ ca) * float(cb @ cb))
    rho = float(ca @ cb) / scale
    threshold = abs(rho) * (1 - REL_TOL)
    if n <= EXACT_MAX_N:
        orders = np.array(list(itertools.permutations(range(n))), dtype=np.intp)
        stats = np.abs(cb[orders] @ ca) / scale
        return ExactCorrelation(rho, float(np.count_nonzero(stats >= threshold) / len(orders)), n,
                                True, len(orders))
    rng = np.random.default_rng(PERMUTATION_SEED)
    hits = 0
    for start in range(0, RANDOM_PERMUTATIONS, 10_000):
        size = min(10_000, RANDOM_PERMUTATIONS - start)
        orders = np.argsort(rng.random((size, n)), axis=1)
        hits += int(np.count_nonzero(np.abs(cb[orders] @ ca) / scale >= threshold))
    return ExactCorrelation(rho, (hits + 1) / (RANDOM_PERMUTATIONS + 1), n, False, RANDOM_PERMUTATIONS)


def _cells(table: pd.DataFrame) -> list[str]:
    return [c for c in CELL_COLUMNS if c in table.columns]


@dataclass(frozen=True)
class _Wide:
    """A table's ``column`` as one row per (task, model, seed) cell and one column per setting."""

    tasks: np.ndarray  # the task of each cell
    by_setting: dict[Any, np.ndarray]  # setting -> the cell's value there (NaN: no defined run)


def _wide(table: pd.DataFrame, setting: str, column: str) -> _Wide | None:
    if column not in table.columns or table.empty:
        return None
    keys = ["task", *(c for c in _cells(table) if c != setting)]
    defined = table[table[column].notna()]
    # groupby + unstack: pivot_table's NaN handling costs ten times as much here
    wide = defined.groupby([*keys, setting], sort=True)[column].mean().unstack(setting)  # noqa: PD010
    return _Wide(wide.index.get_level_values("task").to_numpy(dtype=str),
                 {v: wide[v].to_numpy(dtype=float) for v in wide.columns})


def _differences(wide: _Wide | None, value: Any, reference: Any) -> pd.DataFrame:
    if wide is None or value not in wide.by_setting or reference not in wide.by_setting:
        return pd.DataFrame({"task": pd.Series(dtype="str"), "difference": pd.Series(dtype=float),
                             "cells": pd.Series(dtype="int64")})
    at, ref = wide.by_setting[value], wide.by_setting[reference]
    both = ~(np.isnan(at) | np.isnan(ref))
    tasks, codes = np.unique(wide.tasks[both], return_inverse=True)
    cells = np.bincount(codes, minlength=tasks.size)
    difference = (np.bincount(codes, weights=at[both], minlength=tasks.size)
                  - np.bincount(codes, weights=ref[both], minlength=tasks.size)) / np.maximum(cells, 1)
    return pd.DataFrame({"task": tasks.astype(str), "difference": difference, "cells": cells.astype("int64")})


def per_task_differences(table: pd.DataFrame, setting: str, value: float, reference: float,
                         column: str = "recovery_rate") -> pd.DataFrame:
    """Per task: the mean of ``column`` at ``setting == value`` minus its mean at ``reference``,
    over the task's (model, seed) cells that have a defined value at both.

    Columns: ``task``, ``difference``, ``cells`` (the paired cells behind it).  Tasks with
    no such cell are absent.
    """
    return _differences(_wide(table, setting, column), float(value), float(reference))


@dataclass(frozen=True)
class Comparison:
    """One setting against a reference, paired over tasks (differences: setting - reference).

    ``p_holm`` and the simultaneous interval (``sim_low``, ``sim_high``; Bonferroni at
    level 1 - 0.05/m) are filled in over the ablation's family by :func:`compare_settings`.
    """

    value: float
    reference: float
    differences: pd.DataFrame
    t: TInterval
    better: int
    equal: int
    worse: int
    sign_flip_p: float
    gap: TInterval  # the same comparison of auto_last_gap (accuracy, a fraction)
    p_holm: float = float("nan")
    m: int = 0
    sim_low: float = float("nan")
    sim_high: float = float("nan")

    @property
    def n(self) -> int:
        return self.t.n


def _comparison(diffs: pd.DataFrame, gap: pd.DataFrame, value: float, reference: float) -> Comparison:
    d = diffs["difference"].to_numpy(dtype=float)
    return Comparison(
        value=value, reference=reference, differences=diffs, t=one_sample_t(d),
        better=int(np.count_nonzero(d > SAME)), equal=int(np.count_nonzero(np.abs(d) <= SAME)),
        worse=int(np.count_nonzero(d < -SAME)), sign_flip_p=sign_flip_p(d),
        gap=one_sample_t(gap["difference"].to_numpy(dtype=float)),
    )


def compare(table: pd.DataFrame, setting: str, value: float, reference: float,
            column: str = "recovery_rate") -> Comparison:
    """The paired comparison of ``setting == value`` with ``setting == reference``."""
    value, reference = float(value), float(reference)
    return _comparison(per_task_differences(table, setting, value, reference, column),
                       per_task_differences(table, setting, value, reference, "auto_last_gap"),
                       value, reference)


def with_family(comparisons: Sequence[Comparison], alpha: float = ALPHA) -> list[Comparison]:
    """The comparisons with Holm-adjusted p over those whose p is defined (m of them), and
    their Bonferroni simultaneous intervals at level 1 - alpha / m."""
    adjusted = holm([c.t.p_value for c in comparisons])
    m = sum(not math.isnan(c.t.p_value) for c in comparisons)
    out = []
    for c, p in zip(comparisons, adjusted, strict=True):
        low, high = (simultaneous_interval(c.differences["difference"], m, alpha) if m
                     else (float("nan"), float("nan")))
        out.append(replace(c, p_holm=p, m=m, sim_low=low, sim_high=high))
    return out


def compare_settings(table: pd.DataFrame, setting: str, default: float,
                     column: str = "recovery_rate") -> list[Comparison]:
    """Every non-default setting of a sweep against its default, as one Holm family."""
    if table.empty or setting not in table.columns:
        return []
    values = sorted(float(v) for v in table[setting].unique() if float(v) != float(default))
    wide, gap = _wide(table, setting, column), _wide(table, setting, "auto_last_gap")
    reference = float(default)
    return with_family([_comparison(_differences(wide, v, reference), _differences(gap, v, reference),
                                    v, reference) for v in values])


def model_pairs(table: pd.DataFrame, models: Sequence[str], column: str = "recovery_rate"
                ) -> list[tuple[str, str, Comparison]]:
    """Every pair of models present (larger, smaller by parameter count, as ``models`` orders
    them: smallest first), paired on the tasks both have (per-task means over seeds),
    as one Holm family."""
    present = [m for m in models if m in set(table["model"])] if "model" in table else []
    pairs = [(big, small) for i, small in enumerate(present) for big in present[i + 1:]]
    # Each model as a "setting" of its task: per-task means over seeds, paired on shared tasks.
    wide = _wide(table.drop(columns="seed", errors="ignore"), "model", column) if pairs else None
    found = []
    for big, small in pairs:
        diffs = _differences(wide, big, small)
        found.append(_comparison(diffs, diffs.iloc[0:0], float("nan"), float("nan")))
    family = with_family(found)
    return [(big, small, c) for (big, small), c in zip(pairs, family, strict=True)]


def seed_sd(table: pd.DataFrame, column: str = "recovery_rate") -> tuple[float, int]:
    """Selection-seed variation: sqrt of the mean across-seed variance (ddof 1) of ``column``
    over the (task, model) cells with at least two seeds, and the number of such cells.

    NaN with 0 cells when no cell has two seeds (or the table has no seed column).
    """
    if "seed" not in table.columns or table.empty:
        return float("nan"), 0
    keys = ["task", *(["model"] if "model" in table.columns else [])]
    defined = table[table[column].notna()]
    groups = defined.groupby(keys, sort=True)[column]
    variances = groups.var(ddof=1)[groups.count() >= 2]
    if variances.empty:
        return float("nan"), 0
    return float(math.sqrt(variances.mean())), int(variances.size)
