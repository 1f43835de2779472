"""The ablation tables: columns, dtypes and ranges, one schema per kind of ablation.

Each declared ablation (:mod:`pifi_ablation.study`) gets its table's schema from its kind and
its declaration: a sweep's setting column, bounds and metric, a per-task or per-model table's
fixed columns.  Every source fills these tables and :func:`validate` checks them on load.  The
check is lazy in the pandera sense: it collects every failing column and row,
then raises one :class:`~pifi_ablation.errors.SchemaError` that names the
table, each column and the offending rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from pifi_ablation import study
from pifi_ablation.errors import SchemaError
from pifi_ablation.registry import TASK_TYPES
from pifi_ablation.study import Ablation

Kind = Literal["str", "int", "float"]
_MAX_ROWS_SHOWN = 8
# Cross-column identities (e.g. best_acc - last_acc = best_last_gap) hold up
# to floating-point rounding of the inputs.
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Column:
    """One column: its kind, closed range, allowed values and whether it may be missing.

    ``nullable`` columns hold values that are undefined for some runs (SPEC:
    "missing with its reason"); they are left out of means, never an error.
    """

    name: str
    kind: Kind
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] | None = None
    nullable: bool = False
    required: bool = True
    description: str = ""
    demo_only: bool = False  # filled by the demo's simulation only, never by measured data


@dataclass(frozen=True)
class Check:
    """A rule across columns; ``rule`` returns a boolean Series, True where a row is valid."""

    description: str
    columns: tuple[str, ...]
    rule: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class TableSchema:
    """A table's declaration: its columns, its key and its cross-column checks."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


# Columns that only a measured source fills: which LLM a run used, its seed,
# and how many runs were aggregated into a row.
_MODEL = Column("model", "str", required=False, description="LLM of the run")
_SEED = Column("seed", "int", min=0, required=False, description="seed of the run")
_TASK = Column("task", "str", description="downstream task")
_RECOVERY = Column(
    "recovery_rate", "float", max=1.0,
    description="auto_last_gap / best_last_gap (1 when best_last_gap = 0)",
)
_AUTO_GAP = Column("auto_last_gap", "float", min=-1.0, max=1.0,
                   description="acc[selected] - acc[last]")
# The sweeps' paired comparison also compares auto_last_gap where a source has it (measured data).
_AUTO_GAP_MEASURED = Column("auto_last_gap", "float", min=-1.0, max=1.0, required=False,
                            description="acc[selected] - acc[last]")
_BEST_GAP = Column("best_last_gap", "float", min=0.0, max=1.0,
                   description="acc[best] - acc[last]")


def _gap_order(df: pd.DataFrame) -> pd.Series:
    return df["auto_last_gap"] <= df["best_last_gap"] + _TOLERANCE


_AUTO_NOT_ABOVE_BEST = Check(
    "auto_last_gap <= best_last_gap (no selection beats the best layer)",
    ("auto_last_gap", "best_last_gap"),
    _gap_order,
)

def _sample_sweep(a: Ablation) -> TableSchema:
    low, high = a.bounds
    return TableSchema(
        a.name,
        (
            _TASK,
            Column(a.setting, "int", min=low, max=high, description=a.meaning),
            _RECOVERY,
            Column("signal_quality", "float", min=-1.0, max=1.0, nullable=True,
                   description="Spearman rho of PCL score vs grid accuracy"),
            _AUTO_GAP,
            _BEST_GAP,
            Column("time_sec", "float", min=0.0, nullable=True,
                   description="wall time of the selection, seconds"),
            _MODEL,
            _SEED,
        ),
        key=("model", "task", a.setting, "seed"),
        checks=(_AUTO_NOT_ABOVE_BEST,),
    )


def _sweep(a: Ablation) -> TableSchema:
    low, high = a.bounds
    metric = ((Column(a.metric.column, "float", min=a.metric.minimum, nullable=True,
                      description=a.metric.meaning),) if a.metric else ())
    truth = ((Column(a.truth, "float", min=low, max=high, required=False, demo_only=True,
                     description="simulation truth of the demo generator; never plotted"),)
             if a.truth else ())
    basis = ((Column("basis", "str", allowed=("stage-1 re-selection", "logged run"), required=False,
                     description="measured only: re-selected from per-layer signals, or a logged run"),)
             if a.reselected else ())
    return TableSchema(
        a.name,
        (_TASK, Column(a.setting, "float", min=low, max=high, description=a.meaning), *metric, _RECOVERY,
         *truth, *basis, _MODEL, _SEED, _AUTO_GAP_MEASURED),
        key=("model", "task", a.setting, *(("basis",) if a.reselected else ()), "seed"),
    )


def _per_task(a: Ablation) -> TableSchema:
    return TableSchema(
        a.name,
        (
            _TASK,
            Column("task_type", "str", allowed=TASK_TYPES),
            Column("avg_length", "int", min=1, required=False, demo_only=True,
                   description="mean input length in tokens (demo only)"),
            Column("n_classes", "int", min=2),
            Column("sensitivity", "float", min=0.0, max=1.0,
                   description="(max acc - min acc) / max acc over layers"),
            _BEST_GAP,
            _AUTO_GAP,
            _RECOVERY,
            _MODEL,
            _SEED,
        ),
        key=("model", "task", "seed"),
        checks=(_AUTO_NOT_ABOVE_BEST,),
    )


