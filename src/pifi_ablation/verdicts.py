"""Findings a reviewer can trust: each sweep's best setting compared with the default, paired.

For the sample size (default 200), the keyword weight (0.65) and the lambda scale (3.0)
the best setting (``PREFIX_best``: the highest mean recovery, the smallest on an exact
tie) is compared with the default on the same tasks (:mod:`pifi_ablation.paired`), its
p-value Holm-adjusted over the ablation's non-default settings, and a *verdict* is
computed from the Holm p at 0.05 and the sign of the difference: better than, worse
than or not distinguishable from the default, quoting the difference with its
simultaneous (Bonferroni, 1 - 0.05/m) interval.  The degenerate cases have their own
verdicts: the default is (tied for) the best, identical on every task, too few tasks,
no variance, no data.  Every finding here returns a missing value with its reason
rather than raising when its data are absent.

The model sizes are compared the same way, pairwise (Holm over the model pairs); the
task-characteristics correlation gets its exact permutation p; the selection seed's
variation is reported apart from the between-task intervals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from pifi_ablation import paired, stats
from pifi_ablation.ablations import Ablations, sweep_logged
from pifi_ablation.finding import Finding, format_value
from pifi_ablation.nodata import shown_rows
from pifi_ablation.registry import MODEL_ORDER, MODELS
from pifi_ablation.study import ABLATIONS, SWEEPS, Ablation

DEFAULT_IS_BEST = "the default is the best"
RECOMMENDED_IS_BEST = "the recommended size is the best"


# The sweeps, as the paired comparison sees them: the study's declarations (pifi_ablation.study).
Sweep = Ablation
SWEEP_BY_NAME: dict[str, Sweep] = {s.name: s for s in SWEEPS}


def comparisons(ablations: Ablations, sweep: Sweep) -> list[paired.Comparison]:
    """Every non-default setting of ``sweep`` against its default: one Holm family."""
    return paired.compare_settings(shown_rows(ablations, sweep.name), sweep.setting, sweep.default)


def logged_comparisons(ablations: Ablations, sweep: Sweep) -> list[paired.Comparison]:
    """A re-selected sweep's logged runs (stages 1 and 2) against logged default runs: a family
    of their own, never mixed with the re-selection (none where the table has no logged runs)."""
    return paired.compare_settings(sweep_logged(ablations.table(sweep.name)), sweep.setting, sweep.default)


def best_ties(summary: pd.DataFrame, setting: str) -> list[float]:
    """Every setting whose mean equals the highest at display precision (one decimal of a
    percentage), smallest first; empty without a defined mean."""
    defined = summary[summary["mean"].notna()] if not summary.empty else summary
    if defined.empty:
        return []
    top = format_value(float(defined["mean"].max()), "pct")
    return sorted(float(v) for v, m in zip(defined[setting], defined["mean"], strict=True)
                  if format_value(float(m), "pct") == top)


def _signed(value: float) -> str:
    """A difference of fractions in percentage points with its sign: +4.2, −1.0."""
    return f"{100 * value:+.1f}".replace("-", "−")


def _pp(value: float) -> str:
    return f"{100 * value:.1f}".replace("-", "−")


def _p_phrase(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _level(m: int) -> str:
    """The simultaneous level 1 - 0.05/m as a percentage: 95%, 98.33%."""
    return f"{100 * (1 - paired.ALPHA / m):.4g}%"


@dataclass(frozen=True)
class Verdict:
    """A computed phrase in both languages, and which case it is (for tests and tables)."""

    case: str  # better, worse, indistinguishable, default_best, identical, too_few, zero_variance, no_data
    en: str
    ko: str


@dataclass(frozen=True)
class Reference:
    """What a setting is compared with, as a sentence names it: "the default (α = 0.65)"."""

    en: str
    ko: str
    ko_with: str  # ko with the particle "과/와" that agrees with it


def _tested(c: paired.Comparison, subject_en: str, subject_ko: str, ref: Reference,
            ko_lead: str = "회복률이 ") -> Verdict:
    """Better / worse / not distinguishable, from the Holm p at 0.05 and the sign of the
    difference, quoting the difference with its simultaneous interval."""
    if c.p_holm < paired.ALPHA:
        case = "better" if c.t.mean > 0 else "worse"
        en_word = "better than" if c.t.mean > 0 else "worse than"
        ko_phrase = f"{ko_lead}{ref.ko}보다 {'높다' if c.t.mean > 0 else '낮다'}"
    else:
        case, en_word = "indistinguishable", "not distinguishable from"
        ko_phrase = f"{ko_lead}{ref.ko_with} 구별되지 않는다"
    interval = f"[{_pp(c.sim_low)}, {_pp(c.sim_high)}]"
    # Holm rejects at least whatever Bonferroni rejects; where it rejects more, the quoted
    # Bonferroni interval still holds 0, and the verdict says so rather than hide it.
    wider_en = wider_ko = ""
    if case != "indistinguishable" and c.sim_low <= 0.0 <= c.sim_high:
        wider_en = " (the Bonferroni interval, more conservative than Holm, includes 0)"
        wider_ko = "(Holm보다 보수적인 Bonferroni 구간은 0을 포함한다)"
    en = (f"{subject_en} {en_word} {ref.en}: {_signed(c.t.mean)} percentage points of recovery "
          f"{interval}, simultaneous {_level(c.m)} interval over {c.n} tasks (m = {c.m}){wider_en}; "
          f"Holm {_p_phrase(c.p_holm)}; higher on {c.better} of {c.n} tasks")
    ko = (f"{subject_ko}: {ko_phrase}(회복률 차이 {_signed(c.t.mean)}%p, 태스크 {c.n}개에 대한 "
          f"{_level(c.m)} 동시 신뢰구간 {interval}{wider_ko}, m = {c.m}; Holm 보정 {_p_phrase(c.p_holm)}; "
          f"태스크 {c.n}개 중 {c.better}개에서 더 높다)")
    return Verdict(case, en, ko)


def _untestable(c: paired.Comparison | None, subject_en: str, subject_ko: str,
                ref: Reference) -> Verdict | None:
    """The cases without a test: no data, too few tasks, identical, zero variance."""
    if c is None or c.n == 0:
        return Verdict("no_data", f"{subject_en}: no task has runs at both it and {ref.en}",
                       f"{subject_ko}: {ref.ko_with} 함께 실행된 태스크가 없다")
    if c.n < 2:
        return Verdict("too_few", f"{subject_en}: too few tasks to compare with {ref.en} (n = {c.n})",
                       f"{subject_ko}: 태스크가 너무 적어(n = {c.n}) {ref.ko_with} 비교할 수 없다")
    if c.t.reason == paired.IDENTICAL:
        return Verdict("identical", f"{subject_en}: identical to {ref.en} on every task (n = {c.n})",
                       f"{subject_ko}: 모든 태스크(n = {c.n})에서 {ref.ko_with} 같다")
    if c.t.reason == paired.ZERO_VARIANCE:
        return Verdict("zero_variance",
                       f"{subject_en}: differs from {ref.en} by {_signed(c.t.mean)} percentage points "
                       f"of recovery on every one of {c.n} tasks (zero variance: no test)",
                       f"{subject_ko}: 태스크 {c.n}개 모두에서 {ref.ko_with}의 회복률 차이가 "
                       f"{_signed(c.t.mean)}%p로 같다(분산 0, 검정 불가)")
    return None


def sweep_verdict(sweep: Sweep, ties: Sequence[float], best: paired.Comparison | None) -> Verdict:
    """The verdict on ``sweep``'s best setting(s) against its default (see the module doc)."""
    default = sweep.named(sweep.default)
    if not ties:
        return Verdict("no_data", f"no data for the {sweep.label} ablation",
                       f"{sweep.label_ko} 절제 실험의 데이터가 없다")
    others = [sweep.named(v) for v in ties if v != sweep.default]
    if sweep.default in ties:
        tie_en = f", tied with {' and '.join(others)}" if others else ""
        tie_ko = f"({', '.join(others)}도 동률)" if others else ""  # 도: no particle to agree
        return Verdict("default_best", f"the default ({default}) is the best mean{tie_en}",
                       f"기본값({default})에서 최고 평균을 얻는다{tie_ko}")
    named = sweep.named(ties[0])
    if len(ties) > 1:
        subject_en = f"{' and '.join(others)} tie for the best mean; {named}"
        subject_ko = f"최고 평균 동률({', '.join(others)}) 중 {named}"
    else:
        subject_en, subject_ko = f"{named}, the best mean,", f"최고 평균 설정 {named}"
    ref = Reference(f"the default ({default})", f"기본값({default})", f"기본값({default})과")
    untestable = _untestable(best, subject_en.rstrip(","), subject_ko, ref)
    if untestable is not None:
        return untestable
    assert best is not None
    return _tested(best, f"{subject_en} is", subject_ko, ref)


