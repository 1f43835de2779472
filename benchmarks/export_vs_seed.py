"""Wall time of `python -m pifi_ablation export` against the seed notebook's code, in one run.

Both draw and save the same five ablation figures (PDF and PNG); the export also draws the
main-results and selection-signals chapters' three figures, which the seed has no counterpart
of, and writes the LaTeX files and CSVs.  Each command runs in a fresh interpreter,
alternating, ``--repeat`` times; the medians are compared.

    .venv/bin/python benchmarks/export_vs_seed.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "seed_notebook.py"


def _time(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not SEED.is_file():
        sys.exit(f"this benchmark times the seed notebook's code and needs it at {SEED} "
                 "(../shared/seeds/ beside the repository); the tests do not need it")
    ours, seed = [], []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "SEED_FIGURES_DIR": str(work / "seed"), "MPLBACKEND": "Agg"}
        for _ in range(args.repeat):
            seed.append(_time([sys.executable, str(SEED)], env, work))
            ours.append(_time([sys.executable, "-m", "pifi_ablation", "export", "--out",
                               str(work / "ours")], env, ROOT))
    t_ours, t_seed = statistics.median(ours), statistics.median(seed)
    print(f"seed notebook code : {t_seed:6.2f} s (median of {args.repeat})")
    print(f"pifi_ablation export: {t_ours:6.2f} s (median of {args.repeat})")
    print(f"ratio export / seed : {t_ours / t_seed:.3f}  (target <= 0.33)")


if __name__ == "__main__":
    main()
