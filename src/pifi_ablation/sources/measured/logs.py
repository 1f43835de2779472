"""Selection logs: one JSON object per run, as upstream's ``auto_select_layer`` writes it.

A log is checked on its own (keys, types, ranges, the rules that tie its fields together);
whether its grid is there is decided later, when runs meet grids.  The layer count of a log
is that of its ``per_layer_signals``.

*Stage 2 found nothing* is written three ways, all meaning final layer = L_Abstract and a
max head effect that is undefined (missing with its reason, never a measured 0):

* every head effect 0 (the patched forwards failed): ``L_Apply`` = 0 (argmax of zeros),
  ``max_head_effect`` 0.0;
* no anchor PC: all-zero ``head_effects`` and ``L_Apply`` = -1;
* no probe could be fitted: ``L_Apply`` = -1 and null stage-2 fields.
"""

from __future__ import annotations

import json
import math
import operator
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import numpy as np
import orjson

from pifi_ablation import registry
from pifi_ablation.errors import LayoutError, LogError, ResultsError
from pifi_ablation.messages import Message, said
from pifi_ablation.sources.measured.checks import LogCheck, Notes, is_int, is_number, show
from pifi_ablation.sources.measured.settings import DEFAULTS, SETTINGS, differs

REQUIRED = ("task", "dataset", "llm_type", "seed", "n_samples", "L_Abstract", "L_Apply",
            "final_layer", "per_layer_signals")
DESCRIPTIVE = ("keyword_source", "keyword_top_k", "keywords", "base_acc", "max_head_effect",
               "head_effects", "per_layer_probe_acc")
OPTIONAL = ("keyword_weight", "lambda_scale", "elapsed_sec", "config")
# A later upstream logs its settings inside a nested "config" object, under these names.
NESTED_SETTINGS = {"n_samples": "selection_samples", "keyword_weight": "selection_keyword_weight",
                   "lambda_scale": "selection_lambda_scale"}
KNOWN_KEYS = frozenset(REQUIRED + DESCRIPTIVE + OPTIONAL)

NOTHING_ZERO = Message("stage2.zero")
NOTHING_NO_ANCHOR = Message("stage2.no-anchor")
NOTHING_NO_PROBE = Message("stage2.no-probe")
NOT_LOGGED = Message("stage2.not-logged")
_NUMBER_TYPES = frozenset({int, float})
_SIGNAL_FIELDS = operator.itemgetter("layer", "keyword_signal", "corr_signal")


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
    head_effect_missing: str | None  # why max_head_effect is undefined, or None
    elapsed_sec: float
    digest: str
    # The per-layer data the main-results and selection-signals chapters read (NaN where a
    # probe accuracy is null); None where the log holds none.
    probe_acc: np.ndarray | None = None
    head_effects: np.ndarray | None = None

    @property
    def found_nothing(self) -> bool:
        """Whether stage 2 found nothing (so the final layer is L_Abstract)."""
        return self.head_effect_missing is not None and self.head_effect_missing != NOT_LOGGED

    @property
    def n_layers(self) -> int:
        return int(self.keyword_signal.size)

    @property
    def key(self) -> tuple[str, str, int, int, float, float]:
        return (self.task, self.model, self.seed, self.n_samples, self.keyword_weight,
                self.lambda_scale)

    @property
    def cell(self) -> tuple[str, str, int]:
        return (self.task, self.model, self.seed)

    def differs(self) -> tuple[str, ...]:
        """The settings in which this run departs from the defaults."""
        return self._differs

    @cached_property
    def _differs(self) -> tuple[str, ...]:
        return differs({s: getattr(self, s) for s in SETTINGS})

    def describe(self) -> str:
        return (f"{self.task} / {self.model} / seed {self.seed} (n_samples={self.n_samples}, "
                f"keyword_weight={self.keyword_weight:g}, lambda_scale={self.lambda_scale:g})")


