"""What each figure costs to draw and save, relative to an ablation's figure (the demo's,
measured once with ``benchmarks/profile_build.py``; a figure not listed counts as 1).

Work spread over the cores starts with the costliest so that the cores finish together:
``export`` hands its workers the costliest figures first, and the book's build balances the
pages it executes in parallel by the figures each draws (``book/_ext/rebuild_fingerprint.py``).
A module of its own, with no imports, so that the build can read it without loading matplotlib.
"""

from __future__ import annotations

FIGURE_COST: dict[str, float] = {"layer_curves": 3.0, "selection_signals": 1.7, "main_results": 1.4}


def figure_cost(name: str) -> float:
    """Figure ``name``'s cost relative to an ablation's figure."""
    return FIGURE_COST.get(name, 1.0)
