"""The per-layer figures (the main-results and selection-signals chapters') by name, and the rows
each is drawn from: what ``export`` writes as the figure's CSV and the book shows under it.
Plain tables, no matplotlib: the build's own process adds the figures' data to the pages
without loading it."""

from __future__ import annotations

import pandas as pd

from pifi_ablation import main_results, signals
from pifi_ablation.layers import Layers

LAYER_FIGURE_NAMES: tuple[str, ...] = ("main_results", "layer_curves", "selection_signals")


def figure_data(layers: Layers, name: str) -> pd.DataFrame:
    """The data behind figure ``name``, as the CSV the export writes beside it."""
    if name == "main_results":
        return main_results.run_table(layers)
    if name == "layer_curves":
        curves = layers.curves()
        sel = layers.selections()
        chosen = sel.groupby(["task", "model"])["final_layer"].apply(lambda s: set(s.tolist()))
        curves["selected"] = [int(r.layer) in chosen.get((r.task, r.model), set())
                              for r in curves.itertuples()]
        return curves
    if name == "selection_signals":
        return signals.rho_table(layers)
    raise KeyError(name)
