"""The demonstration simulation of per-layer data, in upstream's file formats.

The seed notebook has no per-layer data, so the main-results and selection-signals chapters
need their own demonstration.  This module writes, in memory, the files upstream's code
(PIFI-ILM) would leave in a results folder: one grid file per (task, model) and one selection
log per (task, model, seed) at default settings.  The measured reader reads them as it reads a
real folder (:func:`layers`); nothing is written to disk.

How the numbers are drawn (``numpy.random.default_rng`` seeded per file, so the data do not
depend on the order of drawing):

* *grids*: accuracy per plugged layer is a base (by task type and model size) plus a hump
  centred at a drawn depth, plus noise, rounded to 4 decimals as upstream writes it; on about
  one grid in five the curve rises to the end instead, so the last layer is best there;
* *signals*: ``corr_signal`` and ``keyword_signal`` follow the grid's shape (the keyword
  signal shifted by up to two layers) with noise, as float32; ``L_Abstract`` is stage 1's
  argmax at keyword weight 0.65;
* *stage 2*: head effects are small Gamma noise with a bump on one layer within three of
  ``L_Abstract``; ``L_Apply`` is the layer of largest summed effect; on about one run in
  twelve stage 2 finds nothing, written as upstream writes it (all-zero effects, or no probe);
* *probe accuracy*: the grid's accuracy lowered by a few points, with noise.

It is a simulation, independent of the ablations' demonstration (the seed notebook's
generators, whose numbers it leaves unchanged); it supports no claim about the method.
"""

from __future__ import annotations

import json
import zlib
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from pifi_ablation.registry import MODEL_ORDER, MODELS, TASKS

if TYPE_CHECKING:
    from pifi_ablation.layers import Layers

SEEDS: tuple[int, ...] = (2023, 2024, 2025)  # upstream's run_all_selections.sh seeds
KEYWORD_WEIGHT = 0.65
N_SAMPLES = 200
SLM = "bert"
NAME = "demo-layers"  # how the reader names the in-memory folder (never shown as a path)


def _rng(*parts: Any) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(("pifi-demo-layers", *parts)).encode()))


def grid_accuracy(task: str, model: str) -> np.ndarray:
    """The simulated accuracy per plugged layer of one (task, model), 4 decimals."""
    n = MODELS[model].n_layers
    rng = _rng("grid", task, model)
    layers = np.arange(n)
    base = 0.78 if TASKS[task].task_type == "entailment" else 0.84
    base += 0.015 * np.log2(MODELS[model].params_b + 1)
    if rng.uniform() < 0.2:  # the curve rises to the end: the last layer is (near) best
        acc = base + rng.uniform(0.02, 0.05) * (layers / (n - 1)) ** 2
    else:
        peak = rng.uniform(0.35, 0.85) * (n - 1)
        acc = base + rng.uniform(0.02, 0.07) * np.exp(-(((layers - peak) / (0.28 * n)) ** 2))
    acc = acc + rng.normal(0, 0.003, n)
    return np.round(np.clip(acc, 0.0, 1.0), 4)


def _grid_text(task: str, model: str, acc: np.ndarray) -> str:
    llm = MODELS[model].llm_type
    lines = []
    for layer, a in enumerate(acc):
        lines.append(f"dataset={task}  model={SLM}  llm={llm}  layer={layer}  acc={a:.4f}  "
                     f"precision={a - 0.002:.4f}  recall={a - 0.003:.4f}  f1={a - 0.004:.4f}  "
                     f"loss={0.3 + (1 - a):.4f}\n")
    return "".join(lines)


def _f32(values: np.ndarray) -> list[float]:
    """Values as upstream logs them: float32 tensors turned into Python floats."""
    return [float(v) for v in np.asarray(values, dtype=np.float32)]


