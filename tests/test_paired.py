"""Paired comparisons, Holm, Bonferroni and exact permutation p-values against scipy and by hand."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from pifi_ablation import paired


@pytest.mark.parametrize("seed", range(8))
def test_one_sample_t_matches_scipy(seed):
    from scipy import stats as sps

    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 12))
    x = rng.normal(rng.normal(0, 0.05), rng.uniform(0.01, 0.2), size=n)
    ours = paired.one_sample_t(x)
    ref = sps.ttest_1samp(x, 0.0)
    assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-10, abs=1e-300)
    ci = ref.confidence_interval(0.95)
    assert ours.low == pytest.approx(ci.low, rel=1e-10)
    assert ours.high == pytest.approx(ci.high, rel=1e-10)
    assert ours.n == n and ours.reason == ""


@pytest.mark.parametrize("seed", range(5))
def test_paired_difference_p_is_scipys_ttest_rel(seed):
    from scipy import stats as sps

    rng = np.random.default_rng(100 + seed)
    tasks = [f"t{i}" for i in range(7)]
    base = rng.uniform(0.3, 0.9, size=7)
    table = pd.DataFrame({"task": tasks * 2, "keyword_weight": [0.65] * 7 + [0.9] * 7,
                          "recovery_rate": np.r_[base, base + rng.normal(0.03, 0.05, size=7)]})
    c = paired.compare(table, "keyword_weight", 0.9, 0.65)
    ref = sps.ttest_rel(table["recovery_rate"][7:].to_numpy(), base)
    assert c.t.p_value == pytest.approx(ref.pvalue, rel=1e-10)
    assert c.t.mean == pytest.approx(float(np.mean(table["recovery_rate"][7:].to_numpy() - base)), rel=1e-12)
    ci = ref.confidence_interval(0.95)
    assert (c.t.low, c.t.high) == (pytest.approx(ci.low, rel=1e-10), pytest.approx(ci.high, rel=1e-10))


def test_bonferroni_interval_is_scipys_at_one_minus_alpha_over_m():
    from scipy import stats as sps

    x = np.array([0.02, 0.05, -0.01, 0.04, 0.03, 0.06])
    low, high = paired.simultaneous_interval(x, m=6)
    ci = sps.ttest_1samp(x, 0.0).confidence_interval(1 - 0.05 / 6)
    assert (low, high) == (pytest.approx(ci.low, rel=1e-10), pytest.approx(ci.high, rel=1e-10))


def test_holm_hand_worked():
    # p = (0.010, 0.040, 0.030, 0.005), m = 4.  Sorted: 0.005, 0.010, 0.030, 0.040;
    # multipliers 4, 3, 2, 1: 0.020, 0.030, 0.060, 0.040 -> running maximum 0.020, 0.030,
    # 0.060, 0.060.  Back in the input order:
    assert paired.holm([0.010, 0.040, 0.030, 0.005]) == pytest.approx([0.030, 0.060, 0.060, 0.020])
    # Capped at 1; a missing p is no hypothesis (m = 2 here).
    out = paired.holm([0.6, float("nan"), 0.2])
    assert out[0] == pytest.approx(0.6) and math.isnan(out[1]) and out[2] == pytest.approx(0.4)
    assert paired.holm([0.7, 0.9]) == [1.0, 1.0]
    assert paired.holm([]) == []


@pytest.mark.parametrize("seed", range(6))
def test_sign_flip_p_matches_scipy_permutation_test(seed):
    from scipy import stats as sps

    rng = np.random.default_rng(200 + seed)
    d = rng.normal(0.02, 0.04, size=int(rng.integers(3, 9)))
    ref = sps.permutation_test((d,), np.mean, permutation_type="samples", n_resamples=np.inf,
                               alternative="two-sided")
    assert paired.sign_flip_p(d) == pytest.approx(ref.pvalue, rel=1e-12)


def test_sign_flip_p_by_hand():
    # Five tasks all better: only the all-plus and all-minus assignments reach |sum|.
    assert paired.sign_flip_p([0.1, 0.2, 0.3, 0.4, 0.5]) == Fraction(2, 32)
    # Ties in |d| count as extreme: {+1,-1}: sums 0, 2, -2, 0 -> |sum| >= 0 always.
    assert paired.sign_flip_p([1.0, -1.0]) == 1.0
    assert math.isnan(paired.sign_flip_p([]))


@pytest.mark.parametrize("n", [3, 4, 5, 6, 7])
def test_spearman_exact_p_matches_scipy_permutation_test(n):
    from scipy import stats as sps

    rng = np.random.default_rng(n)
    x = rng.normal(size=n)
    y = x + rng.normal(scale=1.0, size=n)  # untied

    ry = sps.rankdata(y) - (n + 1) / 2

    def rho(a, axis=-1):  # Spearman's rho with y's ranks fixed, over many orderings at once
        ra = sps.rankdata(a, axis=axis) - (n + 1) / 2
        return (ra @ ry) / np.sqrt((ra * ra).sum(axis=axis) * (ry @ ry))

    ref = sps.permutation_test((x,), rho, permutation_type="pairings", n_resamples=np.inf,
                               alternative="two-sided", vectorized=True)
    ours = paired.spearman_exact(x, y)
    assert ours.exact and ours.permutations == math.factorial(n)
    assert ours.rho == pytest.approx(sps.spearmanr(x, y).statistic, abs=1e-12)
    assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-12)


def test_spearman_exact_by_hand_and_sampled_above_nine():
    # n = 5, perfectly concordant: 2 of 120 orderings reach |rho| = 1.
    c = paired.spearman_exact([1, 2, 3, 4, 5], [5, 6, 7, 8, 9])
    assert (c.rho, c.p_value) == (1.0, pytest.approx(2 / 120))
    big = paired.spearman_exact(np.arange(12.0), np.arange(12.0))
    assert not big.exact and big.permutations == paired.RANDOM_PERMUTATIONS
    assert big.p_value == pytest.approx(1 / (paired.RANDOM_PERMUTATIONS + 1))  # b = 0 of B
    assert math.isnan(paired.spearman_exact([1, 2], [2, 1]).p_value)


def test_one_sample_t_degenerate_cases():
    assert paired.one_sample_t([]).reason == paired.NO_DATA
    one = paired.one_sample_t([0.3])
    assert one.mean == 0.3 and math.isnan(one.p_value) and one.reason == paired.TOO_FEW
    same = paired.one_sample_t([0.0, 0.0, 0.0])
    assert same.mean == 0.0 and math.isnan(same.p_value) and same.reason == paired.IDENTICAL
    shift = paired.one_sample_t([0.1, 0.1, 0.1])
    assert math.isnan(shift.p_value) and shift.reason == paired.ZERO_VARIANCE


def test_per_task_differences_pair_cells_with_a_defined_default():
    # Task a: seeds 1 and 2 at both settings, seed 3 only at the setting (left out);
    # task b: seed 1 has no defined value at the default (left out), seed 2 pairs.
    table = pd.DataFrame({
        "task": ["a"] * 5 + ["b"] * 4,
        "model": ["M"] * 9,
        "seed": [1, 2, 1, 2, 3, 1, 2, 1, 2],
        "lambda_scale": [3.0, 3.0, 5.0, 5.0, 5.0, 3.0, 3.0, 5.0, 5.0],
        "recovery_rate": [0.5, 0.7, 0.6, 0.9, 0.0, np.nan, 0.4, 0.8, 0.5],
    })
    d = paired.per_task_differences(table, "lambda_scale", 5.0, 3.0).set_index("task")
    assert d.loc["a", "difference"] == pytest.approx((0.6 + 0.9) / 2 - (0.5 + 0.7) / 2)
    assert d.loc["a", "cells"] == 2
    assert d.loc["b", "difference"] == pytest.approx(0.5 - 0.4)
    assert d.loc["b", "cells"] == 1


def test_compare_settings_is_one_holm_family():
    rng = np.random.default_rng(7)
    tasks = [f"t{i}" for i in range(6)]
    base = rng.uniform(0.4, 0.8, size=6)
    rows = [{"task": t, "lambda_scale": 3.0, "recovery_rate": b} for t, b in zip(tasks, base, strict=True)]
    for value, shift in ((1.0, -0.1), (5.0, 0.02), (7.0, 0.0)):
        rows += [{"task": t, "lambda_scale": value, "recovery_rate": b + shift + rng.normal(0, 0.03)}
                 for t, b in zip(tasks, base, strict=True)]
    comparisons = paired.compare_settings(pd.DataFrame(rows), "lambda_scale", 3.0)
    assert [c.value for c in comparisons] == [1.0, 5.0, 7.0]
    assert paired.holm([c.t.p_value for c in comparisons]) == [c.p_holm for c in comparisons]
    assert all(c.m == 3 for c in comparisons)
    for c in comparisons:
        low, high = paired.simultaneous_interval(c.differences["difference"], 3)
        assert (c.sim_low, c.sim_high) == (low, high)
        assert c.sim_low < c.t.low and c.sim_high > c.t.high  # wider than the 95% interval
    assert paired.compare_settings(pd.DataFrame(columns=["task", "lambda_scale", "recovery_rate"]),
                                   "lambda_scale", 3.0) == []


def test_seed_sd_is_the_root_mean_across_seed_variance():
    table = pd.DataFrame({"task": ["a", "a", "a", "b", "b", "c"], "model": ["M"] * 6,
                          "seed": [1, 2, 3, 1, 2, 1], "recovery_rate": [0.5, 0.7, 0.9, 0.2, 0.4, 0.9]})
    sd, cells = paired.seed_sd(table)
    # a: variance 0.04; b: 0.02; c has one seed and does not count.
    assert cells == 2 and sd == pytest.approx(math.sqrt((0.04 + 0.02) / 2))
    one_seed = table.drop_duplicates(["task", "model"])
    assert paired.seed_sd(one_seed)[1] == 0 and math.isnan(paired.seed_sd(one_seed)[0])
    assert paired.seed_sd(table.drop(columns="seed"))[1] == 0
