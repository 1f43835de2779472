"""Intervals, summaries and optima against independent computations."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from pifi_ablation import stats, student_t

# t_{0.975, 4} from statistical tables.
T_975_DF4 = 2.7764451


def test_mean_ci_by_hand():
    values = [0.5, 0.7, 0.6, 0.9, 0.8]
    mean = 0.7
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / 4)
    half = T_975_DF4 * sd / math.sqrt(5)
    e = stats.mean_ci(values)
    assert (e.mean, e.n) == (pytest.approx(mean), 5)
    assert e.low == pytest.approx(mean - half, abs=1e-6)
    assert e.high == pytest.approx(mean + half, abs=1e-6)


def test_mean_ci_leaves_out_missing_values():
    e = stats.mean_ci([1.0, np.nan, 3.0])
    assert e.n == 2 and e.mean == 2.0
    one = stats.mean_ci([np.nan, 4.0])
    assert one.n == 1 and math.isnan(one.low)
    assert stats.mean_ci([]).n == 0


def test_summarise_counts_each_task_once():
    table = pd.DataFrame({
        "task": ["a", "a", "b", "c"],
        "n_samples": [50, 50, 50, 50],
        "recovery_rate": [0.2, 0.4, 0.6, 0.9],  # task a has two seeds: mean 0.3
    })
    s = stats.summarise(table, "n_samples", "recovery_rate")
    assert s.loc[0, "n"] == 3
    assert s.loc[0, "mean"] == pytest.approx((0.3 + 0.6 + 0.9) / 3)


def test_recommended_sample_size_on_demo(demo):
    means = demo.sample_size.groupby("n_samples")["recovery_rate"].mean()
    target = 0.9 * means.max()
    expected = min(n for n, m in means.items() if m >= target)
    summary = stats.summarise(demo.sample_size, "n_samples", "recovery_rate")
    assert stats.recommended_setting(summary, "n_samples") == expected


def test_per_task_optimum_is_read_from_the_data(demo):
    table = demo.keyword_weight
    optima = stats.per_task_optimum(table, "keyword_weight").set_index("task")
    for task, part in table.groupby("task"):
        best = part.loc[part["recovery_rate"].idxmax()]
        assert optima.loc[task, "keyword_weight"] == best["keyword_weight"]
    # The simulation's hidden optimum is not a grid point, so it is never what we report.
    assert not set(optima["keyword_weight"]) & set(table["optimal_weight"])


@pytest.mark.parametrize("seed", range(5))
def test_spearman_matches_scipy_with_ties(seed):
    from scipy import stats as sps

    rng = np.random.default_rng(seed)
    x = rng.integers(0, 6, size=12).astype(float)  # plenty of ties
    y = x + rng.normal(0, 2, size=12)
    ours = stats.spearman(x, y)
    ref = sps.spearmanr(x, y)
    assert ours.rho == pytest.approx(ref.statistic, abs=1e-12)
    assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-9)


P_LEVELS = (0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.995, 0.999, 0.9999, 0.025, 0.3)


def test_t_quantile_matches_scipy():
    from scipy import stats as sps

    for df in range(1, 201):
        for p in P_LEVELS:
            assert stats.t_quantile(p, df) == pytest.approx(sps.t.ppf(p, df), rel=1e-12), (p, df)


def test_t_two_sided_p_matches_scipy():
    from scipy import stats as sps

    for df in (*range(1, 201), 0.5, 2.5, 1000):
        for t in (0.1, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 1e3, -2.0):
            assert student_t.two_sided_p(t, df) == pytest.approx(2 * sps.t.sf(abs(t), df), rel=1e-10)


@pytest.mark.parametrize("t", [1e-12, 1e-8, 1e-3, 0.7, 4.0, 1e6])
def test_t_two_sided_p_closed_forms(t):
    # df = 1 (Cauchy) and df = 2 have closed forms; near t = 0 they also check the
    # precision that scipy itself loses there.
    assert student_t.two_sided_p(t, 1) == pytest.approx(1 - 2 / math.pi * math.atan(t), rel=1e-14)
    assert student_t.two_sided_p(t, 2) == pytest.approx(1 - t / math.sqrt(2 + t * t), rel=1e-13)


@pytest.mark.parametrize("df", [1, 2, 3, 4, 6, 9, 30, 120, 2.5])
@pytest.mark.parametrize("p", [0.5 + 1e-9, 0.51, 0.8, 0.975, 1 - 1e-10])
def test_t_quantile_inverts_the_tail(p, df):
    t = student_t.quantile(p, df)
    assert t > 0
    assert student_t.two_sided_p(t, df) == pytest.approx(2 * (1 - p), rel=1e-12)
    assert student_t.quantile(1 - p, df) == -t


def test_t_rejects_what_has_no_answer():
    with pytest.raises(ValueError, match="degrees of freedom > 0; got 0"):
        student_t.quantile(0.975, 0)
    with pytest.raises(ValueError, match=r"0 < p < 1; got 1\.0"):
        student_t.quantile(1.0, 5)
    with pytest.raises(ValueError, match="degrees of freedom > 0; got nan"):
        student_t.two_sided_p(1.0, float("nan"))
    assert math.isnan(student_t.two_sided_p(float("nan"), 3))
    assert student_t.quantile(0.5, 7) == 0.0


def test_stats_does_not_import_scipy():
    # The t distribution is computed in student_t, so the export need not pay
    # for importing scipy (about 0.3 s, a tenth of its running time).
    code = "import sys, pifi_ablation.export; print(any(m.startswith('scipy') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_spearman_hand_checked():
    c = stats.spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    assert c.rho == pytest.approx(1 - 6 * 4 / (5 * 24))
    assert c.n == 5
    assert math.isnan(stats.spearman([1, 2], [3, 4]).rho)