def _missing(key: str, fmt: str, description: str, reason: str, n: int | None = None,
             ci: bool = False) -> Finding:
    nan = float("nan")
    return Finding(key, nan, fmt, description, ci=(nan, nan) if ci else None, n=n, missing=reason)


def _why(c: paired.Comparison | None) -> str:
    if c is None or c.n == 0:
        return paired.NO_DATA
    return c.t.reason or paired.NO_DATA


def sweep_findings(ablations: Ablations, sweep: Sweep) -> list[Finding]:
    """``PREFIX_best_vs_default_{diff,p,p_holm,wins}`` and ``PREFIX_verdict`` (+ ``_ko``)."""
    table = shown_rows(ablations, sweep.name)
    summary = (stats.summarise(table, sweep.setting, "recovery_rate") if not table.empty
               else pd.DataFrame(columns=[sweep.setting, "mean"]))
    ties = best_ties(summary, sweep.setting)
    family = {c.value: c for c in comparisons(ablations, sweep)} if ties else {}
    best = family.get(ties[0]) if ties else None
    verdict = sweep_verdict(sweep, ties, best)
    p = sweep.prefix
    what = f"best {sweep.label} minus the default {sweep.default:g}"
    keys = (f"{p}_best_vs_default_diff", f"{p}_best_vs_default_p", f"{p}_best_vs_default_p_holm",
            f"{p}_best_vs_default_wins")
    descriptions = (
        f"paired difference in mean recovery, {what} (percentage points of recovery; 95% t-interval "
        "over tasks)",
        f"two-sided paired t p-value of that difference ({what})",
        f"Holm-adjusted p over the non-default {sweep.label} settings ({what})",
        f"tasks on which the best {sweep.label} has the higher recovery than the default",
    )
    found = []
    if verdict.case in ("default_best", "no_data"):
        reason = DEFAULT_IS_BEST if verdict.case == "default_best" else paired.NO_DATA
        found += [_missing(keys[0], "pp", descriptions[0], reason, n=0, ci=True),
                  _missing(keys[1], "p", descriptions[1], reason),
                  _missing(keys[2], "p", descriptions[2], reason),
                  _missing(keys[3], "int", descriptions[3], reason, n=0)]
    else:
        assert best is not None
        why = _why(best)
        found += [
            Finding(keys[0], best.t.mean, "pp", descriptions[0], ci=(best.t.low, best.t.high), n=best.n,
                    missing=why),
            Finding(keys[1], best.t.p_value, "p", descriptions[1], missing=why),
            Finding(keys[2], best.p_holm, "p", descriptions[2], missing=why),
            Finding(keys[3], best.better, "int", descriptions[3], n=best.n),
        ]
    found.append(Finding(f"{p}_verdict", verdict.en, "name",
                         f"verdict on the best {sweep.label} against the default (Holm p at 0.05, "
                         "simultaneous interval)", ko=verdict.ko))
    return found