# orjson reads an integer beyond 64 bits as a float, where the json module keeps an int:
# a log with a run of 19 digits or more outside a fraction goes to json.  Digits are
# mapped to 0 first, so that a plain byte search finds the runs.
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 19


def _may_hold_long_integer(data: bytes) -> bool:
    digits = data.translate(_DIGITS_TO_ZERO)
    at = digits.find(_LONG_RUN)
    while at >= 0:
        if at == 0 or digits[at - 1] != ord("."):
            return True  # an integer part (or a string's digits): let json read it
        end = at + len(_LONG_RUN)
        while end < len(digits) and digits[end] == ord("0"):
            end += 1
        at = digits.find(_LONG_RUN, end)
    return False


def _loads(data: bytes) -> Any:
    """``json.loads(data)``, the same object or the same error, in a third of the time.

    orjson parses a log as json does whenever it parses it at all; it refuses what json
    accepts beyond strict UTF-8 JSON (NaN, Infinity, a UTF-16 file, a lone surrogate),
    and then json parses, or says what is wrong, as before.  Integers beyond 64 bits,
    the one value the two read differently, go to json too."""
    if not _may_hold_long_integer(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data)


def decode(path: str, data: bytes) -> dict[str, Any] | LogError:
    """The JSON object of a log, or the error that says why there is none."""
    if not data.strip():
        return LogError(path, None, Message("file.empty"), Message("expect.one-object-per-log"))
    try:
        obj = _loads(data)
    except json.JSONDecodeError as err:
        # A complete log ends with its closing brace; a run killed while writing does not.
        truncated = not err.doc.rstrip().endswith("}")
        why = Message("file.truncated" if truncated else "file.invalid-json", detail=err.msg)
        return LogError(path, f"line {err.lineno}, column {err.colno}", why,
                        Message("expect.complete-object"))
    except UnicodeDecodeError as err:
        return LogError(path, None, Message("file.not-utf8-at", reason=err.reason, byte=err.start),
                        Message("expect.utf8-json"))
    if not isinstance(obj, dict):
        return LogError(path, None, Message("file.not-an-object", value=show(obj)),
                        Message("expect.log-object"))
    return obj


@dataclass
class LogNotes:
    """What reading logs noted, aggregated over files."""

    assumed: Notes
    missing: Notes
    disagree: Notes
    truncated: Notes


