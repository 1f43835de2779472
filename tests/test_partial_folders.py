"""The states a lab's results folder really passes through, written with upstream's own writers
(tests/upstream_factory.py): a study with default runs only, a sweep without its default run,
every grid pending, linked folders, grid lines cut off mid-write, empty grids, byte-order marks,
other tools' files and settings logged in a nested ``config``.  Each is read as what it is; the
commands exit 0 when they did their work, 1 for unusable input, 2 for a usage error."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import pifi_ablation
from exported import exported_files, files_under
from pifi_ablation import korean
from pifi_ablation.coverage import coverage
from pifi_ablation.export import export_all
from pifi_ablation.findings import NO_DATA, findings
from pifi_ablation.latex import macros_tex
from pifi_ablation.pages import default_comparison
from pifi_ablation.registry import MODEL_ORDER, MODELS, TASKS
from pifi_ablation.sources import measured
from upstream_factory import grid_line, write_study, write_upstream_results

CELLS = [(task, model) for task in TASKS for model in MODEL_ORDER]
GRID = "PiFi_Classification/sst2_bert_qwen2_0.5b_results.txt"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pifi_ablation", *args], capture_output=True, text=True,
                          check=False)


@pytest.fixture(scope="module")
def defaults_only(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("defaults") / "results"
    write_study(root, CELLS)
    return root


def test_a_defaults_only_study_loads_with_empty_sweeps(defaults_only):
    ab = pifi_ablation.load(defaults_only)
    assert ab.sample_size.empty and ab.lambda_scale.empty
    assert len(ab.task_sensitivity) == len(ab.model_size) == len(CELLS)
    found = findings(ab)
    for key in ("ss_recommended_n", "ss_recovery_best", "lam_best", "lam_recovery_default",
                "ss_time_smallest"):
        assert not found[key].defined and found[key].text == NO_DATA, key
    assert found["kw_best"].defined and found["task_rho"].defined
    assert found["ss_n_tasks"].value == 0
    macros = macros_tex(found, ab.provenance)
    assert "nan" not in macros.lower().replace("nanum", "")
    assert "\\newcommand{\\pifiSampleSizeRecommendedN}{[no data]}" in macros
    assert "% No data (printed as [no data]) for" in macros


def test_validate_counts_the_cells_the_tables_hold(defaults_only):
    result = _cli("validate", str(defaults_only))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "sample_size (n_samples=200; seeds 2023): 0 of 21 cells have runs" in out
    assert "lambda_scale (lambda_scale=3; seeds 2023): 0 of 21 cells have runs" in out
    assert "task_sensitivity (default settings; seeds 2023): 21 of 21 cells have runs" in out
    assert "--log_dir results/selection_logs/lambda_scale=5.0" in out


def test_export_writes_every_file_and_lists_the_macros_without_data(defaults_only, tmp_path):
    result = _cli("export", "--source", str(defaults_only), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    names = {p.name for p in tmp_path.iterdir()}
    for name in ("sample_size", "keyword_weight", "lambda_scale", "task_sensitivity", "model_size"):
        assert {f"ablation_{name}.pdf", f"ablation_{name}.png", f"table_{name}.tex"} <= names
    assert {"findings_macros.tex", "findings_list.tex"} <= names
    assert "No data for sample_size" in result.stdout and "No data for lambda_scale" in result.stdout
    assert "print [no data]: \\pifiSampleSizeSmallestN" in result.stdout
    assert "No data yet" in (tmp_path / "table_sample_size.tex").read_text()


def test_a_sweep_without_its_default_run_renders_what_it_has(tmp_path):
    root = tmp_path / "results"
    write_study(root, CELLS, settings=(("lambda_scale=5.0", 200, 5.0),))
    ab = pifi_ablation.load(root)
    assert set(ab.lambda_scale["lambda_scale"]) == {5.0} and ab.task_sensitivity.empty
    found = findings(ab)
    assert found["lam_best"].value == 5.0 and not found["lam_recovery_default"].defined
    assert default_comparison(found, "lam").text == "the default was not run in this sweep"
    assert any("no usable run at the default settings" in w for w in ab.provenance.warnings)
    export_all(ab, tmp_path / "out")


def test_every_run_pending_gives_empty_valid_tables(tmp_path):
    root = tmp_path / "results"
    write_study(root, CELLS, grid_layers=dict.fromkeys(CELLS, 0))
    ab = pifi_ablation.load(root)
    assert all(t.empty for t in ab.tables().values())
    assert len(ab.coverage.pending) == len(CELLS)
    result = _cli("export", "--source", str(root), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert f"Nothing is measurable yet: every file was written, each saying [no data]; {len(CELLS)} run(s) " \
           "pending" in result.stdout
    assert files_under(tmp_path / "out") == exported_files()


def _linked(real: Path, tmp_path: Path) -> Path:
    """A results folder that links upstream's folders instead of copying them."""
    res = tmp_path / "linked" / "results"
    res.mkdir(parents=True)
    for child in real.iterdir():
        (res / child.name).symlink_to(child)
    return res


