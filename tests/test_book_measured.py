"""Build the book from a results folder written exactly as upstream's code writes it, with every
real-world state (files outside the study, pending runs, re-tested layers, stage 2 finding
nothing, no elapsed_sec), warnings as errors, and read it as a reader: the provenance on every
page without the machine's paths, no demo notice or demo-only text, the coverage report with
what was skipped and what is pending, glued numbers from the data."""

from __future__ import annotations

import hashlib
import re

import pytest
from bs4 import BeautifulSoup

import pifi_ablation
from book_build import CHAPTERS
from pifi_ablation.findings import findings
from pifi_ablation.pages import default_comparison, glue_texts
from test_book import FIGURES, GLUE_ROLE, PHRASES, ROOT, figure_markup_problems
from upstream_factory import ODD_NAME

pytestmark = pytest.mark.book


@pytest.fixture(scope="module")
def folder(measured_book):
    return measured_book[0]


@pytest.fixture(scope="module")
def measured_html(measured_book):
    return measured_book[1] / "_build" / "html"


@pytest.fixture(scope="module")
def pages(measured_html) -> dict[str, BeautifulSoup]:
    html_dir = measured_html / "book"
    return {name: BeautifulSoup((html_dir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
            for name in CHAPTERS}


def _article(soup):
    return soup.find("article")


def _n_files(folder) -> int:
    return len(folder.runs) + len(folder.grid_paths)


def _hash(folder) -> str:
    files = [*(r.path for r in folder.runs), *folder.grid_paths.values()]
    lines = sorted(f"{p.relative_to(folder.root).as_posix()}\0{hashlib.sha256(p.read_bytes()).hexdigest()}\n"
                   for p in files)
    return hashlib.sha256("".join(lines).encode()).hexdigest()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_page_names_the_measured_source(folder, pages, chapter):
    notice = _article(pages[chapter]).find("div", class_="pifi-data-notice")
    assert notice is not None and notice["data-source"] == "measured"
    en = notice.find("div", class_="lang-en").get_text()
    n_files = _n_files(folder)
    assert "Measured data from results:" in en
    assert f"{n_files} files" in en
    assert _hash(folder)[:12] in en
    ko = notice.find("div", class_="lang-ko").get_text()
    assert f"파일 {n_files}개" in ko
    # What had to be assumed is on the page: upstream never logs keyword_weight; the odd file,
    # the skipped and the pending are listed.
    listed = notice.find("details").get_text()
    assert f"the default 0.65 was assumed ({len(folder.runs)} files" in listed
    assert ODD_NAME in listed
    assert "2 file(s) outside the study skipped" in listed
    assert "1 run(s) of snli / Qwen2-7B pending: no grid file yet" in listed


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_page_shows_the_building_machine(folder, pages, chapter):
    html = str(pages[chapter])
    assert str(folder.root.parent) not in html
    assert str(ROOT) not in html


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_demo_notice_and_no_unescaped_markup(pages, chapter):
    article = _article(pages[chapter])
    text = article.get_text()
    assert "not measurements" not in text and "Illustrative simulation" not in text
    assert "측정값이 아니다" not in text
    # Text true only of the demo: the introduction and the reproducibility chapter explain both
    # sources; no other page names the demo.
    for phrase in ("none of this is evidence", "the simulation was written", "증거가 아니다"):
        assert phrase not in text
    if chapter not in ("intro", "reproducibility"):
        assert "demonstration" not in text.lower() and "simulation" not in text.lower()
        assert "시연 데이터" not in text and "시뮬레이션" not in text
    assert not re.search(r"\bnan\b|n/a", text), re.findall(r".{40}(?:\bnan\b|n/a).{40}", text)
    assert not article.find("img", src="x")
    assert "Traceback" not in text and not article.find(class_="stderr")


@pytest.mark.parametrize("chapter", list(FIGURES))
def test_tables_cite_the_measured_source(folder, pages, chapter):
    block = _article(pages[chapter]).find("div", id=f"table-{chapter}")
    en, ko = block.find("div", class_="lang-en").get_text(), block.find("div", class_="lang-ko").get_text()
    assert "Measured: results (" in en and _hash(folder)[:12] in en
    assert "측정 데이터" in ko
    assert "Runs (n)" in en and "실행 수(n)" in ko
    if chapter == "keyword_weight":
        assert "stage-1 re-selection" in en and "stage-1 re-selection" in ko


def test_glued_numbers_come_from_the_measured_data(folder, pages):
    expected = glue_texts(findings(pifi_ablation.load(folder.root)), demo=False)
    for chapter in CHAPTERS:
        source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
        # what a page says where its data are missing: not shown, this folder has data for all
        source = re.sub(r"^:::::\{only\} not [^\n]*\n.*?^:::::$", "", source, flags=re.S | re.M)
        blocks = re.findall(r"^::::\{en\}\n(.*?)^::::$", source, flags=re.S | re.M)
        rendered = [d for d in _article(pages[chapter]).find_all("div", class_="lang-en")
                    if "container" in d.get("class", [])]
        for text, block in zip(blocks, rendered, strict=True):
            pasted = [s.get_text() for s in block.find_all("span", class_="text_plain")]
            numbers = [k for k in GLUE_ROLE.findall(text) if k not in PHRASES]
            assert pasted == [expected[k] for k in numbers], text[:80]


def test_default_comparison_phrase_comes_from_the_measured_data(folder, pages):
    found = findings(pifi_ablation.load(folder.root))
    for chapter, prefix in (("keyword_weight", "kw"), ("lambda_scale", "lam")):
        block = [d for d in _article(pages[chapter]).find_all("div", class_="lang-en")
                 if "container" in d.get("class", [])][-1]
        shown = block.find("span", class_="text_html").find("span", class_="lang-en").get_text()
        assert shown == default_comparison(found, prefix).text


def test_reproducibility_shows_the_coverage_report(folder, pages):
    block = _article(pages["reproducibility"]).find("div", class_="pifi-coverage")
    assert block is not None
    # under its own heading (a demo build has neither: book/_ext/data_tags.py)
    assert block.find_parent("section", id="coverage-of-the-ablation-grid") is not None
    en, ko = block.find("div", class_="lang-en").get_text(), block.find("div", class_="lang-ko").get_text()
    # 7 tasks x 3 models x 3 sample sizes x 1 seed; the sweeps were run for one model: its 14 sweep
    # cells and the 7 default runs of the same cells, which the table holds (other cells' default
    # runs are not in the sample-size table, so they are not counted).
    assert "sample_size (n_samples=50, n_samples=100, n_samples=200; seeds 2023): 21 of 63 cells" in en
    assert "셀 63개 중 21개에 실행이 있다" in ko
    for text, another in ((en, "another"), (ko, "다른")):
        for path in folder.outside:
            assert f"{path.relative_to(folder.root).as_posix()}: {another}" in text
    assert "snli / Qwen2-7B / seed 2023 (default): no grid file yet" in en
    assert "snli / Qwen2-7B / 시드 2023 (기본값): 아직 그리드 파일이 없음" in ko
    assert "mnli / Qwen2-7B / seed 2023 (default): grid in progress (layers 16-27 not tested yet)" in en
    assert "mnli / Qwen2-7B / 시드 2023 (기본값): 그리드 진행 중(레이어 16-27은 아직 테스트되지 않음)" in ko
    assert ("PiFi_Classification/sst2_bert_qwen2_1.5b_results.txt: complete, 28 of 28 layers, 32 test "
            "lines, 4 layers tested more than once (averaged)") in en
    assert ("PiFi_Classification/sst2_bert_qwen2_1.5b_results.txt: 완료, 레이어 28개 중 28개, 테스트 줄 "
            "32개, 두 번 이상 테스트된 레이어 4개(평균함)") in ko


def test_time_not_logged_is_said_in_both_languages(pages):
    article = _article(pages["sample_size"])
    en = " ".join(d.get_text() for d in article.find_all(class_="lang-en"))
    ko = " ".join(d.get_text() for d in article.find_all(class_="lang-ko"))
    assert "Selection time was not logged for these runs" in en
    assert "선택 시간이 기록되지 않았으므로" in ko
    table = article.find("div", id="table-sample_size")
    assert "not logged" in table.find("div", class_="lang-en").get_text()
    assert "기록되지 않음" in table.find("div", class_="lang-ko").get_text()
    caption = article.find("figure", id=FIGURES["sample_size"]).find("figcaption")
    assert "(c) Selection time: not logged in these runs." in caption.get_text()
    assert "(c) 선택 시간: 이 실행들에는 기록되지 않았다." in caption.get_text()
    summary = _article(pages["summary"])
    assert "Selection time was not logged." in summary.get_text()
    assert "선택 시간은 기록되지 않았다." in summary.get_text()


@pytest.mark.parametrize("chapter", list(FIGURES))
def test_figure_captions_cite_the_measured_source(folder, pages, chapter):
    caption = _article(pages[chapter]).find("figure", id=FIGURES[chapter]).find("figcaption")
    en = " ".join(t.get_text() for t in caption.find_all("span", class_="lang-en"))
    ko = " ".join(t.get_text() for t in caption.find_all("span", class_="lang-ko"))
    n_files = _n_files(folder)
    assert f"Data: measured, results ({n_files} files, {_hash(folder)[:12]})" in en
    assert f"파일 {n_files}개" in ko


@pytest.mark.parametrize("chapter", list(FIGURES))
def test_measured_figures_are_described_linked_and_served_for_phones(measured_html, pages, chapter):
    figure = _article(pages[chapter]).find("figure", id=FIGURES[chapter])
    assert figure_markup_problems(measured_html, figure) == []


@pytest.mark.parametrize("chapter", ["summary", "reproducibility"])
def test_korean_mode_shows_the_measured_messages_in_korean(pages, chapter):
    """The notice's list, the provenance record and the coverage report in Korean: no message
    falls back to English."""
    article = _article(pages[chapter])
    korean_parts = [d for d in article.find_all(class_="lang-ko")
                    if d.find_parent(class_="pifi-data-notice") or d.find_parent(class_="pifi-coverage")
                    or d.find("table", class_="pifi-provenance")]
    assert korean_parts
    for part in korean_parts:
        assert not part.find(attrs={"lang": "en"}), part.find(attrs={"lang": "en"})
        for item in part.find_all("li"):
            assert re.search(r"[\uac00-\ud7a3]", item.get_text()), item.get_text()


def test_main_results_list_pending_runs_and_leave_out_stage2_failures(folder, pages):
    """Upstream's folder has two grids pending and three runs whose stage 2 found nothing."""
    ab = pifi_ablation.load(folder.root)
    article = _article(pages["main_results"])
    listed = article.find("details", class_="pifi-coverage-list")
    en = listed.find_parent("div", class_="lang-en") or listed
    assert "snli / Qwen2-7B / seed 2023: no grid file yet" in en.get_text()
    assert "mnli / Qwen2-7B / seed 2023: grid in progress" in en.get_text()
    assert "시드 2023" in article.find_all("details", class_="pifi-coverage-list")[1].get_text()
    found = findings(ab)
    assert found["main_apply_excluded"].value == 3
    assert found["main_n_pending"].value == 2
    table = article.find("div", id="table-main_results").find("div", class_="lang-en")
    assert len(table.find("tbody").find_all("tr")) == len(ab.layers.grids()) + 1
    for anchor in ("fig-main-results", "fig-layer-curves"):
        caption = article.find("figure", id=anchor).find("figcaption").get_text()
        assert f"Data: measured, results ({_n_files(folder)} files" in caption
    signals = _article(pages["selection_signals"])
    assert signals.find("figure", id="fig-selection-signals") is not None
    assert "Measured: results (" in signals.find("div", id="table-signals_tasks").get_text()
