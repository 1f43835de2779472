"""Time of ``diff OLD NEW`` on two results folders of 5,000 selection logs each, against the time
of loading both (``pifi_ablation.load``), measured in the same run (target: at most 2x).

The second folder is the first after a re-run: a hundred logs with a new seed, a hundred removed,
and one grid file re-tested, so that the diff has runs added, removed and changed and findings
that moved.  Each timing is the best of ``--repeat`` runs with the files in the OS cache.

    .venv/bin/python benchmarks/diff_measured.py [--logs 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the test-data generator
sys.path.insert(0, str(ROOT / "benchmarks"))

from load_measured import best_of, write_folder  # noqa: E402

import pifi_ablation  # noqa: E402
from pifi_ablation import diff  # noqa: E402
from results_factory import log_name  # noqa: E402

TARGET_RATIO = 2.0
CHANGED = 100


SWEEPS = ({"n_samples": 50}, {"lambda_scale": 5.0})


def write_study(root: Path, n_logs: int) -> None:
    """``n_logs`` logs: default runs (benchmarks/load_measured.py) and, for every task, seed 0 at one
    other sample size and lambda scale, so that every ablation has a finding to compare."""
    write_folder(root, n_logs - len(SWEEPS) * 7)
    firsts = sorted((root / "selection_logs").glob("*_seed0.json"))
    for settings in SWEEPS:
        (key, value), = settings.items()
        folder = root / "selection_logs" / f"{key}={value:g}"
        folder.mkdir()
        for path in firsts:
            log = {**json.loads(path.read_text(encoding="utf-8")), **settings}
            (folder / path.name).write_text(json.dumps(log), encoding="utf-8")


def rerun(old: Path, new: Path) -> None:
    """``new`` = ``old`` after a re-run: logs added and removed, one grid re-tested."""
    shutil.copytree(old, new)
    logs = sorted((new / "selection_logs").glob("*_seed*.json"))[-2 * CHANGED:]
    for path in logs[:CHANGED]:  # the same runs with another seed
        log = json.loads(path.read_text(encoding="utf-8"))
        log["seed"] += 100_000
        path.with_name(log_name(log)).write_text(json.dumps(log), encoding="utf-8")
    for path in logs[CHANGED:2 * CHANGED]:
        path.unlink()
    grid = sorted(new.rglob("*_results.txt"))[0]
    grid.write_text(grid.read_text(encoding="utf-8").replace("acc=0.", "acc=0.0", 3), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logs", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old", Path(tmp) / "new"
        write_study(old, args.logs)
        rerun(old, new)
        result = diff.diff(str(old), str(new))  # also warms the OS cache
        print(f"runs: {len(result.runs.added)} added, {len(result.runs.removed)} removed, "
              f"{len(result.runs.changed)} changed; findings changed: {len(result.findings)}")
        t_load = best_of(args.repeat, lambda: (pifi_ablation.load(old), pifi_ablation.load(new)))
        t_diff = best_of(args.repeat, lambda: diff.diff(str(old), str(new)))
    print(f"{'logs':>6} {'load both s':>12} {'diff s':>8} {'ratio':>6}")
    print(f"{args.logs:>6} {t_load:>12.2f} {t_diff:>8.2f} {t_diff / t_load:>6.2f}")
    print(f"ratio = diff / (load OLD + load NEW) (target <= {TARGET_RATIO:g})")


if __name__ == "__main__":
    main()
