"""Ablation studies of automatic LLM-layer selection for PiFi, as a reproducible appendix.

``load(source)`` returns the five validated ablation tables and their provenance;
everything downstream (statistics, figures, tables, the book) reads that object.
"""

from pifi_ablation.ablations import Ablations, load
from pifi_ablation.errors import ResultsError, SchemaError, SourceError
from pifi_ablation.provenance import Provenance

__all__ = ["Ablations", "Provenance", "ResultsError", "SchemaError", "SourceError", "load"]
__version__ = "0.1.0"
