"""Bad input in a results folder: each kind gets a message naming the file, the key or line and
what was expected; ``validate`` prints them with the coverage report and never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import pifi_ablation
from pifi_ablation.errors import ResultsFolderError
from pifi_ablation.sources import measured
from results_factory import write_results

LOG = "selection_logs/classification_sst2_qwen2_0.5b_seed0.json"
GRID = "sst2_bert_qwen2_0.5b_results.txt"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pifi_ablation", *args], capture_output=True, text=True,
                          check=False)


@pytest.fixture
def small(tmp_path) -> Path:
    """One task, one model, one seed, an n_samples and a lambda sweep of one setting each."""
    root = tmp_path / "results"
    write_results(root, tasks=("sst2",), models=("Qwen2-0.5B",), seeds=(0,), sample_sizes=(50,),
                  lambdas=(5.0,))
    assert (root / LOG).is_file() and (root / GRID).is_file()
    return root


def _edit_log(root: Path, change: Callable[[dict], object], rel: str = LOG) -> None:
    log = json.loads((root / rel).read_text())
    change(log)
    (root / rel).write_text(json.dumps(log))


def _edit_grid(root: Path, change: Callable[[list[str]], list[str]]) -> None:
    lines = (root / GRID).read_text().splitlines()
    (root / GRID).write_text("\n".join(change(lines)) + "\n")


def _set(key, value):
    return lambda log: log.__setitem__(key, value)


def _truncate(root):
    data = (root / LOG).read_bytes()
    (root / LOG).write_bytes(data[: len(data) // 2])


def _move_log(folder):
    def move(root):
        target = root / "selection_logs" / folder / Path(LOG).name
        target.parent.mkdir(parents=True)
        shutil.move(root / LOG, target)
    return move


def _duplicate_disagreeing(root):
    copy = root / "layer_selection" / Path(LOG).name
    copy.parent.mkdir()
    shutil.copy(root / LOG, copy)
    _edit_log(root, _set("elapsed_sec", 999.0), rel="layer_selection/" + Path(LOG).name)


def _zero_effects(final):
    """Every head effect 0 (patched forwards failed): upstream writes L_Apply = 0 and final = L_Abstract."""
    def change(log):
        log["head_effects"] = [[0.0] * len(row) for row in log["head_effects"]]
        log.update(L_Abstract=1, L_Apply=0, final_layer=final, max_head_effect=0.0)
    return change


def _shorter_signals(log):
    """A log of 23 layers (its own fields agree) beside a grid of 24."""
    log["per_layer_signals"].pop()
    log.update(per_layer_probe_acc=None, head_effects=None, max_head_effect=None, L_Abstract=3, L_Apply=3,
               final_layer=3)


def _signal(i, key, value):
    return lambda log: log["per_layer_signals"][i].__setitem__(key, value)


# (id, how to break the folder, substrings the message must hold: file, key or line, expected)
CASES = [
    ("truncated-json", _truncate, [LOG, "ends early (truncated?)", "expected one complete JSON object"]),
    ("invalid-json", lambda r: (r / LOG).write_text("{task: sst2}"),
     [LOG, "line 1, column 2", "is not valid JSON", "expected one complete JSON object"]),
    ("unreadable-file", lambda r: ((r / LOG).unlink(), (r / LOG).symlink_to(r / "gone.json")),
     [LOG, "cannot be read (No such file or directory)", "expected a readable JSON file"]),
    ("empty-file", lambda r: (r / LOG).write_text(""),
     [LOG, "the file is empty", "expected one JSON object"]),
    ("not-an-object", lambda r: (r / LOG).write_text("[1, 2]"),
     [LOG, "the JSON is list [1, 2], not an object", "expected a JSON object"]),
    ("missing-key", lambda r: _edit_log(r, lambda log: log.pop("L_Abstract")),
     [LOG, "L_Abstract: missing", "expected an integer in 0..23"]),
    ("mistyped-seed", lambda r: _edit_log(r, _set("seed", "0")),
     [LOG, "seed: got string '0'", "expected an integer >= 0"]),
    ("mistyped-signals", lambda r: _edit_log(r, _set("per_layer_signals", {"layer": 0})),
     [LOG, "per_layer_signals: got object", "expected a list of 24 objects"]),
    ("nan-signal", lambda r: _edit_log(r, _signal(3, "corr_signal", float("nan"))),
     [LOG, "per_layer_signals: holds NaN or infinite signals", "expected finite keyword_signal"]),
    ("infinite-value", lambda r: _edit_log(r, _set("max_head_effect", float("inf"))),
     [LOG, "max_head_effect: got inf (NaN or infinite)", "expected a finite number >= 0 or null"]),
    ("layer-out-of-range", lambda r: _edit_log(r, _set("L_Abstract", 24)),
     [LOG, "L_Abstract: 24 is out of range", "expected an integer in 0..23"]),
    ("final-layer-rule", lambda r: _edit_log(r, lambda log: log.update(
        L_Apply=-1, final_layer=0, L_Abstract=1, head_effects=None, max_head_effect=None, base_acc=None)),
     [LOG, "final_layer: 0 disagrees with L_Abstract=1, L_Apply=-1",
      "expected 1 (L_Apply, or L_Abstract when stage 2 found nothing)"]),
    ("final-layer-rule-zero-effects", lambda r: _edit_log(r, _zero_effects(final=3)),
     [LOG, "final_layer: 3 disagrees with L_Abstract=1, L_Apply=0",
      "expected 1 (L_Apply, or L_Abstract when stage 2 found nothing)"]),
    ("apply-minus-one-with-effects", lambda r: _edit_log(r, lambda log: log.update(L_Apply=-1)),
     [LOG, "L_Apply: -1 (stage 2 found nothing) beside a head effect of",
      "expected head effects all 0 or null when L_Apply = -1"]),
    ("signals-length", lambda r: _edit_log(r, _shorter_signals),
     [LOG, "per_layer_signals: has 23 layers but the grid has 24", "one per layer 0..23"]),
    ("signal-layer-twice", lambda r: _edit_log(r, _signal(5, "layer", 4)),
     [LOG, "per_layer_signals: layer 4 listed twice", "expected a list of 24 objects"]),
    ("head-effects-shape", lambda r: _edit_log(r, lambda log: log["head_effects"].append([0.1] * 14)),
     [LOG, "head_effects: has shape 25 x 14",
      "expected null or a list of at most 24 rows (layers) of at most 14 non-negative numbers"]),
    ("head-effects-ragged", lambda r: _edit_log(r, lambda log: log["head_effects"][2].pop()),
     [LOG, "head_effects: rows of unequal length", "each row as long"]),
    ("probe-not-accuracy", lambda r: _edit_log(r, lambda log: log["per_layer_probe_acc"].__setitem__(0, 2.0)),
     [LOG, "per_layer_probe_acc: holds values that are not accuracies", "(each may be null)"]),
    ("unknown-dataset", lambda r: _edit_log(r, _set("dataset", "sst5")),
     [LOG, "dataset: unknown dataset 'sst5'", "expected one of sst2"]),
    ("file-name-disagrees", lambda r: _edit_log(r, _set("seed", 7)),
     [LOG, "the file name does not match", "expected the name 'classification_sst2_qwen2_0.5b_seed7.json'"]),
    ("malformed-grid-line", lambda r: _edit_grid(r, lambda lines: [*lines[:3], "layer=3 acc", *lines[4:]]),
     [GRID, "line 4", "malformed field 'acc'", "expected 'layer=<int> acc=<number in [0, 1]>'"]),
    ("grid-line-without-acc",
     lambda r: _edit_grid(r, lambda lines: [*lines[:3], "layer=3 f1=0.9", *lines[4:]]),
     [GRID, "line 4", "lacks acc", "expected 'layer=<int> acc="]),
    ("accuracy-outside", lambda r: _edit_grid(r, lambda lines: [*lines[:2], "layer=2 acc=1.2", *lines[3:]]),
     [GRID, "line 3", "acc=1.2 is not an accuracy", "expected acc a finite number in [0, 1]"]),
    ("grid-layer-below-default", lambda r: _edit_grid(r, lambda lines: [*lines[:6], "layer=-2 acc=0.8",
                                                                       *lines[6:]]),
     [GRID, "line 7", "layer -2 is negative", "or -1 (PiFi's default: the last layer)"]),
    ("grid-line-contradicts-name", lambda r: _edit_grid(r, lambda lines: [*lines[:1],
                                                                         "dataset=imdb layer=1 acc=0.8",
                                                                         *lines[2:]]),
     [GRID, "line 2", "dataset=imdb contradicts the file name", "expected dataset=sst2"]),
    ("two-files-disagree", _duplicate_disagreeing,
     [f"{LOG}: elapsed_sec", "disagrees with layer_selection/classification_sst2_qwen2_0.5b_seed0.json",
      "expected one log per run, or copies with the same content"]),
    ("bad-folder-key", _move_log("lamda=5"),
     ["selection_logs/lamda=5/", "unknown setting 'lamda'", "expected one of n_samples, keyword_weight"]),
    ("bad-folder-value", _move_log("lambda_scale=abc"),
     [f"selection_logs/lambda_scale=abc/{Path(LOG).name}: lambda_scale=abc", "value 'abc' is not a number",
      "expected lambda_scale=<a number>"]),
    ("grid-name", lambda r: (r / GRID).rename(r / "sst2_results.txt"),
     ["sst2_results.txt: the file name does not name a known dataset and LLM",
      "expected {dataset}_{slm}_{llm}_results.txt"]),
]


@pytest.mark.parametrize(("breaks", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_named_with_what_was_expected(small, breaks, expected):
    breaks(small)
    reading = measured.read(small)
    messages = [str(p) for p in reading.problems]
    assert any(all(part in m for part in expected) for m in messages), messages
    with pytest.raises(ResultsFolderError) as err:
        pifi_ablation.load(small)
    assert all(part in str(err.value) for part in expected)


def test_every_problem_is_listed_at_once(small):
    _edit_log(small, _set("seed", "0"))
    _edit_grid(small, lambda lines: [*lines[:2], "layer=2 acc=1.2", *lines[3:]])
    (small / "selection_logs" / "n_samples=50" / Path(LOG).name).write_text("")
    messages = [str(p) for p in measured.read(small).problems]
    assert len(messages) == 3, messages


def test_identical_copies_are_read_once_and_listed(small):
    copy = small / "results_old" / Path(LOG).name
    copy.parent.mkdir()
    shutil.copy(small / LOG, copy)
    reading = measured.read(small)
    assert not reading.problems
    assert len(reading.runs) == 3
    assert any("a second copy of" in w and "results_old/" in w for w in reading.warnings)


def test_json_setting_wins_over_the_folder_and_says_so(small):
    _edit_log(small, _set("lambda_scale", 4.0), rel=f"selection_logs/lambda_scale=5/{Path(LOG).name}")
    reading = measured.read(small)
    assert not reading.problems
    assert 4.0 in set(reading.tables["lambda_scale"]["lambda_scale"])
    assert any("lambda_scale in the JSON differs from its folder name (lambda_scale=5)" in w
               for w in reading.warnings)


def test_validate_prints_what_it_read_and_the_missing_cells(tmp_path):
    root = tmp_path / "results"
    write_results(root, tasks=("sst2",), models=("Qwen2-0.5B",), seeds=(0, 1), sample_sizes=(50,),
                  lambdas=(5.0,))
    (root / "selection_logs" / "n_samples=50" / "classification_sst2_qwen2_0.5b_seed1.json").unlink()
    result = _cli("validate", str(root))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"Results folder: {root}" in out
    assert "5 selection logs and 1 grid files read; 5 usable runs" in out
    # 7 tasks x 3 models x 2 sample sizes (50 and the default 200) x 2 seeds = 84 cells;
    # sst2 / Qwen2-0.5B has 2 of its 4: seed 1 has no n_samples=50 run, so its default run is not
    # in the sample-size table either (the cells counted are those the table holds).
    assert "sample_size (n_samples=50, n_samples=200; seeds 0, 1): 2 of 84 cells have runs" in out
    assert "missing sst2 / Qwen2-0.5B: n_samples=50 seed 1; n_samples=200 seed 1\n" in out
    assert ("missing mnli / Qwen2-7B: n_samples=50 seed 0; n_samples=50 seed 1; n_samples=200 seed 0; "
            "n_samples=200 seed 1") in out
    assert "lambda_scale (lambda_scale=3, lambda_scale=5; seeds 0, 1): 4 of 84 cells have runs" in out
    assert "keyword_weight (re-selection; seeds 0, 1): 2 of 42 cells have runs" in out
    assert "Unusable input: none" in out


def test_validate_exits_non_zero_without_a_traceback(small):
    _truncate(small)
    (small / GRID).write_text("layer=0 acc=0.9\nlayer=1 acc=-0.8\n")
    result = _cli("validate", str(small))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "Unusable input (" in result.stdout
    assert f"{LOG}: line 1" in result.stdout and "ends early (truncated?)" in result.stdout
    assert f"{GRID}: line 2: acc=-0.8 is not an accuracy" in result.stdout


def test_export_of_a_bad_folder_is_a_message(small, tmp_path):
    (small / LOG).write_text("[]")
    result = _cli("export", "--source", str(small), "--out", str(tmp_path / "out"))
    assert result.returncode == 1  # unusable input; 2 is for usage errors
    assert "Traceback" not in result.stderr
    assert f"{LOG}: the JSON is list [], not an object" in result.stderr


def test_validate_a_missing_folder(tmp_path):
    result = _cli("validate", str(tmp_path / "nothing"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{tmp_path / 'nothing'}: is not a folder" in result.stderr