def recommended_findings(ablations: Ablations, sweep: Sweep) -> list[Finding]:
    """What a sample sweep's recommended count costs: recommended minus best, paired, with its p."""
    table, n, p = ablations.table(sweep.name), sweep.setting, sweep.prefix
    keys = (f"{p}_recommended_vs_best_diff", f"{p}_recommended_vs_best_p")
    descriptions = ("paired difference in mean recovery, recommended minus best sample size "
                    "(percentage points of recovery; 95% t-interval over tasks)",
                    "two-sided paired t p-value of that difference (not adjusted)")
    summary = stats.summarise(table, n, "recovery_rate") if not table.empty else None
    if summary is None or summary["n"].sum() == 0:
        return [_missing(keys[0], "pp", descriptions[0], paired.NO_DATA, n=0, ci=True),
                _missing(keys[1], "p", descriptions[1], paired.NO_DATA), _cost_phrase(p, None, None, 0, 1)]
    recommended = float(stats.recommended_setting(summary, n))
    best = stats.argmax_setting(summary, n)
    if recommended == best:
        return [_missing(keys[0], "pp", descriptions[0], RECOMMENDED_IS_BEST, n=0, ci=True),
                _missing(keys[1], "p", descriptions[1], RECOMMENDED_IS_BEST),
                _cost_phrase(p, None, None, int(recommended), int(best))]
    c = paired.compare(table, n, recommended, best)
    why = _why(c)
    found = [Finding(keys[0], c.t.mean, "pp", descriptions[0], ci=(c.t.low, c.t.high), n=c.n, missing=why),
             Finding(keys[1], c.t.p_value, "p", descriptions[1], missing=why)]
    return [*found, _cost_phrase(p, found[0], found[1], int(recommended), int(best))]


