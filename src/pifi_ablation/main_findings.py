"""The named findings of the main-results and selection-signals chapters (glue keys, macros).

Every value is computed from the per-layer population (:mod:`pifi_ablation.layers`) by
:mod:`pifi_ablation.main_results` and :mod:`pifi_ablation.signals`; where it holds no runs
every finding is missing ("n/a", n = 0), never an error.  A share's pooled count is its own
finding, ``{key}_pooled`` ("k/N").
"""

from __future__ import annotations

from pifi_ablation import main_results as mr
from pifi_ablation import signals
from pifi_ablation.finding import Finding, Format
from pifi_ablation.layers import Layers
from pifi_ablation.registry import task_label
from pifi_ablation.stats import Estimate

_SIGNAL_WORDS = {"abstract": "L_Abstract (stage 1)", "apply": "L_Apply (stage 2)", "final": "the final layer"}


def _estimate(key: str, e: Estimate, fmt: Format, description: str) -> Finding:
    return Finding(key, e.mean, fmt, description, ci=(e.low, e.high), n=e.n)


def _share(key: str, s: mr.Share, description: str) -> list[Finding]:
    return [_estimate(key, s.estimate, "pct", description + " (per task, then mean over tasks)"),
            Finding(f"{key}_pooled", s.pooled, "name", f"pooled count k/N behind: {description}")]


def main_findings(layers: Layers) -> list[Finding]:
    """Findings of the main-results chapter (keys ``main_*``)."""
    grids, runs = mr.grid_table(layers), mr.run_table(layers)
    found = [
        Finding("main_n_tasks", int(grids["task"].nunique()), "int", "tasks with a complete grid"),
        Finding("main_n_grids", len(grids), "int", "complete (task, model) grids"),
        Finding("main_n_runs", len(runs), "int", "default runs with a complete grid (all seeds)"),
        Finding("main_n_pending", len(layers.pending), "int",
                "default runs left out: grid missing or in progress"),
    ]
    found += _share("main_last_optimal_share", mr.share(grids, "last_optimal"),
                    "share of grids whose last layer is a best layer")
    gap = mr.share(grids, "best_last_gap")
    found.append(_estimate("main_best_last_gap", gap.estimate, "pp", "best-last gap, percentage points"))
    position = mr.share(grids, "best_position")
    found.append(_estimate("main_best_position", position.estimate, "rho",
                           "normalised position of the best layers (0 = first, 1 = last)"))
    for col, what in (("last_acc", "last layer"), ("auto_acc", "auto-selected (final) layer"),
                      ("best_acc", "best layer")):
        found.append(_estimate(f"main_acc_{col.split('_')[0]}", mr.share(runs, col).estimate, "pct",
                               f"mean accuracy of the {what}"))
    found.append(_estimate("main_recovery", mr.share(runs, "recovery_rate").estimate, "pct",
                           "mean recovery rate of the final layer"))
    for key, (a, b), what in (("main_auto_vs_last_diff", ("auto_acc", "last_acc"), "auto minus last"),
                              ("main_best_vs_auto_diff", ("best_acc", "auto_acc"), "best minus auto")):
        p = mr.paired(runs, a, b)
        found += [
            _estimate(key, p.estimate, "pp", f"{what} accuracy, paired over tasks, percentage points"),
            Finding(f"{key}_p", float(p.p_value), "p", f"two-sided paired t p-value of: {what}", n=p.n),
            Finding(f"{key}_positive", p.positive, "int", f"tasks whose {what} difference is > 0"),
        ]
    for signal, words in _SIGNAL_WORDS.items():
        found += _share(f"main_hit_share_{signal}", mr.share(runs, f"{signal}_hit"),
                        f"share of runs whose {words} is a best layer")
        found += _share(f"main_within2_share_{signal}", mr.share(runs, f"{signal}_within2"),
                        f"share of runs whose {words} is within 2 layers of a best layer")
        found.append(_estimate(f"main_distance_{signal}", mr.share(runs, f"{signal}_distance").estimate,
                               "rho", f"mean distance (layers) from {words} to the nearest best layer"))
    found.append(Finding("main_apply_excluded", int((runs["excluded_apply"] != "").sum()), "int",
                         "runs whose L_Apply is left out: stage 2 found nothing"))
    return found


_RHO_WORDS = {"keyword": "keyword signal", "correlation": "correlation signal", "probe": "probe accuracy",
              "head_effect": "summed head effect"}


def signal_findings(layers: Layers) -> list[Finding]:
    """Findings of the selection-signals chapter (keys ``signal_*``)."""
    summary = signals.rho_summary(layers).set_index("signal")
    found = []
    for key, words in _RHO_WORDS.items():
        r = summary.loc[key]
        found.append(Finding(f"signal_rho_{key}", float(r["mean"]), "rho",
                             f"mean Spearman rho over layers of accuracy and the {words} "
                             "(per run, per task, then over tasks)",
                             ci=(float(r["ci_low"]), float(r["ci_high"])), n=int(r["n"])))
    r = summary.loc["pcl"]
    found.append(Finding("signal_quality_mean", float(r["mean"]), "rho",
                         "mean signal quality: Spearman rho of the PCL score and accuracy over layers",
                         ci=(float(r["ci_low"]), float(r["ci_high"])), n=int(r["n"])))
    run = signals.representative(layers)
    missing = float("nan")
    found += [
        Finding("signal_representative_task", task_label(run.task) if run else "n/a", "name",
                "task of the representative run (recovery closest to the median)"),
        Finding("signal_representative_model", run.model if run else "n/a", "name",
                "model of the representative run"),
        Finding("signal_representative_seed", run.seed if run else missing, "int",
                "seed of the representative run"),
    ]
    return found


def layer_findings(layers: Layers) -> list[Finding]:
    """Every finding of the two per-layer chapters."""
    return main_findings(layers) + signal_findings(layers)
