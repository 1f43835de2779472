"""The one object every downstream step reads: five validated tables and their provenance."""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import InitVar, dataclass, field
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


@dataclass(frozen=True)
class Ablations:
    """The five ablation tables (validated on construction) and their provenance.

    ``coverage`` (measured data only) says which cells of the ablation grid have runs;
    ``layers`` is the per-run, per-layer population of the main-results and selection-signals
    chapters (:mod:`pifi_ablation.layers`).
    """

    sample_size: pd.DataFrame
    keyword_weight: pd.DataFrame
    lambda_scale: pd.DataFrame
    task_sensitivity: pd.DataFrame
    model_size: pd.DataFrame
    provenance: Provenance
    coverage: Coverage | None = field(default=None, compare=False)
    layers: Layers = field(default_factory=Layers, compare=False)
    # True only for tables a reader has checked against these schemas already
    # (:func:`from_reading`: the reading lists every problem it found, and has none).
    checked: InitVar[bool] = False

    def __post_init__(self, checked: bool) -> None:
        if checked:
            return
        for name in schema.TABLE_NAMES:
            schema.validate(getattr(self, name), name)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The five tables by name, in the chapters' order."""
        return {name: getattr(self, name) for name in schema.TABLE_NAMES}


def keyword_weight_curve(table: pd.DataFrame) -> pd.DataFrame:
    """The rows the keyword-weight curve is drawn from: for measured data the stage-1
    re-selection (comparable at every weight), not the logged runs, which also ran stage 2."""
    if "basis" not in table.columns:
        return table
    return table[table["basis"] == RESELECTION].drop(columns="basis").reset_index(drop=True)


def keyword_weight_logged(table: pd.DataFrame) -> pd.DataFrame:
    """Logged keyword_weight runs (stages 1 and 2), where a measured source holds any."""
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
    return Ablations(**demo.tables(), provenance=provenance, layers=demo_layers.layers())


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