def parse_log(path: str, obj: dict[str, Any], folder: dict[str, float],
              layers_hint: dict[tuple[str, str], int], digest: str, notes: LogNotes,
              problems: list[ResultsError]) -> Run | None:
    """Check one log and resolve its settings.  ``layers_hint`` gives, per (task, model), the
    layer count to name in messages when the log's own signals cannot say it (its grid's, else
    the registry's)."""
    c = LogCheck(path, obj)
    task_type = c.string("task", registry.TASK_TYPES)
    dataset = c.string("dataset")
    task = model = None
    if dataset is not None:
        try:
            task = registry.canonical_task(dataset)
        except KeyError:
            c.fail("dataset", Message("log.unknown-dataset", name=dataset),
                   Message("expect.one-of", values=", ".join(registry.DATASET_NAMES)))
    if task is not None and task_type is not None and registry.TASKS[task].task_type != task_type:
        c.fail("task", Message("log.task-mismatch", task_type=task_type, dataset=dataset),
               Message("expect.task-type", task_type=registry.TASKS[task].task_type, task=task))
    llm = c.string("llm_type")
    if llm is not None:
        try:
            model = registry.canonical_model(llm)
        except KeyError:
            c.fail("llm_type", Message("log.unknown-model", name=llm),
                   Message("expect.one-of", values=", ".join(registry.LLM_TYPES)))
    seed = c.integer("seed", low=0)
    if seed is not None and task_type and dataset and llm:
        name = path.rsplit("/", 1)[-1]
        expected_name = f"{task_type}_{dataset}_{llm}_seed{seed}.json"
        if name != expected_name:
            c.problems.append(LayoutError(path, None, Message("log.name-mismatch"),
                                          Message("expect.name", name=expected_name)))

    hint = layers_hint.get((task, model)) if task and model else None
    if hint is None and model:
        hint = registry.MODELS[model].n_layers
    kw, corr = _signals(c, obj, hint)
    n = kw.size or hint
    top = n - 1 if n else None

    settings = _settings(c, obj, folder, path, notes)

    l_abstract = c.integer("L_Abstract", low=0, high=top)
    l_apply = c.integer("L_Apply", low=-1, high=top)
    final = c.integer("final_layer", low=0, high=top)

    for key in DESCRIPTIVE:
        if key not in obj:
            notes.missing.add(said("log.key-missing", key=key), path)
    if "keyword_source" in obj:
        c.string("keyword_source")
    if "keyword_top_k" in obj:
        c.integer("keyword_top_k", low=0)
    words = obj.get("keywords")
    if "keywords" in obj and not (isinstance(words, list) and all(isinstance(w, str) for w in words)):
        c.fail("keywords", Message("value.wrong-type", value=show(words)), Message("expect.strings"))
    c.number("base_acc", low=0.0, high=1.0, nullable=True)
    probe = _probe(c, obj.get("per_layer_probe_acc"), n)
    logged_max = c.number("max_head_effect", low=0.0, nullable=True)
    effects = _head_effects(c, obj.get("head_effects"), n, model, notes.truncated)
    max_effect, missing_why = _stage2(c, l_abstract, l_apply, final, logged_max, effects)
    elapsed = c.number("elapsed_sec", low=0.0, nullable=True) if "elapsed_sec" in obj else None

    for key in sorted(set(obj) - KNOWN_KEYS):
        notes.missing.add(said("log.key-unknown", key=key), path)

    problems.extend(c.problems)
    if c.problems:
        return None
    return Run(path=path, task=task, model=model, seed=seed, n_samples=int(settings["n_samples"]),
               keyword_weight=float(settings["keyword_weight"]),
               lambda_scale=float(settings["lambda_scale"]), l_abstract=l_abstract, l_apply=l_apply,
               final_layer=final, keyword_signal=kw, corr_signal=corr, max_head_effect=max_effect,
               head_effect_missing=missing_why,
               elapsed_sec=float("nan") if elapsed is None else elapsed, digest=digest,
               probe_acc=probe, head_effects=effects)


def _settings(c: LogCheck, obj: dict[str, Any], folder: dict[str, float], path: str,
              notes: LogNotes) -> dict[str, float]:
    """The run's settings: the JSON's, else the folder name's, else the default (noted)."""
    settings: dict[str, float] = {}
    n_samples = c.integer("n_samples", low=1)
    if n_samples is not None:
        settings["n_samples"] = n_samples
    for key, low, high, low_open in (("keyword_weight", 0.0, 1.0, False), ("lambda_scale", 0.0, None, True)):
        if key in obj:
            v = c.number(key, low=low, high=high, low_open=low_open)
            if v is not None:
                settings[key] = v
    _nested_settings(c, obj.get("config"), settings, folder)
    for key in SETTINGS:
        if key in folder:
            if key not in settings and key not in obj:
                settings[key] = folder[key]
            elif key in settings and not math.isclose(settings[key], folder[key]):
                notes.disagree.add(said("log.folder-differs", key=key, folder=folder[key]), path)
        elif key not in obj and key not in settings and key != "n_samples":
            settings[key] = DEFAULTS[key]
            notes.assumed.add(said("log.default-assumed", key=key, value=DEFAULTS[key]), path)
    return settings


