"""Errors of our own: each says where the problem is and what was expected."""

from __future__ import annotations

from collections.abc import Sequence


class ResultsError(Exception):
    """Input that cannot be used.  Carries the file (or table), the key or line, and what was
    expected."""

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


class SchemaError(ResultsError):
    """A table that does not match its declared schema."""


class SourceError(ResultsError):
    """A data source that cannot be read or is not known."""


class UsageError(SourceError):
    """A source that names no results folder (a path that is not a folder): the command line's
    usage error (exit status 2), not unusable content (1)."""


class LogError(ResultsError):
    """A selection log (one JSON per run) that cannot be used; ``key`` names the JSON key."""


class GridError(ResultsError):
    """A grid-result file that cannot be used; ``key`` names the line (``line 3``)."""


class LayoutError(ResultsError):
    """Files that do not fit together: a file or folder name, a log without its grid, two files
    for the same run that disagree."""


class ResultsFolderError(SourceError):
    """A results folder holding unusable input; ``problems`` lists every one of them."""

    def __init__(self, where: str, problems: Sequence[ResultsError]) -> None:
        self.problems = tuple(problems)
        listed = "\n  - ".join(str(p) for p in self.problems)
        super().__init__(where, None, f"{len(self.problems)} unusable input(s):\n  - {listed}")
