"""The study's five ablations, each declared once: the one place that lists them.

A declaration holds what every layer needs to know of an ablation and would otherwise spell out
itself: its name (the table, the chapter, the figure), its kind (a sweep over one setting of the
selection, or a comparison over tasks or over models), the glue-key prefix of its findings and
the LaTeX spelling of that prefix, its title in both languages, the column its table varies
and, for a sweep, the default setting and how prose and axes name a setting.  The layers
iterate :data:`ABLATIONS` (in the chapters' order) or look one up in :data:`BY_NAME`; what
each layer does with an ablation (its derivation, figure, table, findings) stays in that layer,
keyed by the name, and ``tests/test_study.py`` checks that every layer covers every ablation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pifi_ablation.registry import DEFAULT_KEYWORD_WEIGHT, DEFAULT_LAMBDA_SCALE, DEFAULT_N_SAMPLES

# How an ablation is derived, drawn, tabulated and summarised: the layers choose their functions
# by kind, never by name.  "sweep": one setting of the selection varied against its default
# (recovery per task and its mean; a declared ``metric`` shown beside it).  "sample_sweep": a
# sweep over how many samples the selection reads, whose runs also log the selection's cost (its
# time) and signal quality: its figure adds the overhead panel, its findings the recommended
# (smallest near-best) count.  "per_task" and "per_model": the default runs compared over tasks
# and over models.
Kind = Literal["sweep", "sample_sweep", "per_task", "per_model"]
SWEEP_KINDS: tuple[Kind, ...] = ("sweep", "sample_sweep")

# What an ablation needs to have data, in both languages, and the upstream command that produces
# it: the coverage report, ``export`` and the chapters without data quote it
# (:mod:`pifi_ablation.nodata` decides which ablations lack data).
SELECTION = "python selection/scripts/run_selection_only.py"
GRID = ("the grid search of upstream's Classification/ or TextualEntailment/ test code "
        "(one run per --layer_num)")
GRID_KO = "원 연구 코드 Classification/ 또는 TextualEntailment/의 그리드 탐색(--layer_num마다 한 번)"


@dataclass(frozen=True)
class Need:
    """What an ablation's table needs, in words, and the command that produces it."""

    en: str
    ko: str
    command: str


_DEFAULT_RUNS = Need(
    "selection runs at the default settings (n_samples=200, keyword_weight=0.65, lambda_scale=3) "
    "whose grid search is complete",
    "기본 설정(n_samples=200, keyword_weight=0.65, lambda_scale=3)으로 실행했고 그리드 탐색이 끝난 선택 실행",
    f"{SELECTION} ... --log_dir results/selection_logs",
)


@dataclass(frozen=True)
class Metric:
    """A per-run quantity a sweep shows beside recovery: its own figure panel, table column and
    findings (``PREFIX_KEY_peak``, ``PREFIX_KEY_at_peak``)."""

    column: str  # in the sweep's table
    words: str  # as prose names it: "max head effect"
    unit: str  # as axes and columns name its unit: "KL"
    key: str  # its findings' glue-key word: "effect"
    meaning: str  # its table column's description
    minimum: float | None = None  # its values' lower bound, if any
    fmt: str = "rho"  # how its values are written (pifi_ablation.finding.Format)


@dataclass(frozen=True)
class Ablation:
    """One ablation of the study (see the module's docstring)."""

    name: str
    kind: Kind
    prefix: str  # of its findings' glue keys and macros: ss_best -> \pifiSampleSizeBest
    title: tuple[str, str]  # the chapter's subject, in English and Korean
    setting: str  # the column its table varies
    panels: tuple[str, ...]  # its figure's panel titles (the figure without data repeats them)
    need: Need  # what gives it data, and the command that produces that
    caption: tuple[str, str]  # its chapter table's caption, in English and Korean
    # A sweep's: the default setting, how a sentence names a setting ("α = 0.65"), the setting
    # in words (English, Korean), the axis label of the setting, and the macros' prefix word.
    default: float = float("nan")
    symbol: str = ""
    label: str = ""
    label_ko: str = ""
    axis: str = ""
    axis_ko: str = ""
    macro_word: str = ""
    log: bool = False  # its figure's setting axis is logarithmic
    metric: Metric | None = None  # shown beside recovery ("sweep" kind only)
    # Stage 1 re-selected from the default runs' logged signals at every setting of a grid, so
    # the default runs alone give the sweep its curve; runs logged at a setting are shown apart.
    reselected: bool = False
    # A sweep's table column (pifi_ablation.schema): what the setting is, its closed bounds, and
    # the column of the demo's simulated optimum (never plotted), if the demo simulates one.
    meaning: str = ""
    bounds: tuple[float | None, float | None] = (None, None)
    truth: str = ""

    @property
    def is_sweep(self) -> bool:
        return self.kind in SWEEP_KINDS

    def named(self, value: float) -> str:
        """A setting of a sweep as a sentence names it: "α = 0.65"."""
        return f"{self.symbol} = {value:g}"