def _nested_settings(c: LogCheck, config: Any, settings: dict[str, float], folder: dict[str, float]) -> None:
    """Settings a later upstream logs in ``config`` (``selection_samples``, ...): read where the
    top level has none; a value that disagrees with the top level or the folder name is a
    contradiction inside the run's record."""
    if not isinstance(config, dict):
        if config is not None:
            c.fail("config", Message("value.wrong-type", value=show(config)), Message("expect.config"))
        return
    for key, nested in NESTED_SETTINGS.items():
        if nested not in config:
            continue
        value = config[nested]
        where = f"config.{nested}"
        kind_ok = is_int(value) if key == "n_samples" else is_number(value)
        if not kind_ok or not math.isfinite(value) or value < (1 if key == "n_samples" else 0) or (
                key == "keyword_weight" and value > 1):
            c.fail(where, Message("value.wrong-type", value=show(value)), Message("expect.nested-settings"))
            continue
        if key in settings and key in c.data:
            if not math.isclose(settings[key], value):
                c.fail(where, Message("log.contradicts-top-level", value=value, key=key, top=settings[key]),
                       Message("expect.same-or-one"))
            continue
        if key in folder and not math.isclose(folder[key], value):
            c.fail(where, Message("log.contradicts-folder", value=value, key=key, folder=folder[key]),
                   Message("expect.folder-named", key=key, value=value))
            continue
        settings[key] = value


# What a log's per-layer lists must be, by the layer (and head) count: made once per count, since
# every log names them (a message only when a list is wrong).
@cache
def _probe_expected(n: int | None) -> Message:
    return Message("expect.probe", n=n or "n_layers")


@cache
def _head_effects_expected(n: int | None, heads: int | None) -> Message:
    return Message("expect.head-effects", n=n or "n_layers", heads=heads or "n_heads")


@cache
def _signals_expected(n: int | None) -> Message:
    return Message("expect.signals", n=n or "n_layers", top=n - 1 if n else "n_layers - 1")


def _probe(c: LogCheck, probe: Any, n: int | None) -> np.ndarray | None:
    """``per_layer_probe_acc``: null, or one accuracy (or null) per layer; NaN for a null."""
    if probe is None:
        return None
    what = _probe_expected(n)
    if not isinstance(probe, list):
        c.fail("per_layer_probe_acc", Message("value.wrong-type", value=show(probe)), what)
        return None
    if not set(map(type, probe)) <= _NUMBER_TYPES | {type(None)}:
        c.fail("per_layer_probe_acc", Message("array.non-numeric"), what)
        return None
    if n is not None and len(probe) != n:
        c.fail("per_layer_probe_acc", Message("array.count", n=len(probe)), what)
        return None
    # NaN and infinities fail the comparison; null is a layer not probed (NaN in the array).
    # Every layer probed, finite (min and max are then exact): two builtin passes, no loop.
    if None in probe or not all(map(math.isfinite, probe)) or not probe:
        in_range = all(0.0 <= v <= 1.0 for v in probe if v is not None)
    else:
        in_range = min(probe) >= 0.0 and max(probe) <= 1.0
    if not in_range:
        c.fail("per_layer_probe_acc", Message("array.not-accuracies"), what)
    return np.array(probe, dtype=float)  # null -> NaN


def _head_effects(c: LogCheck, effects: Any, n: int | None, model: str | None,
                  truncated: Notes) -> np.ndarray | None:
    """``head_effects``: layers x heads, possibly fewer of either (``selection_max_layers`` /
    ``selection_max_heads``), non-negative."""
    if effects is None:
        return None
    heads = registry.MODELS[model].n_heads if model else None
    what = _head_effects_expected(n, heads)
    arr = c.array("head_effects", effects, 2, 0.0, None, what)
    if arr is None:
        return None
    rows, cols = arr.shape
    if rows == 0 or cols == 0 or (n is not None and rows > n) or (heads is not None and cols > heads):
        c.fail("head_effects", Message("array.shape", rows=rows, cols=cols), what)
        return None
    if (n is not None and rows < n) or (heads is not None and cols < heads):
        truncated.add(Message("log.head-effects-cut", rows=rows, layers=n, cols=cols, heads=heads), c.path)
    return arr


