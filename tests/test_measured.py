"""The measured source: tables derived from a generated results folder, checked against values
computed here from the generator's own truth (never from the loader's output)."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

import pifi_ablation
from pifi_ablation import paths
from pifi_ablation.figures import make_figure
from pifi_ablation.pages import coverage_html, notice_html, provenance_html
from pifi_ablation.sources import measured
from pifi_ablation.tables import summary_table
from results_factory import (
    DEFAULT_KW,
    DEFAULT_LAMBDA,
    DEFAULT_N,
    grid_accuracy,
    make_log,
    select_abstract,
    write_grid,
    write_json,
    write_results,
)

# Facts of the study (hand-checked against the models' configurations), typed here on purpose.
PARAMS_B = {"Qwen2-0.5B": 0.5, "Qwen2-1.5B": 1.5, "Qwen2-7B": 7.0}
N_LAYERS = {"Qwen2-0.5B": 24, "Qwen2-1.5B": 28, "Qwen2-7B": 28}
KW_GRID = (0.0, 0.25, 0.5, 0.65, 0.75, 0.9, 1.0)
LOGGED_WEIGHTS = (0.3, 0.9)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("results")
    manifest = write_results(root, keyword_weights=LOGGED_WEIGHTS, keyword_models=("Qwen2-0.5B",))
    return manifest


@pytest.fixture(scope="module")
def ab(folder):
    return pifi_ablation.load(folder.root)


def _runs(folder, **settings):
    """Runs of the manifest whose settings differ from the defaults only in ``settings``' keys."""
    defaults = {"n_samples": DEFAULT_N, "keyword_weight": DEFAULT_KW, "lambda_scale": DEFAULT_LAMBDA}
    out = []
    for r in folder.runs:
        if all(getattr(r, k) == v for k, v in defaults.items() if k not in settings):
            out.append(r)
    return out


def _recovery(acc, layer):
    best_gap = acc.max() - acc[-1]
    auto = acc[layer] - acc[-1]
    return (1.0 if best_gap == 0 else auto / best_gap), auto, best_gap


def _sorted(df, keys):
    return df.sort_values(keys, ignore_index=True)


def test_task_table_from_the_grid_at_the_final_layer(folder, ab):
    rows = []
    for r in _runs(folder):
        acc = folder.grids[(r.task, r.model)].acc
        rec, auto, best = _recovery(acc, r.final_layer)
        rows.append({"task": r.task, "model": r.model, "seed": r.seed, "recovery_rate": rec,
                     "auto_last_gap": auto, "best_last_gap": best,
                     "sensitivity": (acc.max() - acc.min()) / acc.max(),
                     "n_classes": 3 if r.task in ("snli", "mnli") else 2})
    expected = _sorted(pd.DataFrame(rows), ["model", "task", "seed"])
    got = _sorted(ab.task_sensitivity, ["model", "task", "seed"])
    assert len(got) == 7 * 3 * 3
    for col in ("recovery_rate", "auto_last_gap", "best_last_gap", "sensitivity"):
        np.testing.assert_allclose(got[col], expected[col], rtol=0, atol=1e-12, err_msg=col)
    assert list(got["task"]) == list(expected["task"])
    assert list(got["n_classes"]) == list(expected["n_classes"])


def test_model_table_facts_from_the_registry(folder, ab):
    got = _sorted(ab.model_size, ["model", "task", "seed"])
    assert dict(zip(got["model"], got["params_b"], strict=True)) == PARAMS_B
    assert dict(zip(got["model"], got["n_layers"], strict=True)) == N_LAYERS
    for _, row in got.iterrows():
        acc = folder.grids[(row["task"], row["model"])].acc
        assert row["last_acc"] == acc[-1]
        assert row["best_acc"] == acc.max()
        assert row["best_layer_norm"] == pytest.approx(int(np.argmax(acc)) / (len(acc) - 1))


