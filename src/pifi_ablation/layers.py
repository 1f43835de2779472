"""Per-run, per-layer data: what the main-results and selection-signals chapters read.

The five ablation tables keep one row per run; these chapters need each run's layers: the
grid's accuracy per plugged layer (repeated lines averaged), the logged per-layer signals,
probe accuracies and head effects, and the selected layers.  The population is that of the
task and model chapters: the runs at default settings whose grid is complete, every seed.
Runs at default settings whose grid is missing or being filled are *pending* and listed.

Both sources fill it through the measured reader: a results folder, or the demonstration
simulation (:mod:`pifi_ablation.sources.demo_layers`), which writes upstream's formats in
memory and is read by the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pifi_ablation.registry import MODEL_ORDER, TASKS

if TYPE_CHECKING:
    from pifi_ablation.sources.measured import ResultsFolder

# Accuracies within this of a grid's maximum are at its maximum: grids hold 4-decimal
# accuracies, and averaging repeated lines must not split a tie by a rounding error.
TIE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class LayerRun:
    """One selection run at default settings, with its complete grid.

    ``stage2_missing`` says why stage 2 found nothing (then ``L_Apply`` is no selection and the
    final layer is ``L_Abstract``), or is None.  ``probe_acc`` holds NaN where the log has null;
    ``probe_acc`` and ``head_effects`` are None where the log holds none.
    """

    task: str
    model: str
    seed: int
    acc: np.ndarray
    keyword_signal: np.ndarray
    corr_signal: np.ndarray
    keyword_weight: float
    l_abstract: int
    l_apply: int
    final_layer: int
    probe_acc: np.ndarray | None = None
    head_effects: np.ndarray | None = None
    stage2_missing: str | None = None

    @property
    def n_layers(self) -> int:
        return int(self.acc.size)

    @property
    def pcl_score(self) -> np.ndarray:
        """Stage 1's score per layer: keyword_weight * keyword + (1 - keyword_weight) * corr."""
        w = self.keyword_weight
        return w * self.keyword_signal + (1.0 - w) * self.corr_signal

    @property
    def best_layers(self) -> np.ndarray:
        """Every layer at the grid's maximum accuracy."""
        return np.flatnonzero(self.acc >= self.acc.max() - TIE_TOLERANCE)

    @property
    def head_effect_sums(self) -> np.ndarray | None:
        """Summed head effect per layer, where stage 2 searched every layer and found something."""
        effects = self.head_effects
        if effects is None or self.stage2_missing or effects.shape[0] != self.n_layers:
            return None
        return effects.sum(axis=1)


@dataclass(frozen=True)
class Excluded:
    """A default run left out of the per-layer chapters, and why."""

    task: str
    model: str
    seed: int
    reason: str


@dataclass(frozen=True)
class Layers:
    """The per-layer population: runs in (task, model, seed) order, and the pending ones."""

    runs: tuple[LayerRun, ...] = ()
    pending: tuple[Excluded, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.runs)

    def grids(self) -> dict[tuple[str, str], np.ndarray]:
        """One accuracy curve per (task, model), in order."""
        return {(r.task, r.model): r.acc for r in self.runs}

    def curves(self) -> pd.DataFrame:
        """Tidy accuracy curves: task, model, layer, acc, best (at the maximum), last."""
        rows = []
        for (task, model), acc in self.grids().items():
            top = acc.max() - TIE_TOLERANCE
            for layer, a in enumerate(acc):
                rows.append({"task": task, "model": model, "layer": layer, "acc": float(a),
                             "best": bool(a >= top), "last": layer == acc.size - 1})
        return pd.DataFrame(rows, columns=["task", "model", "layer", "acc", "best", "last"])

    def selections(self) -> pd.DataFrame:
        """One row per run: its layers and why stage 2 found nothing, where it did."""
        rows = [{"task": r.task, "model": r.model, "seed": r.seed, "n_layers": r.n_layers,
                 "L_Abstract": r.l_abstract, "L_Apply": r.l_apply, "final_layer": r.final_layer,
                 "stage2_missing": r.stage2_missing or ""} for r in self.runs]
        return pd.DataFrame(rows, columns=["task", "model", "seed", "n_layers", "L_Abstract", "L_Apply",
                                           "final_layer", "stage2_missing"])


def _order(task: str, model: str, seed: int) -> tuple[int, int, str, int]:
    tasks = list(TASKS)
    return (tasks.index(task) if task in tasks else len(tasks),
            MODEL_ORDER.index(model) if model in MODEL_ORDER else len(MODEL_ORDER), model, seed)


def from_reading(reading: ResultsFolder) -> Layers:
    """The per-layer population of a measured reading: its usable runs at default settings
    (complete grids), and its pending runs at default settings."""
    runs = []
    for run in reading.runs:
        if run.differs():
            continue
        grid = reading.grid_of[(run.task, run.model)]
        runs.append(LayerRun(
            task=run.task, model=run.model, seed=run.seed, acc=grid.acc,
            keyword_signal=run.keyword_signal, corr_signal=run.corr_signal,
            keyword_weight=run.keyword_weight, l_abstract=run.l_abstract, l_apply=run.l_apply,
            final_layer=run.final_layer, probe_acc=run.probe_acc, head_effects=run.head_effects,
            stage2_missing=run.head_effect_missing if run.found_nothing else None))
    pending = [Excluded(p.run.task, p.run.model, p.run.seed, p.reason)
               for p in reading.pending if not p.run.differs()]
    runs.sort(key=lambda r: _order(r.task, r.model, r.seed))
    pending.sort(key=lambda p: _order(p.task, p.model, p.seed))
    return Layers(tuple(runs), tuple(pending))
