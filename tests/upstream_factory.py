"""A results folder exactly as upstream's code (PIFI-ILM, commit 11b64ce) writes it, after a few
weeks of real experiments.

* Selection logs: ``auto_select_layer`` writes ``json.dump(payload, f, ensure_ascii=False,
  indent=2)`` to ``{log_dir}/{task}_{dataset}_{llm_type}_seed{seed}.json`` with the keys in
  its order; no ``keyword_weight``, ``lambda_scale`` or ``elapsed_sec``.  Sweeps are filed by
  ``--log_dir results/selection_logs/<setting>=<value>``.
* Grids: the test code appends ``dataset=..  model=..  llm=..  layer=..  acc=..  precision=..
  recall=..  f1=..  loss=..`` (two spaces between fields, four decimals) to
  ``{result_path}/{dataset}_{model_type}_{llm_model}_results.txt``, ``result_path`` ending in
  ``PiFi_Classification`` or ``PiFi_TextualEntailment``.

The folder holds every real-world state at once: stage 2 finding nothing (three ways),
truncated head effects, re-tested layers, ``layer=-1`` lines, files of another LLM and SLM,
selections whose grid search has not started and a grid still being filled.  The
:class:`Upstream` manifest keeps the truth each file was written from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pifi_ablation.registry import MODEL_ORDER, MODELS, TASKS
from results_factory import _rng, grid_accuracy, select_abstract

SEED = 2023  # run_all_selections.sh
SAMPLE_SWEEP = (50, 100)  # with upstream's default 200
LAMBDA_SWEEP = (1.0, 5.0)  # with the default 3.0
SWEPT_MODEL = "Qwen2-1.5B"  # the sweeps were run for one model
NO_GRID_YET = ("snli", "Qwen2-7B")  # selections done, grid search not started
IN_PROGRESS = ("mnli", "Qwen2-7B")  # grid search running: layers 0..15 so far
IN_PROGRESS_LAYERS = 16
RETESTED = ("sst2", "Qwen2-1.5B")  # layers 10-12 tested again, and a layer=-1 line
RETEST_LAYERS = (10, 11, 12)
TRUNCATED = ("Qwen2-7B", 8, 4)  # selection_max_layers / selection_max_heads for this model's logs
# Stage 2 found nothing, written as upstream writes each way (task, model) -> how.
NOTHING = {("cola", "Qwen2-0.5B"): "zero effects", ("imdb", "Qwen2-0.5B"): "no anchor",
           ("tweet_offensive", "Qwen2-0.5B"): "no probe"}
OUTSIDE = ("PiFi_Classification/sst2_bert_llama3.1_results.txt",
           "PiFi_Classification/sst2_roberta_qwen2_1.5b_results.txt")


# A file in a results folder that is not a result, named to try HTML injection: the book lists
# it as skipped, escaped.
ODD_NAME = "notes <img src=x onerror=alert(1)> & more.txt"


@dataclass
class UpstreamRun:
    path: Path
    task: str
    model: str
    n_samples: int
    lambda_scale: float
    l_abstract: int
    l_apply: int
    final_layer: int
    max_head_effect: float | None  # None where stage 2 found nothing
    keyword_signal: np.ndarray
    corr_signal: np.ndarray


@dataclass
class Upstream:
    root: Path
    acc: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # the mean per layer
    grid_paths: dict[tuple[str, str], Path] = field(default_factory=dict)
    runs: list[UpstreamRun] = field(default_factory=list)
    outside: list[Path] = field(default_factory=list)

    def shown(self, task: str, model: str) -> bool:
        return (task, model) not in (NO_GRID_YET, IN_PROGRESS)


def grid_line(dataset: str, slm: str, llm: str, layer: int, acc: float) -> str:
    """One line exactly as upstream's test.py formats it."""
    precision, recall, f1, loss = acc - 0.002, acc - 0.003, acc - 0.004, 0.3 + (1 - acc)
    return (f"dataset={dataset}  model={slm}  llm={llm}  layer={layer}  acc={acc:.4f}  "
            f"precision={precision:.4f}  recall={recall:.4f}  f1={f1:.4f}  loss={loss:.4f}\n")


