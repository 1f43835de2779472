"""Reading a results folder: find the files, read grids and logs, pair runs with their grids.

:func:`read` never raises on bad content: it collects every unusable input as a
:class:`~pifi_ablation.errors.ResultsError` naming the file, the key or line and what was
expected, so that ``validate`` can list them all.  What is not an error is said instead:
files outside the study are *skipped* (and listed), runs whose grid search has not finished
are *pending* (and listed), repeated grid lines are averaged (and counted).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pifi_ablation import registry
from pifi_ablation.errors import GridError, LayoutError, LogError, ResultsError, UsageError
from pifi_ablation.messages import Message
from pifi_ablation.sources.measured import names
from pifi_ablation.sources.measured.checks import Notes
from pifi_ablation.sources.measured.derive import derive
from pifi_ablation.sources.measured.grids import Grid, layer_ranges, parse_grid
from pifi_ablation.sources.measured.logs import LogNotes, Run, decode, parse_log
from pifi_ablation.sources.measured.settings import SWEEP_COMMAND, SWEEP_FOLDER_EXAMPLE, folder_settings

PENDING_NO_GRID = Message("pending.no-grid")
PENDING_BLOCKED = Message("pending.blocked")
PENDING_NOT_STARTED = Message("pending.not-started")
SWEEP_FOLDER_HINT = Message("log.unnamed-sweep-folder")


@dataclass(frozen=True)
class Pending:
    """A run that cannot be shown yet, and why (its grid is missing, in progress or unusable)."""

    run: Run
    reason: Message
    grid: str | None = None


@dataclass
class ResultsFolder:
    """A results folder as :func:`read` found it: its files, the runs and grids read from them,
    the runs pending, the five tables derived, and what went wrong."""

    root: Path
    slm: str = names.STUDY_SLM
    logs: list[str] = field(default_factory=list)
    grids: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    grid_of: dict[tuple[str, str], Grid] = field(default_factory=dict)
    unusable_grids: dict[tuple[str, str], str] = field(default_factory=dict)
    problems: list[ResultsError] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    # A folder held in memory (relative path -> bytes) instead of on disk: the demonstration
    # simulation of the per-layer data (sources/demo_layers.py) is read this way.
    memory: Mapping[str, bytes] | None = None

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(sorted(self.hashes))

    @property
    def content_hash(self) -> str:
        """SHA-256 over every file read (its path in the folder and its bytes' SHA-256)."""
        h = hashlib.sha256()
        for path in sorted(self.hashes):
            h.update(f"{path}\0{self.hashes[path]}\n".encode())
        return h.hexdigest()


def read(root: str | os.PathLike[str], slm: str = names.STUDY_SLM, *,
         files: Mapping[str, bytes] | None = None, tables: bool = True) -> ResultsFolder:
    """Read every selection log and grid file under ``root`` and derive the five tables.

    Never raises on bad content (only when ``root`` is not a folder).  ``slm`` is the study's
    small LM: grids of other SLMs are skipped.  ``files`` reads a folder held in memory
    (relative path -> bytes; ``root`` then only names it); ``tables=False`` reads runs and
    grids without deriving the five tables.
    """
    root = Path(root)
    if files is None and not root.is_dir():
        raise UsageError(str(root), None, Message("folder.not-a-folder"),
                         Message("expect.results-folder", suffix=names.GRID_SUFFIX))
    reading = ResultsFolder(root=root, slm=slm, memory=files)
    # a folder held in memory (the layer demo) has no links, hidden folders or copies
    found = names.scan(root) if files is None else names.Scan(files=sorted(files))
    for rel in found.files:
        name = rel.rsplit("/", 1)[-1]
        if names.LOG_NAME.match(name):
            outside = names.log_outside(name)
            if outside:
                reading.skipped.append((rel, outside))
            else:
                reading.logs.append(rel)
        elif name.endswith(names.GRID_SUFFIX):
            parsed = names.grid_name(name, slm)
            if parsed is not None and not parsed.in_study:
                reading.skipped.append((rel, parsed.outside))
            else:
                reading.grids.append(rel)
        else:
            reading.ignored.append(rel)
    _read_grids(reading)
    parsed = _read_logs(reading)
    _pair(reading, parsed)
    if reading.skipped:
        shown = ", ".join(rel for rel, _ in reading.skipped[:3])
        shown += ", ..." if len(reading.skipped) > 3 else ""
        reading.warnings.append(Message("files.outside-study", n=len(reading.skipped), shown=shown))
    broken = set(found.broken)
    reading.warnings.extend(_stray([rel for rel in reading.ignored if rel not in broken]))
    reading.warnings.extend(_scan_notes(found, [rel for rel in reading.ignored if rel in broken]))
    if not reading.logs:
        reading.problems.append(LayoutError(str(root), None, Message("folder.no-logs"),
                                            Message("expect.log-names")))
    if tables:
        derive(reading)  # with no usable run, the five tables are empty (and valid)
    return reading


def _stray(ignored: list[str]) -> list[Message]:
    """Files that are neither logs nor grids (``nohup.out``, ``.DS_Store``, a ``wandb/`` run):
    one line for a lone file, one line per folder where there are more."""
    by_folder: dict[str, list[str]] = defaultdict(list)
    for rel in ignored:  # by the folder at the top of the results folder (a wandb/ tree is one)
        by_folder[rel.partition("/")[0] if "/" in rel else ""].append(rel)
    lines = []
    for folder, files in by_folder.items():
        if len(files) == 1:
            lines.append(Message("files.not-read", path=files[0], suffix=names.GRID_SUFFIX))
        else:
            shown = ", ".join(f[len(folder) + 1:] if folder else f for f in files[:3])
            shown += ", ..." if len(files) > 3 else ""
            said = dict(n=len(files), shown=shown, suffix=names.GRID_SUFFIX)
            lines.append(Message("files.not-read-in-folder", folder=folder + "/", **said) if folder
                         else Message("files.not-read-at-top", **said))
    return lines


def _scan_notes(found: names.Scan, broken: list[str]) -> list[Message]:
    """What the scan left out, and the files reached through two paths."""
    lines = []
    if found.hidden:
        shown = ", ".join(found.hidden[:3]) + (", ..." if len(found.hidden) > 3 else "")
        lines.append(Message("scan.hidden", n=len(found.hidden), shown=shown))
    lines += [Message("scan.loop", path=rel) for rel in found.loops]
    lines += [Message("scan.broken-link", path=rel) for rel in broken]
    lines += [Message("scan.same-file", path=rel, first=first) for rel, first in found.copies.items()]
    return lines


def _read_bytes(reading: ResultsFolder, rel: str, error: type[ResultsError],
                expected: Message) -> bytes | None:
    """The bytes of ``rel``, or None after listing why it cannot be read."""
    if reading.memory is not None:
        return reading.memory[rel]
    try:
        # No Path per file (every log comes here): plain strings are cheaper to join; and
        # unbuffered, since the file is read whole at once.
        with open(os.path.join(reading.root, rel), "rb", buffering=0) as file:  # noqa: PTH118, PTH123
            return file.read()
    except OSError as err:
        reading.problems.append(error(rel, None, Message("file.unreadable", reason=err.strerror), expected))
        return None


def _read_grids(reading: ResultsFolder) -> None:
    notes = Notes()
    by_name: dict[tuple[str, str, str], Grid] = {}
    slms: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rel in reading.grids:
        data = _read_bytes(reading, rel, GridError, Message("expect.readable-text"))
        if data is None:
            continue
        reading.hashes[rel] = hashlib.sha256(data).hexdigest()
        parts = names.grid_name(rel.rsplit("/", 1)[-1], reading.slm)
        if parts is None:
            reading.problems.append(LayoutError(
                rel, None, Message("grid.name-unknown"),
                Message("expect.grid-name", suffix=names.GRID_SUFFIX,
                        datasets=", ".join(registry.DATASET_NAMES), llms=", ".join(registry.LLM_TYPES))))
            continue
        try:
            text = data.decode("utf-8-sig")  # a byte-order mark (an editor's) is not part of the text
        except UnicodeDecodeError as err:
            reading.problems.append(GridError(rel, None, Message("file.not-utf8", reason=err.reason),
                                              Message("expect.utf8-text")))
            continue
        task, model = registry.canonical_task(parts.dataset), registry.canonical_model(parts.llm)
        parsed = parse_grid(rel, text, {"dataset": parts.dataset, "slm": parts.slm, "llm": parts.llm},
                            registry.MODELS[model].n_layers, reading.problems)
        if parsed is None:
            reading.unusable_grids[(task, model)] = rel
            continue
        grid = Grid(rel, task, parts.slm, model, parsed.acc, parsed.lines)
        reading.warnings.extend(c.text(rel) for c in parsed.cut)
        if parsed.unknown_fields:
            notes.add(Message("grid.fields-unknown", fields=", ".join(map(repr, parsed.unknown_fields))), rel)
        if parsed.default_lines:
            notes.add(Message("grid.default-layer"), rel)
        if grid.repeated_layers:
            notes.add(Message("grid.repeated-layers"), rel)
        key = (task, parts.slm, model)
        if key in by_name:
            first = by_name[key]
            same = first.acc.shape == grid.acc.shape and np.array_equal(first.lines, grid.lines) and \
                np.array_equal(first.acc, grid.acc, equal_nan=True)
            if not same:
                reading.problems.append(LayoutError(
                    rel, None, Message("grid.disagrees", first=first.path, dataset=parts.dataset,
                                       slm=parts.slm, llm=parts.llm), Message("expect.grid-once")))
                reading.grid_of.pop((task, model), None)
                reading.unusable_grids[(task, model)] = rel
            else:
                notes.add(Message("grid.second-copy", first=first.path), rel)
            continue
        by_name[key] = grid
        slms[(task, model)].add(parts.slm)
        expected_layers = registry.MODELS[model].n_layers
        if grid.n_layers != expected_layers:
            said = {"layers": grid.n_layers, "model": model, "expected": expected_layers}
            notes.add(Message("grid.layer-count", **said), rel)
        if (task, model) not in reading.unusable_grids:
            reading.grid_of[(task, model)] = grid
    for (task, model), found in slms.items():
        if len(found) > 1:  # only when the study's SLM is given as a spelling of several
            files = sorted(g.path for (t, _, m), g in by_name.items() if (t, m) == (task, model))
            reading.problems.append(LayoutError(
                ", ".join(files), None, Message("grid.several-slms", slms=", ".join(sorted(found)), task=task,
                                                model=model), Message("expect.one-slm")))
            reading.grid_of.pop((task, model), None)
            reading.unusable_grids[(task, model)] = files[0]
    reading.warnings.extend(notes.lines())


def _read_logs(reading: ResultsFolder) -> list[Run]:
    """Every usable log as a run (copies read once); ambiguous duplicates are problems."""
    log_notes = LogNotes(Notes(), Notes(), Notes(), Notes())
    same, unnamed = Notes(), Notes()
    cache: dict[tuple[str, ...], Any] = {}
    hint = {k: g.n_layers for k, g in reading.grid_of.items()}
    seen: dict[tuple, Run] = {}
    bad_keys: set[tuple] = set()
    for rel in reading.logs:
        data = _read_bytes(reading, rel, LogError, Message("expect.readable-json"))
        if data is None:
            continue
        digest = hashlib.sha256(data).hexdigest()
        reading.hashes[rel] = digest
        folder = folder_settings(rel.split("/")[:-1], cache)
        if isinstance(folder, LayoutError):
            reading.problems.append(LayoutError(rel, folder.key, folder.problem, folder.expected))
            continue
        obj = decode(rel, data)
        if isinstance(obj, LogError):
            reading.problems.append(obj)
            continue
        run = parse_log(rel, obj, folder, hint, digest, log_notes, reading.problems)
        if run is None:
            continue
        first = seen.get(run.key)
        if first is None:
            seen[run.key] = run
            continue
        differing = [] if first.digest == digest else _differing_keys(reading, first.path, rel)
        if differing:
            reading.problems.append(LayoutError(
                rel, ", ".join(differing), Message("log.disagrees", first=first.path, run=run.describe()),
                Message("expect.run-once", example=SWEEP_FOLDER_EXAMPLE, command=SWEEP_COMMAND)))
            bad_keys.add(run.key)
        else:
            same.add(Message("log.second-copy", first=first.path), rel)
            if not folder and rel.rpartition("/")[0] != first.path.rpartition("/")[0]:
                unnamed.add(SWEEP_FOLDER_HINT, rel)
    reading.assumptions.extend(log_notes.assumed.lines() + log_notes.missing.lines())
    reading.warnings.extend(log_notes.disagree.lines() + log_notes.truncated.lines() + same.lines()
                            + unnamed.lines())
    return [r for k, r in seen.items() if k not in bad_keys]


def _differing_keys(reading: ResultsFolder, a: str, b: str) -> list[str]:
    """The top-level keys in which two logs differ (empty when their content is the same)."""
    read = (reading.memory.__getitem__ if reading.memory is not None
            else lambda rel: (reading.root / rel).read_bytes())
    x, y = json.loads(read(a)), json.loads(read(b))
    return sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))


