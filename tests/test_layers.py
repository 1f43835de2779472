"""The per-run, per-layer population: from a folder as upstream writes it, and from the
demonstration simulation, read by the same code."""

from __future__ import annotations

import hashlib
import inspect
import json

import numpy as np
import pytest

import pifi_ablation
import pifi_ablation.layers
from pifi_ablation.registry import MODEL_ORDER, MODELS, TASKS
from pifi_ablation.sources import demo_layers
from upstream_factory import IN_PROGRESS, NO_GRID_YET, NOTHING, SEED, write_upstream_results


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    return write_upstream_results(tmp_path_factory.mktemp("layers") / "results")


@pytest.fixture(scope="module")
def measured(upstream):
    return pifi_ablation.load(upstream.root)


def test_measured_population_is_the_default_runs_with_complete_grids(upstream, measured):
    layers = measured.layers
    defaults = [r for r in upstream.runs if r.n_samples == 200 and r.lambda_scale == 3.0]
    shown = [r for r in defaults if upstream.shown(r.task, r.model)]
    assert len(layers.runs) == len(shown)
    assert {(p.task, p.model) for p in layers.pending} == {NO_GRID_YET, IN_PROGRESS}
    assert all(p.seed == SEED for p in layers.pending)
    by_cell = {(r.task, r.model): r for r in layers.runs}
    for truth in shown:
        run = by_cell[(truth.task, truth.model)]
        # The grid as averaged from its lines (re-tested layers, layer=-1), not as drawn.
        np.testing.assert_allclose(run.acc, upstream.acc[(truth.task, truth.model)], atol=1e-12)
        np.testing.assert_array_equal(run.keyword_signal, truth.keyword_signal)
        assert (run.l_abstract, run.l_apply, run.final_layer) == (truth.l_abstract, truth.l_apply,
                                                                 truth.final_layer)
        nothing = NOTHING.get((truth.task, truth.model))
        assert (run.stage2_missing is not None) == (nothing is not None)
        if nothing == "no probe":
            assert run.probe_acc is None and run.head_effects is None
        else:
            assert run.probe_acc is not None and run.probe_acc.size == run.n_layers
            assert run.head_effects is not None
    # Truncated head effects (selection_max_layers/heads) are kept as logged; no layer sums.
    truncated = [r for r in layers.runs if r.model == "Qwen2-7B"]
    assert truncated and all(r.head_effects.shape == (8, 4) and r.head_effect_sums is None
                             for r in truncated)


def test_runs_are_in_task_model_seed_order(measured):
    keys = [(list(TASKS).index(r.task), MODEL_ORDER.index(r.model), r.seed) for r in measured.layers.runs]
    assert keys == sorted(keys)


def test_best_layers_keep_ties():
    run = pifi_ablation.layers.LayerRun("sst2", "Qwen2-0.5B", 1, np.array([0.8, 0.9, 0.85, 0.9]),
                                        np.zeros(4), np.zeros(4), 0.65, 1, 1, 1)
    assert run.best_layers.tolist() == [1, 3]
    # Averaged repeated lines that tie up to rounding still tie.
    acc = np.array([0.8, (0.9134 + 0.9136) / 2, 0.9135])
    run = pifi_ablation.layers.LayerRun("sst2", "Qwen2-0.5B", 1, acc, np.zeros(3), np.zeros(3), 0.65, 1, 1, 1)
    assert run.best_layers.tolist() == [1, 2]


def test_demo_simulation_is_deterministic_in_upstream_formats_and_in_memory(tmp_path, monkeypatch):
    first, second = demo_layers.files(), demo_layers.files()
    assert first == second
    n_logs = len(TASKS) * len(MODEL_ORDER) * len(demo_layers.SEEDS)
    logs = [k for k in first if k.endswith(".json")]
    assert len(logs) == n_logs and len(first) == n_logs + len(TASKS) * len(MODEL_ORDER)
    log = json.loads(first["selection_logs/classification_sst2_qwen2_0.5b_seed2023.json"])
    assert len(log["per_layer_signals"]) == MODELS["Qwen2-0.5B"].n_layers
    assert set(log) >= {"L_Abstract", "L_Apply", "final_layer", "head_effects", "per_layer_probe_acc"}
    grid = first["PiFi_Classification/sst2_bert_qwen2_0.5b_results.txt"].decode()
    assert grid.startswith("dataset=sst2  model=bert  llm=qwen2_0.5b  layer=0  acc=")
    # Read by the measured reader from memory: nothing is written anywhere.
    monkeypatch.chdir(tmp_path)
    layers = demo_layers.layers.__wrapped__()
    assert list(tmp_path.iterdir()) == []
    assert len(layers.runs) == n_logs and not layers.pending
    # The simulation shows stage 2 finding nothing, and last layers that are best.
    assert any(r.stage2_missing for r in layers.runs)
    assert any(r.acc[-1] == r.acc.max() for r in layers.runs)


def test_demo_hash_covers_both_simulations_and_the_ablations_are_unchanged(demo):
    code = inspect.getsource(pifi_ablation.sources.demo).encode() + inspect.getsource(demo_layers).encode()
    assert demo.provenance.content_hash == hashlib.sha256(code).hexdigest()
    assert demo.sample_size.equals(pifi_ablation.sources.demo.sample_size())
    assert len(demo.layers.runs) == len(TASKS) * len(MODEL_ORDER) * len(demo_layers.SEEDS)
    assert "per-layer data" in demo.provenance.description