def test_sample_size_table(folder, ab):
    rows = []
    for r in _runs(folder, n_samples=None):
        acc = folder.grids[(r.task, r.model)].acc
        score = r.keyword_weight * r.keyword_signal + (1 - r.keyword_weight) * r.corr_signal
        rec = _recovery(acc, r.final_layer)[0]
        rows.append({"model": r.model, "task": r.task, "n_samples": r.n_samples, "seed": r.seed,
                     "recovery_rate": rec, "signal_quality": sps.spearmanr(score, acc).statistic,
                     "time_sec": r.elapsed_sec})
    keys = ["model", "task", "n_samples", "seed"]
    expected = _sorted(pd.DataFrame(rows), keys)
    got = _sorted(ab.sample_size, keys)
    assert len(got) == 7 * 3 * 3 * 5
    assert sorted(got["n_samples"].unique()) == [50, 100, 200, 400, 800]
    for col in ("recovery_rate", "signal_quality", "time_sec"):
        np.testing.assert_allclose(got[col], expected[col], rtol=0, atol=1e-12, err_msg=col)


def test_lambda_table_and_missing_head_effects(folder, ab):
    keys = ["model", "task", "lambda_scale", "seed"]
    rows = [{"model": r.model, "task": r.task, "lambda_scale": r.lambda_scale, "seed": r.seed,
             "max_head_effect": np.nan if r.max_head_effect is None else r.max_head_effect}
            for r in _runs(folder, lambda_scale=None)]
    expected = _sorted(pd.DataFrame(rows), keys)
    got = _sorted(ab.lambda_scale, keys)
    np.testing.assert_allclose(got["max_head_effect"], expected["max_head_effect"], rtol=0, atol=1e-12)
    n_missing = int(expected["max_head_effect"].isna().sum())
    assert n_missing == 21  # lambda 0.5, seed 0: stage 2 found nothing, for every task and model
    # Missing with its reason, not an error, and left out of the mean (n runs says so).
    assert any("stage 2 found nothing" in w and f"({n_missing} files" in w for w in ab.provenance.warnings)
    table = summary_table(ab, "lambda_scale").frame
    at_half = table[table["Lambda scale (λ)"] == "0.5"].iloc[0]
    assert at_half["Runs (n)"] == str(63)  # recovery is defined for all 63 runs


def test_keyword_weight_by_stage1_reselection(folder, ab):
    table = ab.keyword_weight
    reselected = table[table["basis"] == "stage-1 re-selection"]
    expected = []
    for r in _runs(folder):
        acc = folder.grids[(r.task, r.model)].acc
        for w in sorted({*KW_GRID, *LOGGED_WEIGHTS}):
            layer = select_abstract(w * r.keyword_signal + (1 - w) * r.corr_signal)
            expected.append({"model": r.model, "task": r.task, "keyword_weight": w, "seed": r.seed,
                             "recovery_rate": _recovery(acc, layer)[0]})
    keys = ["model", "task", "keyword_weight", "seed"]
    expected = _sorted(pd.DataFrame(expected), keys)
    got = _sorted(reselected, keys)
    assert list(got["keyword_weight"]) == list(expected["keyword_weight"])
    np.testing.assert_allclose(got["recovery_rate"], expected["recovery_rate"], rtol=0, atol=1e-12)
    # Logged runs: the swept model's cells only, each at every weight it ran, its default included.
    logged = table[table["basis"] == "logged run"]
    assert sorted(logged["keyword_weight"].unique()) == sorted({*LOGGED_WEIGHTS, DEFAULT_KW})
    assert set(logged["model"]) == {"Qwen2-0.5B"}
    assert len(logged) == 7 * 3 * (len(LOGGED_WEIGHTS) + 1)
    assert "stage-1 re-selection" in ab.provenance.label("keyword_weight")


def test_keyword_weight_curve_is_never_mixed_with_logged_runs(ab):
    table = summary_table(ab, "keyword_weight").frame
    curve = ab.keyword_weight[ab.keyword_weight["basis"] == "stage-1 re-selection"]
    per_task = curve.groupby(["keyword_weight", "task"])["recovery_rate"].mean()
    means = per_task.groupby("keyword_weight").mean()
    row = table[table["Keyword weight (α)"] == "0.65"].iloc[0]
    assert row["Mean recovery [95% CI]"].startswith(f"{100 * means.loc[0.65]:.1f}%")
    assert row["Runs (n)"] == "63"
    logged_row = table[table["Keyword weight (α)"] == "0.3"].iloc[0]
    assert logged_row["Logged runs (stages 1+2): mean recovery"].endswith("(21 runs)")