def selection_log(task: str, model: str, seed: int, acc: np.ndarray) -> dict[str, Any]:
    """The payload upstream's ``auto_select_layer`` would dump for one simulated run."""
    info, m = TASKS[task], MODELS[model]
    n = m.n_layers
    rng = _rng("log", task, model, seed)
    shape = (acc - acc.min()) / max(float(np.ptp(acc)), 1e-9)
    corr = np.asarray(_f32(0.1 + 0.35 * shape + rng.normal(0, 0.07, n)))
    keyword = np.asarray(_f32(0.05 + 0.3 * np.roll(shape, int(rng.integers(-2, 3)))
                              + rng.normal(0, 0.06, n)))
    score = KEYWORD_WEIGHT * keyword + (1 - KEYWORD_WEIGHT) * corr
    l_abstract = n // 2 if (score <= 0).all() else int(np.argmax(score))
    effects = rng.gamma(1.0, 0.004, (n, m.n_heads))
    target = int(np.clip(l_abstract + rng.integers(-3, 4), 0, n - 1))
    effects[target] += rng.gamma(2.0, 0.05, m.n_heads)
    effects = np.asarray(effects, dtype=np.float32)
    probe: list[float] | None = _f32(np.clip(acc - rng.uniform(0.03, 0.08) + rng.normal(0, 0.01, n), 0, 1))
    base_acc: float | None = float(np.float32(acc[-1] - 0.01))
    nothing = rng.uniform()
    if nothing < 0.05:  # every patched forward failed: all-zero effects, L_Apply = argmax = 0
        effects = np.zeros_like(effects)
        l_apply = 0
    elif nothing < 0.08:  # no probe could be fitted
        effects = np.zeros((0, 0), dtype=np.float32)
        l_apply, base_acc, probe = -1, None, None
    else:
        l_apply = int(np.argmax(effects.sum(axis=1)))
    found = l_apply >= 0 and effects.size > 0 and float(effects.max()) > 0
    return {
        "task": info.task_type,
        "dataset": task,
        "llm_type": m.llm_type,
        "seed": seed,
        "n_samples": N_SAMPLES,
        "L_Abstract": l_abstract,
        "L_Apply": l_apply,
        "final_layer": l_apply if found else l_abstract,
        "keyword_source": "tfidf",
        "keyword_top_k": 10,
        "keywords": [],
        "per_layer_signals": [{"layer": i, "keyword_signal": float(keyword[i]),
                               "corr_signal": float(corr[i])} for i in range(n)],
        "base_acc": base_acc,
        "max_head_effect": float(effects.max()) if effects.size else None,
        "head_effects": effects.tolist() if effects.size else None,
        "per_layer_probe_acc": probe,
        # Upstream logs neither; written here so that reading the simulation assumes nothing.
        "keyword_weight": KEYWORD_WEIGHT,
        "lambda_scale": 3.0,
    }


def files() -> dict[str, bytes]:
    """The simulated results folder: relative path -> bytes, as upstream lays it out."""
    out: dict[str, bytes] = {}
    for task, info in TASKS.items():
        folder = "PiFi_Classification" if info.task_type == "classification" else "PiFi_TextualEntailment"
        for model in MODEL_ORDER:
            acc = grid_accuracy(task, model)
            llm = MODELS[model].llm_type
            out[f"{folder}/{task}_{SLM}_{llm}_results.txt"] = _grid_text(task, model, acc).encode()
            for seed in SEEDS:
                log = selection_log(task, model, seed, acc)
                name = f"selection_logs/{info.task_type}_{task}_{llm}_seed{seed}.json"
                out[name] = json.dumps(log, ensure_ascii=False, indent=2).encode()
    return out


@cache
def layers() -> Layers:
    """The simulation read by the measured reader, as its per-layer population."""
    from pifi_ablation.layers import from_reading
    from pifi_ablation.sources.measured import read

    reading = read(NAME, files=files(), tables=False)
    if reading.problems:  # the simulation is code: a problem here is a bug in it
        raise AssertionError("; ".join(map(str, reading.problems)))
    return from_reading(reading)
