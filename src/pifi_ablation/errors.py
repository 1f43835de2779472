"""Errors of our own: each says where the problem is and what was expected."""

from __future__ import annotations


class ResultsError(Exception):
    """Input that cannot be used.  Carries the file (or table), the key and what was expected."""

    def __init__(self, where: str, key: str | None, problem: str) -> None:
        self.where = where
        self.key = key
        self.problem = problem
        located = f"{where}: {key}" if key else where
        super().__init__(f"{located}: {problem}")


class SchemaError(ResultsError):
    """A table that does not match its declared schema."""


class SourceError(ResultsError):
    """A data source that cannot be read or is not known."""