def test_seeds_are_averaged_per_task_then_interval_over_tasks(ab):
    table = summary_table(ab, "sample_size").frame
    t = ab.sample_size[ab.sample_size["n_samples"] == 50]
    per_task = t.groupby("task")["recovery_rate"].mean().to_numpy()
    half = sps.t.ppf(0.975, len(per_task) - 1) * per_task.std(ddof=1) / np.sqrt(len(per_task))
    low, high = per_task.mean() - half, per_task.mean() + half
    row = table[table["Selection samples (n)"] == "50"].iloc[0]
    assert row["Mean recovery [95% CI]"] == (f"{100 * per_task.mean():.1f}% "
                                             f"[{100 * low:.1f}%, {100 * high:.1f}%]")
    assert row["Tasks (n)"] == "7" and row["Runs (n)"] == "63"


def test_provenance_names_folder_files_hash_and_assumptions(folder, ab):
    p = ab.provenance
    assert p.kind == "measured" and not p.is_demo
    # Named without the building machine's path: the folder lies outside the project here.
    assert p.location == folder.root.name
    assert str(folder.root.parent) not in p.location
    assert len(p.files) == len(folder.runs) + len(folder.grids)
    lines = []
    for path in sorted([*(r.path for r in folder.runs), *(g.path for g in folder.grids.values())],
                       key=lambda q: q.relative_to(folder.root).as_posix()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{path.relative_to(folder.root).as_posix()}\0{digest}\n")
    assert p.content_hash == hashlib.sha256("".join(lines).encode()).hexdigest()
    defaults_assumed = [r for r in folder.runs if "keyword_weight" not in r.in_json]
    assert any("keyword_weight is in neither the log nor a key=value folder: the default 0.65 was assumed"
               f" ({len(defaults_assumed)} files" in a for a in p.assumptions)
    assert any("README.txt" in w and "not read" in w for w in p.warnings)
    assert f"{len(p.files)} files" in p.label()


def test_settings_from_the_folder_name_when_the_json_lacks_them(folder, ab):
    from_path = [r for r in folder.runs
                 if r.lambda_scale != DEFAULT_LAMBDA and "lambda_scale" not in r.in_json]
    assert from_path
    got = ab.lambda_scale.set_index(["model", "task", "lambda_scale", "seed"])
    for r in from_path:
        assert (r.model, r.task, r.lambda_scale, r.seed) in got.index


def test_hash_changes_with_content(tmp_path):
    m = write_results(tmp_path, tasks=("sst2",), models=("Qwen2-0.5B",), seeds=(0,), sample_sizes=(),
                      lambdas=())
    first = pifi_ablation.load(tmp_path).provenance.content_hash
    assert pifi_ablation.load(tmp_path).provenance.content_hash == first
    log = json.loads(m.runs[0].path.read_text())
    log["elapsed_sec"] += 1.0
    m.runs[0].path.write_text(json.dumps(log))
    assert pifi_ablation.load(tmp_path).provenance.content_hash != first


def test_selection_time_not_recorded_panel(tmp_path):
    write_results(tmp_path, tasks=("sst2", "snli"), models=("Qwen2-0.5B",), seeds=(0, 1), lambdas=(),
                  elapsed=False)
    ab = pifi_ablation.load(tmp_path)
    assert ab.sample_size["time_sec"].isna().all()
    assert any("elapsed_sec not logged (upstream does not log it): selection time not recorded" in w
               for w in ab.provenance.warnings)
    fig = make_figure(ab, "sample_size")
    texts = [t.get_text() for t in fig.axes[2].texts]
    assert any("Selection time\nnot logged" in t for t in texts)
    assert not any(spine.get_visible() for spine in fig.axes[2].spines.values())  # no empty axis


def test_flat_grid_gives_missing_signal_quality_with_its_reason(tmp_path):
    acc = np.full(24, 0.85)
    write_grid(tmp_path, "sst2", "Qwen2-0.5B", acc)
    log = make_log("sst2", "Qwen2-0.5B", 0, acc=grid_accuracy("sst2", "Qwen2-0.5B"))
    write_json(tmp_path / "selection_logs" / "classification_sst2_qwen2_0.5b_seed0.json", log)
    swept = make_log("sst2", "Qwen2-0.5B", 0, n_samples=50, acc=grid_accuracy("sst2", "Qwen2-0.5B"))
    name = "classification_sst2_qwen2_0.5b_seed0.json"
    write_json(tmp_path / "selection_logs" / "n_samples=50" / name, swept)
    ab = pifi_ablation.load(tmp_path)
    assert len(ab.sample_size) == 2
    assert ab.sample_size["signal_quality"].isna().all()
    assert ab.task_sensitivity["recovery_rate"].tolist() == [1.0]  # best_last_gap = 0
    assert any("signal quality undefined (the grid is flat)" in w for w in ab.provenance.warnings)


def test_grid_layer_count_wins_over_the_registry(tmp_path):
    acc = grid_accuracy("sst2", "Qwen2-7B", n_layers=32)
    write_grid(tmp_path, "sst2", "Qwen2-7B", acc)
    log = make_log("sst2", "Qwen2-7B", 0, n_layers=32, acc=acc)
    write_json(tmp_path / "classification_sst2_qwen2_7b_seed0.json", log)
    ab = pifi_ablation.load(tmp_path)
    assert ab.model_size["n_layers"].tolist() == [32]
    assert any("32 layers where the registry gives Qwen2-7B 28: the grid's count is used" in w
               for w in ab.provenance.warnings)


def test_spearman_rows_equals_scipy():
    rng = np.random.default_rng(3)
    scores = np.round(rng.normal(size=(50, 12)), 1)  # rounding makes ties
    acc = np.round(rng.uniform(0.7, 0.9, 12), 2)
    scores[0] = 1.0  # constant score: undefined
    got = measured.spearman_rows(scores, acc)
    assert np.isnan(got[0])
    for i in range(1, 50):
        assert got[i] == pytest.approx(sps.spearmanr(scores[i], acc).statistic, abs=1e-12)


def test_default_source_reads_results_when_it_holds_logs(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.SOURCE_ENV, raising=False)
    monkeypatch.setattr(paths, "RESULTS_DIR", tmp_path / "results")
    assert paths.default_source() == "demo"
    write_results(tmp_path / "results", tasks=("sst2",), models=("Qwen2-0.5B",), seeds=(0,),
                  sample_sizes=(), lambdas=())
    assert paths.default_source() == str(tmp_path / "results")
    assert pifi_ablation.load().provenance.kind == "measured"
    monkeypatch.setenv(paths.SOURCE_ENV, "demo")
    assert pifi_ablation.load().provenance.kind == "demo"


def test_strings_from_result_files_are_escaped_in_html(tmp_path):
    root = tmp_path / "runs<b>&amp"
    write_results(root, tasks=("sst2",), models=("Qwen2-0.5B",), seeds=(0,), sample_sizes=(), lambdas=())
    (root / "<img src=x onerror=alert(1)>.txt").write_text("x", encoding="utf-8")
    ab = pifi_ablation.load(root)
    for markup in (notice_html(ab.provenance), provenance_html(ab), coverage_html(ab)):
        assert "<img" not in markup and "<b>&amp" not in markup
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in notice_html(ab.provenance)
    assert "runs&lt;b&gt;&amp;amp" in coverage_html(ab)


def test_figures_are_stamped_with_the_measured_source(ab):
    for name in ("sample_size", "keyword_weight", "model_size"):
        stamp = make_figure(ab, name)._supxlabel.get_text()
        assert stamp.startswith(f"Measured: {ab.provenance.folder_name} ({len(ab.provenance.files)} files, "
                                f"sha256 {ab.provenance.content_hash[:12]})")
    assert "stage-1 re-selection" in make_figure(ab, "keyword_weight")._supxlabel.get_text()
