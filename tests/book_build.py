"""Building the book from tests, as `make book` does (warnings are errors)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
CHAPTERS = ["intro", "method", "sample_size", "keyword_weight", "lambda_scale", "task_sensitivity",
            "model_size", "summary", "reproducibility"]


def build_book(source: Path, out: Path, data: str = "demo",
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Build the book at ``source`` into ``out`` from the data source ``data``.

    The source is named explicitly, so a results/ folder in a developer's clone
    cannot change what a test sees.
    """
    base = {**os.environ, "PIFI_ABLATION_SOURCE": data}
    base["PYTHONWARNINGS"] = "ignore"  # warnings inside the kernel are the build's business
    return subprocess.run(
        [str(JUPYTER_BOOK), "build", str(source), "--path-output", str(out), "--warningiserror",
         "--nitpick", "--keep-going"],
        capture_output=True, text=True, env={**base, **(env or {})}, check=False)
