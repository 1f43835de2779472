"""Build the book from a generated results folder (warnings as errors) and read it as a reader:
the provenance on every page, no demo notice, the coverage report, glued numbers from the data."""

from __future__ import annotations

import hashlib
import re

import pytest
from bs4 import BeautifulSoup

import pifi_ablation
from book_build import CHAPTERS, build_book, failure_report
from pifi_ablation.book import default_comparison, glue_texts
from pifi_ablation.findings import findings
from results_factory import write_results
from test_book import FIGURES, GLUE_ROLE, PHRASES, ROOT, figure_markup_problems

pytestmark = pytest.mark.book
ODD_NAME = "notes <img src=x onerror=alert(1)> & more.txt"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("measured") / "results"
    manifest = write_results(root, keyword_weights=(0.3,), keyword_models=("Qwen2-7B",))
    (root / ODD_NAME).write_text("not a result\n", encoding="utf-8")
    return manifest


@pytest.fixture(scope="module")
def measured_html(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("book_measured")
    result = build_book(ROOT, out, data=str(folder.root))
    assert result.returncode == 0, failure_report(result)
    return out / "_build" / "html"


@pytest.fixture(scope="module")
def pages(measured_html) -> dict[str, BeautifulSoup]:
    html_dir = measured_html / "book"
    return {name: BeautifulSoup((html_dir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
            for name in CHAPTERS}


def _article(soup):
    return soup.find("article")


def _hash(folder) -> str:
    files = [*(r.path for r in folder.runs), *(g.path for g in folder.grids.values())]
    lines = sorted(f"{p.relative_to(folder.root).as_posix()}\0{hashlib.sha256(p.read_bytes()).hexdigest()}\n"
                   for p in files)
    return hashlib.sha256("".join(lines).encode()).hexdigest()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_page_names_the_measured_source(folder, pages, chapter):
    notice = _article(pages[chapter]).find("div", class_="pifi-data-notice")
    assert notice is not None and notice["data-source"] == "measured"
    en = notice.find("div", class_="lang-en").get_text()
    n_files = len(folder.runs) + len(folder.grids)
    assert str(folder.root.resolve()) in en
    assert f"{n_files} files" in en
    assert _hash(folder)[:12] in en
    ko = notice.find("div", class_="lang-ko").get_text()
    assert f"파일 {n_files}개" in ko
    # What had to be assumed is on the page: the defaults of the seed-2 logs, and the odd file listed.
    listed = notice.find("details").get_text()
    assert "the default 0.65 was assumed (21 files" in listed
    assert ODD_NAME in listed


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_demo_notice_and_no_unescaped_markup(pages, chapter):
    article = _article(pages[chapter])
    text = article.get_text()
    assert "not measurements" not in text and "Illustrative simulation" not in text
    assert "측정값이 아닙니다" not in text
    assert not article.find("img", src="x")
    assert "Traceback" not in text and not article.find(class_="stderr")


@pytest.mark.parametrize("chapter", list(FIGURES))
def test_tables_cite_the_measured_source(folder, pages, chapter):
    block = _article(pages[chapter]).find("div", id=f"table-{chapter}")
    en, ko = block.find("div", class_="lang-en").get_text(), block.find("div", class_="lang-ko").get_text()
    assert "Measured: results (" in en and _hash(folder)[:12] in en
    assert "측정 데이터" in ko
    assert "Runs (n)" in en and "실행 수 (n)" in ko
    if chapter == "keyword_weight":
        assert "stage-1 re-selection" in en and "stage-1 re-selection" in ko


def test_glued_numbers_come_from_the_measured_data(folder, pages):
    expected = glue_texts(findings(pifi_ablation.load(folder.root)))
    for chapter in CHAPTERS:
        source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
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


def test_reproducibility_shows_the_coverage_report(pages):
    block = _article(pages["reproducibility"]).find("div", class_="pifi-coverage")
    assert block is not None
    en, ko = block.find("div", class_="lang-en").get_text(), block.find("div", class_="lang-ko").get_text()
    # 7 tasks x 3 models x 5 sample sizes x 3 seeds, all present.
    assert "sample_size (n_samples=50, n_samples=100, n_samples=200, n_samples=400, n_samples=800; " \
           "seeds 0, 1, 2): 315 of 315 cells have runs" in en
    # Logged keyword_weight runs exist for one model only: the others' cells are listed as missing.
    assert "keyword_weight (re-selection, keyword_weight=0.3; seeds 0, 1, 2): 84 of 126 cells" in en
    assert "셀 315개 중 315개에 실행이 있습니다" in ko


@pytest.mark.parametrize("chapter", list(FIGURES))
def test_figure_captions_cite_the_measured_source(folder, pages, chapter):
    caption = _article(pages[chapter]).find("figure", id=FIGURES[chapter]).find("figcaption")
    en = " ".join(t.get_text() for t in caption.find_all("span", class_="lang-en"))
    ko = " ".join(t.get_text() for t in caption.find_all("span", class_="lang-ko"))
    n_files = len(folder.runs) + len(folder.grids)
    assert f"Data: measured, {folder.root.resolve()} ({n_files} files, {_hash(folder)[:12]})" in en
    assert f"파일 {n_files}개" in ko


@pytest.mark.parametrize("chapter", list(FIGURES))
def test_measured_figures_are_described_linked_and_served_for_phones(measured_html, pages, chapter):
    figure = _article(pages[chapter]).find("figure", id=FIGURES[chapter])
    assert figure_markup_problems(measured_html, figure) == []
