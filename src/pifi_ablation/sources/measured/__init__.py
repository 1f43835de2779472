"""The measured source: the selection logs and grid-result files of real runs.

The formats are SPEC.md's ("measured"), as upstream's code (PIFI-ILM) writes them.  The
reading is split by concern:

* :mod:`.names`: finding files by their names, telling the study's from the others;
* :mod:`.grids`: grid-result files (append mode, repeated layers, ``layer=-1``);
* :mod:`.logs`: selection logs (keys, types, the stage-2 rule);
* :mod:`.settings`: a run's settings from its JSON, its ``key=value`` folders or the defaults;
* :mod:`.reading`: reading a folder and pairing runs with grids (usable, pending, skipped);
* :mod:`.derive`: the five tables.

:func:`read` never raises on bad content; :func:`pifi_ablation.load` raises every problem at once.
"""

from pifi_ablation.sources.measured.derive import (
    LOGGED,
    RESELECTION,
    RESELECTION_NOTE,
    RESELECTION_WEIGHTS,
    derive,
    describe_counts,
    reselect,
    spearman_rows,
)
from pifi_ablation.sources.measured.grids import Grid
from pifi_ablation.sources.measured.logs import Run
from pifi_ablation.sources.measured.names import GRID_SUFFIX, STUDY_SLM
from pifi_ablation.sources.measured.reading import Pending, ResultsFolder, read
from pifi_ablation.sources.measured.settings import DEFAULTS, SETTINGS, SWEEP_COMMAND

__all__ = ["DEFAULTS", "GRID_SUFFIX", "LOGGED", "RESELECTION", "RESELECTION_NOTE", "RESELECTION_WEIGHTS",
           "SETTINGS", "STUDY_SLM", "SWEEP_COMMAND", "Grid", "Pending", "ResultsFolder", "Run", "derive",
           "describe_counts", "read", "reselect", "spearman_rows"]
