"""The measured source: the selection logs and grid-result files of real runs.

The formats are SPEC.md's ("measured"):

* a *selection log*, one JSON object per run, named
  ``{task}_{dataset}_{llm}_seed{seed}.json``;
* a *grid-result file*, one per (dataset, SLM, LLM), named
  ``{dataset}_{slm}_{llm}_results.txt``, one line per plugged layer:
  ``layer=12 acc=0.9134 f1=0.9120`` (``f1`` may be spelled ``macro_f1`` or be absent).

Both are found anywhere under the results folder by their names.  Sweep
settings a log does not hold come from ``key=value`` folder names on its path;
a value in the JSON wins.  Model and task facts come from :mod:`registry`;
the grid's own layer count wins over the registry's.

:func:`read` never raises on bad content: it collects every unusable input as
a :class:`~pifi_ablation.errors.ResultsError` naming the file, the key or line
and what was expected, so that ``validate`` can list them all; :func:`load`
raises them together.  Per file the work is one ``json.loads`` and a few NumPy
operations; the tables are derived at the end, vectorised per grid.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pifi_ablation import registry, schema
from pifi_ablation.errors import GridError, LayoutError, LogError, ResultsError, SchemaError, SourceError
from pifi_ablation.metrics import DEFAULT_KEYWORD_WEIGHT, DEFAULT_LAMBDA_SCALE, DEFAULT_N_SAMPLES

SETTINGS: tuple[str, ...] = ("n_samples", "keyword_weight", "lambda_scale")
DEFAULTS: dict[str, float] = {
    "n_samples": DEFAULT_N_SAMPLES,
    "keyword_weight": DEFAULT_KEYWORD_WEIGHT,
    "lambda_scale": DEFAULT_LAMBDA_SCALE,
}
# The seed notebook's keyword-weight grid: stage 1 is re-selected at each of
# these from the logged per-layer signals (and at every logged keyword_weight).
RESELECTION_WEIGHTS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.65, 0.75, 0.9, 1.0)
RESELECTION = "stage-1 re-selection"
LOGGED = "logged run"
RESELECTION_NOTE = ("keyword weight by stage-1 re-selection from the logged per-layer signals "
                    "(stage 2 not re-run)")

LOG_NAME = re.compile(r"^(?P<stem>.+)_seed(?P<seed>[0-9]+)\.json$")
GRID_SUFFIX = "_results.txt"
_GRID_LINE_KEYS = {"layer", "acc", "f1", "macro_f1"}
_EXAMPLES = 3  # files named in an aggregated note


@dataclass(frozen=True)
class Grid:
    """Downstream accuracy per plugged layer of one (dataset, SLM, LLM)."""

    path: str
    task: str
    slm: str
    model: str
    acc: np.ndarray

    @property
    def n_layers(self) -> int:
        return int(self.acc.size)


@dataclass(frozen=True)
class Run:
    """One selection run, as its log gives it, with its settings resolved."""

    path: str
    task: str
    model: str
    seed: int
    n_samples: int
    keyword_weight: float
    lambda_scale: float
    l_abstract: int
    l_apply: int
    final_layer: int
    keyword_signal: np.ndarray
    corr_signal: np.ndarray
    max_head_effect: float
    elapsed_sec: float
    digest: str

    @property
    def key(self) -> tuple[str, str, int, int, float, float]:
        return (self.task, self.model, self.seed, self.n_samples, self.keyword_weight,
                self.lambda_scale)

    def differs(self) -> tuple[str, ...]:
        """The settings in which this run departs from the defaults."""
        return tuple(s for s in SETTINGS if not math.isclose(getattr(self, s), DEFAULTS[s]))

    def describe(self) -> str:
        return (f"{self.task} / {self.model} / seed {self.seed} (n_samples={self.n_samples}, "
                f"keyword_weight={self.keyword_weight:g}, lambda_scale={self.lambda_scale:g})")


class _Notes:
    """Messages about many files, aggregated: one line per message with its count and examples."""

    def __init__(self) -> None:
        self._files: dict[str, list[str]] = defaultdict(list)

    def add(self, message: str, path: str) -> None:
        self._files[message].append(path)

    def lines(self) -> list[str]:
        out = []
        for message, files in self._files.items():
            shown = ", ".join(files[:_EXAMPLES]) + (", ..." if len(files) > _EXAMPLES else "")
            out.append(f"{message} ({len(files)} file{'s' * (len(files) != 1)}: {shown})")
        return out


@dataclass
class Reading:
    """Everything read from one results folder: runs, grids, tables, and what went wrong."""

    root: Path
    logs: list[str] = field(default_factory=list)
    grids: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)
    grid_of: dict[tuple[str, str], Grid] = field(default_factory=dict)
    unusable_grids: dict[tuple[str, str], str] = field(default_factory=dict)
    problems: list[ResultsError] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

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


# ---------------------------------------------------------------------------------------------
# values


def _show(value: Any) -> str:
    """A short description of a value for a message: its JSON type and (cut) text."""
    kind = {bool: "boolean", int: "integer", float: "number", str: "string", list: "list",
            dict: "object", type(None): "null"}.get(type(value), type(value).__name__)
    text = json.dumps(value, allow_nan=True, default=str) if not isinstance(value, str) else repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{kind} {text}"


def _is_int(v: Any) -> bool:
    return type(v) is int


def _is_number(v: Any) -> bool:
    return type(v) is float or type(v) is int


class _LogCheck:
    """Checks one log's keys, collecting every problem of the file."""

    def __init__(self, path: str, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data
        self.problems: list[ResultsError] = []

    def fail(self, key: str, problem: str, expected: str) -> None:
        self.problems.append(LogError(self.path, key, problem, expected))

    def integer(self, key: str, low: int | None = None, high: int | None = None,
                required: bool = True) -> int | None:
        if key not in self.data:
            if required:
                self.fail(key, "missing", self._int_expected(low, high))
            return None
        v = self.data[key]
        if not _is_int(v):
            self.fail(key, f"got {_show(v)}", self._int_expected(low, high))
            return None
        if (low is not None and v < low) or (high is not None and v > high):
            self.fail(key, f"{v} is out of range", self._int_expected(low, high))
            return None
        return v

    @staticmethod
    def _int_expected(low: int | None, high: int | None) -> str:
        if low is not None and high is not None:
            return f"an integer in {low}..{high}"
        if low is not None:
            return f"an integer >= {low}"
        return "an integer"

    def number(self, key: str, low: float | None = None, high: float | None = None,
               low_open: bool = False, nullable: bool = False) -> float | None:
        """A finite number in range; None when absent, null (if allowed) or bad."""
        v = self.data.get(key)
        bounds = ("a finite number" + (f" > {low:g}" if low is not None and low_open else "")
                  + (f" >= {low:g}" if low is not None and not low_open and high is None else "")
                  + (f" in [{low:g}, {high:g}]" if low is not None and high is not None else "")
                  + (" or null" if nullable else ""))
        if v is None:
            if key in self.data and not nullable:
                self.fail(key, "is null", bounds)
            return None
        if not _is_number(v):
            self.fail(key, f"got {_show(v)}", bounds)
            return None
        if not math.isfinite(v):
            self.fail(key, f"got {v} (NaN or infinite)", bounds)
            return None
        if (low is not None and (v <= low if low_open else v < low)) or (high is not None and v > high):
            self.fail(key, f"{v:g} is out of range", bounds)
            return None
        return float(v)

    def string(self, key: str, allowed: Sequence[str] | None = None, required: bool = True) -> str | None:
        expected = f"one of {', '.join(allowed)}" if allowed else "a string"
        if key not in self.data:
            if required:
                self.fail(key, "missing", expected)
            return None
        v = self.data[key]
        if not isinstance(v, str):
            self.fail(key, f"got {_show(v)}", expected)
            return None
        if allowed is not None and v not in allowed:
            self.fail(key, f"got {v!r}", expected)
            return None
        return v

    def array(self, key: str, value: Any, shape: tuple[int, ...] | None, low: float | None,
              high: float | None, what: str) -> np.ndarray | None:
        """A (nested) list of finite numbers of the given shape, as a float array."""
        expected = what
        try:
            arr = np.array(value)
        except ValueError:
            self.fail(key, "rows of unequal length", expected)
            return None
        if arr.dtype.kind not in "if" or arr.ndim != (len(shape) if shape else arr.ndim):
            bad = "non-numeric values" if arr.dtype.kind not in "if" else f"{arr.ndim} dimension(s)"
            self.fail(key, f"has {bad}", expected)
            return None
        arr = arr.astype(float, copy=False)
        if shape is not None and arr.shape != shape:
            self.fail(key, f"has shape {' x '.join(map(str, arr.shape))}", expected)
            return None
        if not np.isfinite(arr).all():
            self.fail(key, "holds NaN or infinite values", expected)
            return None
        if (low is not None and (arr < low).any()) or (high is not None and (arr > high).any()):
            self.fail(key, f"holds values outside [{low}, {high if high is not None else 'inf'}]",
                      expected)
            return None
        return arr


# ---------------------------------------------------------------------------------------------
# file names and folders


def _split_grid_name(name: str) -> tuple[str, str, str] | None:
    """``{dataset}_{slm}_{llm}_results.txt`` -> (dataset, slm, llm), matching known names at both
    ends (dataset and LLM names hold underscores themselves); None when they do not match."""
    stem = name[: -len(GRID_SUFFIX)]
    for dataset in sorted(registry.DATASET_NAMES, key=len, reverse=True):
        if not stem.startswith(dataset + "_"):
            continue
        rest = stem[len(dataset) + 1:]
        for llm in sorted(registry.LLM_TYPES, key=len, reverse=True):
            if rest.endswith("_" + llm) and len(rest) > len(llm) + 1:
                return dataset, rest[: -len(llm) - 1], llm
    return None


def _folder_settings(parts: Sequence[str], cache: dict[tuple[str, ...], Any]
                     ) -> dict[str, float] | LayoutError:
    """Settings from ``key=value`` folder names (the deepest wins), or the first bad folder."""
    key = tuple(parts)
    if key in cache:
        return cache[key]
    found: dict[str, float] = {}
    result: dict[str, float] | LayoutError = found
    for depth, part in enumerate(parts):
        if "=" not in part:
            continue
        folder = "/".join(parts[: depth + 1]) + "/"
        name, _, text = part.partition("=")
        if name not in SETTINGS:
            result = LayoutError(folder, part, f"unknown setting {name!r} in a key=value folder name",
                                 f"one of {', '.join(SETTINGS)}")
            break
        try:
            value: float = int(text) if name == "n_samples" else float(text)
        except ValueError:
            kind = "an integer" if name == "n_samples" else "a number"
            result = LayoutError(folder, part, f"value {text!r} is not {kind}",
                                 f"{name}=<{kind}>, e.g. {name}={DEFAULTS[name]:g}")
            break
        if not math.isfinite(value) or value < 0 or (name == "n_samples" and value < 1) or (
                name == "keyword_weight" and value > 1):
            result = LayoutError(folder, part, f"value {text!r} is out of range",
                                 "n_samples >= 1, keyword_weight in [0, 1], lambda_scale > 0")
            break
        found[name] = value
    cache[key] = result
    return result


# ---------------------------------------------------------------------------------------------
# grids


def _parse_grid(path: str, text: str, problems: list[ResultsError], notes: _Notes) -> np.ndarray | None:
    expected_line = "'layer=<int> acc=<number in [0, 1]>' optionally followed by f1= or macro_f1="
    acc: dict[int, float] = {}
    before = len(problems)
    lines = text.splitlines()
    if not text.strip():
        problems.append(GridError(path, None, "the file is empty", "one line per plugged layer, "
                                  + expected_line))
        return None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        fields: dict[str, str] = {}
        ok = True
        for token in line.split():
            name, sep, value = token.partition("=")
            if not sep or not name or not value:
                problems.append(GridError(path, where, f"malformed field {token!r} in {line.strip()!r}",
                                          expected_line))
                ok = False
                break
            fields[name] = value
        if not ok:
            continue
        if "layer" not in fields or "acc" not in fields:
            problems.append(GridError(path, where, f"{line.strip()!r} lacks "
                                      + " and ".join(k for k in ("layer", "acc") if k not in fields),
                                      expected_line))
            continue
        for extra in sorted(set(fields) - _GRID_LINE_KEYS):
            notes.add(f"grid field {extra!r} is not in the format and was ignored", path)
        try:
            layer = int(fields["layer"])
        except ValueError:
            problems.append(GridError(path, where, f"layer {fields['layer']!r} is not an integer",
                                      expected_line))
            continue
        values = {}
        for name in ("acc", "f1", "macro_f1"):
            if name not in fields:
                continue
            try:
                v = float(fields[name])
            except ValueError:
                v = float("nan")
            if not (math.isfinite(v) and 0.0 <= v <= 1.0):
                problems.append(GridError(path, where, f"{name}={fields[name]} is not an accuracy",
                                          f"{name} a finite number in [0, 1]"))
                v = float("nan")
            values[name] = v
        if math.isnan(values["acc"]):
            continue
        if layer < 0:
            problems.append(GridError(path, where, f"layer {layer} is negative",
                                      "layer indices 0, 1, ..., n_layers - 1"))
            continue
        if layer in acc:
            problems.append(GridError(path, where, f"layer {layer} is listed twice",
                                      "one line per layer"))
            continue
        acc[layer] = values["acc"]
    if len(problems) > before:
        return None
    n = max(acc) + 1
    missing = sorted(set(range(n)) - set(acc))
    if missing:
        problems.append(GridError(path, None, f"layers {', '.join(map(str, missing))} are missing",
                                  f"every layer 0..{n - 1} (the highest layer listed is {n - 1})"))
        return None
    if n < 2:
        problems.append(GridError(path, None, "the grid holds one layer", "at least two layers"))
        return None
    grid = np.array([acc[i] for i in range(n)])
    if grid.max() <= 0:
        problems.append(GridError(path, None, "every layer has accuracy 0",
                                  "some layer with a positive accuracy"))
        return None
    return grid


# ---------------------------------------------------------------------------------------------
# logs

_REQUIRED = ("task", "dataset", "llm_type", "seed", "n_samples", "L_Abstract", "L_Apply",
             "final_layer", "per_layer_signals")
_DESCRIPTIVE = ("keyword_source", "keyword_top_k", "keywords", "base_acc", "max_head_effect",
                "head_effects", "per_layer_probe_acc")
_OPTIONAL = ("keyword_weight", "lambda_scale", "elapsed_sec")
_KNOWN_KEYS = frozenset(_REQUIRED + _DESCRIPTIVE + _OPTIONAL)


def _decode(path: str, data: bytes) -> dict[str, Any] | LogError:
    if not data.strip():
        return LogError(path, None, "the file is empty", "one JSON object per selection log")
    try:
        obj = json.loads(data)
    except json.JSONDecodeError as err:
        # A complete log ends with its closing brace; a run killed while writing does not.
        truncated = not err.doc.rstrip().endswith("}")
        why = "ends early (truncated?)" if truncated else "is not valid JSON"
        return LogError(path, f"line {err.lineno}, column {err.colno}", f"{why}: {err.msg}",
                        "one complete JSON object")
    except UnicodeDecodeError as err:
        return LogError(path, None, f"is not UTF-8 text ({err.reason} at byte {err.start})",
                        "a UTF-8 JSON file")
    if not isinstance(obj, dict):
        return LogError(path, None, f"the JSON is {_show(obj)}, not an object",
                        "a JSON object with the selection-log keys")
    return obj


def _parse_log(path: str, obj: dict[str, Any], folder: dict[str, float], grid_of: dict[tuple[str, str], Grid],
               unusable_grids: dict[tuple[str, str], str], digest: str, assumed: _Notes, missing: _Notes,
               disagree: _Notes, blocked: _Notes, problems: list[ResultsError]) -> Run | None:
    c = _LogCheck(path, obj)
    task_type = c.string("task", registry.TASK_TYPES)
    dataset = c.string("dataset")
    task = model = None
    if dataset is not None:
        try:
            task = registry.canonical_task(dataset)
        except KeyError:
            c.fail("dataset", f"unknown dataset {dataset!r}", f"one of {', '.join(registry.DATASET_NAMES)}")
    if task is not None and task_type is not None and registry.TASKS[task].task_type != task_type:
        c.fail("task", f"{task_type!r} does not match dataset {dataset!r}",
               f"{registry.TASKS[task].task_type!r} (the registry's type of {task})")
    llm = c.string("llm_type")
    if llm is not None:
        try:
            model = registry.canonical_model(llm)
        except KeyError:
            c.fail("llm_type", f"unknown model {llm!r}", f"one of {', '.join(registry.LLM_TYPES)}")
    seed = c.integer("seed", low=0)
    if seed is not None and task_type and dataset and llm:
        name = path.rsplit("/", 1)[-1]
        expected_name = f"{task_type}_{dataset}_{llm}_seed{seed}.json"
        if name != expected_name:
            c.problems.append(LayoutError(path, None, "the file name does not match the log's "
                                          "task, dataset, llm_type and seed",
                                          f"the name {expected_name!r}"))

    grid = grid_of.get((task, model)) if task and model else None
    if task and model and grid is None and (task, model) in unusable_grids:
        blocked.add(f"not derived: its grid file ({unusable_grids[(task, model)]}) is unusable, "
                    "see the unusable input", path)
    elif task and model and grid is None:
        c.problems.append(LayoutError(path, None, f"no grid-result file for {dataset} / {llm}",
                                      f"a file {dataset}_<slm>_{llm}{GRID_SUFFIX} under the results folder"))
    n = grid.n_layers if grid is not None else None
    top = n - 1 if n is not None else None

    settings: dict[str, float] = {}
    n_samples = c.integer("n_samples", low=1)
    if n_samples is not None:
        settings["n_samples"] = n_samples
    for key, low, high, low_open in (("keyword_weight", 0.0, 1.0, False), ("lambda_scale", 0.0, None, True)):
        if key in obj:
            v = c.number(key, low=low, high=high, low_open=low_open)
            if v is not None:
                settings[key] = v
    for key in SETTINGS:
        if key in folder:
            if key not in settings and key not in obj:
                settings[key] = folder[key]
            elif key in settings and not math.isclose(settings[key], folder[key]):
                disagree.add(f"{key} in the JSON differs from its folder name ({key}={folder[key]:g}); "
                             "the JSON's value is used", path)
        elif key not in obj and key != "n_samples":
            settings[key] = DEFAULTS[key]
            assumed.add(f"{key} is in neither the log nor a key=value folder: the default "
                        f"{DEFAULTS[key]:g} was assumed", path)

    l_abstract = c.integer("L_Abstract", low=0, high=top)
    l_apply = c.integer("L_Apply", low=-1, high=top)
    final = c.integer("final_layer", low=0, high=top)
    if None not in (l_abstract, l_apply, final):
        rule = l_abstract if l_apply == -1 else l_apply
        if final != rule:
            c.fail("final_layer", f"{final} disagrees with L_Abstract={l_abstract}, L_Apply={l_apply}",
                   f"{rule} (L_Apply, or L_Abstract when L_Apply = -1)")

    kw, corr = _signals(c, obj, n)

    for key in _DESCRIPTIVE:
        if key not in obj:
            missing.add(f"key {key!r} is missing from the log: treated as null", path)
    if "keyword_source" in obj:
        c.string("keyword_source")
    if "keyword_top_k" in obj:
        c.integer("keyword_top_k", low=0)
    words = obj.get("keywords")
    if "keywords" in obj and not (isinstance(words, list) and all(isinstance(w, str) for w in words)):
        c.fail("keywords", f"got {_show(words)}", "a list of strings")
    c.number("base_acc", low=0.0, high=1.0, nullable=True)
    probe = obj.get("per_layer_probe_acc")
    if probe is not None:
        c.array("per_layer_probe_acc", probe, (n,) if n else None, 0.0, 1.0,
                f"null or a list of {n or 'n_layers'} accuracies in [0, 1]")
    logged_max = c.number("max_head_effect", low=0.0, nullable=True)
    effects = obj.get("head_effects")
    effects_max = float("nan")
    if effects is not None:
        heads = registry.MODELS[model].n_heads if model else None
        shape = (n, heads) if n and heads else None
        arr = c.array("head_effects", effects, shape, 0.0, None,
                      f"null or an n_layers x n_heads list of lists ({n or 'n_layers'} x "
                      f"{heads or 'n_heads'}) of non-negative numbers")
        if arr is not None and arr.size:
            effects_max = float(arr.max())
    max_effect = logged_max if logged_max is not None else effects_max
    elapsed = c.number("elapsed_sec", low=0.0, nullable=True) if "elapsed_sec" in obj else None

    for key in sorted(set(obj) - _KNOWN_KEYS):
        missing.add(f"key {key!r} is not in the selection-log format and was ignored", path)

    problems.extend(c.problems)
    if c.problems or grid is None:
        return None
    return Run(path=path, task=task, model=model, seed=seed, n_samples=int(settings["n_samples"]),
               keyword_weight=float(settings["keyword_weight"]),
               lambda_scale=float(settings["lambda_scale"]), l_abstract=l_abstract, l_apply=l_apply,
               final_layer=final, keyword_signal=kw, corr_signal=corr,
               max_head_effect=float("nan") if max_effect is None else max_effect,
               elapsed_sec=float("nan") if elapsed is None else elapsed, digest=digest)


def _signals(c: _LogCheck, obj: dict[str, Any], n: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The per-layer keyword and correlation signals, ordered by layer."""
    key = "per_layer_signals"
    expected = (f"a list of {n or 'n_layers'} objects {{layer, keyword_signal, corr_signal}}, one per "
                f"layer 0..{n - 1 if n else 'n_layers - 1'} (the grid's layers)")
    empty = np.empty(0)
    if key not in obj:
        c.fail(key, "missing", expected)
        return empty, empty
    signals = obj[key]
    if not isinstance(signals, list) or not signals:
        c.fail(key, f"got {_show(signals)}", expected)
        return empty, empty
    layers, kw, corr = [], [], []
    for i, entry in enumerate(signals):
        if not (isinstance(entry, dict) and _is_int(entry.get("layer"))
                and _is_number(entry.get("keyword_signal")) and _is_number(entry.get("corr_signal"))):
            c.fail(f"{key}[{i}]", f"got {_show(entry)}",
                   "an object with an integer layer and numbers keyword_signal, corr_signal")
            return empty, empty
        layers.append(entry["layer"])
        kw.append(entry["keyword_signal"])
        corr.append(entry["corr_signal"])
    kw_a, corr_a = np.array(kw, dtype=float), np.array(corr, dtype=float)
    if not (np.isfinite(kw_a).all() and np.isfinite(corr_a).all()):
        c.fail(key, "holds NaN or infinite signals", "finite keyword_signal and corr_signal")
        return empty, empty
    order = np.argsort(layers, kind="stable")
    sorted_layers = np.asarray(layers)[order]
    repeated = sorted(set(sorted_layers[1:][sorted_layers[1:] == sorted_layers[:-1]].tolist()))
    if repeated:
        c.fail(key, f"layer {', '.join(map(str, repeated))} listed twice", expected)
        return empty, empty
    if n is not None and len(layers) != n:
        c.fail(key, f"has {len(layers)} layers but the grid has {n}", expected)
        return empty, empty
    if sorted_layers[0] != 0 or sorted_layers[-1] != len(layers) - 1:
        c.fail(key, f"layers run from {sorted_layers[0]} to {sorted_layers[-1]}", expected)
        return empty, empty
    return kw_a[order], corr_a[order]


# ---------------------------------------------------------------------------------------------
# reading a folder


def _walk(root: Path) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        rel = os.path.relpath(folder, root)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        found.extend(prefix + f for f in sorted(files))
    return found


def read(root: str | os.PathLike[str]) -> Reading:
    """Read every selection log and grid file under ``root`` and derive the five tables.

    Never raises on bad content (only when ``root`` is not a folder): problems
    are collected in ``Reading.problems``, each naming the file, the key or line,
    and what was expected.
    """
    root = Path(root)
    if not root.is_dir():
        raise SourceError(str(root), None, "is not a folder", "a results folder holding selection logs "
                          f"(*_seed<N>.json) and grid files (*{GRID_SUFFIX}), or 'demo'")
    reading = Reading(root=root)
    for rel in _walk(root):
        name = rel.rsplit("/", 1)[-1]
        if LOG_NAME.match(name):
            reading.logs.append(rel)
        elif name.endswith(GRID_SUFFIX):
            reading.grids.append(rel)
        else:
            reading.ignored.append(rel)
    _read_grids(reading)
    _read_logs(reading)
    for rel in reading.ignored:
        reading.warnings.append(f"{rel}: not a selection log (*_seed<N>.json) or grid file "
                                f"(*{GRID_SUFFIX}) by its name; not read")
    if not reading.logs:
        reading.problems.append(LayoutError(str(root), None, "holds no selection logs",
                                            "files named {task}_{dataset}_{llm}_seed{seed}.json"))
    if reading.runs:
        derive(reading)
    return reading


def _read_bytes(reading: Reading, rel: str, error: type[ResultsError], expected: str) -> bytes | None:
    """The bytes of ``rel``, or None after listing why it cannot be read."""
    try:
        return (reading.root / rel).read_bytes()
    except OSError as err:
        reading.problems.append(error(rel, None, f"cannot be read ({err.strerror})", expected))
        return None


def _read_grids(reading: Reading) -> None:
    notes = _Notes()
    by_name: dict[tuple[str, str, str], tuple[str, np.ndarray]] = {}
    slms: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rel in reading.grids:
        data = _read_bytes(reading, rel, GridError, "a readable text file")
        if data is None:
            continue
        reading.hashes[rel] = hashlib.sha256(data).hexdigest()
        parts = _split_grid_name(rel.rsplit("/", 1)[-1])
        if parts is None:
            reading.problems.append(LayoutError(
                rel, None, "the file name does not name a known dataset and LLM",
                f"{{dataset}}_{{slm}}_{{llm}}{GRID_SUFFIX} with dataset one of "
                f"{', '.join(registry.DATASET_NAMES)} and llm one of {', '.join(registry.LLM_TYPES)}"))
            continue
        dataset, slm, llm = parts
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            reading.problems.append(GridError(rel, None, f"is not UTF-8 text ({err.reason})",
                                              "a UTF-8 text file"))
            continue
        task, model = registry.canonical_task(dataset), registry.canonical_model(llm)
        acc = _parse_grid(rel, text, reading.problems, notes)
        if acc is None:
            reading.unusable_grids[(task, model)] = rel
            continue
        key = (task, slm, model)
        if key in by_name:
            first, first_acc = by_name[key]
            if first_acc.shape != acc.shape or not np.array_equal(first_acc, acc):
                reading.problems.append(LayoutError(
                    rel, None, f"disagrees with {first}, another grid file of the same "
                               f"{dataset} / {slm} / {llm}", "one grid per (dataset, SLM, LLM), or copies "
                                                             "with the same accuracies"))
                reading.grid_of.pop((task, model), None)
                reading.unusable_grids[(task, model)] = rel
            else:
                notes.add(f"a second copy with the same accuracies as {first}; read once", rel)
            continue
        by_name[key] = (rel, acc)
        slms[(task, model)].add(slm)
        expected_layers = registry.MODELS[model].n_layers
        if acc.size != expected_layers:
            notes.add(f"{acc.size} layers where the registry gives {model} {expected_layers}: "
                      "the grid's count is used", rel)
        reading.grid_of[(task, model)] = Grid(rel, task, slm, model, acc)
    for (task, model), names in slms.items():
        if len(names) > 1:
            files = sorted(path for (t, s, m), (path, _) in by_name.items() if (t, m) == (task, model))
            reading.problems.append(LayoutError(
                ", ".join(files), None, f"grids of several SLMs ({', '.join(sorted(names))}) for "
                f"{task} / {model}; a selection log does not name its SLM",
                "one SLM per results folder"))
            reading.grid_of.pop((task, model), None)
            reading.unusable_grids[(task, model)] = files[0]
    reading.warnings.extend(notes.lines())


def _read_logs(reading: Reading) -> None:
    assumed, missing, disagree, blocked = _Notes(), _Notes(), _Notes(), _Notes()
    cache: dict[tuple[str, ...], Any] = {}
    seen: dict[tuple, Run] = {}
    same = _Notes()
    for rel in reading.logs:
        data = _read_bytes(reading, rel, LogError, "a readable JSON file")
        if data is None:
            continue
        digest = hashlib.sha256(data).hexdigest()
        reading.hashes[rel] = digest
        folder = _folder_settings(rel.split("/")[:-1], cache)
        if isinstance(folder, LayoutError):
            reading.problems.append(LayoutError(rel, folder.key, folder.problem, folder.expected))
            continue
        obj = _decode(rel, data)
        if isinstance(obj, LogError):
            reading.problems.append(obj)
            continue
        run = _parse_log(rel, obj, folder, reading.grid_of, reading.unusable_grids, digest, assumed,
                         missing, disagree, blocked, reading.problems)
        if run is None:
            continue
        first = seen.get(run.key)
        if first is None:
            seen[run.key] = run
            reading.runs.append(run)
        else:
            differing = [] if first.digest == digest else _differing_keys(reading.root, first.path, rel)
            if differing:
                reading.problems.append(LayoutError(
                    rel, ", ".join(differing), f"disagrees with {first.path}, another log of the same "
                    f"run ({run.describe()})", "one log per run, or copies with the same content"))
                reading.runs = [r for r in reading.runs if r.key != run.key]
            else:
                same.add(f"a second copy of {first.path} (same run, same content); read once", rel)
    reading.assumptions.extend(assumed.lines() + missing.lines())
    reading.warnings.extend(disagree.lines() + same.lines() + blocked.lines())


def _differing_keys(root: Path, a: str, b: str) -> list[str]:
    """The top-level keys in which two logs differ (empty when their content is the same)."""
    x, y = json.loads((root / a).read_bytes()), json.loads((root / b).read_bytes())
    return sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))


# ---------------------------------------------------------------------------------------------
# derivation


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


def derive(reading: Reading) -> None:
    """Fill ``reading.tables`` from its runs, as SPEC.md defines each table."""
    cols: dict[str, dict[str, list]] = {name: defaultdict(list) for name in (
        "sample_size", "keyword_weight", "lambda_scale", "task_sensitivity", "model_size")}
    flat, no_effect, no_time, reselection_mismatch, unshown = (_Notes() for _ in range(5))
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
        recovery, auto, best_gap = _recovery(acc, final)
        own = reselect(kw, corr, weights)
        sensitivity = float((acc.max() - acc.min()) / acc.max())
        best_norm = int(np.argmax(acc)) / (acc.size - 1)
        for i, run in enumerate(runs):
            if np.isnan(quality[i]):
                why = "the grid is flat" if np.ptp(acc) == 0 else "the PCL score is the same on every layer"
                flat.add(f"signal quality undefined ({why}): left out of its means", run.path)
            if own[i] != run.l_abstract:
                reselection_mismatch.add(
                    "stage-1 re-selection at the log's own keyword_weight picks another layer than its "
                    "L_Abstract", run.path)
            differs = run.differs()
            row = {"task": task, "model": model, "seed": run.seed}
            if len(differs) > 1:
                unshown.add(f"the run differs from the defaults in {len(differs)} settings "
                            f"({', '.join(differs)}): it belongs to no one-setting sweep and is not shown",
                            run.path)
                continue
            if differs in ((), ("n_samples",)):
                if np.isnan(run.elapsed_sec):
                    no_time.add("elapsed_sec not logged: selection time not recorded", run.path)
                _append(cols["sample_size"], row, n_samples=run.n_samples, recovery_rate=recovery[i],
                        signal_quality=quality[i], auto_last_gap=auto[i], best_last_gap=best_gap[i],
                        time_sec=run.elapsed_sec)
            if differs in ((), ("lambda_scale",)):
                if np.isnan(run.max_head_effect):
                    why = ("stage 2 found nothing (L_Apply = -1)" if run.l_apply == -1
                           else "neither max_head_effect nor head_effects logged")
                    no_effect.add(f"max head effect missing: {why}; left out of its means", run.path)
                _append(cols["lambda_scale"], row, lambda_scale=run.lambda_scale,
                        max_head_effect=run.max_head_effect, recovery_rate=recovery[i])
            if differs == ("keyword_weight",):
                _append(cols["keyword_weight"], row, keyword_weight=run.keyword_weight,
                        recovery_rate=recovery[i], basis=LOGGED)
            if differs == ():
                _append(cols["task_sensitivity"], row, task_type=info.task_type, n_classes=info.n_classes,
                        sensitivity=sensitivity, best_last_gap=best_gap[i], auto_last_gap=auto[i],
                        recovery_rate=recovery[i])
                _append(cols["model_size"], row, n_layers=grid.n_layers,
                        params_b=registry.MODELS[model].params_b, last_acc=float(acc[-1]),
                        best_acc=float(acc.max()), best_last_gap=best_gap[i], recovery_rate=recovery[i],
                        best_layer_norm=best_norm)
        defaults = [i for i, r in enumerate(runs) if not r.differs()]
        if defaults:
            for weight in weights_grid:
                chosen = reselect(kw[defaults], corr[defaults], weight)
                rec = _recovery(acc, chosen)[0]
                for j, i in enumerate(defaults):
                    _append(cols["keyword_weight"], {"task": task, "model": model, "seed": runs[i].seed},
                            keyword_weight=weight, recovery_rate=rec[j], basis=RESELECTION)
    reading.warnings.extend(flat.lines() + no_effect.lines() + no_time.lines()
                            + reselection_mismatch.lines() + unshown.lines())
    reading.tables = {name: _frame(name, c) for name, c in cols.items()}
    for name, table in reading.tables.items():
        found = schema.problems(table, schema.SCHEMAS[name])
        if found:
            reading.problems.append(SchemaError(f"table {name!r}", None, "; ".join(found)))
    reading.notes = {"keyword_weight": RESELECTION_NOTE}
    if LOGGED in cols["keyword_weight"]["basis"]:
        reading.notes["keyword_weight"] += "; logged keyword_weight runs (stages 1 and 2) marked apart"
    if not cols["task_sensitivity"]["task"]:
        reading.problems.append(LayoutError(
            str(reading.root), None, "holds no usable run at the default settings",
            f"runs with n_samples={DEFAULT_N_SAMPLES}, keyword_weight={DEFAULT_KEYWORD_WEIGHT:g}, "
            f"lambda_scale={DEFAULT_LAMBDA_SCALE:g} (the task, model and keyword-weight tables need them)"))
    used = {reading.grid_of[k].path for k in by_grid}
    for _key, grid in sorted(reading.grid_of.items()):
        if grid.path not in used:
            reading.warnings.append(f"{grid.path}: no selection log uses this grid; not shown")


def _append(columns: dict[str, list], row: dict[str, Any], **values: Any) -> None:
    for k, v in {**row, **values}.items():
        columns[k].append(v)


_COLUMNS: dict[str, tuple[str, ...]] = {
    "sample_size": ("task", "n_samples", "recovery_rate", "signal_quality", "auto_last_gap",
                    "best_last_gap", "time_sec", "model", "seed"),
    "keyword_weight": ("task", "keyword_weight", "recovery_rate", "basis", "model", "seed"),
    "lambda_scale": ("task", "lambda_scale", "max_head_effect", "recovery_rate", "model", "seed"),
    "task_sensitivity": ("task", "task_type", "n_classes", "sensitivity", "best_last_gap",
                         "auto_last_gap", "recovery_rate", "model", "seed"),
    "model_size": ("model", "n_layers", "params_b", "task", "last_acc", "best_acc", "best_last_gap",
                   "recovery_rate", "best_layer_norm", "seed"),
}
_INT_COLUMNS = frozenset({"n_samples", "seed", "n_layers", "n_classes"})
_STR_COLUMNS = frozenset({"task", "model", "task_type", "basis"})


def _frame(name: str, columns: dict[str, list]) -> pd.DataFrame:
    data = {}
    for col in _COLUMNS[name]:
        values = columns.get(col, [])
        if col in _STR_COLUMNS:
            data[col] = pd.Series(values, dtype="str")
        elif col in _INT_COLUMNS:
            data[col] = pd.Series(np.asarray(values, dtype=np.int64))
        else:
            data[col] = pd.Series(np.asarray(values, dtype=float))
    frame = pd.DataFrame(data)
    order = [c for c in ("model", "task", "n_samples", "keyword_weight", "lambda_scale", "seed")
             if c in frame.columns]
    return frame.sort_values(order, kind="stable", ignore_index=True)


def describe_counts(reading: Reading) -> str:
    """One line: what was read."""
    models = sorted({r.model for r in reading.runs}, key=registry.MODEL_ORDER.index)
    tasks = sorted({r.task for r in reading.runs}, key=list(registry.TASKS).index)
    seeds = sorted({r.seed for r in reading.runs})
    return (f"{len(reading.logs)} selection logs and {len(reading.grids)} grid files read; "
            f"{len(reading.runs)} usable runs of {len(models)} models ({', '.join(models)}), "
            f"{len(tasks)} tasks, seeds {', '.join(map(str, seeds)) or 'none'}")

