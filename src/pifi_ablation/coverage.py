"""Which cells of the ablation grid a results folder holds runs for, and which are missing.

A cell is (task, model, setting, seed).  The grid spans every task and model of
the registry, every seed seen in the folder, and for each sweep every setting
seen in the folder (and the default): so the report shows what is left to run.
The keyword-weight ablation needs no runs of its own (stage-1 re-selection from
the default runs); logged runs of a re-selected sweep, where present, are cells too.

Beside the cells the report lists what a real folder holds besides finished runs:
runs *pending* their grid search, files *skipped* as outside the study, and each grid
file's state (complete, in progress, unusable; layers tested more than once).  This module
is analysis: the report's HTML is built by :mod:`pifi_ablation.pages`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pifi_ablation import paths, registry, study
from pifi_ablation.errors import ResultsError
from pifi_ablation.messages import Message
from pifi_ablation.sources.measured import DEFAULTS, ResultsFolder, describe_counts
from pifi_ablation.study import NEEDS, Ablation

Cell = tuple[str, str, str, int]  # task, model, setting, seed
RESELECTED = "re-selection"
DEFAULT = "default"


@dataclass(frozen=True)
class AblationCoverage:
    """The present and missing cells of one ablation."""

    name: str
    setting: str | None
    settings: tuple[str, ...]
    tasks: tuple[str, ...]
    models: tuple[str, ...]
    seeds: tuple[int, ...]
    present: frozenset[Cell]

    @property
    def expected(self) -> int:
        return len(self.tasks) * len(self.models) * len(self.settings) * len(self.seeds)

    def missing(self) -> dict[tuple[str, str], list[tuple[str, int]]]:
        """Missing (setting, seed) cells per (task, model), in the grid's order."""
        out: dict[tuple[str, str], list[tuple[str, int]]] = {}
        for task in self.tasks:
            for model in self.models:
                gone = [(s, seed) for s in self.settings for seed in self.seeds
                        if (task, model, s, seed) not in self.present]
                if gone:
                    out[(task, model)] = gone
        return out

    def count(self, task: str, model: str) -> int:
        return sum((task, model, s, seed) in self.present for s in self.settings for seed in self.seeds)


@dataclass(frozen=True)
class GridState:
    """One grid file of the study: its layers tested so far and how often."""

    path: str
    task: str
    model: str
    state: str  # "complete", "in progress", "not started" (an empty file) or "unusable"
    tested: int  # layers with at least one test line
    n_layers: int
    lines: int  # test lines in all
    repeated: int  # layers tested more than once

    def text(self) -> str:
        if self.state == "unusable":
            return f"{self.path}: unusable (see Unusable input)"
        said = f"{self.path}: {self.state}, {self.tested} of {self.n_layers} layers, {self.lines} test lines"
        return said + (f", {self.repeated} layers tested more than once (averaged)" if self.repeated else "")


@dataclass(frozen=True)
class PendingRun:
    """A run whose grid is missing, in progress or unusable."""

    path: str
    task: str
    model: str
    seed: int
    setting: str
    reason: str

    def text(self) -> str:
        return f"{self.task} / {self.model} / seed {self.seed} ({self.setting}): {self.reason} [{self.path}]"


