"""Write tests/data/seed_golden.json: the seed notebook's demonstration output, as data.

The demo source (``pifi_ablation.sources.demo``) re-implements the seed notebook's five
``create_*`` generators.  The tests check that it is faithful by comparing with this golden
file, so that the test suite reads nothing outside the repository.  The file holds

* ``tables``: the five tables exactly as the seed's generators return them with their
  default arguments (column order, dtypes and every value, floats as ``repr`` round-trips);
* ``other_arguments``: three generators called with other arguments, the same way;
* ``figure_numbers``: the aggregates the seed's plotting cells draw (group means and
  standard deviations, mean selection time, the starred best keyword weight).

Run it where the seed notebook is present (``../shared/seeds/seed_notebook.py`` beside the
repository, or ``--seed PATH``) and commit the result::

    .venv/bin/python scripts/make_seed_golden.py
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEED = ROOT.parent / "shared" / "seeds" / "seed_notebook.py"
GOLDEN = ROOT / "tests" / "data" / "seed_golden.json"

# Our table name -> the seed's generator.
GENERATORS = {
    "sample_size": "create_sample_size_ablation_data",
    "keyword_weight": "create_keyword_weight_ablation_data",
    "lambda_scale": "create_lambda_ablation_data",
    "task_sensitivity": "create_task_sensitivity_data",
    "model_size": "create_model_size_data",
}
# Calls with other arguments: (our table name, keyword arguments).
OTHER_ARGUMENTS = [
    ("sample_size", {"sample_sizes": [10, 30], "n_tasks": 3, "seed": 7}),
    ("keyword_weight", {"weights": [0.1, 0.9], "n_tasks": 2, "seed": 1}),
    ("lambda_scale", {"lambdas": [1.0, 4.0, 8.0], "n_tasks": 4, "seed": 3}),
]


def seed_generators(seed_path: Path) -> dict[str, Any]:
    """The seed's ``create_*`` functions, compiled from its source (its plotting cells,
    which write files, are not run)."""
    tree = ast.parse(seed_path.read_text(encoding="utf-8"))
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("create_")]
    names = sorted(d.name for d in defs)
    if names != sorted(GENERATORS.values()):
        sys.exit(f"{seed_path}: expected the generators {sorted(GENERATORS.values())}, found {names}")
    namespace: dict[str, Any] = {"np": np, "pd": pd, "List": list, "Optional": Any, "Dict": dict,
                                 "Tuple": tuple}
    exec(compile(ast.Module(body=defs, type_ignores=[]), str(seed_path), "exec"), namespace)
    return {d.name: namespace[d.name] for d in defs}


def table_record(df: pd.DataFrame) -> dict[str, Any]:
    """A table as JSON: columns, dtypes and rows (floats round-trip exactly through JSON)."""
    return {"columns": list(df.columns),
            "dtypes": [str(t) for t in df.dtypes],
            "rows": [[v.item() if hasattr(v, "item") else v for v in row]
                     for row in df.itertuples(index=False, name=None)]}


def table_from_record(record: dict[str, Any]) -> pd.DataFrame:
    """The inverse of :func:`table_record`."""
    df = pd.DataFrame(record["rows"], columns=record["columns"])
    return df.astype(dict(zip(record["columns"], record["dtypes"], strict=True)))


def _series(s: pd.Series) -> dict[str, float]:
    return {f"{k:g}" if isinstance(k, float) else str(k): float(v) for k, v in s.items()}


def figure_numbers(tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The numbers the seed's plotting cells compute from the tables, as they compute them."""
    ss, kw, lam = tables["sample_size"], tables["keyword_weight"], tables["lambda_scale"]
    ms = tables["model_size"]
    kw_grouped = kw.groupby("keyword_weight")["recovery_rate"].agg(["mean", "std"])
    lam_grouped = lam.groupby("lambda_scale")["recovery_rate"].agg(["mean", "std"])
    ms_grouped = ms.groupby("model")["recovery_rate"].agg(["mean", "std"])
    return {
        "sample_size": {
            "signal_quality_mean": _series(ss.groupby("n_samples")["signal_quality"].mean()),
            "signal_quality_std": _series(ss.groupby("n_samples")["signal_quality"].std()),
            "recovery_rate_mean": _series(ss.groupby("n_samples")["recovery_rate"].mean()),
            "time_sec_mean": _series(ss.groupby("n_samples")["time_sec"].mean()),
        },
        "keyword_weight": {
            "recovery_rate_mean": _series(kw_grouped["mean"]),
            "recovery_rate_std": _series(kw_grouped["std"]),
            "best_weight": float(kw_grouped["mean"].idxmax()),
        },
        "lambda_scale": {
            "recovery_rate_mean": _series(lam_grouped["mean"]),
            "recovery_rate_std": _series(lam_grouped["std"]),
        },
        "model_size": {
            "recovery_rate_mean": _series(ms_grouped["mean"]),
            "recovery_rate_std": _series(ms_grouped["std"]),
        },
        "task_sensitivity": {
            "recovery_order": list(tables["task_sensitivity"]
                                   .sort_values("recovery_rate", ascending=True)["task"]),
        },
    }


def golden(seed_path: Path) -> dict[str, Any]:
    gens = seed_generators(seed_path)
    tables = {name: gens[fn]() for name, fn in GENERATORS.items()}
    return {
        "about": "The seed notebook's demonstration output (scripts/make_seed_golden.py).",
        "tables": {name: table_record(df) for name, df in tables.items()},
        "other_arguments": [{"table": name, "kwargs": kwargs,
                             "output": table_record(gens[GENERATORS[name]](**kwargs))}
                            for name, kwargs in OTHER_ARGUMENTS],
        "figure_numbers": figure_numbers(tables),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED,
                        help="the seed notebook's code (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=GOLDEN)
    args = parser.parse_args()
    if not args.seed.is_file():
        sys.exit(f"the seed notebook's code is needed to write the golden file: put "
                 f"seed_notebook.py at {args.seed} (../shared/seeds/ beside the repository) or "
                 f"pass --seed PATH.  The committed {GOLDEN.relative_to(ROOT)} is what the tests use.")
    text = json.dumps(golden(args.seed), indent=1, ensure_ascii=False) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
