"""The figures in Korean, for the book's Korean mode and the Korean PDF (issue 18, point 6).

``make_figure_ko`` draws a figure as :func:`pifi_ablation.figures.make_figure` does, with every
text it sets (panel titles, axis labels, legend entries, notes, the data stamp, named ticks)
put into Korean as it is set, so the layout measures the Korean text it then draws; or, given
the English figure, puts its texts into Korean and lays it out again, to the same figure.  The
terms are those of the book's glossary (``book/korean-style.md``).  Hangul is drawn in Noto
Sans CJK KR (``scripts/system-deps.sh`` installs it); digits, Latin and Greek stay in the
figures' own face.  ``export`` and the paper's ``figures/`` stay English: nothing changes
unless a figure is drawn through this module.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from matplotlib.category import StrCategoryFormatter
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, Formatter, FuncFormatter

from pifi_ablation import study, style

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from matplotlib.figure import Figure

    from pifi_ablation.ablations import Ablations

KOREAN_FONT = "Noto Sans CJK KR"
FAMILY = [style.FONT_FAMILY, KOREAN_FONT, "DejaVu Sans"]

# Whole texts (a wrapped text is matched with its line breaks as spaces).
WORDS: dict[str, str] = {
    "Head-effect magnitude": "헤드 효과 크기",
    "Sensitivity vs gain": "민감도와 이득",
    "Last layer is best": "마지막 레이어가 최적",
    "Recovery": "회복률",
    "Recovery per task": "태스크별 회복률",
    "Selection potential": "선택의 잠재 이득",
    "Gaps by task": "태스크별 격차",
    "Last, auto, best": "마지막·자동·최적",
    "Mean over tasks": "태스크 평균",
    "PCL signals": "PCL 신호",
    "Selection effectiveness": "선택의 효과",
    "Selection quality": "선택 품질",
    "Signal quality": "신호 품질",
    "Best-layer position": "최적 레이어 위치",
    "Head effects": "헤드 효과",
    "Recovery by task": "태스크별 회복률",
    "Selection overhead": "선택 비용",
    "Signal agreement": "신호 간 일치",
    "Sum per layer": "레이어별 합",
    "Probe, test": "프로브와 테스트",
    "ρ with accuracy": "정확도와의 ρ",
    "Accuracy by layer": "레이어별 정확도",
    "Accuracy (%)": "정확도(%)",
    "Auto": "자동",
    "Auto − last gap (pp)": "Auto-Last 격차(%p)",
    "Best": "최적",
    "Best layer (0 = first, 1 = last)": "최적 레이어(0 = 처음, 1 = 마지막)",
    "Best layer(s)": "최적 레이어",
    "Best layers": "최적 레이어",
    "Best layer": "최적 레이어",
    "Best mean": "최고 평균",
    "Best − last gap (pp)": "Best-Last 격차(%p)",
    "Best − last": "Best-Last",
    "Auto − last": "Auto-Last",
    "Classification": "분류",
    "Entailment": "함의",
    "Correlation": "상관",
    "Default (no difference)": "기본값(차이 없음)",
    "Depth (1 = last layer)": "깊이(1 = 마지막 레이어)",
    "Difference from default (pp of recovery)": "기본값과의 차이\n(회복률 %p)",
    "Final layer": "최종 레이어",
    "Gap (pp)": "격차(%p)",
    "Grids (%)": "그리드(%)",
    "Head": "헤드",
    "Head effect": "헤드 효과",
    "Hit: a best layer": "적중: 최적 레이어",
    "Illustrative simulation (demo data), not measurements":
        "예시용 시뮬레이션(시연 데이터)이며 측정값이 아니다",
    "Keyword": "키워드",
    "Keyword weight (α)": "키워드 가중치(α)",
    "LLM layer plugged in": "삽입한 LLM 레이어",
    "Lambda scale (λ)": "람다 스케일(λ)",
    "Lambda scale (λ, log axis)": "람다 스케일(λ, 로그 축)",
    "Last": "마지막",
    "Last layer": "마지막 레이어",
    "Layer": "레이어",
    "Layer sensitivity": "레이어 민감도",
    "Max head effect (KL)": "최대 헤드 효과(KL)",
    "Mean recovery rate": "평균 회복률",
    "Mean, 95% CI over tasks": "태스크 평균과 95% 신뢰구간",
    "PCL score": "PCL 점수",
    "Probe acc.": "프로브 정확도",
    "Probe accuracy": "프로브 정확도",
    "Qwen2 model": "Qwen2 모델",
    "Recommended n": "권장 샘플 수",
    "Recovery rate": "회복률",
    "Recovery rate (%)": "회복률(%)",
    "Runs (%)": "실행(%)",
    "Scaled (0-1)": "정규화(0-1)",
    "Selected (final layer, any seed)": "선택된 레이어(최종, 모든 시드)",
    "Selection samples (n)": "선택 샘플 수(n)",
    "Selection time (s)": "선택 시간(초)",
    "Signal quality (ρ)": "신호 품질(ρ)",
    "Task": "태스크",
    "Task's best": "태스크별 최적",
    "Test accuracy": "테스트 정확도",
    "Within ±2 layers": "±2 레이어 이내",
    "Σ head effect (KL)": "Σ 헤드 효과(KL)",
    "No data yet": "아직 데이터가 없다",
    "Default": "기본값",
    "Mean": "평균",
}
# A panel without data says what it would show, then why it is empty, on lines of their own
# (figure_layout.not_recorded): each part is put into Korean, the line breaks kept.
_EMPTY_HEADS: dict[str, str] = {
    "Selection time": "선택 시간", "Layer curves": "레이어별 정확도 곡선",
    "Last layer best": "마지막 레이어 최적", "Accuracy": "정확도", "Signal ρ": "신호 ρ",
    "Layer sums": "레이어별 합", "Probe": "프로브",
    **{a.label.capitalize(): a.label_ko for a in study.SWEEPS},
}
_EMPTY_REASONS: dict[str, str] = {
    "not logged (no elapsed_sec in the logs)": "기록되지 않음\n(로그에 elapsed_sec 없음)",
    "no runs away from the default": "기본값과 다른\n실행이 없다",
    "(no usable run for this ablation)": "(이 절제 실험에\n쓸 수 있는 실행이 없다)",
    "no per-layer data": "레이어별\n데이터가 없다",
    "no complete grid": "완성된 그리드가 없다",
    "stage 2 found nothing": "2단계가 찾은\n것이 없다",
    "not logged": "기록되지 않음",
}


def _empty_panel(text: str) -> str | None:
    """A panel's "what\nwhy" statement (no data) in Korean, or None when ``text`` is not one."""
    head, _, tail = text.partition("\n")
    why = " ".join(tail.split())
    if why not in _EMPTY_REASONS:
        return None
    head = head.strip()
    head_ko = _EMPTY_HEADS.get(head) or WORDS.get(head) or (head if not head else None)
    return None if head_ko is None else f"{head_ko}\n{_EMPTY_REASONS[why]}"