def test_linked_folders_are_read_once_and_named_as_they_stand(tmp_path):
    real = tmp_path / "real" / "results"
    write_upstream_results(real)
    res = _linked(real, tmp_path)
    (res / "selection_logs" / "again").symlink_to(res)  # a loop
    (res / "copy").symlink_to(real / "PiFi_Classification")  # a second link to a folder read
    expected, reading = measured.read(real), measured.read(res)
    assert not reading.problems, reading.problems
    assert reading.files == expected.files and reading.content_hash == expected.content_hash
    for name, table in expected.tables.items():
        assert reading.tables[name].equals(table), name
    said = "\n".join(reading.warnings)
    assert str(tmp_path) not in said
    assert "selection_logs/again: a link to a folder already read" in said
    assert "copy: a link to a folder already read" in said
    assert _cli("validate", str(res)).returncode == 0
    assert pifi_ablation.paths.holds_results(res)


def test_a_linked_file_is_read_once(tmp_path):
    root = tmp_path / "results"
    write_study(root, [("sst2", "Qwen2-0.5B")])
    log = next(root.glob("selection_logs/*.json"))
    (root / "selection_logs" / "zz").mkdir()
    (root / "selection_logs" / "zz" / log.name).symlink_to(log)
    reading = measured.read(root)
    assert not reading.problems and len(reading.runs) == 1
    assert any(f"selection_logs/zz/{log.name}: the same file as selection_logs/{log.name} (a link); read once"
               == w for w in reading.warnings)


def _cut_study(tmp_path: Path, tail: str) -> tuple[Path, np.ndarray]:
    root = tmp_path / "results"
    up = write_study(root, [("sst2", "Qwen2-0.5B")])
    with (root / GRID).open("a", encoding="utf-8") as f:
        f.write(tail)
    return root, up.acc[("sst2", "Qwen2-0.5B")]


def test_a_cut_last_line_is_left_out_and_named(tmp_path):
    # A re-test of layer 3, killed while writing "acc=0.7982": "acc=0." must not read as 0.0.
    root, acc = _cut_study(tmp_path, grid_line("sst2", "bert", "qwen2_0.5b", 3, 0.7982)[:62])
    reading = measured.read(root)
    assert not reading.problems
    assert reading.grid_of[("sst2", "Qwen2-0.5B")].acc[3] == pytest.approx(acc[3])
    assert f"{GRID}: line 25 was cut off mid-write (the file ends without a newline: the run was killed " \
           "while writing); left out (layer 3 is measured by another line)" in reading.warnings


def test_a_cut_line_of_an_untested_layer_leaves_the_grid_pending(tmp_path):
    root = tmp_path / "results"
    write_study(root, [("sst2", "Qwen2-0.5B")], grid_layers={("sst2", "Qwen2-0.5B"): 23})
    with (root / GRID).open("a", encoding="utf-8") as f:
        f.write(grid_line("sst2", "bert", "qwen2_0.5b", 23, 0.79)[:60])
    reading = measured.read(root)
    assert not reading.problems and not reading.runs
    assert [p.reason for p in reading.pending] == ["grid in progress (layers 23 not tested yet)"]
    warning = next(w for w in reading.warnings if "cut off" in w)
    assert warning.endswith("left out, so layer 23 is not measured yet")
    assert korean.message(warning) is not None


def test_a_rerun_appended_onto_a_cut_line_is_split(tmp_path):
    line = grid_line("sst2", "bert", "qwen2_0.5b", 5, 0.8)
    root, acc = _cut_study(tmp_path, line[:50] + line)
    reading = measured.read(root)
    assert not reading.problems
    grid = reading.grid_of[("sst2", "Qwen2-0.5B")]
    assert grid.lines[5] == 2 and grid.acc[5] == pytest.approx((acc[5] + 0.8) / 2)
    assert any("another run's line was appended onto it without a newline" in w for w in reading.warnings)


def test_an_empty_grid_is_a_grid_not_started(tmp_path):
    root = tmp_path / "results"
    write_study(root, [("sst2", "Qwen2-0.5B"), ("cola", "Qwen2-0.5B")])
    (root / GRID).write_bytes(b"")
    reading = measured.read(root)
    assert not reading.problems
    assert [(p.run.task, p.reason) for p in reading.pending] == [
        ("sst2", "grid not started (its file is empty)")]
    assert len(reading.runs) == 1
    report = coverage(reading)
    assert any(g.state == "not started" for g in report.grids)
    assert korean.reason(reading.pending[0].reason) == "그리드 탐색이 시작되지 않음(파일이 비어 있음)"


def test_a_byte_order_mark_in_a_grid_is_not_read_as_text(tmp_path):
    root = tmp_path / "results"
    write_study(root, [("sst2", "Qwen2-0.5B")])
    (root / GRID).write_bytes(b"\xef\xbb\xbf" + (root / GRID).read_bytes())
    reading = measured.read(root)
    assert not reading.problems and len(reading.runs) == 1
    assert not any("\ufeff" in w or "dataset'" in w for w in reading.warnings), reading.warnings


