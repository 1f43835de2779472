"""Book build times against the seed notebook's code, in one run.

Measures (1) the seed notebook's code, (2) a cold `jupyter-book build` of a clean
clone of this repository's HEAD (no _build/ at all), and (3) a rebuild of that
clone with nothing changed, then prints cold/seed (target <= 2) and
rebuild/cold (target <= 0.15).

    .venv/bin/python benchmarks/build_vs_seed.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "seed_notebook.py"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


def _timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return elapsed


def main() -> None:
    if not SEED.is_file():
        sys.exit(f"this benchmark times the seed notebook's code and needs it at {SEED} "
                 "(../shared/seeds/ beside the repository); the tests do not need it")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "SEED_FIGURES_DIR": str(work / "seed"), "MPLBACKEND": "Agg",
               "PIFI_ABLATION_SOURCE": "demo"}
        clone = work / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        build = [str(JUPYTER_BOOK), "build", ".", "--warningiserror", "--nitpick", "--keep-going"]
        seed = _timed([sys.executable, str(SEED)], work, env)
        cold = _timed(build, clone, env)
        rebuild = _timed(build, clone, env)
    print(f"seed notebook code     : {seed:6.2f} s")
    print(f"cold build (clean clone): {cold:6.2f} s")
    print(f"no-change rebuild      : {rebuild:6.2f} s")
    print(f"cold / seed            : {cold / seed:.2f}  (target <= 2)")
    print(f"rebuild / cold         : {rebuild / cold:.2f}  (target <= 0.15)")


if __name__ == "__main__":
    main()