def append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:  # upstream's mode
        f.write(line)


def grid_folder(task: str) -> str:
    return "PiFi_Classification" if TASKS[task].task_type == "classification" else "PiFi_TextualEntailment"


def payload(task: str, model: str, acc: np.ndarray, n_samples: int, lambda_scale: float,
            nothing: str | None = None) -> tuple[dict[str, Any], UpstreamRun]:
    """The payload upstream's auto_select_layer dumps, and the truth behind it."""
    info, m = TASKS[task], MODELS[model]
    n = m.n_layers
    rng = _rng("upstream", task, model, n_samples, lambda_scale)
    shape = (acc - acc.min()) / max(np.ptp(acc), 1e-9)
    noise = 0.25 * np.sqrt(200 / n_samples)
    corr = np.float32(0.1 + 0.4 * shape + rng.normal(0, noise, n) * 0.3).astype(float)
    keyword = np.float32(0.05 + 0.3 * np.roll(shape, rng.integers(-2, 3))
                         + rng.normal(0, noise, n) * 0.2).astype(float)
    l_abstract = select_abstract(0.65 * keyword + 0.35 * corr)
    rows, heads = (TRUNCATED[1], TRUNCATED[2]) if model == TRUNCATED[0] else (n, m.n_heads)
    effects = rng.gamma(1.0, 0.004, (rows, heads))
    effects[min(l_abstract, rows - 1)] += rng.gamma(2.0, 0.05, heads) * (lambda_scale / 3.0) ** 0.5
    effects = effects.astype(np.float32)
    probe: list[float] | None = [float(v) for v in np.float32(np.clip(acc - 0.05, 0, 1))]
    base_acc: float | None = float(np.float32(acc[-1] - 0.01))
    if nothing == "zero effects":
        effects = np.zeros((rows, heads), dtype=np.float32)
        l_apply = int(np.argmax(effects.sum(axis=1)))  # 0
    elif nothing == "no anchor":
        effects = np.zeros((rows, heads), dtype=np.float32)
        l_apply, base_acc = -1, None
    elif nothing == "no probe":
        effects = np.zeros((0, 0), dtype=np.float32)
        l_apply, base_acc, probe = -1, None, None
    else:
        l_apply = int(np.argmax(effects.sum(axis=1)))
    found = not (l_apply < 0 or effects.size == 0 or float(np.max(effects)) == 0.0)
    final = l_apply if found else l_abstract
    data = {
        "task": info.task_type,
        "dataset": task,
        "llm_type": m.llm_type,
        "seed": SEED,
        "n_samples": n_samples,
        "L_Abstract": int(l_abstract),
        "L_Apply": int(l_apply),
        "final_layer": int(final),
        "keyword_source": "tfidf",
        "keyword_top_k": 10,
        "keywords": ["영화", "good", "bad"] if task == "sst2" else ["not", "no"],
        "per_layer_signals": [{"layer": i, "keyword_signal": float(keyword[i]), "corr_signal": float(corr[i])}
                              for i in range(n)],
        "base_acc": base_acc if l_apply >= 0 else None,
        "max_head_effect": float(effects.max()) if effects.size > 0 else None,
        "head_effects": effects.tolist() if effects.size > 0 else None,
        "per_layer_probe_acc": probe,
    }
    truth = UpstreamRun(Path(), task, model, n_samples, lambda_scale, l_abstract, l_apply, final,
                        float(effects.max()) if found else None, keyword, corr)
    return data, truth


