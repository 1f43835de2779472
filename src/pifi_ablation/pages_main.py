"""What the main-results and selection-signals chapters call: the page setup with their own
data notice, and their tables in both languages.

The setup glues every finding (as every chapter's does) and shows the data notice; on demo
data the notice says that these chapters' per-layer data are a simulation of their own,
independent of the ablations' demonstration.  Tables are numbered in book order
(:data:`pifi_ablation.pages.BOOK_TABLES`).
"""

from __future__ import annotations

import html

import pandas as pd

from pifi_ablation import main_results, pages, signals
from pifi_ablation.ablations import Ablations
from pifi_ablation.findings import format_value
from pifi_ablation.markup import html as as_html
from pifi_ablation.markup import render
from pifi_ablation.registry import task_label

_CAPTIONS: dict[str, tuple[str, str]] = {
    "main_results": (
        "Main results per task and model: the best layer(s), accuracy (%) of the last, the "
        "auto-selected (final) and the best layer, and recovery (%); auto and recovery are means over "
        "seeds. The last row averages each column per task, then over tasks.",
        "태스크와 모델별 주요 결과: 최적 레이어, 마지막·자동 선택(최종)·최적 레이어의 정확도(%)와 "
        "회복률(%). 자동 선택과 회복률은 시드 평균이다. 마지막 행은 각 열을 태스크별로 평균한 뒤 "
        "태스크에 대해 평균한 값이다."),
    "main_results_tasks": (
        "Per task: grids whose last layer is best, the best−last gap, and for L_Abstract, L_Apply "
        "and the final layer the runs whose layer is a best layer (hit) and within ±2 layers of one, "
        "as k/N.",
        "태스크별: 마지막 레이어가 최적인 그리드, Best-Last 격차, 그리고 L_Abstract, L_Apply, 최종 "
        "레이어가 최적 레이어와 일치한(적중) 실행과 ±2 레이어 이내인 실행(k/N)."),
    "signals_tasks": (
        "Spearman ρ over layers between accuracy and each signal, mean over each task's runs; the "
        "last row is the mean over tasks with its 95% t-interval and n (tasks).",
        "레이어에 걸친 정확도와 각 신호의 Spearman ρ(태스크별 실행 평균). 마지막 행은 태스크 평균과 "
        "95% 신뢰구간, n(태스크 수)이다."),
    "signals_matrix": (
        "Spearman ρ between every two signals and accuracy over layers: per run, averaged per task, "
        "then over tasks.",
        "레이어에 걸친 신호 쌍과 정확도의 Spearman ρ: 실행별로 계산해 태스크별로 평균한 뒤 태스크에 "
        "대해 평균한다."),
}
_KO = {
    "Task": "태스크", "Model": "모델", "Best layer": "최적 레이어", "Last acc. (%)": "마지막 정확도(%)",
    "Auto acc. (%)": "자동 선택 정확도(%)", "Best acc. (%)": "최적 정확도(%)", "Recovery (%)": "회복률(%)",
    "Runs": "실행 수", "Mean over tasks": "태스크 평균", "Grids: last is best": "그리드: 마지막이 최적",
    "Best − last gap (pp)": "Best-Last 격차(%p)", "L_Abstract hits": "L_Abstract 적중",
    "L_Apply hits": "L_Apply 적중", "Final hits": "최종 적중", "Final within ±2": "최종 ±2 이내",
    "Signal": "신호", "Accuracy": "정확도", "Keyword": "키워드", "Correlation": "상관",
    "PCL score": "PCL 점수", "Probe accuracy": "프로브 정확도", "Head effect (sum)": "헤드 효과(합)",
    "Mean [95% CI], n": "평균 [95% 신뢰구간], n",
}
_SIGNAL_NAMES = {"accuracy": "Accuracy", "keyword": "Keyword", "correlation": "Correlation",
                 "pcl": "PCL score", "probe": "Probe accuracy", "head_effect": "Head effect (sum)"}


def notice_html(ablations: Ablations) -> str:
    """The data notice of the per-layer chapters; on demo data it names their own simulation."""
    p = ablations.provenance
    if not p.is_demo:
        return pages.notice_html(p)
    en = ("<strong>Demonstration data, not measurements.</strong>",
          "<p>The per-layer data on this page (grids and selection logs) are a simulation that this "
          "package writes in upstream's file formats and reads with the same code as a results folder. "
          "It is independent of the ablations' demonstration data (the illustrative numbers of the "
          "notebook this study started from, the seed notebook, which the ablation chapters show "
          "unchanged), and it supports no claim about the method.</p>")
    ko = ("<strong>시연 데이터이며 측정값이 아니다.</strong>",
          "<p>이 페이지의 레이어별 데이터(그리드와 선택 로그)는 이 패키지가 upstream의 파일 형식으로 "
          "생성하고 결과 폴더와 같은 코드로 읽는 시뮬레이션이다. 절제 실험(ablation)의 시연 데이터(이 연구의 "
          "출발점인 초기 노트북(seed notebook)의 예시 수치이며, 절제 실험 장들은 그 수치를 그대로 보여 "
          "준다)와는 별개이며, 방법에 대한 어떤 주장도 뒷받침하지 않는다.</p>")
    return pages.notice_block("warning", "demo", en, ko)


def setup_page(source: str | None = None, *, chapter: str | None = None) -> pages.Page:
    """As :func:`pifi_ablation.pages.setup_page`, with the per-layer chapters' data notice."""
    from IPython.display import display

    page = pages.glued_page(source, chapter)
    display(pages.Html(notice_html(page.ablations)))
    return page


def _pct(value: float) -> str:
    return format_value(float(value), "pct").removesuffix("%")


