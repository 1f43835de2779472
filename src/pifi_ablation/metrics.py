"""The metrics of the study (SPEC.md's vocabulary), as small pure functions.

A *grid* is the downstream test accuracy of PiFi with each LLM layer plugged
in, indexed by layer (0 = first).  Accuracies are fractions in [0, 1]; gaps are
differences of accuracies (multiply by 100 for percentage points).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from pifi_ablation.registry import DEFAULT_KEYWORD_WEIGHT


def _grid(acc: ArrayLike) -> np.ndarray:
    grid = np.asarray(acc, dtype=float)
    if grid.ndim != 1 or grid.size == 0:
        raise ValueError(f"a grid is a non-empty 1-D sequence of accuracies, got shape {grid.shape}")
    if not np.all(np.isfinite(grid)):
        raise ValueError("a grid holds finite accuracies only")
    return grid


def last_layer(acc: ArrayLike) -> int:
    """Highest layer index of the grid."""
    return _grid(acc).size - 1


def best_layer(acc: ArrayLike) -> int:
    """Layer of highest accuracy (the first such layer when several tie).

    >>> best_layer([0.80, 0.91, 0.91, 0.85])
    1
    """
    return int(np.argmax(_grid(acc)))


def best_last_gap(acc: ArrayLike) -> float:
    """acc[best] - acc[last]: what choosing the layer could gain at most.

    >>> round(best_last_gap([0.80, 0.91, 0.85]), 4)
    0.06
    """
    grid = _grid(acc)
    return float(grid.max() - grid[-1])


def auto_last_gap(acc: ArrayLike, selected: int) -> float:
    """acc[selected] - acc[last]: what the automatic selection gained (negative if it lost)."""
    grid = _grid(acc)
    if not 0 <= selected < grid.size:
        raise IndexError(f"selected layer {selected} outside the grid's layers 0..{grid.size - 1}")
    return float(grid[selected] - grid[-1])


def recovery_rate(auto_gap: float, best_gap: float) -> float:
    """auto_last_gap / best_last_gap: the share of the possible gain recovered.

    1.0 when best_last_gap = 0 (the last layer is already best, nothing to recover).

    >>> recovery_rate(0.03, 0.04)
    0.75
    >>> recovery_rate(0.0, 0.0)
    1.0
    """
    if best_gap == 0:
        return 1.0
    return auto_gap / best_gap


def sensitivity(acc: ArrayLike) -> float:
    """(max acc - min acc) / max acc over layers: how much the layer choice matters.

    >>> sensitivity([0.5, 1.0])
    0.5
    """
    grid = _grid(acc)
    top = grid.max()
    if top <= 0:
        raise ValueError("sensitivity is undefined when every layer has accuracy 0")
    return float((top - grid.min()) / top)


def best_layer_norm(best: int, n_layers: int) -> float:
    """best_layer / (n_layers - 1): 0 = first layer, 1 = last.

    >>> best_layer_norm(14, 29)
    0.5
    """
    if n_layers < 2:
        raise ValueError("best_layer_norm needs at least two layers")
    if not 0 <= best < n_layers:
        raise IndexError(f"best layer {best} outside 0..{n_layers - 1}")
    return best / (n_layers - 1)


def pcl_score(keyword_signal: ArrayLike, corr_signal: ArrayLike,
              keyword_weight: float = DEFAULT_KEYWORD_WEIGHT) -> np.ndarray:
    """Stage-1 score per layer: alpha * keyword_signal + (1 - alpha) * corr_signal."""
    if not 0.0 <= keyword_weight <= 1.0:
        raise ValueError(f"keyword_weight must lie in [0, 1], got {keyword_weight}")
    kw = np.asarray(keyword_signal, dtype=float)
    corr = np.asarray(corr_signal, dtype=float)
    if kw.shape != corr.shape:
        raise ValueError(f"signals differ in length: {kw.shape} vs {corr.shape}")
    return keyword_weight * kw + (1.0 - keyword_weight) * corr


def select_abstract_layer(score: ArrayLike) -> int:
    """L_Abstract = argmax of the PCL score; the middle layer when every score is <= 0.

    >>> select_abstract_layer([0.1, 0.4, 0.2])
    1
    >>> select_abstract_layer([-0.1, 0.0, -0.3, -0.2])
    2
    """
    s = np.asarray(score, dtype=float)
    if np.all(s <= 0):
        return s.size // 2
    return int(np.argmax(s))


def signal_quality(score: ArrayLike, acc: ArrayLike) -> float:
    """Spearman rho between the per-layer PCL score and the per-layer grid accuracy.

    NaN when either is constant over layers (a flat grid ranks no layer above
    another): the caller records it as missing with that reason.

    >>> signal_quality([0.1, 0.2, 0.3], [0.7, 0.8, 0.9])
    1.0
    """
    s = np.asarray(score, dtype=float)
    a = _grid(acc)
    if s.shape != a.shape:
        raise ValueError(f"score has {s.size} layers but the grid has {a.size}")
    if np.ptp(s) == 0 or np.ptp(a) == 0:
        return float("nan")
    from pifi_ablation.stats import spearman

    return spearman(s, a).rho


def max_head_effect(head_effects: Sequence[Sequence[float]] | None) -> float:
    """Largest head effect (KL) in stage 2; NaN when stage 2 found nothing."""
    if head_effects is None:
        return float("nan")
    effects = np.asarray(head_effects, dtype=float)
    if effects.size == 0:
        return float("nan")
    return float(np.max(effects))


def apply_layer(head_effects: Sequence[Sequence[float]]) -> int:
    """L_Apply = layer with the largest summed head effect; -1 when no head has an effect."""
    effects = np.asarray(head_effects, dtype=float)
    per_layer = effects.sum(axis=1)
    if not np.any(per_layer > 0):
        return -1
    return int(np.argmax(per_layer))


def final_layer(l_abstract: int, l_apply: int) -> int:
    """The layer plugged in: L_Apply, or L_Abstract when stage 2 found nothing (L_Apply = -1)."""
    return l_abstract if l_apply == -1 else l_apply
