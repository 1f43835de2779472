"""Grid-result files: the downstream accuracy of PiFi with each LLM layer plugged in.

Upstream's test code appends one line per test run to ``{dataset}_{slm}_{llm}_results.txt``::

    dataset=sst2  model=bert  llm=qwen2_1.5b  layer=12  acc=0.9134  precision=...  recall=...
    f1=...  loss=...   (one line)

Older files hold ``layer=12 acc=0.9134 f1=0.9120`` (``f1`` may be ``macro_f1`` or absent).
The file is opened in append mode and its name holds no seed, so a layer can be listed
several times (a re-test, another training seed): those lines are repeated measurements,
averaged, with their count kept.  ``layer=-1`` is PiFi's default (no ``--layer_num``): the
last layer.  A grid still being filled lacks layers: it is *in progress*, not an error; an
empty file (opened in append mode, killed before the first write) is a grid *not started*.

A run killed while writing leaves a *cut* line: the last line without its newline, or a line
lacking the fields every other line has (``acc=0.`` of ``acc=0.7982``).  A cut line is left out
and named; its layer is not measured unless another complete line measures it (the grid is then
partial, hence pending).  A re-run appended onto a cut line (no newline between) is split into
its two lines.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from pifi_ablation.errors import GridError, ResultsError
from pifi_ablation.messages import Message

# Fields of upstream's line (and of older files); anything else is listed once per file.
KNOWN_FIELDS = frozenset({"dataset", "model", "llm", "layer", "acc", "precision", "recall", "f1",
                          "macro_f1", "loss"})
_SCORES = ("acc", "f1", "macro_f1")  # checked as accuracies in [0, 1]
_NAMED = {"dataset": "dataset", "model": "slm", "llm": "llm"}  # line field -> file-name part
EXPECTED_LINE = Message("expect.grid-line")


@dataclass(frozen=True)
class Grid:
    """Downstream accuracy per plugged layer of one (dataset, SLM, LLM).

    ``acc[i]`` is the mean of the ``lines[i]`` test runs of layer ``i`` (NaN where none ran
    yet); the grid is complete when every layer has at least one.
    """

    path: str
    task: str
    slm: str
    model: str
    acc: np.ndarray
    lines: np.ndarray

    @property
    def n_layers(self) -> int:
        return int(self.acc.size)

    @property
    def complete(self) -> bool:
        return bool((self.lines > 0).all())

    @property
    def missing_layers(self) -> list[int]:
        return np.flatnonzero(self.lines == 0).tolist()

    @property
    def repeated_layers(self) -> dict[int, int]:
        """Layers measured more than once, with their number of lines."""
        return {int(i): int(self.lines[i]) for i in np.flatnonzero(self.lines > 1)}


@dataclass
class GridText:
    """What a grid file's lines say, before it becomes a :class:`Grid`."""

    acc: np.ndarray
    lines: np.ndarray
    default_lines: int  # lines with layer=-1 (PiFi's default: the last layer)
    unknown_fields: tuple[str, ...]
    cut: list[CutLine] = field(default_factory=list)


@dataclass(frozen=True)
class CutLine:
    """A line cut off mid-write, left out: where, why, and the layer it would have measured."""

    line: int
    why: Message
    layer: int | None  # None when the cut came before a readable layer
    measured: bool = False  # another complete line measures the same layer

    def text(self, path: str) -> Message:
        said = {"path": path, "line": self.line, "why": self.why}
        if self.layer is None:
            return Message("grid.cut", **said)
        shown = Message("layer.last") if self.layer == -1 else Message("layer.number", layer=self.layer)
        return Message("grid.cut-measured" if self.measured else "grid.cut-unmeasured", layer=shown, **said)


CUT_NO_NEWLINE = Message("cut.no-newline")
CUT_APPENDED = Message("cut.appended")
CUT_FIELDS = Message("cut.fields")
_FIRST_FIELD = re.compile(r"\s*([A-Za-z_]+)=")


