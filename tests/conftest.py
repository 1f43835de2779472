"""Shared fixtures: the demo tables, the seed's golden output, and figure clean-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import pytest

import pifi_ablation
from book_build import build_book, failure_report

ROOT = Path(__file__).resolve().parents[1]
SEED_GOLDEN = ROOT / "tests" / "data" / "seed_golden.json"
@pytest.fixture(scope="session")
def html_dir(tmp_path_factory) -> Path:
    """The appendix built once per test session from the demo source.

    ``PIFI_TEST_HTML`` names an already built demo book (``_build/html``) to test instead,
    for iterating on the browser tests; the full suite never sets it."""
    ready = os.environ.get("PIFI_TEST_HTML")
    if ready:
        return Path(ready).resolve()
    out = tmp_path_factory.mktemp("book")
    result = build_book(ROOT, out)
    assert result.returncode == 0, failure_report(result)
    return out / "_build" / "html"


@pytest.fixture(scope="session")
def pdf_dir(html_dir) -> Path:
    """``appendix-{en,ko}.pdf`` printed once per session, as ``make pdf`` does, from the
    single-page build of the same (demo) book as ``html_dir``."""
    out = html_dir.parent.parent
    result = build_book(ROOT, out, builder="singlehtml")
    assert result.returncode == 0, failure_report(result)
    printed = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_pdf.py"),
                              str(out / "_build" / "singlehtml"), str(out / "_build" / "pdf")],
                             capture_output=True, text=True, check=False)
    assert printed.returncode == 0, printed.stdout + printed.stderr
    return out / "_build" / "pdf"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def demo() -> pifi_ablation.Ablations:
    return pifi_ablation.load("demo")


@pytest.fixture(scope="session")
def seed_golden() -> dict[str, Any]:
    """The seed notebook's demonstration output, committed as data (tests/data/seed_golden.json,
    written by scripts/make_seed_golden.py), so the suite reads nothing outside the repository."""
    return json.loads(SEED_GOLDEN.read_text(encoding="utf-8"))
