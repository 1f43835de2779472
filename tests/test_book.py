"""Build the book with warnings as errors and read the HTML as a reader gets it.

One build (session fixture) serves every check: chapters present, both languages
on every page and pairing up, the demo notice, five figures, and every glued
number equal to what the package computes.  A second, one-page build proves that
a cell that raises fails the build under the project's own configuration.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

import pifi_ablation
from book_build import CHAPTERS, build_book
from pifi_ablation.findings import Finding, findings
from pifi_ablation.layer_rows import LAYER_FIGURE_NAMES
from pifi_ablation.pages import BOOK_TABLES, default_comparison, glue_texts

ROOT = Path(__file__).resolve().parents[1]
FIGURES = {"sample_size": "fig-sample-size", "keyword_weight": "fig-keyword-weight",
           "lambda_scale": "fig-lambda-scale", "task_sensitivity": "fig-task-sensitivity",
           "model_size": "fig-model-size"}
# Glued phrases (both languages, one shown), not numbers: checked on their own below.
PHRASES = {"kw_default_vs_best", "lam_default_vs_best"}
GLUE_ROLE = re.compile(r"\{glue\}`([a-z0-9_]+)`")
NUMREF_ROLE = re.compile(r"\{numref\}`[^<`]*<([a-z0-9-]+)>`")

pytestmark = pytest.mark.book


@pytest.fixture(scope="session")
def pages(html_dir) -> dict[str, BeautifulSoup]:
    return {name: BeautifulSoup((html_dir / "book" / f"{name}.html").read_text(encoding="utf-8"),
                                "html.parser") for name in CHAPTERS}


@pytest.fixture(scope="session")
def expected_glue() -> dict[str, str]:
    return glue_texts(findings(pifi_ablation.load("demo")), demo=True)


def _article(soup: BeautifulSoup) -> Tag:
    article = soup.find("article")
    assert article is not None
    return article


def _blocks(soup: BeautifulSoup, lang: str) -> list[Tag]:
    """The prose blocks of one language written with the {en}/{ko} directives."""
    return [d for d in _article(soup).find_all("div", class_=f"lang-{lang}")
            if "container" in d.get("class", [])]


def _demo_source(chapter: str) -> str:
    """The chapter's source as the demo build renders it: without the sections that only a
    results folder fills (book/_ext/data_tags.py), from their heading to the next."""
    import sys

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from data_tags import TAGGED_SECTIONS

    text = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    # What a page says where its data are missing: never shown in the demo, which has them all.
    text = re.sub(r"^:::::\{only\} not [^\n]*\n.*?^:::::$", "", text, flags=re.S | re.M)

    def keep(section: re.Match[str]) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", section[1].lower()).strip("-")
        return "" if slug in TAGGED_SECTIONS else section[0]

    return re.sub(r"^## \{en\}`([^`]*)`.*?(?=^## |\Z)", keep, text, flags=re.S | re.M)


def _source_blocks(chapter: str, lang: str) -> list[str]:
    text = _demo_source(chapter)
    return re.findall(rf"^::::\{{{lang}\}}\n(.*?)^::::$", text, flags=re.S | re.M)


def _pasted(block: Tag) -> list[str]:
    return [s.get_text() for s in block.find_all("span", class_="text_plain")]


def _pair_key(key: str) -> str:
    """A glued sentence's Korean twin is ``{key}_ko``; numbers are quoted under one key."""
    return key.removesuffix("_ko")


def test_the_data_folder_holds_every_csv_of_the_data(html_dir, demo):
    """``data/`` of the built book: every CSV of the data source, byte for byte as
    ``book_data_files`` makes them (written while the pages are, book/_ext/figure_data.py)."""
    from pifi_ablation.data import DATA_FOLDER, book_data_files

    folder = html_dir / DATA_FOLDER
    assert {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()} == book_data_files(demo)


