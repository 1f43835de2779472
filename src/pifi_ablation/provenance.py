"""Where the tables came from: the record every page, figure and table cites."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SourceKind = Literal["demo", "measured"]


@dataclass(frozen=True)
class Provenance:
    """The source of a set of ablation tables.

    ``content_hash`` is a SHA-256 over the inputs (the files read, or for the
    demo the generator code's arguments), so two builds that show the same
    hash show the same data.  ``assumptions`` lists every default or missing
    field that had to be filled in.
    """

    kind: SourceKind
    description: str
    content_hash: str
    files: tuple[str, ...] = ()
    location: str | None = None
    assumptions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_demo(self) -> bool:
        return self.kind == "demo"

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]

    def label(self) -> str:
        """A one-line English label for figure stamps and captions."""
        if self.is_demo:
            return "Illustrative simulation (demo data), not measurements"
        return f"Measured: {self.location} ({len(self.files)} files, sha256 {self.short_hash})"
