"""What each figure costs to draw and save, relative to an ablation's figure (the demo's; a
figure not listed counts as 1): measured for the export's PDF and PNG (``export_vs_seed.py``'s
figures one by one), which the book's page PNG and versions follow closely but for the layer
curves (about 2.2 there; ``benchmarks/profile_build.py``).

Work spread over the cores starts with the costliest so that the cores finish together:
``export`` hands its workers the costliest figures first, and the book's build balances the
pages it executes in parallel by the figures each draws (``book/_ext/rebuild_fingerprint.py``).
A module of its own, with no imports, so that the build can read it without loading matplotlib.
"""

from __future__ import annotations

FIGURE_COST: dict[str, float] = {"layer_curves": 2.6, "selection_signals": 1.6, "main_results": 1.3,
                                 "paired": 1.2, "task_sensitivity": 1.1, "sample_size": 1.1,
                                 "keyword_weight": 0.9, "lambda_scale": 0.9}


def figure_cost(name: str) -> float:
    """Figure ``name``'s cost relative to an ablation's figure."""
    return FIGURE_COST.get(name, 1.0)
