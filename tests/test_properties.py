"""Property-based: any folder a lab really has, written with upstream's exact writers
(tests/upstream_factory.py) over random subsets of ablations, tasks, models and seeds, with
random pending and cut grids, linked folders and other tools' files.  For every one, ``validate``
and ``load()`` raise nothing, ``export`` writes every file, and the tables equal a recomputation
from what was written (the grids' accuracies and the logs' final layers), done here without the
package's loader.

The example budget is fixed and there is no per-example deadline, so the suite stays fast and
stable (``derandomize``: the same examples on every run)."""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pifi_ablation
from exported import exported_files, files_under
from pifi_ablation.__main__ import main
from pifi_ablation.export import export_all
from pifi_ablation.findings import findings
from pifi_ablation.latex import macros_tex
from pifi_ablation.registry import MODEL_ORDER, MODELS, TASKS
from upstream_factory import append_line, grid_folder, grid_line, write_study

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
STATES = ("complete", "pending", "partial", "cut-retest", "cut-last", "empty")


@dataclass(frozen=True)
class Study:
    cells: tuple[tuple[str, str], ...]
    seeds: tuple[int, ...]
    default: bool
    samples: tuple[int, ...]
    lambdas: tuple[float, ...]
    states: tuple[str, ...]  # one per cell
    linked: bool
    stray: bool


@st.composite
def studies(draw) -> Study:
    tasks = draw(st.lists(st.sampled_from(list(TASKS)), min_size=1, max_size=4, unique=True))
    models = draw(st.lists(st.sampled_from(list(MODEL_ORDER)), min_size=1, max_size=2, unique=True))
    cells = tuple((t, m) for t in tasks for m in models)
    return Study(
        cells=cells,
        seeds=tuple(draw(st.lists(st.sampled_from([2023, 1, 7]), min_size=1, max_size=2, unique=True))),
        default=draw(st.booleans()),
        samples=tuple(draw(st.lists(st.sampled_from([50, 100]), max_size=2, unique=True))),
        lambdas=tuple(draw(st.lists(st.sampled_from([1.0, 5.0]), max_size=1, unique=True))),
        states=tuple(draw(st.lists(st.sampled_from(STATES), min_size=len(cells), max_size=len(cells)))),
        linked=draw(st.booleans()),
        stray=draw(st.booleans()),
    )


