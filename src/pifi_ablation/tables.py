"""The table each chapter shows: one summary per ablation, formatted once, by the function of
its kind (``TABLE_OF_KIND``), and a paired comparison with the default for each sweep.

Values are formatted by the same rules as the findings (``findings.format_value``),
so a number in a table, in the prose and in the paper's macros reads the same.
Column labels exist in English and Korean; the book shows the reader's language.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from pifi_ablation import paired, stats, study
from pifi_ablation.ablations import Ablations, sweep_curve, sweep_logged
from pifi_ablation.finding import MISSING_TEXT, TIME_NOT_LOGGED, Format, format_value
from pifi_ablation.nodata import shown_rows
from pifi_ablation.registry import MODEL_ORDER, task_label
from pifi_ablation.study import Ablation

KO_LABELS: dict[str, str] = {
    **{a.axis: a.axis_ko for a in study.SWEEPS},  # a sweep's setting column
    "Mean recovery [95% CI]": "평균 회복률 [95% 신뢰구간]",
    "Mean signal quality (ρ) [95% CI]": "평균 신호 품질(ρ) [95% 신뢰구간]",
    "Mean selection time, s [95% CI]": "평균 선택 시간(초) [95% 신뢰구간]",
    "Tasks (n)": "태스크 수(n)",
    "Runs (n)": "실행 수(n)",
    "Logged runs (stages 1+2): mean recovery": "기록된 실행(1+2단계): 평균 회복률",
    "Mean max head effect, KL [95% CI]": "평균 최대 헤드 효과(KL) [95% 신뢰구간]",
    "Note": "비고",
    "Task": "태스크",
    "Type": "유형",
    "Sensitivity": "민감도",
    "Best − last gap (pp)": "Best-Last 격차(%p)",
    "Auto − last gap (pp)": "Auto-Last 격차(%p)",
    "Recovery": "회복률",
    "Model": "모델",
    "Mean best − last gap, pp [95% CI]": "평균 Best-Last 격차(%p) [95% 신뢰구간]",
    "Mean best-layer position [95% CI]": "평균 최적 레이어 위치 [95% 신뢰구간]",
    # cell values
    "default": "기본값",
    "best mean": "최고 평균",
    "default, best mean": "기본값, 최고 평균",
    "classification": "분류",
    "entailment": "함의",
    TIME_NOT_LOGGED: "기록되지 않음",
}


# What every caption says about its intervals and its "best" (the paired tables test it).
OVER_TASKS_EN = " Intervals are over tasks (between-task variation, not selection noise)."
OVER_TASKS_KO = " 구간은 태스크에 대한 것이다(선택의 잡음이 아니라 태스크 간 변동)."
BEST_PICKED_EN = (" The best mean was picked on these same data; the paired table compares each "
                  "setting with the default.")
BEST_PICKED_KO = " 최고 평균은 바로 이 데이터에서 골랐으며, 각 설정과 기본값의 대응 비교는 다음 표에 있다."


@dataclass(frozen=True)
class SummaryTable:
    """A chapter's table: formatted cells with English labels, and its captions."""

    name: str
    frame: pd.DataFrame
    caption_en: str
    caption_ko: str

    def korean(self) -> pd.DataFrame:
        """The same table with Korean column labels and translated category cells."""
        frame = self.frame.rename(columns=lambda c: KO_LABELS.get(c, c))
        return frame.map(lambda v: KO_LABELS.get(v, v) if isinstance(v, str) else v)


def _with_ci(summary: pd.DataFrame, fmt: Format, missing: str | None = None) -> pd.Series:
    """``mean [low, high]``; ``missing`` (when given) where no run has a value."""
    def cell(r: pd.Series) -> str:
        if missing is not None and r["n"] == 0:
            return missing
        return (f"{format_value(r['mean'], fmt)} "
                f"[{format_value(r['ci_low'], fmt)}, {format_value(r['ci_high'], fmt)}]")
    return summary.apply(cell, axis=1)


def sample_sweep_table(table: pd.DataFrame, sweep: Ablation) -> SummaryTable:
    """Per sample count: mean recovery, signal quality and selection time with their 95% CIs."""
    n = sweep.setting
    rec = stats.summarise(table, n, "recovery_rate")
    qual = stats.summarise(table, n, "signal_quality")
    time = stats.summarise(table, n, "time_sec")
    frame = pd.DataFrame({
        sweep.axis: rec[n].map(lambda v: format_value(v, "int")),
        "Mean recovery [95% CI]": _with_ci(rec, "pct"),
        "Mean signal quality (ρ) [95% CI]": _with_ci(qual, "rho"),
        "Mean selection time, s [95% CI]": _with_ci(time, "sec", missing=TIME_NOT_LOGGED),
        "Tasks (n)": rec["n"].astype(str),
        "Runs (n)": rec["runs"].astype(str),
    })
    return SummaryTable(sweep.name, frame, sweep.caption[0] + OVER_TASKS_EN + BEST_PICKED_EN,
                        sweep.caption[1] + OVER_TASKS_KO + BEST_PICKED_KO)


