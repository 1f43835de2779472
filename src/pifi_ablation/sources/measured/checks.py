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


def show(value: Any) -> str:
    """A short description of a value for a message: its JSON type and (cut) text."""
    kind = {bool: "boolean", int: "integer", float: "number", str: "string", list: "list",
            dict: "object", type(None): "null"}.get(type(value), type(value).__name__)
    text = json.dumps(value, allow_nan=True, default=str) if not isinstance(value, str) else repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{kind} {text}"


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

    def fail(self, key: str, problem: str, expected: str) -> None:
        self.problems.append(LogError(self.path, key, problem, expected))

    def integer(self, key: str, low: int | None = None, high: int | None = None,
                required: bool = True) -> int | None:
        if key not in self.data:
            if required:
                self.fail(key, "missing", self._int_expected(low, high))
            return None
        v = self.data[key]
        if not is_int(v):
            self.fail(key, f"got {show(v)}", self._int_expected(low, high))
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
        if v is None:
            if key in self.data and not nullable:
                self.fail(key, "is null", self._bounds(low, high, low_open, nullable))
            return None
        if not is_number(v):
            self.fail(key, f"got {show(v)}", self._bounds(low, high, low_open, nullable))
            return None
        if not math.isfinite(v):
            self.fail(key, f"got {v} (NaN or infinite)", self._bounds(low, high, low_open, nullable))
            return None
        if (low is not None and (v <= low if low_open else v < low)) or (high is not None and v > high):
            self.fail(key, f"{v:g} is out of range", self._bounds(low, high, low_open, nullable))
            return None
        return float(v)

    @staticmethod
    def _bounds(low: float | None, high: float | None, low_open: bool, nullable: bool) -> str:
        # Written only for a message: every log's every number goes through number().
        return ("a finite number" + (f" > {low:g}" if low is not None and low_open else "")
                + (f" >= {low:g}" if low is not None and not low_open and high is None else "")
                + (f" in [{low:g}, {high:g}]" if low is not None and high is not None else "")
                + (" or null" if nullable else ""))

    def string(self, key: str, allowed: Sequence[str] | None = None, required: bool = True) -> str | None:
        v = self.data.get(key)
        if type(v) is str and (allowed is None or v in allowed):
            return v  # the common case, before any message is written
        expected = f"one of {', '.join(allowed)}" if allowed else "a string"
        if key not in self.data:
            if required:
                self.fail(key, "missing", expected)
            return None
        if not isinstance(v, str):
            self.fail(key, f"got {show(v)}", expected)
            return None
        self.fail(key, f"got {v!r}", expected)
        return None

    def array(self, key: str, value: Any, ndim: int, low: float | None, high: float | None,
              what: str) -> np.ndarray | None:
        """A (nested) list of finite numbers with ``ndim`` dimensions, as a float array."""
        try:
            arr = np.array(value)
        except ValueError:
            self.fail(key, "rows of unequal length", what)
            return None
        if arr.dtype.kind not in "if" or arr.ndim != ndim:
            bad = "non-numeric values" if arr.dtype.kind not in "if" else f"{arr.ndim} dimension(s)"
            self.fail(key, f"has {bad}", what)
            return None
        arr = arr.astype(float, copy=False)
        if arr.size and (low is None or arr.min() >= low) and (high is None or arr.max() <= high) \
                and math.isfinite(arr.sum()):
            return arr  # the common case, checked in two passes (NaN fails every comparison)
        if not np.isfinite(arr).all():
            self.fail(key, "holds NaN or infinite values", what)
            return None
        if (low is not None and (arr < low).any()) or (high is not None and (arr > high).any()):
            self.fail(key, f"holds values outside [{low}, {high if high is not None else 'inf'}]", what)
            return None
        return arr