def _cost_phrase(prefix: str, diff: Finding | None, p: Finding | None, recommended: int,
                 best: int) -> Finding:
    """``PREFIX_recommended_cost`` (+ ``_ko``): what the recommended sample count costs, as a sentence."""
    description = "what the recommended sample size costs against the best, as a sentence"
    if diff is None or p is None:
        reason = RECOMMENDED_IS_BEST if recommended == best else paired.NO_DATA
        en = ("The recommended sample size is also the best." if reason == RECOMMENDED_IS_BEST
              else "There are no sample-size data to compare.")
        ko = ("권장 샘플 수가 곧 최고 평균의 샘플 수이다." if reason == RECOMMENDED_IS_BEST
              else "비교할 샘플 수 데이터가 없다.")
        return Finding(f"{prefix}_recommended_cost", en, "name", description, ko=ko)
    ci = f" {diff.ci_text}" if diff.ci is not None and not math.isnan(diff.ci[0]) else ""
    p_text = f"p = {p.text}" if p.defined and p.value >= 0.001 else (f"p {p.text}" if p.defined else p.text)
    en = (f"Against the best ({best} samples), the recommended {recommended} samples change mean recovery "
          f"by {diff.text}{ci} percentage points (paired over {diff.n} tasks, {p_text}).")
    ko = (f"최고 평균의 샘플 수({best}개)와 비교하면 권장 샘플 수({recommended}개)에서 평균 회복률이 "
          f"{diff.text}%p{ci} 달라진다(태스크 {diff.n}개에 대한 대응 비교, {p_text}).")
    return Finding(f"{prefix}_recommended_cost", en, "name", description, ko=ko)


def models_by_size(table: pd.DataFrame) -> list[str]:
    """The models present, smallest parameter count first (the table's own, else the registry's)."""
    if table.empty or "model" not in table:
        return []
    sizes = (table.groupby("model")["params_b"].first().to_dict() if "params_b" in table else {})
    for m in set(table["model"]):
        sizes.setdefault(m, MODELS[m].params_b if m in MODELS else math.inf)
    order = {m: i for i, m in enumerate(MODEL_ORDER)}
    return sorted(sizes, key=lambda m: (sizes[m], order.get(m, len(order)), m))


def model_comparisons(table: pd.DataFrame) -> list[tuple[str, str, paired.Comparison]]:
    """Every model pair (larger, smaller), paired on shared tasks, one Holm family."""
    if table.empty:
        return []
    return paired.model_pairs(table, models_by_size(table))


def model_verdict(big: str, small: str, c: paired.Comparison | None) -> Verdict:
    """The verdict on model ``big`` against ``small`` (Holm p over the model pairs at 0.05)."""
    if c is None:
        return Verdict("no_data", "fewer than two models to compare", "비교할 모델이 두 개 미만이다")
    ref = Reference(small, small, f"{small}와")  # the names end in "B", read "비": 와
    untestable = _untestable(c, f"{big} against {small}", f"{big} − {small}", ref)
    if untestable is not None:
        return untestable
    return _tested(c, f"the recovery of {big} is", f"{big} − {small}",
                   Reference(f"that of {small}", ref.ko, ref.ko_with))