def test_other_tools_files_are_summarised_and_hidden_folders_skipped(tmp_path):
    root = tmp_path / "results"
    write_study(root, [("sst2", "Qwen2-0.5B")])
    log = next(root.glob("selection_logs/*.json"))
    checkpoints = root / "selection_logs" / ".ipynb_checkpoints"
    checkpoints.mkdir()
    data = json.loads(log.read_text())
    data["L_Abstract"] = (data["L_Abstract"] + 1) % MODELS["Qwen2-0.5B"].n_layers  # disagrees
    (checkpoints / log.name).write_text(json.dumps(data))
    wandb = root / "wandb" / "run-1" / "files"
    wandb.mkdir(parents=True)
    for i in range(25):
        (wandb / f"media_{i}.bin").write_text("x")
    for name in ("nohup.out", ".DS_Store"):
        (root / name).write_text("x")
    reading = measured.read(root)
    assert not reading.problems, reading.problems
    stray = [w for w in reading.warnings if "not read" in w]
    assert len(stray) == 2, stray  # one line per folder, not one per file
    assert any(w.startswith("wandb/: 25 files") and "(run-1/files/media_0.bin, " in w for w in stray)
    assert any(w.startswith("the results folder: 2 files") for w in stray)
    assert any(w.startswith("1 hidden folder(s) skipped") and "selection_logs/.ipynb_checkpoints" in w
               for w in reading.warnings)
    for w in reading.warnings:
        assert korean.message(w) is not None, w


def _with_config(tmp_path: Path, config: dict, folder: str = "") -> Path:
    root = tmp_path / "results"
    write_study(root, [("sst2", "Qwen2-0.5B")])
    log = next(root.glob("selection_logs/*.json"))
    data = json.loads(log.read_text())
    data["config"] = config
    target = root / "selection_logs" / folder / log.name
    target.parent.mkdir(parents=True, exist_ok=True)
    log.unlink()
    target.write_text(json.dumps(data, indent=2))
    return root


def test_settings_in_a_nested_config_are_read(tmp_path):
    root = _with_config(tmp_path, {"selection_lambda_scale": 5.0, "selection_keyword_weight": 0.65,
                                   "selection_samples": 200})
    reading = measured.read(root)
    assert not reading.problems
    assert [r.lambda_scale for r in reading.runs] == [5.0]
    assert not any("lambda_scale is in neither" in a for a in reading.assumptions)


@pytest.mark.parametrize(("config", "folder", "said"), [
    ({"selection_samples": 50}, "", "config.selection_samples: 50 contradicts the top-level n_samples=200"),
    ({"selection_lambda_scale": 5.0}, "lambda_scale=1.0",
     "config.selection_lambda_scale: 5 contradicts the folder name lambda_scale=1"),
])
def test_a_nested_setting_that_contradicts_is_an_error_naming_both(tmp_path, config, folder, said):
    root = _with_config(tmp_path, config, folder)
    reading = measured.read(root)
    assert any(said in str(p) for p in reading.problems), reading.problems
    assert _cli("validate", str(root)).returncode == 1


def test_a_copy_in_a_folder_naming_no_setting_says_how_to_name_a_sweep(tmp_path):
    root = tmp_path / "results"
    write_study(root, [("sst2", "Qwen2-0.5B")])
    log = next(root.glob("selection_logs/*.json"))
    (root / "selection_logs" / "kw025").mkdir()
    shutil.copy(log, root / "selection_logs" / "kw025" / log.name)
    reading = measured.read(root)
    assert not reading.problems
    hint = next(w for w in reading.warnings if "key=value" in w)
    assert "keyword_weight=0.25" in hint and "selection_logs/kw025/" in hint
    assert korean.message(hint) is not None


def test_exit_codes(tmp_path, defaults_only):
    assert _cli("validate", str(tmp_path / "nothing")).returncode == 2  # not a folder: usage
    assert _cli("export", "--source", str(tmp_path / "nothing"), "--out", str(tmp_path)).returncode == 2
    assert _cli("validate", "--no-such-option").returncode == 2
    assert _cli("validate", str(defaults_only)).returncode == 0
    bad = tmp_path / "bad" / "results"
    write_study(bad, [("sst2", "Qwen2-0.5B")])
    next(bad.glob("selection_logs/*.json")).write_text("[]")
    for args in (("validate", str(bad)), ("export", "--source", str(bad), "--out", str(tmp_path / "o"))):
        result = _cli(*args)
        assert result.returncode == 1 and "Traceback" not in result.stderr, args


def test_a_linked_results_folder_is_named_by_its_link(tmp_path):
    real = tmp_path / "data" / "run3"
    write_study(real, [("sst2", "Qwen2-0.5B")])
    link = tmp_path / "results"
    link.symlink_to(real)
    ab = pifi_ablation.load(link)
    assert ab.provenance.location == "results"
    assert "run3" not in ab.provenance.label()