def test_every_chapter_is_built(html_dir):
    for name in CHAPTERS:
        assert (html_dir / "book" / f"{name}.html").is_file(), name


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_both_languages_on_every_page(pages, chapter):
    soup = pages[chapter]
    h1 = _article(soup).find("h1")
    assert h1.find("span", class_="lang-en") and h1.find("span", class_="lang-ko")
    en, ko = _blocks(soup, "en"), _blocks(soup, "ko")
    assert en, "no English prose"
    assert len(en) == len(ko)
    assert any(re.search(r"[\uac00-\ud7a3]", b.get_text()) for b in ko), "Korean blocks hold no Hangul"
    for heading in _article(soup).find_all(["h1", "h2", "h3"]):
        langs = {c for s in heading.find_all("span") for c in s.get("class", [])}
        assert {"lang-en", "lang-ko"} <= langs, f"heading not bilingual: {heading.get_text()!r}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_korean_and_english_pair_up(pages, expected_glue, chapter):
    """Each English block is followed by its Korean twin, quoting the same numbers and figures
    (glued sentences apart: their Korean twin is another text, checked by key below)."""
    sentences = {v for k, v in expected_glue.items() if k.endswith("_ko") or f"{k}_ko" in expected_glue}
    for en in _blocks(pages[chapter], "en"):
        ko = en.find_next_sibling()
        assert ko is not None and "lang-ko" in ko.get("class", []), en.get_text()[:80]
        numbers = lambda block: sorted(t for t in _pasted(block) if t not in sentences)  # noqa: E731
        assert numbers(en) == numbers(ko), en.get_text()[:80]
        refs = lambda block: sorted(a["href"] for a in block.find_all("a", href=True))  # noqa: E731
        assert refs(en) == refs(ko), en.get_text()[:80]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_glued_numbers_equal_the_package_values(pages, expected_glue, chapter):
    for lang in ("en", "ko"):
        sources = _source_blocks(chapter, lang)
        rendered = _blocks(pages[chapter], lang)
        assert len(sources) == len(rendered)
        for source, block in zip(sources, rendered, strict=True):
            keys = [k for k in GLUE_ROLE.findall(source) if k not in PHRASES]
            assert _pasted(block) == [expected_glue[k] for k in keys], source[:80]


def test_source_blocks_pair_their_glue_keys_and_figures():
    for chapter in CHAPTERS:
        for en, ko in zip(_source_blocks(chapter, "en"), _source_blocks(chapter, "ko"), strict=True):
            keys = lambda block: sorted(map(_pair_key, GLUE_ROLE.findall(block)))  # noqa: E731
            assert keys(en) == keys(ko), (chapter, en[:60])
            assert not [k for k in GLUE_ROLE.findall(en) if k.endswith("_ko")], (chapter, en[:60])
            assert sorted(NUMREF_ROLE.findall(en)) == sorted(NUMREF_ROLE.findall(ko)), (chapter, en[:60])


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_demo_notice_on_every_page(pages, chapter):
    notice = _article(pages[chapter]).find("div", class_="pifi-data-notice")
    assert notice is not None and notice["data-source"] == "demo"
    assert "not measurements" in notice.find("div", class_="lang-en").get_text()
    assert "측정값이 아니다" in notice.find("div", class_="lang-ko").get_text()


def test_five_figures_embedded_numbered_and_bilingual(html_dir, pages):
    numbers = []
    for chapter, anchor in FIGURES.items():
        figure = pages[chapter].find("figure", id=anchor)
        assert figure is not None, anchor
        img = figure.find("img")
        assert (html_dir / "book" / img["src"]).is_file(), img["src"]
        caption = figure.find("figcaption")
        assert caption.find("span", class_="lang-en") and caption.find("span", class_="lang-ko")
        # The caption names the source, in each language.
        en = " ".join(t.get_text() for t in caption.find_all("span", class_="lang-en"))
        ko = " ".join(t.get_text() for t in caption.find_all("span", class_="lang-ko"))
        assert "illustrative simulation, not measurements" in en
        assert "예시용 시뮬레이션" in ko
        if chapter == "sample_size":  # the demo logs selection time: panel (c) is described as data
            assert "(c) Selection time, mean and 95% t-interval over tasks." in en
            assert "(c) 선택 시간의 태스크 평균과 95% 신뢰구간." in ko
        numbers.append(caption.find("span", class_="caption-number").get_text().strip())
        # Cross-referenced from the prose of its own chapter, in both languages.
        links = [a for a in _article(pages[chapter]).find_all("a", href=f"#{anchor}")]
        assert len(links) >= 2
    # After the main-results and selection-signals chapters' figures.
    first = len(LAYER_FIGURE_NAMES) + 1
    assert numbers == [f"Figure {i}" for i in range(first, first + len(FIGURES))]


