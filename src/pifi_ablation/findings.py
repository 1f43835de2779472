"""The named findings: every number the book's prose and the paper quote.

Each :class:`Finding` has a stable ASCII snake_case ``key`` (the glue key in the
book, and the source of the LaTeX macro name), a value computed from the
tables, and one formatting rule, so the appendix and the paper print the same
digits.  Findings are phrased as quantities, never as verdicts, so that a
sentence quoting them stays true for whatever data is loaded.

*No data.*  Any subset of the ablations may have been run, so every finding stays defined
(same key, same macro) whatever the tables hold.  A value that cannot be computed (its table
is empty, or holds no run at the setting it quotes) is NaN: :attr:`Finding.defined` is False
and its text, glue and macro read ``[no data]`` (:data:`NO_DATA`), never ``nan``.  The
statistics helpers return NaN rather than raise on empty input, and :func:`no_data` builds such
a finding directly (for names and other values that have no NaN of their own); a new finding
needs nothing more to be safe on a partial study.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from pifi_ablation import stats, study
from pifi_ablation.ablations import Ablations, sweep_curve
from pifi_ablation.finding import (
    MISSING_TEXT,
    NO_DATA,
    TIME_NOT_LOGGED,
    Finding,
    Format,
    format_value,
    no_data,
)
from pifi_ablation.main_findings import layer_findings
from pifi_ablation.registry import MODEL_ORDER, task_label
from pifi_ablation.study import Ablation
from pifi_ablation.verdicts import paired_findings

# Also the names of the quotable value, for callers that import them from here.
__all__ = ["MISSING_TEXT", "NO_DATA", "TIME_NOT_LOGGED", "Finding", "Format", "findings", "format_value",
           "no_data", "per_model_findings", "per_task_findings", "sample_sweep_findings", "sweep_findings"]


def _int(value: float) -> int | float:
    """``value`` as an int (a count or a sample size), or NaN where there is none."""
    return float("nan") if pd.isna(value) else int(value)


def _from_estimate(key: str, e: stats.Estimate, fmt: Format, description: str,
                   missing: str = NO_DATA) -> Finding:
    return Finding(key, e.mean, fmt, description, ci=(e.low, e.high), n=e.n, missing=missing)


def _row(summary: pd.DataFrame, setting: str, value: float) -> stats.Estimate:
    hit = summary[summary[setting] == value]
    if hit.empty:
        return stats.Estimate(float("nan"), float("nan"), float("nan"), 0)
    r = hit.iloc[0]
    return stats.Estimate(float(r["mean"]), float(r["ci_low"]), float(r["ci_high"]), int(r["n"]))


def sample_sweep_findings(table: pd.DataFrame, sweep: Ablation) -> list[Finding]:
    """A sample sweep's counts tried, recovery, signal quality and time at the smallest, largest,
    best and recommended counts (its words name the counts: "sample size")."""
    n, p = sweep.setting, sweep.prefix
    recovery = stats.summarise(table, n, "recovery_rate")
    quality = stats.summarise(table, n, "signal_quality")
    time = stats.summarise(table, n, "time_sec")
    smallest, largest = _int(recovery[n].min()), _int(recovery[n].max())
    recommended = stats.recommended_setting(recovery, n)
    best_n = _int(stats.argmax_setting(recovery, n))
    # Time "not logged" only where runs exist that could have logged it.
    no_time = TIME_NOT_LOGGED if len(table) else NO_DATA
    return [
        Finding(f"{p}_n_tasks", int(table["task"].nunique()), "int", "tasks in the sample-size ablation"),
        Finding(f"{p}_smallest_n", smallest, "int", "smallest sample size tried"),
        Finding(f"{p}_largest_n", largest, "int", "largest sample size tried"),
        _from_estimate(f"{p}_recovery_smallest", _row(recovery, n, smallest), "pct",
                       "mean recovery at the smallest sample size"),
        _from_estimate(f"{p}_recovery_largest", _row(recovery, n, largest), "pct",
                       "mean recovery at the largest sample size"),
        Finding(f"{p}_best_n", best_n, "int", "sample size of highest mean recovery"),
        _from_estimate(f"{p}_recovery_best", _row(recovery, n, best_n), "pct",
                       "highest mean recovery over sample sizes"),
        Finding(f"{p}_share", stats.RECOMMENDED_SHARE, "share",
                "share of the best mean recovery that the recommended sample size reaches"),
        Finding(f"{p}_recommended_n", recommended, "int",
                f"smallest sample size whose mean recovery reaches {stats.RECOMMENDED_SHARE:.0%} of the "
                "best mean"),
        _from_estimate(f"{p}_recovery_recommended", _row(recovery, n, recommended), "pct",
                       "mean recovery at the recommended sample size"),
        _from_estimate(f"{p}_quality_smallest", _row(quality, n, smallest), "rho",
                       "mean signal quality (Spearman rho) at the smallest sample size"),
        _from_estimate(f"{p}_quality_largest", _row(quality, n, largest), "rho",
                       "mean signal quality (Spearman rho) at the largest sample size"),
        _from_estimate(f"{p}_time_smallest", _row(time, n, smallest), "sec",
                       "mean selection time (s) at the smallest sample size", missing=no_time),
        _from_estimate(f"{p}_time_largest", _row(time, n, largest), "sec",
                       "mean selection time (s) at the largest sample size", missing=no_time),
    ]


def sweep_findings(table: pd.DataFrame, sweep: Ablation) -> list[Finding]:
    """A sweep's best and default settings, their mean recovery and the per-task optima (the
    stage-1 re-selection where the table marks its rows' basis), and its declared ``metric``'s
    peak."""
    table = sweep_curve(table)
    setting, default, prefix, label = sweep.setting, sweep.default, sweep.prefix, sweep.label
    recovery = stats.summarise(table, setting, "recovery_rate")
    best = stats.argmax_setting(recovery, setting)
    at_best = _row(recovery, setting, best)
    at_default = _row(recovery, setting, default)
    optima = stats.per_task_optimum(table, setting)
    found = [
        Finding(f"{prefix}_n_tasks", int(table["task"].nunique()), "int", f"tasks in the {label} ablation"),
        Finding(f"{prefix}_best", best, "setting", f"{label} of highest mean recovery"),
        _from_estimate(f"{prefix}_recovery_best", at_best, "pct", f"mean recovery at the best {label}"),
        Finding(f"{prefix}_default", default, "setting", f"default {label}"),
        _from_estimate(f"{prefix}_recovery_default", at_default, "pct",
                       f"mean recovery at the default {label}"),
        Finding(f"{prefix}_default_shortfall", at_best.mean - at_default.mean, "pp",
                f"best minus default mean recovery, in percentage points of recovery ({label})"),
        Finding(f"{prefix}_task_optimum_low", float(optima[setting].min()), "setting",
                f"lowest per-task best {label}"),
        Finding(f"{prefix}_task_optimum_high", float(optima[setting].max()), "setting",
                f"highest per-task best {label}"),
    ]
    metric = sweep.metric
    if metric is not None:
        effect = stats.summarise(table, setting, metric.column)
        peak = stats.argmax_setting(effect, setting)
        found += [
            Finding(f"{prefix}_{metric.key}_peak", peak, "setting",
                    f"{label} of the largest mean {metric.words}"),
            _from_estimate(f"{prefix}_{metric.key}_at_peak", _row(effect, setting, peak),
                           metric.fmt, f"largest mean {metric.words} ({metric.unit})"),
        ]
    return found


def per_task_findings(table: pd.DataFrame, ablation: Ablation) -> list[Finding]:
    """Over tasks: Spearman's rho of sensitivity and gain, recovery by task type, the most
    sensitive task (keys under the ablation's prefix: ``task_rho``, ...)."""
    p = ablation.prefix
    tasks = stats.per_task(table, ["task_type"], "sensitivity").merge(
        stats.per_task(table, ["task_type"], "auto_last_gap"), on=["task_type", "task"])
    corr = stats.spearman(tasks["sensitivity"], tasks["auto_last_gap"])
    by_type = stats.summarise(table, "task_type", "recovery_rate")
    cls = _row(by_type, "task_type", "classification")
    ent = _row(by_type, "task_type", "entailment")
    ranked = tasks.sort_values("sensitivity", ascending=False)
    if ranked.empty:
        most_sensitive = no_data(f"{p}_most_sensitive", "name", "task of highest sensitivity")
        max_sensitivity = no_data(f"{p}_max_sensitivity", "rho", "highest sensitivity")
    else:
        most = ranked.iloc[0]
        most_sensitive = Finding(f"{p}_most_sensitive", task_label(str(most["task"])), "name",
                                 "task of highest sensitivity")
        max_sensitivity = Finding(f"{p}_max_sensitivity", float(most["sensitivity"]), "rho",
                                  "highest sensitivity")
    return [
        Finding(f"{p}_n", int(corr.n), "int", "tasks in the task-characteristics ablation"),
        Finding(f"{p}_rho", corr.rho, "rho", "Spearman rho of sensitivity vs auto-last gap over tasks",
                n=corr.n),
        Finding(f"{p}_rho_p", corr.p_value, "p", "two-sided p-value of that rho", n=corr.n),
        _from_estimate(f"{p}_recovery_cls", cls, "pct", "mean recovery over classification tasks"),
        Finding(f"{p}_n_cls", cls.n, "int", "classification tasks"),
        _from_estimate(f"{p}_recovery_ent", ent, "pct", "mean recovery over entailment tasks"),
        Finding(f"{p}_n_ent", ent.n, "int", "entailment tasks"),
        Finding(f"{p}_recovery_diff", cls.mean - ent.mean, "pp",
                "classification minus entailment mean recovery, percentage points of recovery"),
        most_sensitive,
        max_sensitivity,
    ]


def _model_slug(model: str) -> str:
    """'Qwen2-0.5B' -> 'qwen2_0_5b' (a glue-key fragment)."""
    return model.lower().replace("-", "_").replace(".", "_")


def per_model_findings(table: pd.DataFrame, ablation: Ablation) -> list[Finding]:
    """Per model: best-last gap, recovery and best-layer position, and the spread over models
    (keys under the ablation's prefix: ``model_qwen2_7b_gap``, ...)."""
    p = ablation.prefix
    gap = stats.summarise(table, "model", "best_last_gap")
    recovery = stats.summarise(table, "model", "recovery_rate")
    position = stats.summarise(table, "model", "best_layer_norm")
    found = []
    present = [m for m in MODEL_ORDER if m in set(table["model"])]
    # Every registry model gets its keys, so that a page quoting one never breaks;
    # a model without runs reads "n/a" with n = 0.
    for model in MODEL_ORDER:
        slug = _model_slug(model)
        found += [
            _from_estimate(f"{p}_{slug}_gap", _row(gap, "model", model), "pp",
                           f"mean best-last gap of {model}, percentage points"),
            _from_estimate(f"{p}_{slug}_recovery", _row(recovery, "model", model), "pct",
                           f"mean recovery of {model}"),
            _from_estimate(f"{p}_{slug}_position", _row(position, "model", model), "rho",
                           f"mean normalised best-layer position of {model}"),
        ]
    means = recovery.set_index("model")["mean"]
    found += [
        Finding(f"{p}_recovery_spread", float(means.max() - means.min()), "pp",
                "highest minus lowest per-model mean recovery, percentage points of recovery"),
        Finding(f"{p}_position_max", float(table["best_layer_norm"].max()), "rho",
                "latest normalised best-layer position over models and tasks"),
        Finding(f"{p}_n_models", len(present), "int", "models compared"),
    ]
    return found


# Each kind of ablation's findings, from its table and declaration (pifi_ablation.study).
FINDINGS_OF_KIND: dict[study.Kind, Callable[[pd.DataFrame, Ablation], list[Finding]]] = {
    "sample_sweep": sample_sweep_findings,
    "sweep": sweep_findings,
    "per_task": per_task_findings,
    "per_model": per_model_findings,
}


def findings(ablations: Ablations) -> dict[str, Finding]:
    """Every named finding of the five ablations, by key."""
    found = [f for a in study.ABLATIONS for f in FINDINGS_OF_KIND[a.kind](ablations.table(a.name), a)]
    found += paired_findings(ablations)  # the sweeps' paired comparisons with the default
    found += layer_findings(ablations.layers)  # the main-results and selection-signals chapters
    return {f.key: f for f in found}
