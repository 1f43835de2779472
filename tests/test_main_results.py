"""Main-results and selection-signal findings against a folder worked out by hand.

The folder (written below as upstream writes it) holds three complete grids, four runs at
default settings and two pending runs:

* sst2 / Qwen2-0.5B: 0.80 on every layer but 0.90 on layers 10 and 12 (a tie) and 0.85 on
  the last (23); seed 1 selects L_Abstract 12, L_Apply 11 (final 11); seed 2's stage 2 found
  nothing (no probe: L_Apply -1), final = L_Abstract = 3;
* sst2 / Qwen2-1.5B: 0.80 on every layer, 0.90 on the last (27): the last layer is best;
  seed 1: L_Abstract 27, L_Apply 20 (final 20);
* cola / Qwen2-0.5B: 0.70, 0.76 on layer 5, 0.72 on the last; seed 1 selects 5, 5, 5, and
  logs no probe accuracy;
* pending: mnli / Qwen2-0.5B (no grid), imdb / Qwen2-0.5B (grid in progress).

Every signal run logs keyword_signal = accuracy and corr_signal = −accuracy; probe accuracy
= accuracy where logged.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import pifi_ablation
from pifi_ablation import main_results, signals, stats
from pifi_ablation.findings import NO_DATA
from pifi_ablation.layers import Layers
from pifi_ablation.main_findings import layer_findings
from pifi_ablation.registry import MODELS, TASKS


def _grid(n: int, base: float, peaks: dict[int, float]) -> np.ndarray:
    acc = np.full(n, base)
    for layer, value in peaks.items():
        acc[layer] = value
    return acc


GRIDS = {
    ("sst2", "Qwen2-0.5B"): _grid(24, 0.80, {10: 0.90, 12: 0.90, 23: 0.85}),
    ("sst2", "Qwen2-1.5B"): _grid(28, 0.80, {27: 0.90}),
    ("cola", "Qwen2-0.5B"): _grid(24, 0.70, {5: 0.76, 23: 0.72}),
}
# (task, model, seed, L_Abstract, L_Apply, final, probe logged)
RUNS = [("sst2", "Qwen2-0.5B", 1, 12, 11, 11, True), ("sst2", "Qwen2-0.5B", 2, 3, -1, 3, False),
        ("sst2", "Qwen2-1.5B", 1, 27, 20, 20, True), ("cola", "Qwen2-0.5B", 1, 5, 5, 5, False)]


def _folder_name(task: str) -> str:
    return "PiFi_Classification" if TASKS[task].task_type == "classification" else "PiFi_TextualEntailment"


def _write_grid(root: Path, task: str, model: str, acc: np.ndarray, layers: range | None = None) -> None:
    llm = MODELS[model].llm_type
    path = root / _folder_name(task) / f"{task}_bert_{llm}_results.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"dataset={task}  model=bert  llm={llm}  layer={i}  acc={acc[i]:.4f}\n"
             for i in (layers if layers is not None else range(acc.size))]
    path.write_text("".join(lines), encoding="utf-8")


def _write_log(root: Path, task: str, model: str, seed: int, l_abstract: int, l_apply: int, final: int,
               probe: bool, acc: np.ndarray) -> None:
    m = MODELS[model]
    n = m.n_layers
    effects = None
    if l_apply >= 0:
        effects = np.zeros((n, m.n_heads))
        effects[l_apply] = 0.1
    log = {
        "task": TASKS[task].task_type, "dataset": task, "llm_type": m.llm_type, "seed": seed,
        "n_samples": 200, "L_Abstract": l_abstract, "L_Apply": l_apply, "final_layer": final,
        "keyword_source": "tfidf", "keyword_top_k": 10, "keywords": ["good"],
        "per_layer_signals": [{"layer": i, "keyword_signal": float(acc[i]), "corr_signal": -float(acc[i])}
                              for i in range(n)],
        "base_acc": 0.8 if l_apply >= 0 else None,
        "max_head_effect": 0.1 if l_apply >= 0 else None,
        "head_effects": effects.tolist() if effects is not None else None,
        "per_layer_probe_acc": [float(a) for a in acc] if probe else None,
    }
    path = root / "selection_logs" / f"{log['task']}_{task}_{m.llm_type}_seed{seed}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(log, indent=2), encoding="utf-8")


def write_hand_folder(root: Path) -> Path:
    for (task, model), acc in GRIDS.items():
        _write_grid(root, task, model, acc)
    for task, model, seed, a, b, c, probe in RUNS:
        _write_log(root, task, model, seed, a, b, c, probe, GRIDS[(task, model)])
    imdb = _grid(24, 0.80, {})
    _write_grid(root, "imdb", "Qwen2-0.5B", imdb, layers=range(10))  # in progress
    _write_log(root, "imdb", "Qwen2-0.5B", 1, 3, 3, 3, True, imdb)
    _write_log(root, "mnli", "Qwen2-0.5B", 1, 3, 3, 3, True, _grid(24, 0.7, {}))  # no grid yet
    return root


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    root = write_hand_folder(tmp_path_factory.mktemp("hand") / "results")
    ab = pifi_ablation.load(root)
    # The ablation findings need sweeps this folder does not hold: the per-layer ones only.
    return ab, {f.key: f for f in layer_findings(ab.layers)}


def _t_interval(values: list[float], quantile: float) -> tuple[float, float]:
    """Mean ± t * sd / sqrt(n), with the t quantile from a table."""
    x = np.array(values)
    half = quantile * x.std(ddof=1) / math.sqrt(x.size)
    return x.mean() - half, x.mean() + half


T_975_DF1 = 12.706204736174707  # Student's t, 0.975 quantile, 1 degree of freedom


def test_population_and_pending(hand):
    ab, f = hand
    assert (f["main_n_tasks"].value, f["main_n_grids"].value, f["main_n_runs"].value) == (2, 3, 4)
    assert f["main_n_pending"].value == 2
    assert {(p.task, p.model) for p in ab.layers.pending} == {("imdb", "Qwen2-0.5B"), ("mnli", "Qwen2-0.5B")}


def test_last_layer_optimal_share_is_per_task_then_over_tasks(hand):
    _, f = hand
    share = f["main_last_optimal_share"]
    # sst2: 1 of 2 grids (the 1.5B grid ends at its best); cola: 0 of 1.  Mean of 0.5 and 0.
    assert share.value == pytest.approx(0.25) and share.n == 2
    assert share.ci == pytest.approx(_t_interval([0.5, 0.0], T_975_DF1))
    assert f["main_last_optimal_share_pooled"].value == "1/3"
    assert f["main_best_last_gap"].value == pytest.approx(((0.05 + 0.0) / 2 + 0.04) / 2)
    # Best layers 10 and 12 (tied) of 23, the last of 27, layer 5 of 23.
    assert f["main_best_position"].value == pytest.approx(((11 / 23 + 1.0) / 2 + 5 / 23) / 2)


def test_hits_ties_distances_and_stage2_left_out(hand):
    _, f = hand
    # L_Abstract: 12 hits the tie (10, 12), 3 misses by 7, 27 hits, 5 hits: sst2 2/3, cola 1.
    assert f["main_hit_share_abstract"].value == pytest.approx((2 / 3 + 1) / 2)
    assert f["main_hit_share_abstract_pooled"].value == "3/4"
    # L_Apply: seed 2 of sst2 / 0.5B is left out (stage 2 found nothing): sst2 0/2, cola 1/1.
    assert f["main_hit_share_apply"].value == pytest.approx(0.5)
    assert f["main_hit_share_apply_pooled"].value == "1/3"
    assert f["main_apply_excluded"].value == 1
    # Final: 11 (1 from the tie), 3 (7), 20 (7), 5 (0).
    assert f["main_hit_share_final"].value == pytest.approx(0.5)
    assert f["main_hit_share_final_pooled"].value == "1/4"
    assert f["main_within2_share_final"].value == pytest.approx((1 / 3 + 1) / 2)
    assert f["main_within2_share_final_pooled"].value == "2/4"
    assert f["main_distance_final"].value == pytest.approx(((1 + 7 + 7) / 3 + 0) / 2)


def test_auto_against_last_is_paired_over_tasks(hand):
    _, f = hand
    sst2 = ((0.80 - 0.85) + (0.80 - 0.85) + (0.80 - 0.90)) / 3
    cola = 0.76 - 0.72
    diff = f["main_auto_vs_last_diff"]
    assert diff.value == pytest.approx((sst2 + cola) / 2) and diff.n == 2
    assert diff.ci == pytest.approx(_t_interval([sst2, cola], T_975_DF1))
    # With one degree of freedom t is Cauchy: p = 1 - (2/pi) atan(|t|).
    t = ((sst2 + cola) / 2) / (np.std([sst2, cola], ddof=1) / math.sqrt(2))
    assert f["main_auto_vs_last_diff_p"].value == pytest.approx(1 - 2 / math.pi * math.atan(abs(t)))
    assert f["main_auto_vs_last_diff_positive"].value == 1
    assert f["main_acc_best"].value == pytest.approx(((0.90 + 0.90 + 0.90) / 3 + 0.76) / 2)
    # Recovery: sst2 -1, -1, 1 (a zero gap counts as 1), cola 1.
    assert f["main_recovery"].value == pytest.approx((-1 / 3 + 1) / 2)


def test_signal_rhos_and_the_representative_run(hand):
    ab, f = hand
    assert f["signal_rho_keyword"].value == pytest.approx(1.0) and f["signal_rho_keyword"].n == 2
    assert f["signal_rho_correlation"].value == pytest.approx(-1.0)
    assert f["signal_quality_mean"].value == pytest.approx(1.0)  # 0.65 acc − 0.35 acc = 0.3 acc
    # Probe accuracy logged by sst2 seed-1 runs only: one task behind the mean.
    assert f["signal_rho_probe"].value == pytest.approx(1.0) and f["signal_rho_probe"].n == 1
    # Recoveries -1, -1, 1, 1: median 0, every run 1 away; the first in order is taken.
    assert (f["signal_representative_task"].value, f["signal_representative_model"].value,
            f["signal_representative_seed"].value) == ("SST-2", "Qwen2-0.5B", 1)
    matrix = signals.correlation_matrix(ab.layers)
    assert matrix.loc["keyword", "correlation"] == pytest.approx(-1.0)
    assert matrix.loc["accuracy", "pcl"] == pytest.approx(1.0)


def test_table_one_rows_and_mean_row(hand):
    ab, _ = hand
    table = main_results.table_one(ab.layers)
    assert list(table["task"]) == ["sst2", "sst2", "cola", "mean"]
    assert list(table["best_layers"][:3]) == ["10, 12", "27", "5"]
    assert table["auto_acc"].iloc[0] == pytest.approx(0.80)
    assert table["runs"].tolist() == [2, 1, 1, 4]
    mean = table.iloc[-1]
    assert mean["last_acc"] == pytest.approx(((0.85 + 0.90) / 2 + 0.72) / 2)


def test_findings_are_missing_not_raised_without_per_layer_data():
    found = {f.key: f for f in layer_findings(Layers())}
    for key in ("main_last_optimal_share", "main_hit_share_abstract", "main_hit_share_apply",
                "main_hit_share_final", "main_within2_share_final", "main_auto_vs_last_diff",
                "main_auto_vs_last_diff_p", "signal_rho_keyword", "signal_rho_correlation",
                "signal_rho_probe", "signal_quality_mean"):
        assert not found[key].defined and found[key].text == NO_DATA, key


def test_run_matrix_is_spearman_of_every_pair_unlogged_layers_and_constants_included():
    """The one-call matrix equals :func:`signals.spearman` pair by pair, bit for bit, where a
    probe has unlogged layers (NaN), a signal is constant, and where stage 2 logged nothing."""
    from pifi_ablation.layers import LayerRun

    rng = np.random.default_rng(7)
    n = 12
    probe = rng.random(n)
    probe[[2, 5]] = np.nan
    effects = rng.random((n, 4))
    runs = [LayerRun("sst2", "Qwen2-0.5B", 0, np.round(rng.random(n), 2), rng.random(n), rng.random(n),
                     0.65, 3, 4, 4, probe_acc=probe, head_effects=effects),
            LayerRun("sst2", "Qwen2-0.5B", 1, rng.random(n), np.full(n, 0.5), rng.random(n),
                     0.65, 3, -1, 3, probe_acc=None, head_effects=None, stage2_missing="no head"),
            LayerRun("sst2", "Qwen2-0.5B", 2, np.full(n, 0.8), rng.random(n), rng.random(n),
                     0.3, 3, 4, 4, probe_acc=probe, head_effects=effects)]
    for run in runs:
        pairwise = np.array([[signals.spearman(signals.values(run, a), signals.values(run, b))
                              for b in signals.MATRIX] for a in signals.MATRIX])
        assert np.array_equal(signals.run_matrix(run), pairwise, equal_nan=True)
    table = signals.rho_table(Layers(runs=runs))
    assert table.loc[1, "keyword"] != table.loc[1, "keyword"]  # a constant signal: undefined
    assert np.isnan(table.loc[2, list(signals.SIGNALS)].to_numpy(dtype=float)).all()  # a flat grid


def test_rho_table_is_spearman_of_accuracy_with_each_signal_run_by_run():
    """The table ranks and correlates runs of the same size together; each entry equals
    :func:`signals.spearman` of that run (to rounding), with ties in the accuracy and a signal,
    unlogged probe layers, a constant signal, a flat grid, a missing signal and two layer counts."""
    from pifi_ablation.layers import LayerRun

    rng = np.random.default_rng(11)
    runs = []
    for seed, n in enumerate([12, 12, 12, 12, 24, 24, 2]):
        acc = np.round(rng.random(n), 1)  # rounded: ties
        keyword = np.round(rng.random(n), 1)
        probe = rng.random(n)
        if seed == 1:
            probe[[0, 3]] = np.nan
        if seed == 2:
            acc = np.full(n, 0.7)
        effects = rng.random((n, 3)) if seed != 3 else None
        corr = np.full(n, 0.4) if seed == 4 else rng.random(n)
        runs.append(LayerRun("sst2", "Qwen2-0.5B", seed, acc, keyword, corr, 0.65, 3, 1, 1,
                             probe_acc=probe, head_effects=effects,
                             stage2_missing=None if effects is not None else "no head"))
    table = signals.rho_table(Layers(runs=runs))
    assert table["seed"].tolist() == list(range(len(runs)))
    for i, run in enumerate(runs):
        for s in signals.SIGNALS:
            expected = signals.spearman(run.acc, signals.values(run, s))
            assert table.loc[i, s] == pytest.approx(expected, abs=1e-12, nan_ok=True), (i, s)
    assert np.isnan(table.loc[6, list(signals.SIGNALS)].to_numpy(dtype=float)).all()  # two layers


def test_ranks_by_row_are_average_ranks():
    rng = np.random.default_rng(3)
    table = np.round(rng.random((50, 9)), 1)
    expected = np.stack([stats.average_ranks(row) for row in table])
    assert np.array_equal(signals._ranks_by_row(table), expected)
