"""What a partial study lacks: which ablations have data, and what would produce the rest.

A lab's results folder passes through many states: default runs only (upstream's
``run_all_selections.sh`` writes no sweep), a sweep without its default run, logs whose grid
search has not started.  Every subset of the ablations renders: an ablation without data keeps
its findings (``[no data]``, see :mod:`pifi_ablation.findings`), figure and table, and its
chapter says, in both languages, what is missing and the upstream command that produces it.
This module decides which ablations lack data; :mod:`pifi_ablation.study` holds what each needs, in
words, and :mod:`pifi_ablation.pages` the HTML.
"""

from __future__ import annotations

import pandas as pd

from pifi_ablation.ablations import Ablations, sweep_curve
from pifi_ablation.study import GRID, GRID_KO, NEEDS, SELECTION, Need

# Also the needs themselves, for callers that import them from here.
__all__ = ["GRID", "GRID_KO", "NEEDS", "SELECTION", "Need", "has_data", "missing_ablations", "shown_rows"]


def shown_rows(ablations: Ablations, name: str) -> pd.DataFrame:
    """The rows ablation ``name``'s figure, table and findings are computed from."""
    return sweep_curve(ablations.table(name))


def has_data(ablations: Ablations, name: str) -> bool:
    """Whether ablation ``name`` has any row to show."""
    return not shown_rows(ablations, name).empty


def missing_ablations(ablations: Ablations) -> tuple[str, ...]:
    """The ablations without data, in the chapters' order."""
    return tuple(name for name in NEEDS if not has_data(ablations, name))
