"""A run's settings: from its JSON, else from ``key=value`` folder names on its path, else the
defaults.  Upstream has no flag for ``keyword_weight`` or ``lambda_scale`` and never logs them, so
the authors file a sweep by its folder:
``python selection/scripts/run_selection_only.py ... --log_dir results/selection_logs/lambda_scale=5.0``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from pifi_ablation.errors import LayoutError
from pifi_ablation.messages import Message
from pifi_ablation.registry import DEFAULT_KEYWORD_WEIGHT, DEFAULT_LAMBDA_SCALE, DEFAULT_N_SAMPLES

# The settings a run can depart from its defaults in: the selection's parameters that the
# reader knows (a sweep of pifi_ablation.study over a new parameter adds it here, to the log
# reader, logs.py, and to derive.py).
DEFAULTS: dict[str, float] = {
    "n_samples": DEFAULT_N_SAMPLES,
    "keyword_weight": DEFAULT_KEYWORD_WEIGHT,
    "lambda_scale": DEFAULT_LAMBDA_SCALE,
}
SETTINGS: tuple[str, ...] = tuple(DEFAULTS)
SWEEP_FOLDER_EXAMPLE = "selection_logs/lambda_scale=5.0/"
SWEEP_COMMAND = "--log_dir results/selection_logs/lambda_scale=5.0"


def folder_settings(parts: Sequence[str], cache: dict[tuple[str, ...], Any]
                    ) -> dict[str, float] | LayoutError:
    """Settings from ``key=value`` folder names (the deepest wins), or the first bad folder."""
    key = tuple(parts)
    if key in cache:
        return cache[key]
    found: dict[str, float] = {}
    result: dict[str, float] | LayoutError = found
    for depth, part in enumerate(parts):
        if "=" not in part:
            continue
        folder = "/".join(parts[: depth + 1]) + "/"
        name, _, text = part.partition("=")
        if name not in SETTINGS:
            result = LayoutError(folder, part, Message("folder.unknown-setting", name=name),
                                 Message("expect.one-of", values=", ".join(SETTINGS)))
            break
        try:
            value: float = int(text) if name == "n_samples" else float(text)
        except ValueError:
            kind = Message("kind.integer" if name == "n_samples" else "kind.number")
            result = LayoutError(folder, part, Message("folder.not-a-value", text=text, kind=kind),
                                 Message("expect.setting-value", name=name, kind=kind,
                                         default=DEFAULTS[name]))
            break
        if not math.isfinite(value) or value < 0 or (name == "n_samples" and value < 1) or (
                name == "keyword_weight" and value > 1):
            result = LayoutError(folder, part, Message("folder.out-of-range", text=text),
                                 Message("expect.folder-settings"))
            break
        found[name] = value
    cache[key] = result
    return result


def differs(values: dict[str, float]) -> tuple[str, ...]:
    """The settings in which ``values`` depart from the defaults."""
    return tuple(s for s in SETTINGS if not math.isclose(values[s], DEFAULTS[s]))