def write_log(root: Path, folder: str, data: dict[str, Any]) -> Path:
    path = root / "selection_logs" / folder / (
        f"{data['task']}_{data['dataset']}_{data['llm_type']}_seed{data['seed']}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
    return path


def write_upstream_results(root: Path) -> Upstream:
    """Write the folder; see the module's docstring for what it holds."""
    up = Upstream(root)
    for task in TASKS:
        for model in MODEL_ORDER:
            acc = grid_accuracy(task, model)
            llm = MODELS[model].llm_type
            grid = root / grid_folder(task) / f"{task}_bert_{llm}_results.txt"
            if (task, model) != NO_GRID_YET:
                layers = range(IN_PROGRESS_LAYERS) if (task, model) == IN_PROGRESS else range(acc.size)
                tested = {i: [float(acc[i])] for i in layers}
                if (task, model) == RETESTED:
                    for i in RETEST_LAYERS:  # a re-test: another measurement of the same layer
                        tested[i].append(round(float(acc[i]) + 0.006, 4))
                    tested[acc.size - 1].append(round(float(acc[-1]) - 0.002, 4))  # written as layer=-1
                for i in layers:
                    append_line(grid, grid_line(task, "bert", llm, i, tested[i][0]))
                for i in RETEST_LAYERS if (task, model) == RETESTED else ():
                    append_line(grid, grid_line(task, "bert", llm, i, tested[i][1]))
                if (task, model) == RETESTED:
                    append_line(grid, grid_line(task, "bert", llm, -1, tested[acc.size - 1][1]))
                up.grid_paths[(task, model)] = grid
                up.acc[(task, model)] = np.array([np.mean([float(f"{v:.4f}") for v in tested[i]])
                                                  if i in tested else np.nan for i in range(acc.size)])
            sweeps: list[tuple[str, int, float]] = [("", 200, 3.0)]
            if model == SWEPT_MODEL:
                sweeps += [(f"n_samples={n}", n, 3.0) for n in SAMPLE_SWEEP]
                sweeps += [(f"lambda_scale={lam}", 200, lam) for lam in LAMBDA_SWEEP]
            for folder, n_samples, lam in sweeps:
                nothing = NOTHING.get((task, model)) if folder == "" else None
                data, truth = payload(task, model, acc, n_samples, lam, nothing)
                truth.path = write_log(root, folder, data)
                up.runs.append(truth)
    # Files outside the study, as the run scripts leave them: the default LLM (llama3.1), base
    # runs (which name the default LLM too, at layer=-1) and another SLM.
    for rel, slm, llm in zip(OUTSIDE, ("bert", "roberta"), ("llama3.1", "qwen2_1.5b"), strict=True):
        for layer in (-1, -1, 5):
            append_line(root / rel, grid_line("sst2", slm, llm, layer, 0.9))
        up.outside.append(root / rel)
    return up


def write_study(root: Path, cells: list[tuple[str, str]], *, seeds: tuple[int, ...] = (SEED,),
                settings: tuple[tuple[str, int, float], ...] = (("", 200, 3.0),),
                grid_layers: dict[tuple[str, str], int] | None = None) -> Upstream:
    """A study as a lab's folder holds it part-way: for each (task, model) of ``cells`` and each
    seed, one log per ``(folder, n_samples, lambda_scale)`` of ``settings`` (``""`` is the default
    run in ``selection_logs/``), written by upstream's own writers; and each cell's grid with
    ``grid_layers[cell]`` layers tested (all when absent; 0: no grid file yet).  ``up.acc`` holds the
    complete grids only."""
    up = Upstream(root)
    layers_of = grid_layers or {}
    for task, model in cells:
        acc = grid_accuracy(task, model)
        llm = MODELS[model].llm_type
        tested = layers_of.get((task, model), acc.size)
        if tested:
            grid = root / grid_folder(task) / f"{task}_bert_{llm}_results.txt"
            for i in range(min(tested, acc.size)):
                append_line(grid, grid_line(task, "bert", llm, i, float(acc[i])))
            up.grid_paths[(task, model)] = grid
            if tested >= acc.size:
                up.acc[(task, model)] = np.array([float(f"{v:.4f}") for v in acc])
        for seed in seeds:
            for folder, n_samples, lam in settings:
                data, truth = payload(task, model, acc, n_samples, lam)
                data["seed"] = seed
                truth.path = write_log(root, folder, data)
                up.runs.append(truth)
    return up