def _per_model(a: Ablation) -> TableSchema:
    return TableSchema(
        a.name,
        (
            Column("model", "str"),
            Column("n_layers", "int", min=1),
            Column("params_b", "float", min=0.0),
            _TASK,
            Column("last_acc", "float", min=0.0, max=1.0),
            Column("best_acc", "float", min=0.0, max=1.0),
            _BEST_GAP,
            _RECOVERY,
            Column("best_layer_norm", "float", min=0.0, max=1.0,
                   description="best_layer / (n_layers - 1)"),
            _SEED,
        ),
        key=("model", "task", "seed"),
        checks=(
            Check(
                "best_acc - last_acc = best_last_gap",
                ("best_acc", "last_acc", "best_last_gap"),
                lambda df: np.isclose(df["best_acc"] - df["last_acc"], df["best_last_gap"],
                                      rtol=0.0, atol=1e-6),
            ),
        ),
    )


# Each kind's table schema, from the ablation's declaration.
SCHEMA_OF_KIND: dict[study.Kind, Callable[[Ablation], TableSchema]] = {
    "sample_sweep": _sample_sweep,
    "sweep": _sweep,
    "per_task": _per_task,
    "per_model": _per_model,
}
SCHEMAS: dict[str, TableSchema] = {a.name: SCHEMA_OF_KIND[a.kind](a) for a in study.ABLATIONS}
TABLE_NAMES: tuple[str, ...] = tuple(SCHEMAS)


def empty(name: str) -> pd.DataFrame:
    """A table of ablation ``name`` with no rows: its required columns, of their dtypes."""
    dtypes = {"str": "str", "int": "int64", "float": "float64"}
    return pd.DataFrame({c.name: pd.Series(dtype=dtypes[c.kind])
                         for c in SCHEMAS[name].columns if c.required})


def _kind_ok(series: pd.Series, kind: Kind) -> bool:
    if kind == "str":
        return pd.api.types.is_string_dtype(series) or (
            series.dtype == object and series.map(lambda v: isinstance(v, str)).all()
        )
    if kind == "int":
        return pd.api.types.is_integer_dtype(series) and not pd.api.types.is_bool_dtype(series)
    return (pd.api.types.is_float_dtype(series) or pd.api.types.is_integer_dtype(series)) and not (
        pd.api.types.is_bool_dtype(series)
    )


def _rows(df: pd.DataFrame, mask: pd.Series | np.ndarray, column: str | Sequence[str]) -> str:
    bad = df.loc[np.asarray(mask, dtype=bool)]
    cols = [column] if isinstance(column, str) else list(column)
    shown = [
        f"row {idx}: " + ", ".join(f"{c}={row[c]!r}" for c in cols)
        for idx, row in bad.head(_MAX_ROWS_SHOWN).iterrows()
    ]
    more = len(bad) - len(shown)
    return "; ".join(shown) + (f"; and {more} more rows" if more > 0 else "")


def problems(df: pd.DataFrame, schema: TableSchema) -> list[str]:
    """Every way ``df`` departs from ``schema``, one sentence each (empty when valid)."""
    found: list[str] = []
    unknown = [c for c in df.columns if c not in schema.column_names]
    if unknown:
        found.append(f"unexpected columns {unknown}; expected only {list(schema.column_names)}")
    for col in schema.columns:
        if col.name not in df.columns:
            if col.required:
                found.append(f"column {col.name!r} is missing ({col.kind}, required)")
            continue
        s = df[col.name]
        if not _kind_ok(s, col.kind):
            found.append(f"column {col.name!r} has dtype {s.dtype}, expected {col.kind}")
            continue
        missing = s.isna()
        if missing.any() and not col.nullable:
            found.append(f"column {col.name!r} has missing values (NaN) where a value is "
                         f"required: {_rows(df, missing, col.name)}")
        if col.kind == "float":
            infinite = np.isinf(s.to_numpy(dtype=float, na_value=np.nan))
            if infinite.any():
                found.append(f"column {col.name!r} has infinite values: "
                             f"{_rows(df, infinite, col.name)}")
        present = s[~missing]
        if col.kind == "float":  # an infinite value is reported once, above, not also as out of range
            present = present[np.isfinite(present.to_numpy(dtype=float))]
        if col.min is not None:
            low = present < col.min
            if low.any():
                found.append(f"column {col.name!r} below its minimum {col.min}: "
                             f"{_rows(df, low.reindex(df.index, fill_value=False), col.name)}")
        if col.max is not None:
            high = present > col.max + _TOLERANCE
            if high.any():
                found.append(f"column {col.name!r} above its maximum {col.max}: "
                             f"{_rows(df, high.reindex(df.index, fill_value=False), col.name)}")
        if col.allowed is not None:
            other = ~present.isin(col.allowed)
            if other.any():
                found.append(f"column {col.name!r} outside {list(col.allowed)}: "
                             f"{_rows(df, other.reindex(df.index, fill_value=False), col.name)}")
    if found:  # cross-column checks assume the columns themselves are sound
        return found
    for check in schema.checks:
        ok = pd.Series(np.asarray(check.rule(df), dtype=bool), index=df.index)
        ok |= df[list(check.columns)].isna().any(axis=1)
        if not ok.all():
            found.append(f"check failed: {check.description}: {_rows(df, ~ok, check.columns)}")
    key = [k for k in schema.key if k in df.columns]
    dup = df.duplicated(subset=key, keep=False)
    if dup.any():
        found.append(f"rows repeat the key {key}: {_rows(df, dup, key)}")
    return found


def validate(df: pd.DataFrame, schema: TableSchema | str) -> pd.DataFrame:
    """Return ``df`` unchanged if it matches ``schema``, else raise :class:`SchemaError`.

    The error names the table, and for each problem the column and the rows.
    """
    if isinstance(schema, str):
        schema = SCHEMAS[schema]
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"table {schema.name!r}", None,
                          f"expected a pandas DataFrame, got {type(df).__name__}")
    found = problems(df, schema)
    if found:
        raise SchemaError(f"table {schema.name!r}", None,
                          f"{len(found)} problem(s):\n  - " + "\n  - ".join(found))
    return df