def _stage2(c: LogCheck, l_abstract: int | None, l_apply: int | None, final: int | None,
            logged_max: float | None, effects: np.ndarray | None) -> tuple[float, str | None]:
    """The max head effect (NaN when undefined) and why it is undefined; checks the rule that
    ties final_layer to L_Abstract and L_Apply, as upstream's selection applies it."""
    effects_max = float(effects.max()) if effects is not None else None
    known = effects_max if effects_max is not None else logged_max
    if l_apply == -1:
        if known:
            c.fail("L_Apply", Message("log.nothing-beside-effect", effect=known), Message("expect.no-effect"))
            return float("nan"), None
        why: str | None = NOTHING_NO_ANCHOR if effects is not None else NOTHING_NO_PROBE
    elif known == 0.0:
        why = NOTHING_ZERO
    else:
        why = None if known is not None else NOT_LOGGED
    found_nothing = why is not None and why != NOT_LOGGED
    if None not in (l_abstract, l_apply, final):
        rule = l_abstract if found_nothing else l_apply
        if final != rule:
            c.fail("final_layer",
                   Message("log.final-disagrees", final=final, abstract=l_abstract, apply=l_apply),
                   Message("expect.final-rule", rule=rule))
        if effects is not None and not found_nothing and l_apply >= effects.shape[0]:
            c.fail("L_Apply", Message("log.beyond-head-effects", layer=l_apply, n=effects.shape[0]),
                   Message("expect.integer-in", low=0, high=effects.shape[0] - 1))
    return (float("nan") if why else float(known)), why


def _signals(c: LogCheck, obj: dict[str, Any], n: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The per-layer keyword and correlation signals, ordered by layer (empty when unusable)."""
    key = "per_layer_signals"
    expected = _signals_expected(n)
    empty = np.empty(0)
    if key not in obj:
        c.fail(key, Message("value.missing"), expected)
        return empty, empty
    signals = obj[key]
    if not isinstance(signals, list) or not signals:
        c.fail(key, Message("value.wrong-type", value=show(signals)), expected)
        return empty, empty
    # One pass in comprehensions (every log goes through here); the slow loop only to name a bad entry.
    try:
        layers, kw, corr = zip(*map(_SIGNAL_FIELDS, signals), strict=True)
        good = set(map(type, layers)) == {int} and set(map(type, kw)) | set(map(type, corr)) <= _NUMBER_TYPES
    except (KeyError, TypeError):
        good = False
    if not good:
        for i, entry in enumerate(signals):
            if not (isinstance(entry, dict) and is_int(entry.get("layer"))
                    and is_number(entry.get("keyword_signal")) and is_number(entry.get("corr_signal"))):
                c.fail(f"{key}[{i}]", Message("value.wrong-type", value=show(entry)),
                       Message("expect.signal-entry"))
                break
        return empty, empty
    # In Python, not numpy: for a few dozen values a reduction's call costs more than the loop.
    if not (all(map(math.isfinite, kw)) and all(map(math.isfinite, corr))):
        c.fail(key, Message("log.signals-not-finite"), Message("expect.finite-signals"))
        return empty, empty
    kw_a, corr_a = np.array(kw, dtype=float), np.array(corr, dtype=float)
    if layers == tuple(range(len(layers))):  # as upstream writes them: every layer, in order
        return kw_a, corr_a
    order = np.argsort(layers, kind="stable")
    sorted_layers = np.asarray(layers)[order]
    repeated = sorted(set(sorted_layers[1:][sorted_layers[1:] == sorted_layers[:-1]].tolist()))
    if repeated:
        c.fail(key, Message("log.layer-twice", layers=", ".join(map(str, repeated))), expected)
        return empty, empty
    if sorted_layers[0] != 0 or sorted_layers[-1] != len(layers) - 1:
        c.fail(key, Message("log.layer-span", first=sorted_layers[0], last=sorted_layers[-1]), expected)
        return empty, empty
    return kw_a[order], corr_a[order]