def _sweep_table(table: pd.DataFrame, sweep: Ablation, extra: dict[str, tuple[str, Format]]) -> pd.DataFrame:
    """A sweep's chapter table: per setting (its axis label, as its declaration names it) the
    ``extra`` columns, the mean recovery, and which setting is the default or the best mean."""
    setting, label, default = sweep.setting, sweep.axis, sweep.default
    rec = stats.summarise(table, setting, "recovery_rate")
    best = stats.argmax_setting(rec, setting)

    def note(v: float) -> str:
        marks = [m for m, hit in (("default", v == default), ("best mean", v == best)) if hit]
        return ", ".join(marks)

    frame = pd.DataFrame({label: rec[setting].map(lambda v: format_value(v, "setting"))})
    for column, (value, fmt) in extra.items():
        frame[column] = _with_ci(stats.summarise(table, setting, value), fmt)
    frame["Mean recovery [95% CI]"] = _with_ci(rec, "pct")
    frame["Tasks (n)"] = rec["n"].astype(str)
    frame["Runs (n)"] = rec["runs"].astype(str)
    frame["Note"] = rec[setting].map(note)
    return frame


def sweep_table(table: pd.DataFrame, sweep: Ablation) -> SummaryTable:
    """Per setting: the declared ``metric`` (if any) and mean recovery with their 95% CIs, the
    default and the best mean marked.  Where the table marks its rows' basis (measured keyword
    weight), the logged runs (stages 1 and 2) get a column of their own, never averaged in."""
    metric = sweep.metric
    extra = ({f"Mean {metric.words}, {metric.unit} [95% CI]": (metric.column, metric.fmt)}
             if metric else {})
    frame = _sweep_table(sweep_curve(table), sweep, extra)
    logged = sweep_logged(table)
    if not logged.empty:
        rec = stats.summarise(logged, sweep.setting, "recovery_rate")
        text = dict(zip(rec[sweep.setting].map(lambda v: format_value(v, "setting")),
                        _with_ci(rec, "pct") + " (" + rec["runs"].astype(str) + " runs)", strict=True))
        frame["Logged runs (stages 1+2): mean recovery"] = frame[sweep.axis].map(
            lambda v: text.get(v, "–"))
    return SummaryTable(sweep.name, frame, sweep.caption[0] + OVER_TASKS_EN + BEST_PICKED_EN,
                        sweep.caption[1] + OVER_TASKS_KO + BEST_PICKED_KO)


def per_task_table(table: pd.DataFrame, ablation: Ablation) -> SummaryTable:
    cols = ["sensitivity", "best_last_gap", "auto_last_gap", "recovery_rate"]
    per = table.groupby(["task", "task_type"], sort=False)[cols].mean().reset_index()
    runs = table.groupby(["task", "task_type"], sort=False).size().to_numpy()
    frame = pd.DataFrame({
        "Task": per["task"].map(task_label),
        "Type": per["task_type"],
        "Sensitivity": per["sensitivity"].map(lambda v: format_value(v, "rho")),
        "Best − last gap (pp)": per["best_last_gap"].map(lambda v: format_value(v, "pp")),
        "Auto − last gap (pp)": per["auto_last_gap"].map(lambda v: format_value(v, "pp")),
        "Recovery": per["recovery_rate"].map(lambda v: format_value(v, "pct")),
        "Runs (n)": runs.astype(str),
    })
    return SummaryTable(ablation.name, frame, *ablation.caption)


def per_model_table(table: pd.DataFrame, ablation: Ablation) -> SummaryTable:
    gap = stats.summarise(table, "model", "best_last_gap")
    rec = stats.summarise(table, "model", "recovery_rate")
    pos = stats.summarise(table, "model", "best_layer_norm")
    order = [m for m in MODEL_ORDER if m in set(gap["model"])]
    order += sorted(set(gap["model"]) - set(order))

    def ordered(s: pd.DataFrame) -> pd.DataFrame:
        return s.set_index("model").loc[order].reset_index()

    frame = pd.DataFrame({
        "Model": order,
        "Mean best − last gap, pp [95% CI]": _with_ci(ordered(gap), "pp").to_numpy(),
        "Mean recovery [95% CI]": _with_ci(ordered(rec), "pct").to_numpy(),
        "Mean best-layer position [95% CI]": _with_ci(ordered(pos), "rho").to_numpy(),
        "Tasks (n)": ordered(rec)["n"].astype(str).to_numpy(),
        "Runs (n)": ordered(rec)["runs"].astype(str).to_numpy(),
    })
    return SummaryTable(ablation.name, frame, ablation.caption[0] + OVER_TASKS_EN,
                        ablation.caption[1] + OVER_TASKS_KO)


# Each kind of ablation's chapter table (pifi_ablation.study declares each ablation's kind).
TABLE_OF_KIND: dict[study.Kind, Callable[[pd.DataFrame, Ablation], SummaryTable]] = {
    "sample_sweep": sample_sweep_table,
    "sweep": sweep_table,
    "per_task": per_task_table,
    "per_model": per_model_table,
}


def summary_table(ablations: Ablations, name: str) -> SummaryTable:
    """The chapter table of ablation ``name``."""
    ablation = study.BY_NAME[name]
    return TABLE_OF_KIND[ablation.kind](ablations.table(name), ablation)