@dataclass(frozen=True)
class Coverage:
    """What a results folder holds: the read summary, the problems and each ablation's cells.

    ``root`` is the folder as given (the command line prints it); ``location`` is how a
    published page names it (relative to the project, never an absolute path).
    """

    root: str
    location: str
    summary: str
    n_files: int
    content_hash: str
    ablations: tuple[AblationCoverage, ...]
    problems: tuple[str, ...]
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...]
    pending: tuple[PendingRun, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    grids: tuple[GridState, ...] = ()
    # The problems as errors and the tables' notes (``validate --json`` prints every message).
    errors: tuple[ResultsError, ...] = field(default=(), compare=False)
    notes: tuple[str, ...] = ()

    def messages(self) -> list[dict[str, Any]]:
        """Every message of the report, as data: code, severity, path (the file it is about, the
        first of several), English and Korean; ``files`` for a message about several files and
        ``key`` for an unusable input."""
        said = [self.summary, *self.assumptions, *self.warnings, *self.notes]
        return ([m.as_json() for m in said if isinstance(m, Message)]
                + [err.as_json() for err in self.errors])

    def text(self) -> str:
        """The report as plain text (the ``validate`` command prints it)."""
        lines = [f"Results folder: {self.root}", f"Read: {self.summary}",
                 f"Files read: {self.n_files}, content hash (SHA-256) {self.content_hash}"]
        for title, items in (("Assumed", self.assumptions), ("Warnings", self.warnings),
                             ("Unusable input", self.problems),
                             ("Skipped, outside the study", [f"{p}: {why}" for p, why in self.skipped]),
                             ("Pending (left out until their grid is complete)",
                              [p.text() for p in self.pending]),
                             ("Grid files", [g.text() for g in self.grids])):
            lines.append(f"{title} ({len(items)}):" if items else f"{title}: none")
            lines += [f"  - {item}" for item in items]
        lines.append("Coverage of the ablation grid (cells: task, model, setting, seed):")
        for a in self.ablations:
            lines.append(f"  {a.name}{settings_text(a)}: {len(a.present)} of {a.expected} cells have runs")
            if not a.present:
                lines.append(f"    no data yet: needs {NEEDS[a.name].en}; e.g. {NEEDS[a.name].command}")
            for (task, model), gone in a.missing().items():
                cells = "; ".join(f"{s} seed {seed}" for s, seed in gone)
                lines.append(f"    missing {task} / {model}: {cells}")
        return "\n".join(lines)


def settings_text(a: AblationCoverage) -> str:
    seeds = ", ".join(map(str, a.seeds)) or "none"
    if a.setting is None:
        return f" (default settings; seeds {seeds})"
    return f" ({', '.join(a.settings)}; seeds {seeds})"


def _label(setting: str, value: float) -> str:
    return f"{setting}={value:g}"


def coverage(reading: ResultsFolder) -> Coverage:
    """The coverage report of a read results folder."""
    from pifi_ablation.sources.measured.derive import in_sweep, sweep_cells

    # Seeds of pending runs too: a study whose grids are all pending still shows its grid of cells.
    seeds = tuple(sorted({r.seed for r in reading.runs} | {p.run.seed for p in reading.pending}))
    tasks, models = tuple(registry.TASKS), registry.MODEL_ORDER
    # A default run is a cell of a sweep only where its table holds it: where the same (task,
    # model, seed) has a run away from that setting's default (derive's rule), so the counts
    # are those of the tables.
    in_table = sweep_cells(reading.runs)
    sweeps: dict[str, set[Cell]] = defaultdict(set)
    values: dict[str, set[float]] = {s: {DEFAULTS[s]} for s in DEFAULTS}
    reselected = [a.setting for a in study.SWEEPS if a.reselected]
    logged_values: dict[str, set[float]] = defaultdict(set)
    for run in reading.runs:
        differs = run.differs()
        if len(differs) > 1:
            continue
        if differs:
            values[differs[0]].add(getattr(run, differs[0]))
        base = (run.task, run.model)
        for setting in (a.setting for a in study.SWEEPS if not a.reselected):
            if in_sweep(run, setting, in_table):
                sweeps[setting].add((*base, _label(setting, getattr(run, setting)), run.seed))
        if differs == ():
            sweeps["default"].add((*base, DEFAULT, run.seed))
            for setting in reselected:
                sweeps[setting].add((*base, RESELECTED, run.seed))
        elif differs[0] in reselected:
            value = getattr(run, differs[0])
            logged_values[differs[0]].add(value)
            sweeps[differs[0]].add((*base, _label(differs[0], value), run.seed))

    def one(name: str, setting: str | None, settings: list[str], cells: set[Cell]) -> AblationCoverage:
        return AblationCoverage(name, setting, tuple(settings), tasks, models, seeds, frozenset(cells))

    def cells_of(a: Ablation) -> AblationCoverage:
        if not a.is_sweep:  # the default runs, of every task and model
            return one(a.name, None, [DEFAULT], sweeps["default"])
        if a.reselected:  # the stage-1 re-selection, and any logged settings
            logged = [_label(a.setting, v) for v in sorted(logged_values[a.setting])]
            return one(a.name, a.setting, [RESELECTED, *logged], sweeps[a.setting])
        return one(a.name, a.setting, [_label(a.setting, v) for v in sorted(values[a.setting])],
                   sweeps[a.setting])

    ablations = tuple(cells_of(a) for a in study.ABLATIONS)
    return Coverage(
        root=str(reading.root), location=paths.shown_location(reading.root),
        summary=describe_counts(reading), n_files=len(reading.hashes),
        content_hash=reading.content_hash, ablations=ablations,
        problems=tuple(str(p) for p in reading.problems), assumptions=tuple(reading.assumptions),
        warnings=tuple(reading.warnings), errors=tuple(reading.problems), notes=tuple(reading.notes.values()),
        pending=tuple(_pending(p) for p in reading.pending),
        skipped=tuple(reading.skipped),
        grids=_grid_states(reading),
    )


def _pending(p) -> PendingRun:
    differs = p.run.differs()
    setting = ", ".join(_label(s, getattr(p.run, s)) for s in differs) or DEFAULT
    return PendingRun(p.run.path, p.run.task, p.run.model, p.run.seed, setting, p.reason)


def _grid_states(reading: ResultsFolder) -> tuple[GridState, ...]:
    states = []
    for (task, model), grid in reading.grid_of.items():
        state = "complete" if grid.complete else "in progress" if grid.lines.any() else "not started"
        states.append(GridState(grid.path, task, model, state,
                                int((grid.lines > 0).sum()), grid.n_layers, int(grid.lines.sum()),
                                len(grid.repeated_layers)))
    for (task, model), path in reading.unusable_grids.items():
        states.append(GridState(path, task, model, "unusable", 0, registry.MODELS[model].n_layers, 0, 0))
    return tuple(sorted(states, key=lambda g: g.path))