def _write(study: Study, base: Path) -> tuple[Path, dict[tuple[str, str], np.ndarray], list]:
    """Write the study; return the folder to read, the complete grids' accuracies (as written)
    and the runs (truth of each log)."""
    real = base / ("real" if study.linked else "results")
    runs_settings = ([("", 200, 3.0)] if study.default else []) \
        + [(f"n_samples={n}", n, 3.0) for n in study.samples] \
        + [(f"lambda_scale={lam}", 200, lam) for lam in study.lambdas]
    if not runs_settings:
        runs_settings = [("", 200, 3.0)]
    layers = {}
    for cell, state in zip(study.cells, study.states, strict=True):
        n = MODELS[cell[1]].n_layers
        layers[cell] = {"pending": 0, "partial": n // 2, "cut-last": n - 1}.get(state, n)
    up = write_study(real, list(study.cells), seeds=study.seeds, settings=tuple(runs_settings),
                     grid_layers=layers)
    acc = dict(up.acc)
    for cell, state in zip(study.cells, study.states, strict=True):
        task, model = cell
        llm = MODELS[model].llm_type
        grid = real / grid_folder(task) / f"{task}_bert_{llm}_results.txt"
        n = MODELS[model].n_layers
        if state == "cut-retest":  # a re-test of layer 2 killed mid-write: "acc=0." must not count
            append_line(grid, grid_line(task, "bert", llm, 2, 0.7982)[:62])
        elif state == "cut-last":  # the last layer's first test killed mid-write: pending
            append_line(grid, grid_line(task, "bert", llm, n - 1, 0.7982)[:62])
        elif state == "empty":  # opened in append mode, killed before the first write
            grid.write_bytes(b"")
            acc.pop(cell, None)
    if study.stray:
        (real / "nohup.out").write_text("training...\n")
        (real / "wandb" / "run-1").mkdir(parents=True)
        (real / "wandb" / "run-1" / "config.yaml").write_text("x: 1\n")
        (real / ".ipynb_checkpoints").mkdir()
        (real / ".ipynb_checkpoints" / "notes-checkpoint.json").write_text("{}")
    root = real
    if study.linked:  # "copy or link": the results folder links upstream's folders
        root = base / "results"
        root.mkdir()
        for child in real.iterdir():
            (root / child.name).symlink_to(child)
    return root, acc, up.runs


def _seed(path: Path) -> int:
    return int(re.search(r"_seed(\d+)\.json$", path.name)[1])


def _expected_rows(acc, runs) -> dict[str, dict[tuple, float]]:
    """The recovery rate per table row, recomputed from the written grids and final layers."""
    rows: dict[str, dict[tuple, float]] = defaultdict(dict)
    swept = defaultdict(set)  # setting -> cells with a run away from its default
    usable = [r for r in runs if (r.task, r.model) in acc]
    for r in usable:
        if r.n_samples != 200:
            swept["n_samples"].add((r.task, r.model, _seed(r.path)))
        if r.lambda_scale != 3.0:
            swept["lambda_scale"].add((r.task, r.model, _seed(r.path)))
    for r in usable:
        a = acc[(r.task, r.model)]
        best_gap = a.max() - a[-1]
        recovery = 1.0 if best_gap == 0 else (a[r.final_layer] - a[-1]) / best_gap
        cell = (r.task, r.model, _seed(r.path))
        default = r.n_samples == 200 and r.lambda_scale == 3.0
        if default:
            rows["task_sensitivity"][cell] = recovery
            rows["model_size"][cell] = recovery
        if r.lambda_scale == 3.0 and cell in swept["n_samples"]:
            rows["sample_size"][(*cell, r.n_samples)] = recovery
        if r.n_samples == 200 and cell in swept["lambda_scale"]:
            rows["lambda_scale"][(*cell, r.lambda_scale)] = recovery
    return rows


def _run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = main(list(args))
    return status, out.getvalue()


@SETTINGS
@given(study=studies())
def test_any_folder_validates_loads_and_equals_a_recomputation(study):
    with tempfile.TemporaryDirectory() as tmp:
        root, acc, runs = _write(study, Path(tmp))
        status, said = _run_cli("validate", str(root))
        assert status == 0, said
        assert "Traceback" not in said and tmp not in said.replace(str(root), "")
        ab = pifi_ablation.load(root)
        expected = _expected_rows(acc, runs)
        for name, setting in (("task_sensitivity", None), ("model_size", None),
                              ("sample_size", "n_samples"), ("lambda_scale", "lambda_scale")):
            table = getattr(ab, name)
            keys = ["task", "model", "seed"] + ([setting] if setting else [])
            got = {tuple(k): v for *k, v in table[[*keys, "recovery_rate"]].itertuples(index=False)}
            assert set(got) == set(expected[name]), name
            for key, value in expected[name].items():
                assert got[key] == pytest.approx(value, abs=1e-9), (name, key)
            # validate's coverage counts the cells the table holds
            cells = next(a for a in ab.coverage.ablations if a.name == name)
            assert len(cells.present) == len(table), name
        pending = {(p.task, p.model) for p in ab.coverage.pending}
        assert pending == {c for c in study.cells} - set(acc)
        found = findings(ab)
        for finding in found.values():
            # undefined: [no data], "not logged", or the reason a comparison has no value
            # ("the default is the best", "too few tasks", ...), never nan
            assert finding.defined or (finding.text and not re.search(r"\bnan\b", finding.text)), \
                finding.key
        macros = macros_tex(found, ab.provenance)
        assert not re.search(r"\{nan\}|\bnan\b", macros)
        # Model recovery, recomputed: per task a mean over seeds, then a mean over tasks.
        for model in MODEL_ORDER:
            per_task = defaultdict(list)
            for (task, m, _), value in expected["model_size"].items():
                if m == model:
                    per_task[task].append(value)
            key = f"model_{model.lower().replace('-', '_').replace('.', '_')}_recovery"
            if per_task:
                assert found[key].value == pytest.approx(np.mean([np.mean(v) for v in per_task.values()]))
            else:
                assert not found[key].defined


@settings(max_examples=5, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(study=studies())
def test_export_writes_every_file(study):
    with tempfile.TemporaryDirectory() as tmp:
        root, _, _ = _write(study, Path(tmp))
        out = Path(tmp) / "figures"
        written = export_all(pifi_ablation.load(root), out)
        assert files_under(out) == exported_files()
        assert all(p.is_file() and p.stat().st_size > 0 for p in written)
        for tex in out.glob("*.tex"):
            assert not re.search(r"\bnan\b", tex.read_text(encoding="utf-8")), tex.name