ABLATIONS: tuple[Ablation, ...] = (
    Ablation("sample_size", "sample_sweep", "ss", ("Sample size", "샘플 수"), "n_samples",
             ("(a) Recovery", "(b) Signal quality", "(c) Selection overhead"),
             Need("selection runs at a sample size other than the default 200, each in its own "
                  "n_samples=<value> folder, whose grid search is complete",
                  "기본값 200과 다른 샘플 수로, 값마다 n_samples=<값> 폴더에 따로 실행했고 그리드 탐색이 "
                  "끝난 선택 실행",
                  f"{SELECTION} ... --selection_samples 50 --log_dir results/selection_logs/n_samples=50"),
             ("Sample-size ablation: means over tasks with 95% t-intervals.",
              "샘플 수 절제 실험: 태스크 평균과 95% 신뢰구간."),
             default=float(DEFAULT_N_SAMPLES), symbol="n", label="sample size", label_ko="샘플 수",
             axis="Selection samples (n)", axis_ko="선택 샘플 수(n)", macro_word="SampleSize", log=True,
             meaning="labelled examples used for selection", bounds=(1, None)),
    Ablation("keyword_weight", "sweep", "kw", ("Keyword weight", "키워드 가중치"), "keyword_weight",
             ("(a) Recovery per task", "(b) Mean over tasks"),
             Need(_DEFAULT_RUNS.en + " (stage 1 is re-selected from their logged per-layer signals)",
                  _DEFAULT_RUNS.ko + "(기록된 레이어별 신호로 1단계를 다시 선택한다)",
                  _DEFAULT_RUNS.command),
             ("Keyword-weight ablation: mean recovery over tasks with 95% t-intervals.",
              "키워드 가중치 절제 실험: 태스크 평균 회복률과 95% 신뢰구간."),
             default=DEFAULT_KEYWORD_WEIGHT, symbol="α", label="keyword weight", label_ko="키워드 가중치",
             axis="Keyword weight (α)", axis_ko="키워드 가중치(α)", macro_word="KeywordWeight",
             reselected=True, meaning="alpha in score = alpha*keyword + (1-alpha)*corr", bounds=(0.0, 1.0),
             truth="optimal_weight"),
    Ablation("lambda_scale", "sweep", "lam", ("Lambda scale", "람다 스케일"), "lambda_scale",
             ("(a) Head-effect magnitude", "(b) Selection quality"),
             Need("selection runs at a lambda scale other than the default 3.0, each in its own "
                  "lambda_scale=<value> folder (upstream has no flag for it: set it in the selection "
                  "code), whose grid search is complete",
                  "기본값 3.0과 다른 람다 스케일로, 값마다 lambda_scale=<값> 폴더에 따로 실행했고(원 연구 "
                  "코드에는 이 플래그가 없으므로 선택 코드에서 값을 바꾼다) 그리드 탐색이 끝난 선택 실행",
                  f"{SELECTION} ... --log_dir results/selection_logs/lambda_scale=5.0"),
             ("Lambda-scale ablation: mean max head effect and recovery over tasks with 95% t-intervals.",
              "람다 스케일 절제 실험: 태스크 평균 최대 헤드 효과와 회복률, 95% 신뢰구간."),
             default=DEFAULT_LAMBDA_SCALE, symbol="λ", label="lambda scale", label_ko="람다 스케일",
             axis="Lambda scale (λ)", axis_ko="람다 스케일(λ)", macro_word="Lambda", log=True,
             metric=Metric("max_head_effect", "max head effect", "KL", "effect",
                           "largest head effect (KL) in stage 2", minimum=0.0),
             meaning="patching strength lambda", bounds=(0.0, None), truth="optimal_lambda"),
    Ablation("task_sensitivity", "per_task", "task", ("Task characteristics", "태스크 특성"), "task_type",
             ("(a) Sensitivity vs gain", "(b) Gaps by task", "(c) Recovery by task"), _DEFAULT_RUNS,
             ("Task characteristics: layer sensitivity, gaps and recovery per task.",
              "태스크 특성: 태스크별 레이어 민감도, 격차, 회복률.")),
    Ablation("model_size", "per_model", "model", ("Model size", "모델 크기"), "model",
             ("(a) Selection potential", "(b) Selection effectiveness", "(c) Best-layer position"),
             _DEFAULT_RUNS,
             ("Model size: means over tasks with 95% t-intervals (best-layer position: 0 = first, "
              "1 = last layer).",
              "모델 크기: 태스크 평균과 95% 신뢰구간(최적 레이어 위치: 0 = 첫 레이어, 1 = 마지막 레이어).")),
)
NAMES: tuple[str, ...] = tuple(a.name for a in ABLATIONS)
BY_NAME: dict[str, Ablation] = {a.name: a for a in ABLATIONS}
SWEEPS: tuple[Ablation, ...] = tuple(a for a in ABLATIONS if a.is_sweep)
NEEDS: dict[str, Need] = {a.name: a.need for a in ABLATIONS}
