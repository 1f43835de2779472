"""From paired runs and grids to the ablations' tables, as SPEC.md defines each, by kind.

A sweep table (sample size, lambda scale, logged keyword weight) holds, for every
(task, model, seed) cell with at least one run away from that setting's default, its runs at
every value of the setting, the default run included; other cells' default runs are not in
it, so every point of a curve averages the same population.  The task and model tables hold
the runs at default settings.  The keyword-weight curve is a stage-1 re-selection from the
default runs' logged per-layer signals (stage 2 is not re-run).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pifi_ablation import registry, schema, study
from pifi_ablation.errors import SchemaError
from pifi_ablation.messages import Message, said
from pifi_ablation.sources.measured.checks import Notes
from pifi_ablation.sources.measured.logs import Run
from pifi_ablation.sources.measured.settings import DEFAULTS, SETTINGS

if TYPE_CHECKING:  # derive fills what reading.read found; reading imports derive
    from pifi_ablation.sources.measured.reading import ResultsFolder

# The seed notebook's keyword-weight grid: stage 1 is re-selected at each of
# these from the logged per-layer signals (and at every logged keyword_weight).
RESELECTION_WEIGHTS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.65, 0.75, 0.9, 1.0)
RESELECTION = "stage-1 re-selection"
LOGGED = "logged run"
RESELECTION_NOTE = Message("note.reselection")
NO_DEFAULT_RUN = Message("derive.no-default-run", **DEFAULTS)  # the settings' defaults, by name


def spearman_rows(scores: np.ndarray, acc: np.ndarray) -> np.ndarray:
    """Spearman rho of each row of ``scores`` against ``acc`` (average ranks for ties);
    NaN where either is constant.  The same definition as :func:`metrics.signal_quality`,
    computed for many runs at once."""
    # Imported here: scipy.stats costs a second at import, and only measured data needs it.
    from scipy.stats import rankdata

    rs = rankdata(scores, axis=1)
    ra = rankdata(acc)
    rs -= rs.mean(axis=1, keepdims=True)
    ra = ra - ra.mean()
    den = np.sqrt((rs ** 2).sum(axis=1) * (ra ** 2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (rs @ ra) / den
    rho[(den == 0) | (np.ptp(scores, axis=1) == 0) | (np.ptp(acc) == 0)] = np.nan
    return np.clip(rho, -1.0, 1.0)


def reselect(keyword: np.ndarray, corr: np.ndarray, weight: float | np.ndarray) -> np.ndarray:
    """Stage-1 L_Abstract of each row (run) at keyword weight ``weight`` (one, or one per row):
    argmax of weight*keyword + (1-weight)*corr, or the middle layer when every score is <= 0."""
    w = np.asarray(weight, dtype=float).reshape(-1, 1)
    score = w * keyword + (1.0 - w) * corr
    chosen = np.argmax(score, axis=1)
    chosen[(score <= 0).all(axis=1)] = score.shape[1] // 2
    return chosen


def _recovery(acc: np.ndarray, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(recovery_rate, auto_last_gap, best_last_gap) for plugged layers ``chosen``."""
    best_gap = float(acc.max() - acc[-1])
    auto = acc[chosen] - acc[-1]
    recovery = np.ones_like(auto) if best_gap == 0 else auto / best_gap
    return recovery, auto, np.full_like(auto, best_gap)


def sweep_cells(runs: list[Run]) -> dict[str, set[tuple[str, str, int]]]:
    """Per swept setting, the (task, model, seed) cells with a run away from its default."""
    cells: dict[str, set[tuple[str, str, int]]] = {s: set() for s in SETTINGS}
    for run in runs:
        differs = run.differs()
        if len(differs) == 1:
            cells[differs[0]].add(run.cell)
    return cells


def in_sweep(run: Run, setting: str, cells: dict[str, set[tuple[str, str, int]]]) -> bool:
    """Whether ``run`` is a point of ``setting``'s sweep: away from the default in that setting
    only, or the default run of a cell that has such runs."""
    differs = run.differs()
    return differs == (setting,) or (differs == () and run.cell in cells[setting])