def figure_markup_problems(html_dir: Path, figure: Tag) -> list[str]:
    """A figure's image: a link to itself at full size named "Figure N, full size" (the image's
    alt empty and the figure named by its number: the caption is read once), with a phone
    layout (taller than wide) for narrow screens."""
    problems = []
    img = figure.find("img")
    number = figure.find("span", class_="caption-number")
    if img.get("alt") != "":
        problems.append(f"alt {img.get('alt')!r}")
    if number is None or figure.get("aria-labelledby") != number.get("id"):
        problems.append("figure not named by its number")
    link = img.find_parent("a")
    if link is None or link["href"] != img["src"] or "pifi-full-size" not in link.get("class", []):
        problems.append("no full-size link")
    elif number is not None and link.get("aria-label") != f"{number.get_text().strip()}, full size":
        problems.append(f"full-size link named {link.get('aria-label')!r}")
    source = img.find_parent("picture").find("source") if img.find_parent("picture") else None
    if source is None or source.get("media") != "(max-width: 575.98px)":
        problems.append("no phone source")
    else:
        phone = html_dir / "book" / source["srcset"]
        width, height = struct.unpack(">II", phone.read_bytes()[16:24])  # the PNG's IHDR
        if height <= width:
            problems.append(f"phone image {width}x{height} is not stacked")
    return problems


def test_the_pages_draw_no_print_svg(html_dir):
    """The pages' kernels glue each figure's PNG alone: the print SVG is drawn only by the
    single-page build that `make pdf` prints (tests/test_pdf.py checks it there)."""
    import json

    glued = {}
    for file in (html_dir.parent / "jupyter_execute").rglob("*.glue.json"):
        glued.update(json.loads(file.read_text(encoding="utf-8")))
    figures = {key: output["data"] for key, output in glued.items() if key.startswith("fig_")}
    assert {f"fig_{name}" for name in FIGURES} <= set(figures)
    assert [key for key, data in figures.items() if "image/png" not in data] == []
    assert [key for key, data in figures.items() if "image/svg+xml" in data] == []


def test_figures_are_described_linked_and_served_for_phones(html_dir, pages):
    for chapter, anchor in FIGURES.items():
        figure = pages[chapter].find("figure", id=anchor)
        assert figure_markup_problems(html_dir, figure) == [], chapter
        assert "full-width" not in figure["class"]


@pytest.mark.parametrize("chapter", list(FIGURES))
def test_tables_are_bilingual_and_labelled_as_demo(pages, chapter):
    block = _article(pages[chapter]).find("div", id=f"table-{chapter}")
    assert block is not None
    en, ko = block.find("div", class_="lang-en"), block.find("div", class_="lang-ko")
    assert en.find("table") and ko.find("table")
    assert "Illustrative simulation" in en.get_text()
    assert "시뮬레이션" in ko.get_text()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_code_is_out_of_the_reading_but_folded_at_the_end_and_no_errors(pages, chapter):
    """The cells' code shows nowhere in the flow of the page; one closed block at its end
    holds all of it, in order, for the reader who opens it."""
    article = _article(pages[chapter])
    cells = article.find_all("div", class_="cell")
    assert cells
    for cell in cells:
        assert "tag_hide-input" in cell["class"]
        assert cell.find(class_="cell_input") is None
    source = _demo_source(chapter)
    folded = article.find_all("details", class_="pifi-page-code")
    assert len(folded) == 1 and not folded[0].has_attr("open")
    code = [c.get_text() for c in folded[0].find_all(class_="cell_input")]
    assert len(code) == len(cells) == source.count("```{code-cell}")
    assert f'setup_page(chapter="{chapter}")' in code[0]
    # At the end: no heading, paragraph or figure of the page comes after it.
    assert folded[0].find_next(["h2", "h3", "figure", "section"]) is None
    assert "Traceback" not in article.get_text()
    assert not article.find(class_="stderr")


