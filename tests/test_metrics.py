"""Metrics against hand-checked grids."""

from __future__ import annotations

import math

import pytest

from pifi_ablation import metrics

# Layers 0..4; best is layer 2 (0.90), last is layer 4 (0.84), worst 0.72.
GRID = [0.72, 0.85, 0.90, 0.88, 0.84]


def test_layers():
    assert metrics.last_layer(GRID) == 4
    assert metrics.best_layer(GRID) == 2


def test_gaps_and_recovery():
    assert metrics.best_last_gap(GRID) == pytest.approx(0.06)
    assert metrics.auto_last_gap(GRID, selected=3) == pytest.approx(0.04)
    assert metrics.auto_last_gap(GRID, selected=0) == pytest.approx(-0.12)
    assert metrics.recovery_rate(0.04, 0.06) == pytest.approx(2 / 3)
    assert metrics.recovery_rate(0.0, 0.0) == 1.0


def test_selected_layer_outside_grid():
    with pytest.raises(IndexError, match=r"outside the grid.s layers 0\.\.4"):
        metrics.auto_last_gap(GRID, selected=5)


def test_sensitivity_and_position():
    assert metrics.sensitivity(GRID) == pytest.approx((0.90 - 0.72) / 0.90)
    assert metrics.best_layer_norm(2, 5) == 0.5
    assert metrics.best_layer_norm(4, 5) == 1.0
    with pytest.raises(IndexError):
        metrics.best_layer_norm(5, 5)


def test_pcl_score_and_stage_one():
    score = metrics.pcl_score([0.2, 0.8, 0.1], [0.6, 0.0, 0.9], keyword_weight=0.5)
    assert list(score) == pytest.approx([0.4, 0.4, 0.5])
    assert metrics.select_abstract_layer(score) == 2
    assert metrics.select_abstract_layer([-1.0, -2.0, 0.0, -0.5, -0.1]) == 2  # middle layer
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.pcl_score([0.1], [0.1], keyword_weight=1.5)


def test_signal_quality_is_spearman():
    # Ranks of score: 1,2,3,4,5; ranks of GRID: 1,3,5,4,2 -> d^2 = 0+1+4+0+9 = 14
    rho = metrics.signal_quality([0.1, 0.2, 0.3, 0.4, 0.5], GRID)
    assert rho == pytest.approx(1 - 6 * 14 / (5 * (25 - 1)))


def test_signal_quality_undefined_on_flat_grid():
    assert math.isnan(metrics.signal_quality([0.1, 0.2, 0.3], [0.8, 0.8, 0.8]))


def test_head_effects():
    effects = [[0.0, 0.1], [0.3, 0.0], [0.05, 0.2]]
    assert metrics.max_head_effect(effects) == 0.3
    assert math.isnan(metrics.max_head_effect(None))
    assert metrics.apply_layer(effects) == 1
    assert metrics.apply_layer([[0.0, 0.0], [0.0, 0.0]]) == -1
    assert metrics.final_layer(7, -1) == 7
    assert metrics.final_layer(7, 12) == 12
