"""The book from the folders a lab really has part-way through a study, built as `make book`
builds it (warnings are errors): default runs only (upstream's run_all_selections.sh), default
runs and one sweep, and every run pending its grid search.  A chapter without data says in both
languages what is missing and the command that produces it; the summary quotes only findings
that have data; no page shows ``nan``, ``[no data]`` in prose, or a traceback."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from book_build import CHAPTERS, build_book, failure_report
from pifi_ablation.nodata import NEEDS
from pifi_ablation.registry import MODEL_ORDER, TASKS
from test_book import ROOT
from upstream_factory import SWEPT_MODEL, write_study

pytestmark = pytest.mark.book
CELLS = [(task, model) for task in TASKS for model in MODEL_ORDER]
ABLATIONS = tuple(NEEDS)
# folder -> (how it is written, the ablations that have data)
FOLDERS = {
    "defaults-only": ({}, {"keyword_weight", "task_sensitivity", "model_size"}),
    "one-sweep": ({"sweep": [("", 200, 3.0), ("lambda_scale=1.0", 200, 1.0), ("lambda_scale=5.0", 200, 5.0)]},
                  {"keyword_weight", "lambda_scale", "task_sensitivity", "model_size"}),
    "all-pending": ({"grid_layers": dict.fromkeys(CELLS, 0)}, set()),
}


def _write(root, name):
    how, _ = FOLDERS[name]
    if "sweep" in how:  # the default runs of every cell, the sweep for one model
        write_study(root, [c for c in CELLS if c[1] != SWEPT_MODEL])
        return write_study(root, [c for c in CELLS if c[1] == SWEPT_MODEL], settings=tuple(how["sweep"]))
    return write_study(root, CELLS, **how)


@pytest.fixture(scope="module", params=list(FOLDERS))
def built(request, tmp_path_factory):
    name = request.param
    root = tmp_path_factory.mktemp(name) / "results"
    _write(root, name)
    out = tmp_path_factory.mktemp(f"book-{name}")
    result = build_book(ROOT, out, data=str(root))
    assert result.returncode == 0, failure_report(result)
    html_dir = out / "_build" / "html" / "book"
    pages = {ch: BeautifulSoup((html_dir / f"{ch}.html").read_text(encoding="utf-8"), "html.parser")
             for ch in CHAPTERS}
    return name, FOLDERS[name][1], pages


def _article(soup):
    return soup.find("article")


def test_no_page_shows_nan_no_data_in_prose_or_a_traceback(built):
    _, _, pages = built
    for chapter, soup in pages.items():
        article = _article(soup)
        text = article.get_text(" ")
        assert not re.search(r"\bnan\b", text), (chapter, re.findall(r".{40}\bnan\b.{40}", text))
        assert "Traceback" not in text and not article.find(class_="stderr"), chapter
        # [no data] is for the paper's macros; the pages leave out the sentences instead.
        for block in article.find_all(class_=["lang-en", "lang-ko"]):
            if block.find_parent("figure") is None:
                assert "[no data]" not in block.get_text(), (chapter, block.get_text()[:120])


def test_a_chapter_without_data_says_what_is_missing_and_how_to_produce_it(built):
    _, has_data, pages = built
    for name in ABLATIONS:
        article = _article(pages[name])
        notice = article.find("div", class_="pifi-no-data")
        if name in has_data:
            assert notice is None, name
            continue
        assert notice is not None and notice["data-ablation"] == name, name
        en = notice.find(class_="lang-en").get_text(" ")
        ko = notice.find(class_="lang-ko").get_text(" ")
        assert NEEDS[name].command in en and NEEDS[name].command in ko
        assert "the grid search" in en and "그리드 탐색" in ko
        assert re.search(r"[\uac00-\ud7a3]", ko)
        # The table says it has no rows, in both languages; the figure is drawn, saying so.
        table = article.find("div", id=f"table-{name}")
        assert "No data yet." in table.find(class_="lang-en").get_text()
        assert "아직 데이터가 없다." in table.find(class_="lang-ko").get_text()
        assert article.find("figure") is not None


def test_no_heading_stands_over_an_empty_section(built):
    """A section whose content the data cannot give (a chapter's findings without data) says so
    in both languages instead of showing a heading over nothing."""
    _, has_data, pages = built
    for chapter, soup in pages.items():
        for section in _article(soup).find_all("section"):
            content = [c for c in section.children if getattr(c, "name", None) is not None
                       and not re.fullmatch(r"h[1-6]", c.name)]
            assert content, (chapter, section.get("id"))
    for name in ABLATIONS:
        findings = next(s for s in _article(pages[name]).find_all("section")
                        if s.find("h2") and "Findings" in s.find("h2").get_text())
        en = findings.find("div", class_="lang-en").get_text()
        ko = findings.find("div", class_="lang-ko").get_text()
        assert ("No findings yet" in en) == ("아직 주요 관찰이 없다" in ko) == (name not in has_data), name


def test_a_chapter_with_data_quotes_its_findings(built):
    _, has_data, pages = built
    for name in has_data:
        article = _article(pages[name])
        assert article.find("div", class_="pifi-no-data") is None
        pasted = [s.get_text() for s in article.find_all("span", class_="text_plain")]
        assert any(re.fullmatch(r"-?\d+(\.\d+)?%?", t) for t in pasted), name


def test_the_summary_quotes_only_findings_with_data(built):
    _, has_data, pages = built
    article = _article(pages["summary"])
    text = article.get_text(" ")
    chapter_links = {"sample_size": "sample-size", "keyword_weight": "keyword-weight",
                     "lambda_scale": "lambda-scale", "task_sensitivity": "task-sensitivity",
                     "model_size": "model-size"}
    for ablation, anchor in chapter_links.items():
        linked = article.find("a", href=re.compile(rf"{ablation}\.html#{anchor}$"))
        assert (linked is not None) == (ablation in has_data), ablation
    note = article.find("div", class_="pifi-no-data")
    if len(has_data) == len(ABLATIONS):
        assert note is None
    else:
        assert note is not None
    if not has_data:
        assert "Nothing in this results folder is measurable yet" in text
        assert "측정할 수 있는 것이 없" in text
        assert f"{len(CELLS)} run(s) in the folder are pending their grid search" in text


@pytest.mark.parametrize("built", ["all-pending"], indirect=True)
def test_all_pending_lists_what_is_pending(built):
    _, has_data, pages = built
    assert not has_data
    block = _article(pages["reproducibility"]).find("div", class_="pifi-coverage")
    en = block.find("div", class_="lang-en").get_text()
    assert f"Pending runs (their grid is missing, in progress or unusable; left out of the tables) " \
           f"({len(CELLS)})" in en
    assert "sst2 / Qwen2-0.5B / seed 2023 (default): no grid file yet" in en
