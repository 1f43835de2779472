"""Time of ``pifi_ablation.load`` on results folders of 500, 2,000 and 5,000 selection logs, against
the time ``json.loads`` alone takes on the same files, measured in the same run.

Every log carries a full head-effect matrix of Qwen2-7B (28 layers x 28 heads), as the selection
script writes it.  For each size the script prints the load time, the two baselines (``json.loads``
of bytes already in memory, and reading plus ``json.loads``), their ratios and the time per log, so
that linear growth shows as a constant time per log.  Each timing is the best of ``--repeat`` runs
with the files in the OS cache, in CPU time of this process (the load is single-threaded).

    .venv/bin/python benchmarks/load_measured.py [--sizes 500 2000 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the test-data generator

import pifi_ablation  # noqa: E402
from pifi_ablation.registry import MODELS, TASKS  # noqa: E402
from results_factory import grid_accuracy, log_name, make_log, write_grid  # noqa: E402

MODEL = "Qwen2-7B"
TARGET_RATIO = 2.0


def write_folder(root: Path, n_logs: int) -> list[Path]:
    """``n_logs`` default-setting logs of Qwen2-7B spread over the seven tasks (seeds 0, 1, ...)."""
    tasks = list(TASKS)
    paths = []
    for task in tasks:
        write_grid(root, task, MODEL, grid_accuracy(task, MODEL), TASKS[task].task_type)
    templates = {t: make_log(t, MODEL, 1, acc=grid_accuracy(t, MODEL)) for t in tasks}
    for i in range(n_logs):
        task, seed = tasks[i % len(tasks)], i // len(tasks)
        log = {**templates[task], "seed": seed}
        path = root / "selection_logs" / log_name(log)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(log), encoding="utf-8")
        paths.append(path)
    assert len(templates[tasks[0]]["head_effects"]) == MODELS[MODEL].n_layers
    return paths


def _parse_all(blobs) -> None:
    for blob in blobs:
        json.loads(blob)


def best_of(repeat: int, fn) -> float:
    """The least CPU time of ``repeat`` calls: every timed call runs in this one thread, and CPU
    time, unlike wall time, does not count the time other programs on a shared machine take."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'logs':>6} {'MB':>6} {'load s':>8} {'loads s':>8} {'read+loads s':>13} "
          f"{'ratio':>6} {'ratio r+l':>9} {'load us/log':>12}")
    per_log = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "results"
            files = write_folder(root, n)
            blobs = [p.read_bytes() for p in files]  # also warms the OS cache
            megabytes = sum(map(len, blobs)) / 1e6
            ablations = pifi_ablation.load(root)
            assert len(ablations.task_sensitivity) == n  # every log became a run
            # Each parsed log is dropped at once, as the loader drops it after taking its arrays.
            t_loads = best_of(args.repeat, lambda b=blobs: _parse_all(b))
            t_read = best_of(args.repeat, lambda f=files: _parse_all(p.read_bytes() for p in f))
            t_load = best_of(args.repeat, lambda r=root: pifi_ablation.load(r))
        per_log.append(t_load / n)
        print(f"{n:>6} {megabytes:>6.1f} {t_load:>8.2f} {t_loads:>8.2f} {t_read:>13.2f} "
              f"{t_load / t_loads:>6.2f} {t_load / t_read:>9.2f} {1e6 * t_load / n:>12.0f}")
    print(f"ratio = load / json.loads of the same bytes (target <= {TARGET_RATIO:g} at the largest size); "
          "ratio r+l = load / (read the file + json.loads)")
    print(f"time per log, largest / smallest size: {per_log[-1] / per_log[0]:.2f} (1.0 = linear)")


if __name__ == "__main__":
    main()
