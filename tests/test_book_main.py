"""The main-results and selection-signals chapters of the demo build: their own data notice,
three figures (numbered first, described, with phone layouts), four tables in book order."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from pifi_ablation.pages import BOOK_TABLES
from test_book import figure_markup_problems

pytestmark = pytest.mark.book
FIGURES = {"main_results": ["fig-main-results", "fig-layer-curves"],
           "selection_signals": ["fig-selection-signals"]}
TABLES = {"main_results": ["main_results", "main_results_tasks"],
          "selection_signals": ["signals_tasks", "signals_matrix"]}


@pytest.fixture(scope="module")
def pages(html_dir):
    return {name: BeautifulSoup((html_dir / "book" / f"{name}.html").read_text(encoding="utf-8"),
                                "html.parser").find("article") for name in FIGURES}


@pytest.mark.parametrize("chapter", list(FIGURES))
def test_demo_notice_names_the_per_layer_simulation(pages, chapter):
    notice = pages[chapter].find("div", class_="pifi-data-notice")
    assert notice["data-source"] == "demo"
    en, ko = notice.find("div", class_="lang-en").get_text(), notice.find("div", class_="lang-ko").get_text()
    assert "not measurements" in en and "a simulation that this package writes in upstream's" in en
    assert "independent of the ablations' demonstration data" in en
    assert "측정값이 아니다" in ko and "시뮬레이션" in ko and "별개" in ko


def test_figures_come_first_described_and_stacked_for_phones(html_dir, pages):
    numbers = []
    for chapter, anchors in FIGURES.items():
        for anchor in anchors:
            figure = pages[chapter].find("figure", id=anchor)
            assert figure is not None, anchor
            assert figure_markup_problems(html_dir, figure) == [], anchor
            caption = figure.find("figcaption")
            assert "illustrative simulation, not measurements" in caption.get_text()
            numbers.append(caption.find("span", class_="caption-number").get_text().strip())
            assert pages[chapter].find_all("a", href=f"#{anchor}"), anchor
    assert numbers == ["Figure 1", "Figure 2", "Figure 3"]


def test_tables_are_numbered_in_book_order_and_bilingual(pages, demo):
    for chapter, names in TABLES.items():
        for name in names:
            block = pages[chapter].find("div", id=f"table-{name}")
            number = BOOK_TABLES.index(name) + 1
            en, ko = block.find("div", class_="lang-en"), block.find("div", class_="lang-ko")
            assert en.find("p").get_text().startswith(f"Table {number}. ")
            assert ko.find("p").get_text().startswith(f"표 {number}. ")
            assert "Illustrative simulation" in en.get_text() and "시뮬레이션" in ko.get_text()
    table_one = pages["main_results"].find("div", id="table-main_results").find("div", class_="lang-en")
    rows = table_one.find("tbody").find_all("tr")
    assert len(rows) == len(demo.layers.grids()) + 1
    assert rows[-1].find("td").get_text() == "Mean over tasks"
    korean = pages["main_results"].find("div", id="table-main_results").find("div", class_="lang-ko")
    assert korean.find("tbody").find_all("tr")[-1].find("td").get_text() == "태스크 평균"
