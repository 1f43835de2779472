"""What each ablation needs to have data, in both languages, and the upstream command that
produces it: facts about the study that the coverage report, ``export`` and the chapters
without data quote (:mod:`pifi_ablation.nodata` decides which ablations lack data).
"""

from __future__ import annotations

from dataclasses import dataclass

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

NEEDS: dict[str, Need] = {
    "sample_size": Need(
        "selection runs at a sample size other than the default 200, each in its own "
        "n_samples=<value> folder, whose grid search is complete",
        "기본값 200과 다른 샘플 수로, 값마다 n_samples=<값> 폴더에 따로 실행했고 그리드 탐색이 끝난 "
        "선택 실행",
        f"{SELECTION} ... --selection_samples 50 --log_dir results/selection_logs/n_samples=50",
    ),
    "keyword_weight": Need(
        _DEFAULT_RUNS.en + " (stage 1 is re-selected from their logged per-layer signals)",
        _DEFAULT_RUNS.ko + "(기록된 레이어별 신호로 1단계를 다시 선택한다)",
        _DEFAULT_RUNS.command,
    ),
    "lambda_scale": Need(
        "selection runs at a lambda scale other than the default 3.0, each in its own "
        "lambda_scale=<value> folder (upstream has no flag for it: set it in the selection code), "
        "whose grid search is complete",
        "기본값 3.0과 다른 람다 스케일로, 값마다 lambda_scale=<값> 폴더에 따로 실행했고(원 연구 코드에는 이 "
        "플래그가 없으므로 선택 코드에서 값을 바꾼다) 그리드 탐색이 끝난 선택 실행",
        f"{SELECTION} ... --log_dir results/selection_logs/lambda_scale=5.0",
    ),
    "task_sensitivity": _DEFAULT_RUNS,
    "model_size": _DEFAULT_RUNS,
}
