"""Ablation studies of automatic LLM-layer selection for PiFi, as a reproducible appendix.

``load(source)`` returns the five validated ablation tables and their provenance;
everything downstream (statistics, figures, tables, the book) reads that object.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from pifi_ablation.errors import ResultsError, SchemaError, SourceError
from pifi_ablation.provenance import Provenance

if TYPE_CHECKING:
    from pifi_ablation.ablations import Ablations, load

__all__ = ["Ablations", "Provenance", "ResultsError", "SchemaError", "SourceError", "load"]
__version__ = "0.1.0"

# Imported on first use, so that `python -m pifi_ablation` can start before pandas
# is loaded (see __main__.py).
_LAZY = {"Ablations": "pifi_ablation.ablations", "load": "pifi_ablation.ablations"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pifi_ablation' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
