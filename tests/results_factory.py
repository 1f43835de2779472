"""Write a realistic results folder in the measured formats of SPEC.md, from code.

The folder looks like what the upstream pipeline leaves behind: selection logs
under ``selection_logs/`` (older ones under ``layer_selection/``), sweep runs in
``key=value`` folders, grids under ``classification/``, ``entailment/`` or the top
level, ``f1`` spelled three ways.  Every number is drawn from a seeded generator,
and the :class:`Manifest` returned keeps the truth each file was written from,
so tests can compute the expected tables without the package's loader.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pifi_ablation.registry import MODEL_ORDER, MODELS, TASKS

SEEDS: tuple[int, ...] = (0, 1, 2)
SAMPLE_SIZES: tuple[int, ...] = (50, 100, 400, 800)  # with the default 200
LAMBDAS: tuple[float, ...] = (0.5, 1.0, 5.0, 10.0)  # with the default 3.0
DEFAULT_N, DEFAULT_KW, DEFAULT_LAMBDA = 200, 0.65, 3.0
SLM = "bert"


@dataclass
class GridTruth:
    task: str
    model: str
    acc: np.ndarray
    path: Path


@dataclass
class RunTruth:
    """What one log was written from (settings as the run used them)."""

    path: Path
    task: str
    model: str
    seed: int
    n_samples: int
    keyword_weight: float
    lambda_scale: float
    keyword_signal: np.ndarray
    corr_signal: np.ndarray
    l_abstract: int
    l_apply: int
    final_layer: int
    max_head_effect: float | None
    elapsed_sec: float | None
    in_json: frozenset[str]

    @property
    def settings(self) -> tuple[int, float, float]:
        return self.n_samples, self.keyword_weight, self.lambda_scale


@dataclass
class Manifest:
    root: Path
    grids: dict[tuple[str, str], GridTruth] = field(default_factory=dict)
    runs: list[RunTruth] = field(default_factory=list)
    extra_files: list[Path] = field(default_factory=list)


def _rng(*parts: Any) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(parts).encode()))


def grid_accuracy(task: str, model: str, n_layers: int | None = None) -> np.ndarray:
    """A plausible accuracy per plugged layer: a hump in the upper middle, the last layer lower."""
    n = n_layers or MODELS[model].n_layers
    rng = _rng("grid", task, model)
    layers = np.arange(n)
    base = 0.78 if TASKS[task].task_type == "entailment" else 0.84
    base += 0.02 * np.log2(MODELS[model].params_b + 1)
    peak = rng.uniform(0.45, 0.8) * (n - 1)
    amp = rng.uniform(0.02, 0.07)
    acc = base + amp * np.exp(-(((layers - peak) / (0.3 * n)) ** 2)) + rng.normal(0, 0.003, n)
    return np.round(np.clip(acc, 0.0, 1.0), 4)


def grid_text(acc: np.ndarray, f1: str | None = "f1") -> str:
    lines = []
    for layer, a in enumerate(acc):
        line = f"layer={layer} acc={a:.4f}"
        if f1:
            line += f" {f1}={max(a - 0.004, 0):.4f}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def select_abstract(score: np.ndarray) -> int:
    return score.size // 2 if np.all(score <= 0) else int(np.argmax(score))


def make_log(task: str, model: str, seed: int, n_samples: int = DEFAULT_N,
             keyword_weight: float = DEFAULT_KW, lambda_scale: float = DEFAULT_LAMBDA,
             n_layers: int | None = None, head_effects: bool = True, elapsed: bool = True,
             acc: np.ndarray | None = None) -> dict[str, Any]:
    """One selection log as the selection script writes it (every optional key included)."""
    info, m = TASKS[task], MODELS[model]
    n = n_layers or m.n_layers
    acc = grid_accuracy(task, model, n) if acc is None else acc
    rng = _rng("log", task, model, seed, n_samples, keyword_weight, lambda_scale)
    shape = (acc - acc.min()) / max(np.ptp(acc), 1e-9)
    noise = 0.25 * np.sqrt(DEFAULT_N / n_samples)
    corr = np.round(0.1 + 0.4 * shape + rng.normal(0, noise, n) * 0.3, 6)
    keyword = np.round(0.05 + 0.3 * np.roll(shape, rng.integers(-2, 3)) + rng.normal(0, noise, n) * 0.2, 6)
    score = keyword_weight * keyword + (1 - keyword_weight) * corr
    l_abstract = select_abstract(score)
    found = not (lambda_scale < 1.0 and seed == 0)  # tiny lambda: stage 2 sometimes finds nothing
    if found:
        strength = (lambda_scale / 3.0) ** 0.5 if lambda_scale < 3 else np.exp(-(lambda_scale - 3) / 5)
        effects = rng.gamma(1.0, 0.004, (n, m.n_heads))
        target = int(np.clip(l_abstract + rng.integers(-2, 3), 0, n - 1))
        effects[target] += rng.gamma(2.0, 0.05, m.n_heads) * strength
        effects = np.round(effects, 6)
        l_apply = int(np.argmax(effects.sum(axis=1)))
        max_effect: float | None = float(effects.max())
    else:
        effects, l_apply, max_effect = None, -1, None
    final = l_abstract if l_apply == -1 else l_apply
    log: dict[str, Any] = {
        "task": info.task_type,
        "dataset": task,
        "llm_type": m.llm_type,
        "seed": seed,
        "n_samples": n_samples,
        "L_Abstract": l_abstract,
        "L_Apply": l_apply,
        "final_layer": final,
        "keyword_source": "tfidf",
        "keyword_top_k": 10,
        "keywords": [f"kw{i}_{task}" for i in range(5)],
        "per_layer_signals": [{"layer": i, "keyword_signal": float(keyword[i]),
                               "corr_signal": float(corr[i])} for i in range(n)],
        "base_acc": float(np.round(acc[-1] - 0.01, 4)),
        "max_head_effect": max_effect,
        "head_effects": effects.tolist() if (found and head_effects) else None,
        "per_layer_probe_acc": [float(v) for v in np.round(np.clip(acc - 0.05, 0, 1), 4)],
        "keyword_weight": keyword_weight,
        "lambda_scale": lambda_scale,
    }
    if elapsed:
        log["elapsed_sec"] = float(np.round(5 + 0.1 * n_samples + rng.normal(0, 1), 3))
    return log


def log_name(log: dict[str, Any]) -> str:
    return f"{log['task']}_{log['dataset']}_{log['llm_type']}_seed{log['seed']}.json"


def write_json(path: Path, obj: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path


def write_grid(root: Path, task: str, model: str, acc: np.ndarray, folder: str = "",
               f1: str | None = "f1") -> Path:
    path = root / folder / f"{task}_{SLM}_{MODELS[model].llm_type}_results.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(grid_text(acc, f1), encoding="utf-8")
    return path


def write_results(root: Path, *, tasks: tuple[str, ...] = tuple(TASKS),
                  models: tuple[str, ...] = MODEL_ORDER, seeds: tuple[int, ...] = SEEDS,
                  sample_sizes: tuple[int, ...] = SAMPLE_SIZES, lambdas: tuple[float, ...] = LAMBDAS,
                  keyword_weights: tuple[float, ...] = (), keyword_models: tuple[str, ...] = (),
                  elapsed: bool = True) -> Manifest:
    """Write a results folder: a default run per (task, model, seed) and one-setting sweeps."""
    manifest = Manifest(root)
    for i, task in enumerate(tasks):
        for j, model in enumerate(models):
            acc = grid_accuracy(task, model)
            folder = ("" if (i + j) % 5 == 0 else TASKS[task].task_type)
            spelling = ("f1", "macro_f1", None)[(i + j) % 3]
            path = write_grid(root, task, model, acc, folder, spelling)
            manifest.grids[(task, model)] = GridTruth(task, model, acc, path)
            for seed in seeds:
                runs: list[tuple[str, dict[str, Any]]] = [("", {})]
                runs += [(f"n_samples={n}", {"n_samples": n}) for n in sample_sizes]
                runs += [(f"lambda_scale={lam:g}", {"lambda_scale": lam}) for lam in lambdas]
                if model in keyword_models:
                    runs += [(f"keyword_weight={w:g}", {"keyword_weight": w}) for w in keyword_weights]
                for sub, settings in runs:
                    log = make_log(task, model, seed, elapsed=elapsed, acc=acc, **settings)
                    # Which settings the JSON itself holds: older runs left out the sweep keys.
                    dropped = set()
                    if sub == "" and seed == 2:
                        dropped = {"keyword_weight", "lambda_scale"}  # defaults assumed
                    elif sub.startswith("lambda_scale") and seed % 2 == 1:
                        dropped = {"lambda_scale"}  # taken from the folder name
                    for key in dropped:
                        del log[key]
                    true_max = log["max_head_effect"]
                    if seed == 1:  # runs that logged no probe accuracies
                        log["base_acc"] = log["per_layer_probe_acc"] = None
                    if sub.startswith("lambda_scale") and seed == 2:
                        log["max_head_effect"] = None  # the loader reads it off head_effects
                    top = "layer_selection" if (sub == "" and model == "Qwen2-1.5B") else "selection_logs"
                    path = write_json(root / top / sub / log_name(log), log)
                    manifest.runs.append(RunTruth(
                        path=path, task=task, model=model, seed=seed,
                        n_samples=settings.get("n_samples", DEFAULT_N),
                        keyword_weight=settings.get("keyword_weight", DEFAULT_KW),
                        lambda_scale=settings.get("lambda_scale", DEFAULT_LAMBDA),
                        keyword_signal=np.array([s["keyword_signal"] for s in log["per_layer_signals"]]),
                        corr_signal=np.array([s["corr_signal"] for s in log["per_layer_signals"]]),
                        l_abstract=log["L_Abstract"], l_apply=log["L_Apply"],
                        final_layer=log["final_layer"], max_head_effect=true_max,
                        elapsed_sec=log.get("elapsed_sec"), in_json=frozenset(log)))
    readme = root / "README.txt"
    readme.write_text("Runs of the layer-selection study.\n", encoding="utf-8")
    manifest.extra_files.append(readme)
    return manifest
