"""The code is ruff-clean (rules in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["src", "tests", "benchmarks", "scripts", "book/_ext"]


def test_ruff_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise",
                             *CHECKED], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
