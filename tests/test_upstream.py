"""A results folder as upstream's code really writes it (tests/upstream_factory.py), with every
real-world state at once: each state is read as what it is, named by ``validate``, and kept out
of the numbers it must not enter; corrupt input and the ambiguous layouts stay errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import pifi_ablation
from pifi_ablation.coverage import coverage
from pifi_ablation.errors import ResultsFolderError
from pifi_ablation.sources import measured
from upstream_factory import (
    IN_PROGRESS,
    LAMBDA_SWEEP,
    NO_GRID_YET,
    NOTHING,
    RETEST_LAYERS,
    RETESTED,
    SAMPLE_SWEEP,
    SEED,
    SWEPT_MODEL,
    TRUNCATED,
    grid_line,
    write_upstream_results,
)


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    return write_upstream_results(tmp_path_factory.mktemp("upstream") / "results")


@pytest.fixture(scope="module")
def reading(upstream):
    return measured.read(upstream.root)


@pytest.fixture
def copy(upstream, tmp_path) -> Path:
    """A copy of the folder that a test may change."""
    return Path(shutil.copytree(upstream.root, tmp_path / "results"))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pifi_ablation", *args], capture_output=True, text=True,
                          check=False)


def test_the_files_are_upstreams(upstream):
    log = next(r.path for r in upstream.runs if r.task == "sst2")
    text = log.read_text(encoding="utf-8")
    assert text.startswith('{\n  "task": "classification",\n  "dataset": "sst2"')  # json.dump(indent=2)
    assert "영화" in text  # ensure_ascii=False
    assert not {"keyword_weight", "lambda_scale", "elapsed_sec"} & set(json.loads(text))
    line = upstream.grid_paths[("sst2", "Qwen2-0.5B")].read_text(encoding="utf-8").splitlines()[0]
    assert line.startswith("dataset=sst2  model=bert  llm=qwen2_0.5b  layer=0  acc=0.")
    assert [f.split("=")[0] for f in line.split()] == ["dataset", "model", "llm", "layer", "acc", "precision",
                                                       "recall", "f1", "loss"]


def test_validate_accepts_the_folder_and_names_every_state(upstream):
    result = _cli("validate", str(upstream.root))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Unusable input: none" in out
    assert "PiFi_Classification/sst2_bert_llama3.1_results.txt: another LLM (llama3.1)" in out
    assert "PiFi_Classification/sst2_roberta_qwen2_1.5b_results.txt: another SLM (roberta" in out
    assert "snli / Qwen2-7B / seed 2023 (default): no grid file yet" in out
    assert "mnli / Qwen2-7B / seed 2023 (default): grid in progress (layers 16-27 not tested yet)" in out
    assert "4 layers tested more than once (averaged)" in out
    assert "layer=-1 (PiFi's default, no --layer_num) read as the last layer" in out
    assert "stage 2 found nothing (every head effect is 0)" in out
    assert "stage 2 found nothing (L_Apply = -1, all head effects 0: no anchor PC)" in out
    assert "stage 2 found nothing (L_Apply = -1, no head effects: no probe)" in out
    assert "head_effects cover 8 of 28 layers and 4 of 28 heads" in out
    assert "elapsed_sec not logged" in out
    # Upstream's own grid fields are the format, not news.
    assert "grid field" not in out


def test_repeated_lines_are_averaged_and_layer_minus_one_is_the_last(upstream, reading):
    grid = reading.grid_of[RETESTED]
    truth = upstream.acc[RETESTED]
    np.testing.assert_allclose(grid.acc, truth, rtol=0, atol=1e-12)
    last = grid.n_layers - 1
    assert grid.repeated_layers == {**dict.fromkeys(RETEST_LAYERS, 2), last: 2}
    ab = pifi_ablation.load(upstream.root)
    rows = ab.model_size[(ab.model_size["task"] == RETESTED[0]) & (ab.model_size["model"] == RETESTED[1])]
    assert rows["last_acc"].tolist() == [pytest.approx(truth[-1], abs=1e-12)]
    assert rows["best_acc"].tolist() == [pytest.approx(truth.max(), abs=1e-12)]


def test_stage2_found_nothing_is_missing_with_its_reason_and_final_is_l_abstract(upstream, reading):
    runs = {(r.task, r.model): r for r in reading.runs if not r.differs()}
    for pair, how in NOTHING.items():
        run = runs[pair]
        assert np.isnan(run.max_head_effect), how
        assert run.head_effect_missing.startswith("stage 2 found nothing")
        assert run.final_layer == run.l_abstract
    ab = pifi_ablation.load(upstream.root)
    for pair in NOTHING:
        truth = next(r for r in upstream.runs if (r.task, r.model) == pair)
        acc = upstream.acc[pair]
        row = ab.task_sensitivity[(ab.task_sensitivity["task"] == pair[0])
                                  & (ab.task_sensitivity["model"] == pair[1])].iloc[0]
        expected = (acc[truth.l_abstract] - acc[-1]) / (acc.max() - acc[-1])
        assert row["recovery_rate"] == pytest.approx(expected)
    # A found stage 2 keeps its measured maximum.
    found = runs[("sst2", SWEPT_MODEL)]
    assert found.head_effect_missing is None and found.max_head_effect > 0


def test_truncated_head_effects_are_valid(upstream, reading):
    model, rows, _heads = TRUNCATED
    mine = [r for r in reading.runs if r.model == model]
    assert mine and all(0 <= r.l_apply < rows for r in mine if r.head_effect_missing is None)


def test_files_outside_the_study_are_skipped_and_listed(upstream, reading):
    assert sorted(p for p, _ in reading.skipped) == sorted(
        p.relative_to(upstream.root).as_posix() for p in upstream.outside)
    assert not any("llama" in f or "roberta" in f for f in reading.files)


def test_pending_runs_are_listed_and_left_out_of_the_tables(upstream, reading):
    pending = {(p.run.task, p.run.model): p.reason for p in reading.pending}
    assert set(pending) == {NO_GRID_YET, IN_PROGRESS}
    ab = pifi_ablation.load(upstream.root)
    for table in ab.tables().values():
        pairs = set(zip(table["task"], table["model"], strict=True))
        assert NO_GRID_YET not in pairs and IN_PROGRESS not in pairs


def test_each_sweep_point_averages_the_same_cells(upstream):
    ab = pifi_ablation.load(upstream.root)
    for table, setting, values in ((ab.sample_size, "n_samples", (*SAMPLE_SWEEP, 200)),
                                   (ab.lambda_scale, "lambda_scale", (*LAMBDA_SWEEP, 3.0))):
        assert sorted(table[setting].unique()) == sorted(values)
        cells = [set(zip(g["task"], g["model"], g["seed"], strict=True)) for _, g in table.groupby(setting)]
        assert all(c == cells[0] for c in cells), setting
        assert {m for _, m, _ in cells[0]} == {SWEPT_MODEL}  # other models' default runs stay out
        assert len(cells[0]) == 7
    assert set(ab.task_sensitivity["seed"]) == {SEED}


def test_an_unknown_grid_field_is_one_warning_for_its_file(copy):
    grid = copy / "PiFi_Classification" / "sst2_bert_qwen2_0.5b_results.txt"
    grid.write_text("".join(line.rstrip("\n") + "  epoch=3\n" for line in grid.read_text().splitlines()))
    warnings = [w for w in measured.read(copy).warnings if "grid field" in w]
    assert warnings == ["grid fields 'epoch' are not in the format and were ignored "
                        "(1 file: PiFi_Classification/sst2_bert_qwen2_0.5b_results.txt)"]


def test_a_broken_grid_is_reported_once_against_the_grid(copy):
    grid = copy / "PiFi_Classification" / f"sst2_bert_{'qwen2_1.5b'}_results.txt"
    with grid.open("a", encoding="utf-8") as f:
        # A whole line (all of upstream's fields, and its newline), so not a cut line: a bad value.
        f.write(grid_line("sst2", "bert", "qwen2_1.5b", 3, 0.5).replace("acc=0.5000", "acc=nan"))
    reading = measured.read(copy)
    assert [str(p) for p in reading.problems] == [
        "PiFi_Classification/sst2_bert_qwen2_1.5b_results.txt: line 33: acc=nan is not an accuracy; "
        "expected acc a finite number in [0, 1]"]
    # Five runs (the default and four sweep points) wait on it: one line says so, not five.
    waiting = [w for w in reading.warnings if "sst2 / Qwen2-1.5B pending" in w]
    assert waiting == ["5 run(s) of sst2 / Qwen2-1.5B pending: its grid file is unusable "
                       "(PiFi_Classification/sst2_bert_qwen2_1.5b_results.txt); left out of the tables, "
                       "listed in the coverage report"]
    assert _cli("validate", str(copy)).returncode == 1


def test_a_disagreeing_log_outside_a_setting_folder_names_both_files_and_the_fix(copy):
    rel = f"selection_logs/classification_cola_qwen2_1.5b_seed{SEED}.json"
    swept = json.loads((copy / "selection_logs" / "lambda_scale=5.0" / Path(rel).name).read_text())
    (copy / "selection_logs" / "rerun").mkdir()
    (copy / "selection_logs" / "rerun" / Path(rel).name).write_text(json.dumps(swept, indent=2))
    with pytest.raises(ResultsFolderError) as err:
        pifi_ablation.load(copy)
    text = str(err.value)
    assert f"selection_logs/rerun/{Path(rel).name}" in text and f"disagrees with {rel}" in text
    assert "a key=value folder naming its setting, e.g. selection_logs/lambda_scale=5.0/" in text
    assert "--log_dir results/selection_logs/lambda_scale=5.0" in text


def test_a_disagreeing_copy_of_a_grid_names_both_files(copy):
    grid = "PiFi_Classification/cola_bert_qwen2_0.5b_results.txt"
    lines = (copy / grid).read_text().splitlines(keepends=True)
    (copy / "cola_bert_qwen2_0.5b_results.txt").write_text("".join(lines[:-1]) + grid_line(
        "cola", "bert", "qwen2_0.5b", 23, 0.5))
    messages = [str(p) for p in measured.read(copy).problems]
    top = "cola_bert_qwen2_0.5b_results.txt"
    named = [m for m in messages
             if f"{grid}: disagrees with {top}" in m or f"{top}: disagrees with {grid}" in m]
    assert named and "another grid file of the same cola / bert / qwen2_0.5b" in named[0], messages


def test_corrupt_input_stays_an_error(copy):
    rel = f"selection_logs/classification_sst2_qwen2_0.5b_seed{SEED}.json"
    log = json.loads((copy / rel).read_text())
    log["per_layer_signals"][2]["corr_signal"] = "high"
    (copy / rel).write_text(json.dumps(log))
    result = _cli("validate", str(copy))
    assert result.returncode == 1
    assert f"{rel}: per_layer_signals[2]: got object" in result.stdout


def test_coverage_report_needs_no_presentation(reading):
    """Analysis does not import presentation: the report is data; the book builds its HTML."""
    import ast

    import pifi_ablation.coverage as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {"pifi_ablation.pages", "html", "pifi_ablation.figures"} & imported, imported
    report = coverage(reading)
    assert len(report.pending) == 2 and len(report.skipped) == 2
