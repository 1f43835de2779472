"""Scale: validating, loading and (with ``--book``) building the book from results folders of
5,000 and 20,000 selection logs, with the time per log and the peak memory of each step.

Each folder is written with upstream's own writers (``tests/upstream_factory.py``: pretty-printed
JSON, the full head-effect matrix of every model): every (task, model) cell of the study with
as many seeds as the size needs, each cell's complete grid, and the two sweeps' logs of seed 0
for one model.  Each step runs in a fresh interpreter, as a user runs it:

- ``validate``: ``python -m pifi_ablation validate FOLDER`` (reads and checks every file,
  prints the coverage report);
- ``load``: ``pifi_ablation.load(FOLDER)`` (what the book's pages and ``export`` read);
- ``book`` (with ``--book``): a cold ``jupyter-book build`` of this repository from the folder.

Time is wall time; memory is the step's peak resident set (``resource``: the largest process of
the step, so for the book the largest of Sphinx and the kernels), and for ``load`` also the
peak of Python's allocations (``tracemalloc``, a second load under it).  Linear growth shows as
a constant time per log: the last line prints each step's time per log at the largest size over
that at the smallest (1.0 = linear).

    .venv/bin/python benchmarks/scale.py [--sizes 5000 20000] [--book]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the test-data generators

from pifi_ablation.registry import MODEL_ORDER, TASKS  # noqa: E402
from results_factory import grid_accuracy  # noqa: E402
from upstream_factory import (  # noqa: E402
    LAMBDA_SWEEP,
    SAMPLE_SWEEP,
    SWEPT_MODEL,
    payload,
    write_log,
    write_study,
)

JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")

# Run in a fresh interpreter: time one load, then its allocations' peak under tracemalloc.
LOAD = r"""
import json, resource, sys, time, tracemalloc
import pifi_ablation
start = time.perf_counter()
ab = pifi_ablation.load(sys.argv[1])
elapsed = time.perf_counter() - start
runs = len(ab.task_sensitivity)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
del ab
tracemalloc.start()
pifi_ablation.load(sys.argv[1])
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"seconds": elapsed, "rss": rss, "traced": peak, "runs": runs}))
"""

# Run in a fresh interpreter: time a command and report the largest process's peak RSS, of all the
# processes it started (as their reaper, those that outlive their parents too: the build's figure
# versions are drawn by children of the pages' kernels, pifi_ablation.pages.save_phone_layout).
TIMED = r"""
import json, resource, subprocess, sys, time
sys.path.insert(0, @BENCHMARKS@)
import orphans
orphans.adopt("the build's detached processes")
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.perf_counter() - start
if done.returncode != 0:
    sys.exit(done.stdout[-3000:] + done.stderr[-3000:])
orphans.reap()  # so that their peak counts
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"seconds": elapsed, "rss": rss}))
""".replace("@BENCHMARKS@", repr(str(Path(__file__).parent)))


def write_folder(root: Path, n_logs: int) -> int:
    """About ``n_logs`` logs as upstream writes them (see the module's docstring); the number written."""
    cells = [(task, model) for task in TASKS for model in MODEL_ORDER]
    sweeps = [(f"n_samples={n}", n, 3.0) for n in SAMPLE_SWEEP]
    sweeps += [(f"lambda_scale={lam}", 200, lam) for lam in LAMBDA_SWEEP]
    extra = len(TASKS) * len(sweeps)
    seeds = max(1, round((n_logs - extra) / len(cells)))
    write_study(root, cells)  # the grids, and seed 2023's default logs
    written = len(cells) + extra
    for task, model in cells:  # more seeds: the same payload with another seed, as a re-run writes it
        data, _ = payload(task, model, grid_accuracy(task, model), 200, 3.0)
        for seed in range(seeds - 1):
            write_log(root, "", {**data, "seed": seed})
            written += 1
    for task in TASKS:
        for folder, n_samples, lam in sweeps:
            data, _ = payload(task, SWEPT_MODEL, grid_accuracy(task, SWEPT_MODEL), n_samples, lam)
            write_log(root, folder, data)
    return written


def _run(code: str, *args: str, env: dict[str, str] | None = None) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env, check=False)
    if done.returncode != 0:
        sys.exit(f"failed: {args}\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000])
    parser.add_argument("--book", action="store_true", help="also time a cold book build per size")
    args = parser.parse_args()
    rows: dict[str, list[tuple[int, float]]] = {}
    print(f"{'logs':>6} {'MB':>6} {'step':>9} {'seconds':>8} {'ms/log':>7} {'peak RSS MB':>12} "
          f"{'traced MB':>10}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "results"
            written = write_folder(root, n)
            megabytes = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6
            steps = {}
            steps["validate"] = _run(TIMED, sys.executable, "-m", "pifi_ablation", "validate", str(root))
            steps["load"] = _run(LOAD, str(root))
            if args.book:
                env = {**os.environ, "PIFI_ABLATION_SOURCE": str(root), "PYTHONWARNINGS": "ignore"}
                env.pop("PIFI_ABLATION_PREVIOUS", None)
                steps["book"] = _run(TIMED, str(JUPYTER_BOOK), "build", str(ROOT), "--path-output",
                                     str(Path(tmp) / "book"), "--warningiserror", "--nitpick",
                                     "--keep-going", env=env)
            for step, got in steps.items():
                traced = f"{got['traced'] / 1e6:10.0f}" if "traced" in got else f"{'':>10}"
                print(f"{written:>6} {megabytes:>6.0f} {step:>9} {got['seconds']:>8.2f} "
                      f"{1e3 * got['seconds'] / written:>7.2f} {got['rss'] / 1e6:>12.0f} {traced}",
                      flush=True)
                rows.setdefault(step, []).append((written, got["seconds"]))
    if len(args.sizes) > 1:
        print("time per log, largest / smallest size (1.0 = linear): " + ", ".join(
            f"{step} {(t[-1][1] / t[-1][0]) / (t[0][1] / t[0][0]):.2f}" for step, t in rows.items()))


if __name__ == "__main__":
    main()