def test_default_comparison_phrase_is_pasted_in_the_language_shown(pages, demo):
    found = findings(demo)
    for chapter, prefix in (("keyword_weight", "kw"), ("lambda_scale", "lam")):
        at_best = found[f"{prefix}_best"].value == found[f"{prefix}_default"].value
        for lang in ("en", "ko"):
            block = _blocks(pages[chapter], lang)[-1]
            phrase = block.find("span", class_="text_html").find("span", class_=f"lang-{lang}").get_text()
            if at_best:
                assert phrase in ("the default is the best mean", "기본값에서 최고 평균을 얻는다")
            else:
                assert found[f"{prefix}_default_shortfall"].text in phrase
                assert "below the best mean" in phrase or "낮다" in phrase


@pytest.mark.parametrize(("name", "number"), [(name, i + 1) for i, name in enumerate(FIGURES)])
def test_tables_are_numbered_in_book_order(pages, name, number):
    # The main-results and selection-signals chapters' tables and figures come first.
    table_number = number + BOOK_TABLES.index(name) - list(FIGURES).index(name)
    block = _article(pages[name]).find("div", id=f"table-{name}")
    en = block.find("div", class_="lang-en").find("p", class_="pifi-table-caption").get_text()
    ko = block.find("div", class_="lang-ko").find("p", class_="pifi-table-caption").get_text()
    assert en.startswith(f"Table {table_number}. ") and ko.startswith(f"표 {table_number}. ")
    figure = pages[name].find("figure", id=FIGURES[name]).find("span", class_="caption-number").get_text()
    assert figure.strip() == f"Figure {number + len(LAYER_FIGURE_NAMES)}"


def test_method_cites_pifi_and_qwen2(pages):
    text = _article(pages["method"]).get_text().lower()
    assert "plug-in and fine-tuning" in text
    assert "qwen2 technical report" in text
    assert len(_article(pages["method"]).find_all("a", href=re.compile(r"#id\d|kim2025|yang2024"))) >= 2


# The book's own scripts, in the order they must load: accessibility's fixes before the
# switch puts the theme's words into the language shown; the switch before the theme's words
# and the search, which call what it defines; the theme's words before the search, likewise.
BOOK_SCRIPTS = ("accessibility.js", "language.js", "theme_words.js", "search_ko.js")


def _script_names(soup: BeautifulSoup) -> list[str]:
    return [tag["src"].rsplit("/", 1)[-1].split("?")[0] for tag in soup.find_all("script", src=True)]


def test_language_switch_is_loaded_on_every_page(html_dir, pages):
    search = BeautifulSoup((html_dir / "search.html").read_text(encoding="utf-8"), "html.parser")
    for soup in [*pages.values(), search]:
        names = _script_names(soup)
        assert [name for name in names if name in BOOK_SCRIPTS] == list(BOOK_SCRIPTS)
        # In the head, neither deferred nor async: the language is named before the body is drawn.
        for name in BOOK_SCRIPTS:
            tag = soup.find("script", src=re.compile(rf"_static/{re.escape(name)}\b"))
            assert tag.find_parent("head") is not None
            assert not tag.has_attr("defer") and not tag.has_attr("async")
    # Sphinx's search tools come after the search's adaptation, which must register its
    # DOMContentLoaded handler before theirs starts the search.
    names = _script_names(search)
    assert names.index("search_ko.js") < names.index("searchtools.js")
    for name in BOOK_SCRIPTS:
        assert (html_dir / "_static" / name).is_file()
    assert (html_dir / "_static" / "mathjax" / "startup.js").is_file()


def test_a_cell_that_raises_fails_the_build(tmp_path):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["sphinx"].pop("local_extensions", None)
    config.pop("bibtex_bibfiles", None)
    book = tmp_path / "book"
    book.mkdir()
    (book / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (book / "_toc.yml").write_text("format: jb-book\nroot: page\n", encoding="utf-8")
    (book / "page.md").write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n"
        "  name: python3\n  display_name: Python 3\n---\n# Page\n\n"
        "```{code-cell} ipython3\nraise RuntimeError('deliberate failure')\n```\n",
        encoding="utf-8")
    result = build_book(book, tmp_path / "out")
    assert result.returncode != 0
    assert "deliberate failure" in result.stdout + result.stderr


