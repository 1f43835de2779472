"""The one object every downstream step reads: five validated tables and their provenance."""

from __future__ import annotations

import hashlib
import inspect
from os import PathLike
from pathlib import Path

import pandas as pd

from pifi_ablation import paths, schema
from pifi_ablation.coverage import Coverage, coverage
from pifi_ablation.errors import ResultsFolderError
from pifi_ablation.layers import Layers
from pifi_ablation.layers import from_reading as layers_from_reading
from pifi_ablation.provenance import Provenance
from pifi_ablation.sources import demo, demo_layers, measured
from pifi_ablation.sources.measured import RESELECTION


class Ablations:
    """The study's ablation tables (validated on construction) and their provenance.

    One table per ablation that :mod:`pifi_ablation.study` declares, keyed by its name:
    ``ablations.table(name)``, or as an attribute, ``ablations.<name>``.
    ``coverage`` (measured data only) says which cells of the ablation grid have runs;
    ``layers`` is the per-run, per-layer population of the main-results and selection-signals
    chapters (:mod:`pifi_ablation.layers`).  ``checked=True`` is only for tables a reader has
    checked against these schemas already (:func:`from_reading`: the reading lists every
    problem it found, and has none).  Frozen: :meth:`replace` gives a changed copy.
    """

    __slots__ = ("_tables", "coverage", "layers", "provenance")
    _tables: dict[str, pd.DataFrame]
    provenance: Provenance
    coverage: Coverage | None
    layers: Layers

    def __init__(self, *, provenance: Provenance, coverage: Coverage | None = None,
                 layers: Layers | None = None, checked: bool = False, **tables: pd.DataFrame) -> None:
        unknown = [name for name in tables if name not in schema.TABLE_NAMES]
        missing = [name for name in schema.TABLE_NAMES if name not in tables]
        if unknown or missing:
            declared = ", ".join(schema.TABLE_NAMES)
            raise TypeError(f"Ablations() takes one table per declared ablation ({declared})"
                            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                            + (f"; missing: {', '.join(missing)}" if missing else ""))
        if not checked:
            for name in schema.TABLE_NAMES:
                schema.validate(tables[name], name)
        for attr, value in (("_tables", {name: tables[name] for name in schema.TABLE_NAMES}),
                            ("provenance", provenance), ("coverage", coverage),
                            ("layers", Layers() if layers is None else layers)):
            object.__setattr__(self, attr, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Ablations is frozen: use .replace({name}=...)")

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled (the export's worker processes) as its parts: the tables were checked already.
        return (_restored, (self._tables, self.provenance, self.coverage, self.layers))

    def __getattr__(self, name: str) -> pd.DataFrame:
        # Called only for names that are not slots: an ablation's table by its name.
        tables = object.__getattribute__(self, "_tables")
        if name in tables:
            return tables[name]
        raise AttributeError(f"Ablations has no table {name!r}; declared: {', '.join(tables)}")

    def table(self, name: str) -> pd.DataFrame:
        """The table of ablation ``name``."""
        return self._tables[name]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in the chapters' order."""
        return dict(self._tables)

    def replace(self, **changes: object) -> Ablations:
        """A copy with ``changes``: tables by ablation name, or ``provenance``/``coverage``/``layers``
        (changed tables are validated)."""
        tables = {name: changes.pop(name) for name in list(changes) if name in self._tables}
        for name, table in tables.items():
            schema.validate(table, name)
        parts = {"provenance": self.provenance, "coverage": self.coverage, "layers": self.layers, **changes}
        return Ablations(**parts, checked=True, **{**self._tables, **tables})  # type: ignore[arg-type]


def _restored(tables: dict[str, pd.DataFrame], provenance: Provenance, coverage: Coverage | None,
              layers: Layers) -> Ablations:
    return Ablations(provenance=provenance, coverage=coverage, layers=layers, checked=True, **tables)


def sweep_curve(table: pd.DataFrame) -> pd.DataFrame:
    """The rows a sweep's curve is drawn from.  Where a measured table marks each row's
    ``basis`` (the keyword weight's), that is the stage-1 re-selection (comparable at every
    setting), not the logged runs, which also ran stage 2; any other table is its own curve."""
    if "basis" not in table.columns:
        return table
    return table[table["basis"] == RESELECTION].drop(columns="basis").reset_index(drop=True)


def sweep_logged(table: pd.DataFrame) -> pd.DataFrame:
    """The logged runs (stages 1 and 2) of a table that marks its rows' ``basis``; none else."""
    if "basis" not in table.columns:
        return table.iloc[0:0]
    return table[table["basis"] != RESELECTION].drop(columns="basis").reset_index(drop=True)


def _demo() -> Ablations:
    # The hash covers the generator code itself (the ablations' and the per-layer simulation's),
    # so a change to either simulation shows as a new hash on every page that cites it.
    code = inspect.getsource(demo).encode() + inspect.getsource(demo_layers).encode()
    provenance = Provenance(
        kind="demo",
        description="illustrative numbers simulated as the notebook this study started from (the seed "
                    "notebook) simulates them, at its default arguments "
                    f"(seed {demo.SEED}); per-layer data: the package's own simulation in upstream's "
                    "formats (main results and selection signals)",
        description_ko="이 연구의 출발점인 초기 노트북(seed notebook)과 같은 방식으로 시뮬레이션한 "
                       f"예시 수치, 기본 인자(시드 {demo.SEED}); "
                       "레이어별 데이터: 원 연구 코드의 형식으로 쓴 이 패키지의 시뮬레이션(주요 결과와 선택 "
                       "신호)",
        content_hash=hashlib.sha256(code).hexdigest(),
        location="pifi_ablation.sources.demo",
    )
    # The seed simulates each ablation it knows; one declared since has no demo rows (its chapter
    # says that it has no data).
    simulated = demo.tables()
    tables = {name: simulated.get(name, schema.empty(name)) for name in schema.TABLE_NAMES}
    return Ablations(**tables, provenance=provenance, layers=demo_layers.layers())


def _measured(path: Path) -> Ablations:
    return from_reading(path, measured.read(path))


def from_reading(path: Path, reading: measured.ResultsFolder) -> Ablations:
    """The ablations of a results folder already read (:func:`measured.read`), for callers that
    also need what the reading holds beyond the tables (the release record: files and runs)."""
    if reading.problems:
        raise ResultsFolderError(str(path), reading.problems)
    provenance = Provenance(
        kind="measured",
        description=measured.describe_counts(reading),
        content_hash=reading.content_hash,
        files=reading.files,
        location=paths.shown_location(path),
        assumptions=tuple(reading.assumptions),
        warnings=tuple(reading.warnings),
        notes=tuple(reading.notes.items()),
    )
    # measured.read checked each table against its schema; any problem was raised above.
    return Ablations(**reading.tables, provenance=provenance, coverage=coverage(reading),
                     layers=layers_from_reading(reading), checked=True)


def load(source: str | PathLike[str] | None = None) -> Ablations:
    """Load the five ablation tables from ``source`` and validate them.

    ``"demo"`` gives the seed notebook's demonstration simulation; a path reads
    the measured artifacts (selection logs and grid files) under that folder.
    With no source: ``$PIFI_ABLATION_SOURCE`` if set, else ``results/`` at the
    project root if it holds selection logs, else the demo (``paths.default_source``).
    Unusable input raises one :class:`~pifi_ablation.errors.ResultsFolderError`
    listing every problem (file, key or line, what was expected).
    """
    if source is None:
        source = paths.default_source()
    if str(source) == "demo":
        return _demo()
    return _measured(Path(source))