def _pair(reading: ResultsFolder, runs: list[Run]) -> None:
    """Pair each run with its grid: usable, pending (grid missing or in progress, or unusable:
    said once, against the grid) or a problem (the log contradicts a complete grid)."""
    waiting: dict[tuple[str, str], list[Pending]] = defaultdict(list)
    for run in runs:
        pair = (run.task, run.model)
        grid = reading.grid_of.get(pair)
        if grid is None:
            blocked = reading.unusable_grids.get(pair)
            reason = PENDING_BLOCKED if blocked else PENDING_NO_GRID
            waiting[pair].append(Pending(run, reason, blocked))
        elif not grid.lines.any():
            waiting[pair].append(Pending(run, PENDING_NOT_STARTED, grid.path))
        elif not grid.complete:
            reason = Message("pending.in-progress", layers=layer_ranges(grid.missing_layers))
            waiting[pair].append(Pending(run, reason, grid.path))
        elif run.n_layers != grid.n_layers:
            reading.problems.append(LogError(
                run.path, "per_layer_signals",
                Message("log.layers-differ", n=run.n_layers, grid_n=grid.n_layers),
                Message("expect.grid-layers", n=grid.n_layers, top=grid.n_layers - 1, grid=grid.path)))
        else:
            reading.runs.append(run)
    for pair, items in sorted(waiting.items()):
        reading.pending.extend(items)
        task, model = pair
        first = items[0]
        said = dict(n=len(items), task=task, model=model, why=first.reason)
        reading.warnings.append(Message("runs.pending", grid=first.grid, **said) if first.grid
                                else Message("runs.pending-no-file", **said))
