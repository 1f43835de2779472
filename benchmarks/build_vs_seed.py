"""Book build times against the seed notebook's code, in one run.

Measures (1) the seed notebook's code, (2) a cold `jupyter-book build` of a clean
clone of this repository's HEAD (no _build/ at all), and (3) a rebuild of that
clone with nothing changed, then prints cold/seed (target <= 1.5) and rebuild/seed (target
<= 0.25), in wall time and in CPU time (user + system of every process each step ran, those
that outlive their parents included: on a machine that other work shares, the CPU ratio moves
less than the wall ratio).

    .venv/bin/python benchmarks/build_vs_seed.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orphans  # benchmarks/orphans.py

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "seed_notebook.py"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


def _timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``cmd`` (CPU: it and every process it waited for)."""
    cpu = orphans.children_cpu()
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return elapsed, orphans.children_cpu() - cpu


def main() -> None:
    if not SEED.is_file():
        sys.exit(f"this benchmark times the seed notebook's code and needs it at {SEED} "
                 "(../shared/seeds/ beside the repository); the tests do not need it")
    orphans.adopt("the CPU of the build's detached processes")
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
    print(f"{'':26s} {'wall s':>7s} {'CPU s':>7s}")
    for name, (wall, cpu) in (("seed notebook code", seed), ("cold build (clean clone)", cold),
                              ("no-change rebuild", rebuild)):
        print(f"{name:26s} {wall:7.2f} {cpu:7.2f}")
    print(f"cold / seed     : {cold[0] / seed[0]:.2f} wall, {cold[1] / seed[1]:.2f} CPU  (target <= 1.5)")
    print(f"rebuild / seed  : {rebuild[0] / seed[0]:.2f} wall, {rebuild[1] / seed[1]:.2f} CPU  "
          "(target <= 0.25)")
    print(f"rebuild / cold  : {rebuild[0] / cold[0]:.2f} wall")


if __name__ == "__main__":
    main()
