"""Which cells of the ablation grid a results folder holds runs for, and which are missing.

A cell is (task, model, setting, seed).  The grid spans every task and model of
the registry, every seed seen in the folder, and for each sweep every setting
seen in the folder (and the default): so the report shows what is left to run.
The keyword-weight ablation needs no runs of its own (stage-1 re-selection from
the default runs); logged keyword_weight runs, where present, are cells too.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass

from pifi_ablation import registry
from pifi_ablation.sources.measured import DEFAULTS, Reading, describe_counts

Cell = tuple[str, str, str, int]  # task, model, setting, seed
_SHOWN_PER_PAIR = 6  # missing cells listed per (task, model) in the HTML report
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
class Coverage:
    """What a results folder holds: the read summary, the problems and each ablation's cells."""

    root: str
    summary: str
    n_files: int
    content_hash: str
    ablations: tuple[AblationCoverage, ...]
    problems: tuple[str, ...]
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...]

    def text(self) -> str:
        """The report as plain text (the ``validate`` command prints it)."""
        lines = [f"Results folder: {self.root}", f"Read: {self.summary}",
                 f"Files read: {self.n_files}, content hash (SHA-256) {self.content_hash}"]
        for title, items in (("Assumed", self.assumptions), ("Warnings", self.warnings),
                             ("Unusable input", self.problems)):
            lines.append(f"{title} ({len(items)}):" if items else f"{title}: none")
            lines += [f"  - {item}" for item in items]
        lines.append("Coverage of the ablation grid (cells: task, model, setting, seed):")
        for a in self.ablations:
            lines.append(f"  {a.name}{_settings_text(a)}: {len(a.present)} of {a.expected} cells have runs")
            for (task, model), gone in a.missing().items():
                cells = "; ".join(f"{s} seed {seed}" for s, seed in gone)
                lines.append(f"    missing {task} / {model}: {cells}")
        return "\n".join(lines)

    def html(self) -> str:
        """The report in both languages (every string from the folder escaped)."""
        from pifi_ablation.book import bilingual

        esc = html.escape
        en, ko = [], []
        en.append(f"<p>Results folder <code>{esc(self.root)}</code>: {esc(self.summary)}.</p>")
        ko.append(f"<p>결과 폴더 <code>{esc(self.root)}</code>: {esc(self.summary)}.</p>")
        for a in self.ablations:
            body = _grid_table(a)
            en.append(f"<p><strong><code>{esc(a.name)}</code></strong>{esc(_settings_text(a))}: "
                      f"{len(a.present)} of {a.expected} cells have runs.</p>{body}")
            ko.append(f"<p><strong><code>{esc(a.name)}</code></strong>{esc(_settings_text(a))}: "
                      f"셀 {a.expected}개 중 {len(a.present)}개에 실행이 있습니다.</p>{body}")
        return f'<div class="pifi-coverage">{bilingual("".join(en), "".join(ko))}</div>'


def _settings_text(a: AblationCoverage) -> str:
    seeds = ", ".join(map(str, a.seeds)) or "none"
    if a.setting is None:
        return f" (default settings; seeds {seeds})"
    return f" ({', '.join(a.settings)}; seeds {seeds})"


def _grid_table(a: AblationCoverage) -> str:
    esc = html.escape
    missing = a.missing()
    head = "".join(f"<th>{esc(m)}</th>" for m in a.models)
    rows = []
    per_pair = len(a.settings) * len(a.seeds)
    for task in a.tasks:
        cells = []
        for model in a.models:
            gone = missing.get((task, model), [])
            listed = "; ".join(f"{s} seed {seed}" for s, seed in gone[:_SHOWN_PER_PAIR])
            if len(gone) > _SHOWN_PER_PAIR:
                listed += f"; +{len(gone) - _SHOWN_PER_PAIR}"
            status = "complete" if not gone else ("empty" if len(gone) == per_pair else "partial")
            detail = f"<br><small>{esc(listed)}</small>" if gone else ""
            cells.append(f'<td class="pifi-cov-{status}">{a.count(task, model)}/{per_pair}{detail}</td>')
        rows.append(f"<tr><th>{esc(task)}</th>{''.join(cells)}</tr>")
    return (f'<div class="pifi-table-scroll"><table class="pifi-table pifi-coverage-grid">'
            f"<tr><th></th>{head}</tr>{''.join(rows)}</table></div>")


def _label(setting: str, value: float) -> str:
    return f"{setting}={value:g}"


def coverage(reading: Reading) -> Coverage:
    """The coverage report of a read results folder."""
    seeds = tuple(sorted({r.seed for r in reading.runs}))
    tasks, models = tuple(registry.TASKS), registry.MODEL_ORDER
    sweeps: dict[str, set[Cell]] = defaultdict(set)
    values: dict[str, set[float]] = {s: {DEFAULTS[s]} for s in DEFAULTS}
    logged_weights: set[float] = set()
    for run in reading.runs:
        differs = run.differs()
        if len(differs) > 1:
            continue
        if differs:
            values[differs[0]].add(getattr(run, differs[0]))
        base = (run.task, run.model)
        for setting in ("n_samples", "lambda_scale"):
            if differs in ((), (setting,)):
                sweeps[setting].add((*base, _label(setting, getattr(run, setting)), run.seed))
        if differs == ():
            sweeps["default"].add((*base, DEFAULT, run.seed))
            sweeps["keyword_weight"].add((*base, RESELECTED, run.seed))
        if differs == ("keyword_weight",):
            logged_weights.add(run.keyword_weight)
            sweeps["keyword_weight"].add((*base, _label("keyword_weight", run.keyword_weight), run.seed))

    def one(name: str, setting: str | None, settings: list[str], cells: set[Cell]) -> AblationCoverage:
        return AblationCoverage(name, setting, tuple(settings), tasks, models, seeds, frozenset(cells))

    ablations = (
        one("sample_size", "n_samples",
            [_label("n_samples", v) for v in sorted(values["n_samples"])], sweeps["n_samples"]),
        one("keyword_weight", "keyword_weight",
            [RESELECTED, *(_label("keyword_weight", v) for v in sorted(logged_weights))],
            sweeps["keyword_weight"]),
        one("lambda_scale", "lambda_scale",
            [_label("lambda_scale", v) for v in sorted(values["lambda_scale"])], sweeps["lambda_scale"]),
        one("task_sensitivity", None, [DEFAULT], sweeps["default"]),
        one("model_size", None, [DEFAULT], sweeps["default"]),
    )
    return Coverage(
        root=str(reading.root), summary=describe_counts(reading), n_files=len(reading.hashes),
        content_hash=reading.content_hash, ablations=ablations,
        problems=tuple(str(p) for p in reading.problems), assumptions=tuple(reading.assumptions),
        warnings=tuple(reading.warnings),
    )

