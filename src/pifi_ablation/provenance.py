"""Where the tables came from: the record every page, figure and table cites."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Literal

SourceKind = Literal["demo", "measured"]


class Label(str):
    """An English label that carries its Korean (``ko``): a figure drawn in Korean sets the
    Korean (``pifi_ablation.figures_ko``)."""

    ko: str

    def __new__(cls, en: str, ko: str) -> Label:
        label = super().__new__(cls, en)
        label.ko = ko
        return label

    def __getnewargs__(self) -> tuple[str, str]:  # copied and pickled with its Korean
        return str(self), self.ko


@dataclass(frozen=True)
class Provenance:
    """The source of a set of ablation tables.

    ``content_hash`` is a SHA-256 over the inputs (the files read, or for the
    demo the generator code's arguments), so two builds that show the same
    hash show the same data.  ``assumptions`` lists every default or missing
    field that had to be filled in; ``warnings`` every value left missing (with
    its reason) and every file or run that is not shown.  ``notes`` says, per
    table, how a table was derived where that is not obvious (the keyword-weight
    table of measured data is a stage-1 re-selection).
    """

    kind: SourceKind
    description: str
    content_hash: str
    files: tuple[str, ...] = ()
    location: str | None = None
    assumptions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    notes: tuple[tuple[str, str], ...] = ()
    description_ko: str = ""  # the description in Korean, where the source gives one

    @property
    def is_demo(self) -> bool:
        return self.kind == "demo"

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]

    @property
    def folder_name(self) -> str:
        """The results folder's own name (``location`` is its path relative to the project)."""
        return PurePath(self.location).name if self.location else ""

    def note(self, table: str) -> str | None:
        """How ``table`` was derived, where the record says so."""
        return dict(self.notes).get(table)

    def label(self, table: str | None = None) -> str:
        """A one-line English label for figure stamps and captions (with the table's note)."""
        if self.is_demo:
            return "Illustrative simulation (demo data), not measurements"
        text = f"Measured: {self.folder_name} ({len(self.files)} files, sha256 {self.short_hash})"
        text_ko = f"측정값: {self.folder_name} (파일 {len(self.files)}개, sha256 {self.short_hash})"
        note = self.note(table) if table else None
        if not note:
            return Label(text, text_ko)
        return Label(f"{text}; {note}", f"{text_ko}; {getattr(note, 'ko', None) or note}")