# Paired comparisons with the default (pifi_ablation.verdicts): one table per sweep.
KO_LABELS.update({
    "Difference from the default, pp [95% CI]": "기본값과의 차이(%p) [95% 신뢰구간]",
    "Tasks better / equal / worse": "태스크 높음/같음/낮음",
    "t-test p": "대응 t 검정 p",
    "Holm p": "Holm 보정 p",
    "Auto − last gap difference, pp [95% CI]": "Auto-Last 격차 차이(%p) [95% 신뢰구간]",
    "Sign-flip p (exact)": "부호 뒤집기 p (정확)",
    "not in the data": "데이터에 없음",
    "best": "최고 평균",
    "logged": "기록된 실행",
})


def _paired_cells(c: paired.Comparison, note: str) -> dict[str, str]:
    """One row of a paired table: the comparison ``c`` (a :class:`paired.Comparison`) as text."""
    def interval(t, missing: str) -> str:
        if t.n == 0:
            return missing
        if math.isnan(t.low):
            return format_value(t.mean, "pp")
        return f"{format_value(t.mean, 'pp')} [{format_value(t.low, 'pp')}, {format_value(t.high, 'pp')}]"

    def p_text(p: float, reason: str) -> str:
        return format_value(p, "p") if not math.isnan(p) else (reason or MISSING_TEXT)

    return {
        "Difference from the default, pp [95% CI]": interval(c.t, paired.NO_DATA),
        "Tasks better / equal / worse": f"{c.better}/{c.equal}/{c.worse}",
        "t-test p": p_text(c.t.p_value, c.t.reason),
        "Holm p": p_text(c.p_holm, c.t.reason),
        "Auto − last gap difference, pp [95% CI]": interval(c.gap, "not in the data"),
        "Sign-flip p (exact)": p_text(c.sign_flip_p, paired.NO_DATA),
        "Note": note,
    }


# The sweeps, each with a paired comparison with its default (in the study's order).
PAIRED_TABLES: tuple[str, ...] = tuple(a.name for a in study.SWEEPS)


def paired_table(ablations: Ablations, name: str) -> SummaryTable:
    """The chapter's "Paired comparison with the default" table of sweep ``name``.

    One row per non-default setting (keyword weight: then the logged runs, their own family).
    """
    from pifi_ablation import verdicts

    sweep = verdicts.SWEEP_BY_NAME[name]
    label = sweep.axis
    curve = shown_rows(ablations, sweep.name)
    summary = (stats.summarise(curve, sweep.setting, "recovery_rate") if not curve.empty
               else pd.DataFrame(columns=[sweep.setting, "mean"]))
    ties = set(verdicts.best_ties(summary, sweep.setting))
    rows = []
    for c in verdicts.comparisons(ablations, sweep):
        rows.append({label: format_value(c.value, "setting"),
                     **_paired_cells(c, "best" if c.value in ties else "")})
    logged = verdicts.logged_comparisons(ablations, sweep)
    if logged:
        for c in logged:
            rows.append({label: format_value(c.value, "setting"), **_paired_cells(c, "logged")})
    columns = [label, "Difference from the default, pp [95% CI]", "Tasks better / equal / worse",
               "t-test p", "Holm p", "Auto − last gap difference, pp [95% CI]", "Sign-flip p (exact)",
               "Note"]
    default = format_value(sweep.default, "setting")
    return SummaryTable(
        f"{name}_paired", pd.DataFrame(rows, columns=columns),
        f"Paired comparison with the default ({sweep.symbol} = {default}): per task, mean recovery at "
        "the setting minus that at the default over the same (model, seed) cells; the mean over tasks "
        "in percentage points of recovery with its 95% t-interval (intervals are over tasks: "
        "between-task variation), tasks better/equal/worse, the two-sided paired t p, the Holm-adjusted "
        "p over the non-default settings, the same difference in auto − last gap (percentage points of "
        "accuracy) and the exact sign-flip permutation p. Best: the best mean, picked on these same "
        "data" + ("; logged: logged runs (stages 1 and 2) against logged default runs, a family of "
                  "their own." if logged else "."),
        f"기본값({sweep.symbol} = {default})과의 대응 비교: 태스크마다 같은 (모델, 시드) 셀에서 그 설정의 "
        "평균 회복률에서 기본값의 평균 회복률을 뺀 값이다. 태스크 평균(회복률 %p)과 95% 신뢰구간(구간은 "
        "태스크에 대한 것으로 태스크 간 변동을 나타낸다), 높음/같음/낮음 태스크 수, 양측 대응 t 검정 p, "
        "기본값이 아닌 설정들에 대한 Holm 보정 p, Auto-Last 격차(정확도 %p)의 같은 차이, 정확한 부호 "
        "뒤집기 순열 p를 보인다. 최고 평균 설정은 바로 이 데이터에서 골랐다."
        + (" 기록된 실행: 기록된 실행(1+2단계)을 기록된 기본값 실행과 비교한 것으로, 별도의 검정군이다."
           if logged else ""),
    )