_SWEEPS = {a.label.capitalize(): a.label_ko for a in study.SWEEPS}  # the paired figure: "Sample size vs 200"
_PANEL = re.compile(r"^(\([a-e]\) )(.*)$", re.S)
_REFS = re.compile(r"^(.*?) (\([a-e](?:, [a-e])*\))$", re.S)
_NUMBERED = re.compile(r"^(.*?) \(([^()]*)\)$", re.S)
_PATTERNS: list[tuple[re.Pattern[str], object]] = [
    (re.compile(rf"^({'|'.join(map(re.escape, _SWEEPS))}) vs (\S+)$"),
     lambda m: f"{_SWEEPS[m[1]]}: 기본값 {m[2]} 대비"),
    # n tasks, and where seeds or models repeat a task the runs behind them (a measured source)
    (re.compile(r"^95% CI over tasks \(n=([\d-]+)(?:; ([\d-]+) runs)?\)$"),
     lambda m: f"태스크 95% 신뢰구간(n={m[1]}" + (f"; 실행 {m[2]}개" if m[2] else "") + ")"),
    (re.compile(r"^Logged runs, stages 1\+2 \(b; ([\d-]+) runs\)$"),
     lambda m: f"기록된 실행, 1+2단계(b; 실행 {m[1]}개)"),
    (re.compile(r"^(Recommended \S+) (\([a-e]\)): (\d+)% of best mean$"),
     lambda m: f"{WORDS[m[1]]} {m[2]}: 최고 평균의 {m[3]}%"),
    (re.compile(r"^(.*?) Spearman ρ = (\S+), n = (\d+) tasks$"),
     lambda m: f"{translate(m[1])}\nSpearman ρ = {m[2]}, 태스크 {m[3]}개"),
]

_KOREAN: ContextVar[bool] = ContextVar("pifi_ablation_korean_figure", default=False)