def derive(reading: ResultsFolder) -> None:
    """Fill ``reading.tables`` from its usable runs."""
    cols: dict[str, dict[str, list]] = {name: defaultdict(list) for name in study.NAMES}
    # The sweeps whose stage 1 is re-selected from the default runs at every weight of a grid.
    reselected = [a for a in study.SWEEPS if a.reselected]
    # Which runs each table holds: a sweep's (its setting), or the default runs (none); and
    # whether its runs should have logged their time.
    members = [(a.name, a.setting if a.is_sweep else None, a.kind == "sample_sweep") for a in study.ABLATIONS]
    any_default = False
    flat, no_effect, no_time, reselection_mismatch, unshown = (Notes() for _ in range(5))
    cells = sweep_cells(reading.runs)
    by_grid: dict[tuple[str, str], list[Run]] = defaultdict(list)
    for run in reading.runs:
        by_grid[(run.task, run.model)].append(run)
    # One weight grid for every task and model, so that their curves line up.
    weights_grid = sorted(set(RESELECTION_WEIGHTS)
                          | {r.keyword_weight for r in reading.runs if r.differs() == ("keyword_weight",)})
    for (task, model), runs in sorted(by_grid.items()):
        grid = reading.grid_of[(task, model)]
        acc = grid.acc
        info = registry.TASKS[task]
        kw = np.vstack([r.keyword_signal for r in runs])
        corr = np.vstack([r.corr_signal for r in runs])
        weights = np.array([r.keyword_weight for r in runs])
        score = weights[:, None] * kw + (1.0 - weights[:, None]) * corr
        quality = spearman_rows(score, acc)
        final = np.array([r.final_layer for r in runs])
        # Python lists, not arrays, in the loop over runs: a list item is a float, an array
        # item a numpy scalar that costs more to make, to test and to turn into a column.
        recovery, auto, best_gap = (a.tolist() for a in _recovery(acc, final))
        mismatch = (reselect(kw, corr, weights) != [r.l_abstract for r in runs]).tolist()
        undefined = np.isnan(quality).tolist()
        quality_list = quality.tolist()
        sensitivity = float((acc.max() - acc.min()) / acc.max())
        best_norm = int(np.argmax(acc)) / (acc.size - 1)
        per_grid = {"task_type": info.task_type, "n_classes": info.n_classes, "sensitivity": sensitivity}
        per_model = {"n_layers": grid.n_layers, "params_b": registry.MODELS[model].params_b,
                     "last_acc": float(acc[-1]), "best_acc": float(acc.max())}
        rows: dict[str, list[int]] = {name: [] for name in cols}  # the runs each table shows
        for i, run in enumerate(runs):
            if mismatch[i]:
                reselection_mismatch.add(said("derive.reselection-differs"), run.path)
            differs = run.differs()
            if len(differs) > 1:
                unshown.add(Message("derive.several-settings", n=len(differs), settings=", ".join(differs)),
                            run.path)
                continue
            if undefined[i]:
                why = Message("quality.flat" if np.ptp(acc) == 0 else "quality.constant")
                flat.add(Message("derive.quality-undefined", why=why), run.path)
            if run.head_effect_missing:
                code = "derive.effect-missing-final" if run.found_nothing else "derive.effect-missing"
                no_effect.add(said(code, why=run.head_effect_missing), run.path)
            if differs == ():
                any_default = True
            for name, setting, timed in members:  # a sweep's points, or the default runs
                if in_sweep(run, setting, cells) if setting else differs == ():
                    if timed and np.isnan(run.elapsed_sec):
                        no_time.add(said("derive.time-missing"), run.path)
                    rows[name].append(i)
        # A column at a time, each table's rows in the order of the runs.
        for a in study.ABLATIONS:
            idx = rows[a.name]
            same = {"task": task, "model": model, "seed": _of(runs, idx, "seed")}
            if a.kind == "sample_sweep":
                _extend(cols[a.name], len(idx), **same, **{a.setting: _of(runs, idx, a.setting)},
                        recovery_rate=_at(recovery, idx), signal_quality=_at(quality_list, idx),
                        auto_last_gap=_at(auto, idx), best_last_gap=_at(best_gap, idx),
                        time_sec=_of(runs, idx, "elapsed_sec"))
            elif a.kind == "sweep":
                metric = {a.metric.column: _of(runs, idx, a.metric.column)} if a.metric else {}
                basis = {"basis": LOGGED} if a.reselected else {}
                _extend(cols[a.name], len(idx), **same, **{a.setting: _of(runs, idx, a.setting)}, **metric,
                        recovery_rate=_at(recovery, idx), **basis, auto_last_gap=_at(auto, idx))
            elif a.kind == "per_task":
                _extend(cols[a.name], len(idx), **same, **per_grid, best_last_gap=_at(best_gap, idx),
                        auto_last_gap=_at(auto, idx), recovery_rate=_at(recovery, idx))
            else:  # per_model
                _extend(cols[a.name], len(idx), **same, **per_model, best_last_gap=_at(best_gap, idx),
                        recovery_rate=_at(recovery, idx), best_layer_norm=best_norm)
        defaults = [i for i, r in enumerate(runs) if not r.differs()]
        if defaults:
            for weight in weights_grid:
                chosen = reselect(kw[defaults], corr[defaults], weight)
                rec, gained = _recovery(acc, chosen)[:2]
                # A column at a time: these rows are most of the table (every weight of the grid
                # for every default run).
                for a in reselected:
                    _extend(cols[a.name], len(defaults), task=task, model=model,
                            seed=[runs[i].seed for i in defaults], **{a.setting: weight},
                            recovery_rate=rec.tolist(), basis=RESELECTION, auto_last_gap=gained.tolist())
    reading.warnings.extend(flat.lines() + no_effect.lines() + no_time.lines()
                            + reselection_mismatch.lines() + unshown.lines())
    reading.tables = {name: _frame(name, c) for name, c in cols.items()}
    for name, table in reading.tables.items():
        found = schema.problems(table, schema.SCHEMAS[name])
        if found:
            reading.problems.append(SchemaError(f"table {name!r}", None, "; ".join(found)))
    reading.notes = {a.name: Message("note.reselection-logged") if LOGGED in cols[a.name]["basis"]
                     else RESELECTION_NOTE for a in reselected}
    if not any_default:
        # Not unusable: a sweep without its default run, or a study whose grids are all pending,
        # still renders what it has (each chapter without data says what would produce it).
        reading.warnings.append(NO_DEFAULT_RUN)
    used = {reading.grid_of[k].path for k in by_grid}
    for _key, grid in sorted(reading.grid_of.items()):
        if grid.path not in used and grid.complete:
            reading.warnings.append(Message("grid.unused", path=grid.path))


