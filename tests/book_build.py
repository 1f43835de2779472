"""Building the book from tests, as `make book` does (warnings are errors)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
CHAPTERS = ["intro", "method", "main_results", "selection_signals", "sample_size", "keyword_weight",
            "lambda_scale", "task_sensitivity", "model_size", "summary", "reproducibility"]


def build_book(source: Path, out: Path, data: str = "demo",
               env: dict[str, str] | None = None, builder: str = "html") -> subprocess.CompletedProcess[str]:
    """Build the book at ``source`` into ``out`` from the data source ``data``.

    The source is named explicitly, so a results/ folder in a developer's clone
    cannot change what a test sees.  ``builder="singlehtml"`` is the build that
    ``make pdf`` prints; it reuses the pages an html build into the same ``out`` executed.
    """
    base = {**os.environ, "PIFI_ABLATION_SOURCE": data}
    base["PYTHONWARNINGS"] = "ignore"  # warnings inside the kernel are the build's business
    base.pop("PIFI_ABLATION_PREVIOUS", None)  # a changes page only where a test asks for one
    return subprocess.run(
        [str(JUPYTER_BOOK), "build", str(source), "--path-output", str(out), "--builder", builder,
         "--warningiserror", "--nitpick", "--keep-going"],
        capture_output=True, text=True, env={**base, **(env or {})}, check=False)


def print_pdfs(source: Path, out: Path, data: str = "demo", env: dict[str, str] | None = None) -> None:
    """As ``make pdf`` does: the single-page build of the book built into ``out`` (it reuses the
    pages that build executed), printed to ``out/_build/pdf/appendix-{en,ko}.pdf``."""
    single = build_book(source, out, data=data, env=env, builder="singlehtml")
    assert single.returncode == 0, failure_report(single)
    printed = subprocess.run([sys.executable, str(source / "scripts" / "make_pdf.py"),
                              str(out / "_build" / "singlehtml"), str(out / "_build" / "pdf")],
                             capture_output=True, text=True, check=False)
    assert printed.returncode == 0, printed.stdout + printed.stderr


def failure_report(result: subprocess.CompletedProcess[str], context: int = 12) -> str:
    """What a failed build said: every warning, error and traceback with the lines
    around it (the tail alone is jupyter-book's "Look above for the cause")."""
    lines = (result.stdout + "\n" + result.stderr).splitlines()
    marks = [i for i, line in enumerate(lines)
             if any(word in line for word in ("WARNING", "ERROR", "Error", "Traceback", "Exception"))]
    keep = sorted({j for i in marks for j in range(max(0, i - 2), min(len(lines), i + context))})
    picked = "\n".join(lines[j] for j in keep) or "\n".join(lines[-60:])
    return f"exit status {result.returncode}\n{picked[-12000:]}"
