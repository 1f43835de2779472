"""Errors of our own: each says where the problem is and what was expected."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pifi_ablation.messages import ko

_LINE = re.compile(r"^line (\d+)(?:, column (\d+))?$")  # where in a file: a grid's line, a JSON's position


class ResultsError(Exception):
    """Input that cannot be used.  Carries the file (or table), the key or line, and what was
    expected.

    ``problem`` and ``expected`` are messages (:mod:`pifi_ablation.messages`) where the reader
    wrote them as such; :attr:`ko` then says the whole error in Korean."""

    kind = "input"  # what kind of input: the code's first part (see as_json)

    def __init__(self, where: str, key: str | None, problem: str, expected: str | None = None) -> None:
        self.where = where
        self.key = key
        self.problem = problem
        self.expected = expected
        located = f"{where}: {key}" if key else where
        said = f"{located}: {problem}"
        if expected:
            said += f"; expected {expected}"
        super().__init__(said)

    @property
    def code(self) -> str:
        """The kind of input and the problem's code (``log.value.missing``), or ``{kind}.unusable``
        for a problem written as plain text."""
        code = getattr(self.problem, "code", "unusable")
        return code if code.startswith(self.kind + ".") else f"{self.kind}.{code}"

    @property
    def ko(self) -> str:
        """The error in Korean (a part with no Korean form stays English)."""
        key = _LINE.sub(lambda m: f"{m[1]}번째 줄" + (f", {m[2]}번째 열" if m[2] else ""), self.key or "")
        located = f"{self.where}: {key}" if key else self.where
        said = f"{located}: {ko(self.problem) or self.problem}"
        if self.expected:
            said += f"; 기대한 것: {ko(self.expected) or self.expected}"
        return said

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "severity": "error", "path": self.where, "key": self.key,
                "en": str(self), "ko": self.ko}


class SchemaError(ResultsError):
    """A table that does not match its declared schema."""

    kind = "table"


class SourceError(ResultsError):
    """A data source that cannot be read or is not known."""

    kind = "source"


class UsageError(SourceError):
    """A source that names no results folder (a path that is not a folder): the command line's
    usage error (exit status 2), not unusable content (1)."""


class LogError(ResultsError):
    """A selection log (one JSON per run) that cannot be used; ``key`` names the JSON key."""

    kind = "log"


class GridError(ResultsError):
    """A grid-result file that cannot be used; ``key`` names the line (``line 3``)."""

    kind = "grid"


class LayoutError(ResultsError):
    """Files that do not fit together: a file or folder name, a log without its grid, two files
    for the same run that disagree."""

    kind = "layout"


class ResultsFolderError(SourceError):
    """A results folder holding unusable input; ``problems`` lists every one of them."""

    def __init__(self, where: str, problems: Sequence[ResultsError]) -> None:
        self.problems = tuple(problems)
        listed = "\n  - ".join(str(p) for p in self.problems)
        super().__init__(where, None, f"{len(self.problems)} unusable input(s):\n  - {listed}")
