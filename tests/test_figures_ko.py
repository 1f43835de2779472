"""The figures in Korean (issue 18, point 6): every text Korean but names, Hangul in a face that
has it, the same panels and layout rules as the English figures, and the English ones untouched."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from matplotlib.figure import Figure
from matplotlib.font_manager import findfont
from matplotlib.text import Text

from pifi_ablation import style
from pifi_ablation.ablations import Ablations
from pifi_ablation.figures import EXPORTED_FIGURES, make_figure
from pifi_ablation.figures_ko import KOREAN_FONT, make_figure_ko, translate
from pifi_ablation.layer_rows import LAYER_FIGURE_NAMES
from pifi_ablation.layers import Layers

NAMES = (*EXPORTED_FIGURES, *LAYER_FIGURE_NAMES)
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# What stays as it is: task and model names, the selection stages, signals' and statistics' names.
KEPT = re.compile(r"SST-2|CoLA|IMDb|MNLI|SNLI|Tweet-Off|Tweet-Sent|Qwen2|L_Abstract|L_Apply|PCL|Spearman|"
                  r"Auto-Last|Best-Last|KL|LLM|elapsed_sec")


def _texts(fig) -> list[Text]:
    fig.canvas.draw()
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _english(texts: list[Text]) -> list[str]:
    return [t.get_text() for t in texts if re.search(r"[A-Za-z]{3,}", KEPT.sub("", t.get_text()))]


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> Ablations:
    """A folder of measured results with every ablation, written and loaded once for the module."""
    import pifi_ablation
    from results_factory import write_results

    return pifi_ablation.load(write_results(tmp_path_factory.mktemp("measured") / "results").root)


@pytest.fixture(scope="module")
def drawn_anew() -> Callable[..., Figure]:
    """Each figure drawn from the start, in English or in Korean, once for the module: several
    tests read them (none changes them)."""
    drawn: dict[tuple[int, str, bool, bool], Figure] = {}

    def draw(ablations: Ablations, name: str, phone: bool, *, korean: bool) -> Figure:
        key = (id(ablations), name, phone, korean)
        if key not in drawn:
            drawn[key] = (make_figure_ko(ablations, name, phone=phone) if korean
                          else make_figure(ablations, name, phone=phone))
        return drawn[key]

    return draw


@pytest.fixture(scope="module")
def korean_anew(drawn_anew) -> Callable[[Ablations, str, bool], Figure]:
    """Each Korean figure drawn from the start, once for the module."""
    return lambda ablations, name, phone: drawn_anew(ablations, name, phone, korean=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", NAMES)
def test_a_korean_figure_without_data_says_so_in_korean(demo, name, phone):
    """Every panel of a study with nothing measurable yet states, in Korean, what it would show
    and why it is empty (the phone layout stacks the same statements)."""
    empty = Ablations(**{k: t.iloc[0:0] for k, t in demo.tables().items()}, provenance=demo.provenance,
                      layers=Layers())
    texts = _texts(make_figure_ko(empty, name, phone=phone))
    assert _english(texts) == []
    assert any(HANGUL.search(t.get_text()) for t in texts)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", NAMES)
def test_every_text_of_a_korean_figure_is_korean_but_names(demo, name, phone, drawn_anew):
    fig = drawn_anew(demo, name, phone, korean=True)
    texts = _texts(fig)
    english = [t.get_text() for t in texts if re.search(r"[A-Za-z]{3,}", KEPT.sub("", t.get_text()))]
    assert english == []
    hangul = [t for t in texts if HANGUL.search(t.get_text())]
    assert hangul, "no Korean text"
    for t in hangul:  # drawn in a face with Hangul, not as missing-glyph boxes
        assert KOREAN_FONT in t.get_fontfamily()
    assert KOREAN_FONT in findfont(KOREAN_FONT)  or "NotoSansCJK" in findfont(KOREAN_FONT)
    # the layout's rules hold: the paper's width, no text under the paper's minimum size
    width = style.PHONE_WIDTH_IN if phone else style.TEXT_WIDTH_IN
    assert fig.get_figwidth() == pytest.approx(width)
    assert min(t.get_fontsize() for t in texts) >= style.MIN_FONT_PT
    assert len(fig.axes) == len(drawn_anew(demo, name, phone, korean=False).axes)


def test_the_data_stamp_and_glossary_terms(demo):
    stamp = make_figure_ko(demo, "sample_size")._supxlabel.get_text()
    assert " ".join(stamp.split()) == "예시용 시뮬레이션(시연 데이터)이며 측정값이 아니다"
    assert translate("(a) Recovery") == "(a) 회복률"
    assert translate("Mean, 95% CI over tasks (b, c)") == "태스크 평균과 95% 신뢰구간 (b, c)"
    assert translate("Sample size vs 200") == "샘플 수: 기본값 200 대비"
    assert translate("SST-2 · 0.5B") == "SST-2 · 0.5B"


def test_english_figures_stay_english_after_korean_ones(demo):
    make_figure_ko(demo, "model_size")
    texts = [t.get_text() for t in _texts(make_figure(demo, "model_size"))]
    assert not any(HANGUL.search(t) for t in texts)
    assert "(a) Selection potential" in texts


def _pixels(fig) -> bytes:
    """The figure's raster as the page's PNG is made from (before its palette)."""
    import io

    from pifi_ablation.pages import SCREEN_DPI

    buffer = io.BytesIO()
    with style.paper_style():
        fig.savefig(buffer, format="raw", dpi=SCREEN_DPI)
    return buffer.getvalue()


def test_each_version_made_in_place_is_the_version_drawn_anew(demo, measured, drawn_anew):
    """The build makes a figure's phone layout and Korean versions from the page's English
    desktop figure, changing it in place (``pages.figure_versions``: laid out again as the
    phone layout, put into Korean, laid out again as the desktop one): each is the same
    pixels as the version drawn from the start, for every figure and source (so the same PNG),
    the layer curves, which lay themselves out, and the paired figure, whose shared y label
    only the first panel shows side by side, included."""
    from pifi_ablation.pages import figure_versions

    for source, ablations in {"demo": demo, "measured": measured}.items():
        for name in NAMES:
            english = make_figure(ablations, name)
            _pixels(english)  # as the page shows it first
            anew = {f"{name}.png": (False, True), f"{name}.ko_phone.png": (True, True),
                    f"{name}.ko.png": (True, False)}  # (in Korean, phone)
            made = []
            for file, fig in figure_versions(ablations, name, english):
                assert fig is english  # changed in place, not drawn again
                in_korean, phone = anew[file]
                drawn = drawn_anew(ablations, name, phone, korean=in_korean)
                assert _pixels(fig) == _pixels(drawn), (source, file)
                made.append(file)
            assert sorted(made) == sorted(anew)


def test_a_figure_whose_layout_was_not_recorded_is_drawn_anew(demo):
    """A figure the layout engine knows nothing of (made by hand, not by make_figure) is not
    changed in place: make_figure_ko draws the Korean figure anew."""
    from pifi_ablation.figure_layout import Canvas, unfinish

    with style.paper_style():
        fig = Figure(figsize=(3, 2))
        Canvas(fig)
        fig.subplots().set_title("Recovery rate")
    assert unfinish(fig) is None
    korean = make_figure_ko(demo, "sample_size", english=fig)
    assert korean is not fig
    assert fig.axes[0].get_title() == "Recovery rate"
    assert _pixels(korean) == _pixels(make_figure_ko(demo, "sample_size"))


def test_a_measured_figure_names_its_source_in_korean(measured, korean_anew):
    """The stamp under a figure of measured data (folder, files, hash, how a table was derived)
    is in Korean on the Korean figure, as on the page's caption, in both layouts; so is every
    other text of every figure but names."""
    import copy
    import pickle

    provenance = measured.provenance
    for name in ("keyword_weight", "layer_curves"):
        for phone in (False, True):
            stamp = " ".join(korean_anew(measured, name, phone)._supxlabel.get_text().split())
            assert stamp.startswith(f"측정값: {provenance.folder_name} (파일 {len(provenance.files)}개, "
                                    f"sha256 {provenance.short_hash})"), stamp
            assert "Measured" not in stamp and "files" not in stamp
    english = " ".join(make_figure(measured, "keyword_weight")._supxlabel.get_text().split())
    assert english.startswith(f"Measured: {provenance.folder_name} ({len(provenance.files)} files")
    for name in NAMES:  # and no other text is left in English (a legend's runs behind its n)
        for phone in (False, True):
            fig = korean_anew(measured, name, phone)
            assert _english([t for t in _texts(fig) if t is not fig._supxlabel]) == [], (name, phone)
    label = provenance.label("keyword_weight")  # copied and pickled (to a worker) with its Korean
    assert pickle.loads(pickle.dumps(label)).ko == copy.deepcopy(label).ko == label.ko
