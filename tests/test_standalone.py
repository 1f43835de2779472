"""A copy of the repository's files alone passes the tests that compare the demo with the seed.

The files that ``git ls-files`` lists (tracked, plus new ones not ignored) are copied into an
empty temporary folder with nothing beside it, and the seed-comparison tests run there with
this environment's Python, importing the copy's package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _repository_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode()
    return [f for f in listed.split("\0") if f and (ROOT / f).is_file()]


def test_a_copy_of_the_repository_alone_passes_the_seed_tests(tmp_path):
    clone = tmp_path / "alone" / "appendix"
    for name in _repository_files():
        target = clone / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    assert not (clone.parent / "shared").exists()
    assert (clone / "tests" / "data" / "seed_golden.json").is_file()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PIFI_ABLATION_"))}
    env["PYTHONPATH"] = str(clone / "src")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header",
         "tests/test_sources.py"],
        cwd=clone, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert " passed" in result.stdout
    # The copy's package was the one imported, not the working tree's.
    imported = subprocess.run([sys.executable, "-c", "import pifi_ablation; print(pifi_ablation.__file__)"],
                              cwd=clone, env=env, capture_output=True, text=True, check=True).stdout
    assert imported.strip().startswith(str(clone))