def _frame_main(ablations: Ablations) -> pd.DataFrame:
    table = main_results.table_one(ablations.layers)
    rows = []
    for r in table.itertuples(index=False):
        rows.append({"Task": "Mean over tasks" if r.task == "mean" else task_label(r.task), "Model": r.model,
                     "Best layer": r.best_layers, "Last acc. (%)": _pct(r.last_acc),
                     "Auto acc. (%)": _pct(r.auto_acc), "Best acc. (%)": _pct(r.best_acc),
                     "Recovery (%)": _pct(r.recovery_rate), "Runs": str(r.runs)})
    return pd.DataFrame(rows, columns=["Task", "Model", "Best layer", "Last acc. (%)", "Auto acc. (%)",
                                       "Best acc. (%)", "Recovery (%)", "Runs"])


def _k_of(table: pd.DataFrame, column: str) -> pd.Series:
    tasks = main_results.per_task(table, column).set_index("task")
    return tasks.apply(lambda r: f"{r['k']:g}/{int(r['N'])}" if r["N"] else "0/0", axis=1)


def _frame_tasks(ablations: Ablations) -> pd.DataFrame:
    grids, runs = main_results.grid_table(ablations.layers), main_results.run_table(ablations.layers)
    if grids.empty:
        return pd.DataFrame(columns=["Task"])
    gap = main_results.per_task(grids, "best_last_gap").set_index("task")["mean"]
    out = pd.DataFrame({"Task": [task_label(t) for t in gap.index]})
    out["Grids: last is best"] = _k_of(grids, "last_optimal").to_numpy()
    out["Best − last gap (pp)"] = [format_value(float(v), "pp") for v in gap]
    hits = (("abstract", "L_Abstract hits"), ("apply", "L_Apply hits"), ("final", "Final hits"))
    for signal, label in hits:
        out[label] = _k_of(runs, f"{signal}_hit").reindex(gap.index).to_numpy()
    out["Final within ±2"] = _k_of(runs, "final_within2").reindex(gap.index).to_numpy()
    return out


def _frame_signals(ablations: Ablations) -> pd.DataFrame:
    table = signals.per_task_rho(ablations.layers)
    names = list(signals.SIGNALS)
    out = pd.DataFrame({"Task": [task_label(t) for t in table["task"]]})
    for s in names:
        out[_SIGNAL_NAMES[s]] = [format_value(float(v), "rho") for v in table[s]]
    summary = signals.rho_summary(ablations.layers).set_index("signal")
    mean = {"Task": "Mean over tasks [95% CI], n"}
    for s in names:
        r = summary.loc[s]
        ci = f"[{format_value(float(r['ci_low']), 'rho')}, {format_value(float(r['ci_high']), 'rho')}]"
        mean[_SIGNAL_NAMES[s]] = f"{format_value(float(r['mean']), 'rho')} {ci}, {int(r['n'])}"
    return pd.concat([out, pd.DataFrame([mean])], ignore_index=True)


def _frame_matrix(ablations: Ablations) -> pd.DataFrame:
    m = signals.correlation_matrix(ablations.layers)
    out = pd.DataFrame({"Signal": [_SIGNAL_NAMES[s] for s in m.index]})
    for s in m.columns:
        out[_SIGNAL_NAMES[s]] = [format_value(float(v), "rho") for v in m[s]]
    return out


_FRAMES = {"main_results": _frame_main, "main_results_tasks": _frame_tasks,
           "signals_tasks": _frame_signals, "signals_matrix": _frame_matrix}


def _korean(frame: pd.DataFrame) -> pd.DataFrame:
    def ko(text: str) -> str:
        return _KO.get(text, text).replace("Mean over tasks [95% CI], n", "태스크 평균 [95% 신뢰구간], n")

    out = frame.rename(columns=ko)
    return out.map(lambda v: ko(v) if isinstance(v, str) else v)


def table_html(ablations: Ablations, name: str) -> str:
    """One of the per-layer chapters' tables, in both languages, numbered in book order."""
    frame = _FRAMES[name](ablations)
    caption_en, caption_ko = _CAPTIONS[name]
    p = ablations.provenance
    source_en = ("Illustrative simulation (demo data), not measurements." if p.is_demo
                 else html.escape(p.label()) + ".")
    source_ko = ("예시용 시뮬레이션(시연 데이터)이며 측정값이 아니다." if p.is_demo
                 else f"측정 데이터: {html.escape(p.location or '')}, 파일 {len(p.files)}개, 내용 해시 "
                      f"{p.short_hash}.")
    number = str(pages.BOOK_TABLES.index(name) + 1)
    return pages.table_block(name, frame, _korean(frame), number, (caption_en, caption_ko),
                            (source_en, source_ko), na_rep="")


def show_table(page: pages.Page, name: str) -> pages.Html:
    return pages.Html(table_html(page.ablations, name))


def pending_note(ablations: Ablations) -> pages.Html:
    """The pending runs of the per-layer population, listed (nothing when there are none)."""
    pending = ablations.layers.pending
    if not pending:
        return pages.Html("")
    items_en = [f"{p.task} / {p.model} / seed {p.seed}: {p.reason}" for p in pending]
    items_ko = [as_html(f"{html.escape(p.task)} / {html.escape(p.model)} / 시드 {p.seed}: "
                        f"{pages.korean_html(p.reason)}") for p in pending]
    en = render("pending.html", title=f"Pending runs, left out until their grid is complete ({len(pending)})",
                items=items_en)
    ko = render("pending.html", title=f"그리드가 완성될 때까지 제외된 대기 중인 실행({len(pending)}건)",
                items=items_ko)
    return pages.Html(pages.bilingual(en, ko))