def model_findings(ablations: Ablations, ablation: Ablation) -> list[Finding]:
    """The largest model against the smallest, paired over tasks, Holm over the model pairs."""
    table = ablations.table(ablation.name)
    pairs = model_comparisons(table)
    models = models_by_size(table)
    p = ablation.prefix
    keys = (f"{p}_largest_vs_smallest_diff", f"{p}_largest_vs_smallest_p", f"{p}_largest_vs_smallest_p_holm")
    descriptions = ("paired difference in mean recovery, largest minus smallest model by parameter "
                    "count (percentage points of recovery; 95% t-interval over shared tasks)",
                    "two-sided paired t p-value of that difference",
                    "Holm-adjusted p over the model pairs")
    pick = [c for big, small, c in pairs if big == models[-1] and small == models[0]] if pairs else []
    c = pick[0] if pick else None
    verdict = model_verdict(models[-1], models[0], c) if c is not None else model_verdict("", "", None)
    if c is None:
        found = [_missing(keys[0], "pp", descriptions[0], paired.NO_DATA, n=0, ci=True),
                 _missing(keys[1], "p", descriptions[1], paired.NO_DATA),
                 _missing(keys[2], "p", descriptions[2], paired.NO_DATA)]
    else:
        why = _why(c)
        found = [Finding(keys[0], c.t.mean, "pp", descriptions[0], ci=(c.t.low, c.t.high), n=c.n,
                         missing=why),
                 Finding(keys[1], c.t.p_value, "p", descriptions[1], missing=why),
                 Finding(keys[2], c.p_holm, "p", descriptions[2], missing=why)]
    found.append(Finding(f"{p}_verdict", verdict.en, "name",
                         "verdict on the largest against the smallest model (Holm p at 0.05, "
                         "simultaneous interval)", ko=verdict.ko))
    return found


def task_rho_exact_finding(table: pd.DataFrame, prefix: str) -> Finding:
    """``PREFIX_rho_p_exact``: the permutation p of Spearman's rho of sensitivity vs auto-last gap."""
    description = ("two-sided permutation p of that rho: exact over the n! orderings up to 9 tasks, "
                   f"else {paired.RANDOM_PERMUTATIONS:,} random orderings (fixed seed), (b + 1)/(B + 1)")
    if table.empty:
        return Finding(f"{prefix}_rho_p_exact", float("nan"), "p", description, n=0, missing=paired.NO_DATA)
    tasks = stats.per_task(table, [], "sensitivity").merge(stats.per_task(table, [], "auto_last_gap"),
                                                           on="task")
    c = paired.spearman_exact(tasks["sensitivity"], tasks["auto_last_gap"])
    why = paired.TOO_FEW if c.n < 3 else "a variable is constant over tasks"
    return Finding(f"{prefix}_rho_p_exact", c.p_value, "p", description, n=c.n, missing=why)


def seed_finding(table: pd.DataFrame) -> Finding:
    """``seed_sd_recovery``: selection-seed variation of recovery over default (task, model) cells
    (``table``: the per-model comparison's, which holds every default run)."""
    sd, cells = paired.seed_sd(table)
    return Finding("seed_sd_recovery", sd, "pp",
                   "selection-seed variation: square root of the mean across-seed variance (ddof 1) of "
                   "recovery over default (task, model) cells with at least two seeds (percentage points "
                   "of recovery; n = those cells)", n=cells,
                   missing="one selection seed per cell")


def paired_findings(ablations: Ablations) -> list[Finding]:
    """Every finding of this module, in the chapters' order."""
    # A sample sweep's default, for the prose (the other sweeps' findings quote theirs already).
    found = [Finding(f"{a.prefix}_default", int(a.default), "int", f"default {a.label}")
             for a in ABLATIONS if a.kind == "sample_sweep"]
    for a in ABLATIONS:
        if a.is_sweep:
            found += sweep_findings(ablations, a)
        if a.kind == "sample_sweep":
            found += recommended_findings(ablations, a)
        elif a.kind == "per_task":
            found.append(task_rho_exact_finding(ablations.table(a.name), a.prefix))
        elif a.kind == "per_model":
            found += model_findings(ablations, a)
            found.append(seed_finding(ablations.table(a.name)))
    return found