def test_default_comparison_names_a_best_default_or_its_shortfall():
    def found(best: float, default: float, shortfall: float) -> dict[str, Finding]:
        return {"kw_best": Finding("kw_best", best, "setting", ""),
                "kw_default": Finding("kw_default", default, "setting", ""),
                "kw_default_shortfall": Finding("kw_default_shortfall", shortfall, "pp", "")}

    same = default_comparison(found(0.65, 0.65, 0.0), "kw")
    assert "the default is the best mean" in same.markup and "기본값에서 최고 평균을 얻는다" in same.markup
    assert "0.0" not in same.markup
    below = default_comparison(found(0.75, 0.65, 0.0404), "kw")  # recovery is a fraction
    assert below.text == "4.0 percentage points of recovery below the best mean"
    assert ">최고 평균보다 회복률이 4.0%p 낮다<" in below.markup


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_markup_is_left_unrendered(pages, chapter):
    """Emphasis that CommonMark could not close (``**{glue}`x`**에서``: a closing ``**``
    between a backtick and a letter) shows its asterisks; none may."""
    assert "**" not in _article(pages[chapter]).get_text()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_p_values_are_stated_with_their_relation(pages, chapter):
    """A p below 0.001 reads "p < 0.001", never "p = < 0.001"."""
    text = " ".join(_article(pages[chapter]).get_text().split())
    assert not re.search(r"p\s*=\s*[<>]", text)


def test_a_small_p_is_glued_with_its_relation():
    from pifi_ablation.pages import stated_p
    found = findings(pifi_ablation.load("demo"))
    found["main_auto_vs_last_diff_p"] = Finding("main_auto_vs_last_diff_p", 1e-6, "p", "")
    tiny = glue_texts(found, demo=True)
    assert tiny["main_auto_vs_last_diff_p_stated"] == "p < 0.001"
    assert stated_p(Finding("x_p", 0.5, "p", "")) == "p = 0.500"


@pytest.mark.parametrize("name", ["sample_size", "keyword_weight", "lambda_scale"])
def test_sweep_chapters_have_a_bilingual_paired_table(pages, demo, name):
    number = BOOK_TABLES.index(name) + 1  # numbered in book order; the paired table takes a "b"
    from pifi_ablation import paired

    block = _article(pages[name]).find("div", id=f"table-{name}_paired")
    assert block is not None
    en, ko = block.find("div", class_="lang-en"), block.find("div", class_="lang-ko")
    assert en.find("p", class_="pifi-table-caption").get_text().startswith(f"Table {number}b. ")
    assert ko.find("p", class_="pifi-table-caption").get_text().startswith(f"표 {number}b. ")
    assert "same data" in en.get_text() and "over tasks" in en.get_text()
    assert "대응 비교" in ko.get_text()
    # One row per non-default setting, its difference computed here independently.
    table = getattr(demo, name)
    setting = {"sample_size": "n_samples"}.get(name, name)
    default = {"sample_size": 200, "keyword_weight": 0.65, "lambda_scale": 3.0}[name]
    rows = en.find("table").find("tbody").find_all("tr")
    wide = table.pivot_table(index="task", columns=setting, values="recovery_rate")
    others = [v for v in wide.columns if v != default]
    assert len(rows) == len(others)
    for row, value in zip(rows, others, strict=True):
        cells = [td.get_text() for td in row.find_all("td")]
        d = wide[value] - wide[default]
        assert float(cells[1].split(" ")[0]) == pytest.approx(100 * d.mean(), abs=0.051)
        counts = ((d > paired.SAME).sum(), (d.abs() <= paired.SAME).sum(), (d < -paired.SAME).sum())
        assert cells[2] == "/".join(str(int(k)) for k in counts)


def test_summary_quotes_the_verdicts_and_shows_the_paired_figure(html_dir, pages, expected_glue):
    article = _article(pages["summary"])
    en = " ".join(b.get_text() for b in _blocks(pages["summary"], "en"))
    ko = " ".join(b.get_text() for b in _blocks(pages["summary"], "ko"))
    for prefix in ("ss", "kw", "lam", "model"):
        assert expected_glue[f"{prefix}_verdict"] in en
        assert expected_glue[f"{prefix}_verdict_ko"] in ko
    assert expected_glue["task_rho_p_exact"] in en
    assert "overlapping intervals mean" not in en
    figure = article.find("figure", id="fig-paired")
    assert figure is not None and (html_dir / "book" / figure.find("img")["src"]).is_file()
    assert figure_markup_problems(html_dir, figure) == []
