"""Small tools every reader of the measured formats shares: typed value checks that collect
every problem of a file, and notes that aggregate one message over many files."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from pifi_ablation.errors import LogError, ResultsError
from pifi_ablation.messages import Message

_JSON_KINDS = {bool: "json.boolean", int: "json.integer", float: "json.number", str: "json.string",
               list: "json.list", dict: "json.object", type(None): "json.null"}


def show(value: Any) -> Message:
    """A short description of a value for a message: its JSON type and (cut) text."""
    kind = _JSON_KINDS.get(type(value))
    text = json.dumps(value, allow_nan=True, default=str) if not isinstance(value, str) else repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    named = Message(kind) if kind else Message("json.other", name=type(value).__name__)
    return Message("json.value", kind=named, text=text)


def is_int(v: Any) -> bool:
    return type(v) is int


def is_number(v: Any) -> bool:
    return type(v) is float or type(v) is int


class Notes:
    """Messages about many files, aggregated: one message per form and parameters, about every
    file it was added for (its text counts them and names the first few).

    A file is counted once per message, however often the message is added for it."""

    def __init__(self) -> None:
        self._files: dict[Message, dict[str, None]] = {}

    def add(self, message: Message, path: str) -> None:
        self._files.setdefault(message, {})[path] = None

    def lines(self) -> list[Message]:
        return [message.about(list(files)) for message, files in self._files.items()]


class LogCheck:
    """Checks one log's keys, collecting every problem of the file."""

    def __init__(self, path: str, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data
        self.problems: list[ResultsError] = []

    def fail(self, key: str, problem: Message, expected: Message) -> None:
        self.problems.append(LogError(self.path, key, problem, expected))

    def integer(self, key: str, low: int | None = None, high: int | None = None,
                required: bool = True) -> int | None:
        if key not in self.data:
            if required:
                self.fail(key, Message("value.missing"), self._int_expected(low, high))
            return None
        v = self.data[key]
        if not is_int(v):
            self.fail(key, Message("value.wrong-type", value=show(v)), self._int_expected(low, high))
            return None
        if (low is not None and v < low) or (high is not None and v > high):
            self.fail(key, Message("value.out-of-range", value=str(v)), self._int_expected(low, high))
            return None
        return v

    @staticmethod
    def _int_expected(low: int | None, high: int | None) -> Message:
        if low is not None and high is not None:
            return Message("expect.integer-in", low=low, high=high)
        if low is not None:
            return Message("expect.integer-from", low=low)
        return Message("expect.integer")

    def number(self, key: str, low: float | None = None, high: float | None = None,
               low_open: bool = False, nullable: bool = False) -> float | None:
        """A finite number in range; None when absent, null (if allowed) or bad."""
        v = self.data.get(key)
        if v is None:
            if key in self.data and not nullable:
                self.fail(key, Message("value.null"), self._bounds(low, high, low_open, nullable))
            return None
        if not is_number(v):
            self.fail(key, Message("value.wrong-type", value=show(v)),
                      self._bounds(low, high, low_open, nullable))
            return None
        if not math.isfinite(v):
            self.fail(key, Message("value.not-finite", value=str(v)),
                      self._bounds(low, high, low_open, nullable))
            return None
        if (low is not None and (v <= low if low_open else v < low)) or (high is not None and v > high):
            self.fail(key, Message("value.out-of-range", value=f"{v:g}"),
                      self._bounds(low, high, low_open, nullable))
            return None
        return float(v)

    @staticmethod
    def _bounds(low: float | None, high: float | None, low_open: bool, nullable: bool) -> Message:
        # Written only for a message: every log's every number goes through number().
        return Message("expect.number", low=low, high=high, low_open=low_open, nullable=nullable)

    def string(self, key: str, allowed: Sequence[str] | None = None, required: bool = True) -> str | None:
        v = self.data.get(key)
        if type(v) is str and (allowed is None or v in allowed):
            return v  # the common case, before any message is written
        expected = (Message("expect.one-of", values=", ".join(allowed)) if allowed
                    else Message("expect.string"))
        if key not in self.data:
            if required:
                self.fail(key, Message("value.missing"), expected)
            return None
        if not isinstance(v, str):
            self.fail(key, Message("value.wrong-type", value=show(v)), expected)
            return None
        self.fail(key, Message("value.not-allowed", value=v), expected)
        return None

    def array(self, key: str, value: Any, ndim: int, low: float | None, high: float | None,
              what: Message) -> np.ndarray | None:
        """A (nested) list of finite numbers with ``ndim`` dimensions, as a float array."""
        try:
            arr = np.array(value)
        except ValueError:
            self.fail(key, Message("array.ragged"), what)
            return None
        if arr.dtype.kind not in "if" or arr.ndim != ndim:
            bad = (Message("array.non-numeric") if arr.dtype.kind not in "if"
                   else Message("array.dimensions", n=arr.ndim))
            self.fail(key, bad, what)
            return None
        arr = arr.astype(float, copy=False)
        if arr.size and (low is None or arr.min() >= low) and (high is None or arr.max() <= high) \
                and math.isfinite(arr.sum()):
            return arr  # the common case, checked in two passes (NaN fails every comparison)
        if not np.isfinite(arr).all():
            self.fail(key, Message("array.not-finite"), what)
            return None
        if (low is not None and (arr < low).any()) or (high is not None and (arr > high).any()):
            shown = high if high is not None else "inf"
            self.fail(key, Message("array.out-of-range", low=low, high=shown), what)
            return None
        return arr