def _segments(text: str) -> list[tuple[int, str, str | None]]:
    """(line number, text, why it is cut or None) for every non-blank line; a re-run appended
    onto a cut line (its first field, e.g. ``dataset=``, glued to the previous value) is split."""
    out: list[tuple[int, str, str | None]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        first = _FIRST_FIELD.match(line)
        starts = [0]
        if first:
            # The line's first field again (glued to a cut value, or after a cut at a space):
            # another run's line.
            again = re.finditer(rf"{re.escape(first[1])}=", line)
            starts += [m.start() for m in again if m.start() > first.start(1)]
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(line)
            out.append((number, line[start:end], CUT_APPENDED if i + 1 < len(starts) else None))
    if out and not text.endswith(("\n", "\r")) and out[-1][2] is None:
        out[-1] = (out[-1][0], out[-1][1], CUT_NO_NEWLINE)
    names = [tuple(t.partition("=")[0] for t in seg.split() if "=" in t) for _, seg, _ in out]
    common = Counter(n for n, seg in zip(names, out, strict=True) if seg[2] is None).most_common(1)
    # Only upstream's own line (dataset= ... loss=) always has every field; older files may omit f1.
    if common and common[0][0][:1] == ("dataset",):
        full = common[0][0]
        for i, (number, seg, why) in enumerate(out):
            # Only a line of whole fields: a malformed one stays an error, named as such.
            whole = all(t.partition("=")[1] and t.partition("=")[2] for t in seg.split())
            if why is None and whole and len(names[i]) < len(full) and full[:len(names[i])] == names[i]:
                out[i] = (number, seg, CUT_FIELDS)
    return out


def _cut_layer(segment: str) -> int | None:
    match = re.search(r"(?:^|\s)layer=(-?\d+)(?=\s|$)", segment)
    return int(match[1]) if match else None


def layer_ranges(layers: list[int]) -> str:
    """``[3, 4, 5, 9]`` -> ``'3-5, 9'``."""
    out: list[str] = []
    start = prev = None
    for x in [*layers, None]:
        if start is not None and (x is None or x != prev + 1):
            out.append(str(start) if start == prev else f"{start}-{prev}")
            start = None
        if x is not None and start is None:
            start = x
        prev = x
    return ", ".join(out)


def parse_grid(path: str, text: str, names: dict[str, str], registry_layers: int,
               problems: list[ResultsError]) -> GridText | None:
    """Parse one grid file.  ``names`` holds the dataset, slm and llm of its file name; a line
    naming others contradicts the file.  The layer count is the registry's, or more when the
    file lists higher layers.  Returns None after adding every problem to ``problems``."""
    before = len(problems)
    sums: dict[int, float] = {}
    counts: dict[int, int] = {}
    default_acc: list[float] = []
    unknown: set[str] = set()
    cut: list[CutLine] = []
    for number, line, why in _segments(text):
        if why is not None:
            cut.append(CutLine(number, why, _cut_layer(line)))
            continue
        where = f"line {number}"
        fields: dict[str, str] = {}
        for token in line.split():
            name, sep, value = token.partition("=")
            if not sep or not name or not value:
                problems.append(GridError(path, where, Message("line.malformed-field", token=token,
                                                               line=line.strip()), EXPECTED_LINE))
                fields = {}
                break
            fields[name] = value
        if not fields:
            continue
        if "layer" not in fields or "acc" not in fields:
            lacking = tuple(k for k in ("layer", "acc") if k not in fields)
            problems.append(GridError(path, where, Message("line.lacks", line=line.strip(), fields=lacking),
                                      EXPECTED_LINE))
            continue
        unknown.update(set(fields) - KNOWN_FIELDS)
        for field_name, part in _NAMED.items():
            if field_name in fields and fields[field_name] != names[part]:
                problems.append(GridError(path, where, Message("line.contradicts-name", field=field_name,
                                                               value=fields[field_name]),
                                          Message("expect.as-named", field=field_name, value=names[part])))
        try:
            layer = int(fields["layer"])
        except ValueError:
            problems.append(GridError(path, where, Message("line.layer-not-integer", value=fields["layer"]),
                                      EXPECTED_LINE))
            continue
        acc = float("nan")
        for name in _SCORES:
            if name not in fields:
                continue
            try:
                v = float(fields[name])
            except ValueError:
                v = float("nan")
            if not (math.isfinite(v) and 0.0 <= v <= 1.0):
                problems.append(GridError(path, where,
                                          Message("line.not-accuracy", name=name, value=fields[name]),
                                          Message("expect.accuracy", name=name)))
            elif name == "acc":
                acc = v
        if math.isnan(acc):
            continue
        if layer < -1:
            problems.append(GridError(path, where, Message("line.negative-layer", layer=layer),
                                      Message("expect.layer-index")))
            continue
        if layer == -1:
            default_acc.append(acc)
            continue
        sums[layer] = sums.get(layer, 0.0) + acc
        counts[layer] = counts.get(layer, 0) + 1
    if len(problems) > before:
        return None
    n = max(registry_layers, max(counts, default=-1) + 1)
    if default_acc:  # layer=-1: the last layer
        sums[n - 1] = sums.get(n - 1, 0.0) + sum(default_acc)
        counts[n - 1] = counts.get(n - 1, 0) + len(default_acc)
    lines = np.zeros(n, dtype=np.int64)
    acc_sum = np.zeros(n)
    for layer, c in counts.items():
        lines[layer] = c
        acc_sum[layer] = sums[layer]
    with np.errstate(invalid="ignore"):
        mean = np.where(lines > 0, acc_sum / np.maximum(lines, 1), np.nan)
    if (lines > 0).all() and np.nanmax(mean) <= 0:
        problems.append(GridError(path, None, Message("grid.all-zero"), Message("expect.positive-accuracy")))
        return None

    def measured(layer: int | None) -> bool:
        if layer is None or layer < -1 or layer >= n:
            return False
        return bool(lines[n - 1 if layer == -1 else layer] > 0)

    cut = [replace(c, measured=measured(c.layer)) for c in cut]
    return GridText(mean, lines, len(default_acc), tuple(sorted(unknown)), cut)