def translate(text: str) -> str:
    """``text`` of a figure in Korean; a text with no Korean form (a task or model name, a
    number) is returned as it is."""
    flat = " ".join(text.split())
    if not flat:
        return text
    if (empty := _empty_panel(text)) is not None:
        return empty
    if flat in WORDS:
        return WORDS[flat]
    for pattern, make in _PATTERNS:
        if m := pattern.match(flat):
            return make(m)  # type: ignore[operator]
    if m := _PANEL.match(flat):
        return m[1] + translate(m[2])
    if (m := _REFS.match(flat)) and m[1] in WORDS:
        return f"{WORDS[m[1]]} {m[2]}"
    if (m := _NUMBERED.match(flat)) and m[1] in WORDS:
        return f"{WORDS[m[1]]}({m[2]})"
    return text


_set_text = Text.set_text


def _set_text_in_korean(self: Text, s: object) -> None:
    if _KOREAN.get() and s is not None:
        # A text that carries its Korean (a source's stamp: provenance.Label, a loader message)
        s = getattr(s, "ko", None) or translate(str(s))
        if hasattr(self, "_fontproperties"):  # not yet while the Text is being made
            self.set_fontfamily(FAMILY)
    _set_text(self, s)


_init = Text._reset_visual_defaults


def _reset_in_korean(self: Text, *args: object, **kwargs: object) -> None:
    _init(self, *args, **kwargs)
    if _KOREAN.get():
        self.set_fontfamily(FAMILY)


Text._reset_visual_defaults = _reset_in_korean  # type: ignore[method-assign]


Text.set_text = _set_text_in_korean  # type: ignore[method-assign]  # no effect outside `korean()`


@contextmanager
def korean() -> Iterator[None]:
    """Within: every text a figure sets is set in Korean, in a face with Hangul."""
    token = _KOREAN.set(True)
    try:
        yield
    finally:
        _KOREAN.reset(token)


def make_figure_ko(ablations: Ablations, name: str, *, phone: bool = False,
                   english: Figure | None = None) -> Figure:
    """Figure ``name`` in Korean (``phone=True``: its phone layout).

    ``english``: the same figure as :func:`pifi_ablation.figures.make_figure` drew it, in either
    layout, to be put into Korean and laid out in the layout ``phone`` in place
    (:func:`_relaid_in_korean`) rather than drawn again; the result is the same figure, to the
    byte of its PNG, for a quarter less of the drawing's time.  A figure whose layout
    ``figure_layout`` has no record of (one not made by ``make_figure``) is drawn anew."""
    from pifi_ablation.figure_layout import unfinish
    from pifi_ablation.figures import make_figure

    if english is not None and (again := unfinish(english)) is not None:
        return _relaid_in_korean(english, lambda: again(phone=phone))
    with korean():
        fig = make_figure(ablations, name, phone=phone)
    _korean_ticks(fig)
    return fig


def relay_out(fig: Figure, *, phone: bool) -> Figure | None:
    """A Korean figure (:func:`make_figure_ko`'s) laid out again, in place, in the phone layout
    (``phone``) or the paper's, as its layout lays out a figure drawn in Korean; None, and nothing
    changed, for a figure whose layout was not recorded (``figure_layout.remember``)."""
    from pifi_ablation.figure_layout import unfinish

    again = unfinish(fig)
    if again is None:
        return None
    with style.paper_style(), korean():
        return again(phone=phone)


def _relaid_in_korean(fig: Figure, lay_out_again: Callable[[], Figure]) -> Figure:
    """``fig``, its legend, stamp and thinned tick labels undone (``figure_layout.unfinish``),
    with every text put into Korean and in the Korean face, laid out again (``lay_out_again``)
    as its layout lays out a figure drawn in Korean: the same measurements of the same texts."""
    from matplotlib.text import Text

    with style.paper_style(), korean():
        for text in fig.findobj(Text):
            text.set_fontfamily(FAMILY)
            text.set_text(text.get_text())  # in Korean (see _set_text_in_korean)
        lay_out_again()
    _korean_ticks(fig)
    return fig


def _korean_ticks(fig: Figure) -> None:
    # Named ticks are set again when the figure is drawn (outside the Korean context): their
    # formatters hold the Korean words, and new tick labels take the Korean face.
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()
            if isinstance(formatter, (FixedFormatter, StrCategoryFormatter, FuncFormatter)):
                axis.set_major_formatter(_InKorean(formatter))
        ax.tick_params(labelfontfamily=FAMILY)


class _InKorean(Formatter):
    """A tick formatter's words in Korean (named ticks: signals, layers, settings)."""

    def __init__(self, inner: Formatter) -> None:
        self.inner = inner

    def set_axis(self, axis: object) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs: object) -> None:
        self.inner.set_locs(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return translate(self.inner(x, pos))

    def format_ticks(self, values: object) -> list[str]:
        return [translate(s) for s in self.inner.format_ticks(values)]

    def get_offset(self) -> str:
        return self.inner.get_offset()