def _at(values: list, idx: list[int]) -> list:
    return [values[i] for i in idx]


def _of(runs: list[Run], idx: list[int], attr: str) -> list:
    return [getattr(runs[i], attr) for i in idx]


def _extend(columns: dict[str, list], n: int, **values: Any) -> None:
    """Append ``n`` rows: a list gives each row's value, anything else is every row's."""
    for k, v in values.items():
        columns[k].extend(v if isinstance(v, list) else [v] * n)


# Each table's columns, in its schema's order: all but those only the demo fills.
_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(c.name for c in table.columns if not c.demo_only) for name, table in schema.SCHEMAS.items()
}
_KINDS: dict[str, str] = {c.name: c.kind for table in schema.SCHEMAS.values() for c in table.columns}


def _frame(name: str, columns: dict[str, list]) -> pd.DataFrame:
    data = {}
    for col in _COLUMNS[name]:
        values = columns.get(col, [])
        if _KINDS[col] == "str":
            data[col] = pd.Series(values, dtype="str")
        elif _KINDS[col] == "int":
            data[col] = pd.Series(np.asarray(values, dtype=np.int64))
        else:
            data[col] = pd.Series(np.asarray(values, dtype=float))
    frame = pd.DataFrame(data)
    order = [c for c in ("model", "task", *SETTINGS, "seed") if c in frame.columns]
    return frame.sort_values(order, kind="stable", ignore_index=True)


def describe_counts(reading: ResultsFolder) -> str:
    """One line: what was read."""
    models = sorted({r.model for r in reading.runs}, key=registry.MODEL_ORDER.index)
    tasks = {r.task for r in reading.runs}
    seeds = sorted({r.seed for r in reading.runs})
    return Message("summary.read", logs=len(reading.logs), grids=len(reading.grids), runs=len(reading.runs),
                   models=tuple(models), tasks=len(tasks), seeds=tuple(seeds), pending=len(reading.pending),
                   skipped=len(reading.skipped))
