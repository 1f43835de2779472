"""Figures and tables as a reader of any kind meets them, in headless Chromium (issue 18, points
5 and 9): the data under every figure, captions read once, permalinks reached by hover and by
keyboard, named regions and links, the colour-mode button, the scroll cue of wide tables and a
phone's tap on a figure.

The browser, the server of the built book and axe-core are those of ``test_browser.py``.
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from playwright.sync_api import Page

from test_browser import _open, _url, browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.book

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Every chapter with a figure, and the figures on it.
FIGURES = {"main_results": ("main-results", "layer-curves"), "selection_signals": ("selection-signals",),
           "sample_size": ("sample-size",), "keyword_weight": ("keyword-weight",),
           "lambda_scale": ("lambda-scale",), "task_sensitivity": ("task-sensitivity",),
           "model_size": ("model-size",), "summary": ("paired",)}
TABLE_CHAPTERS = ("main_results", "selection_signals", "sample_size", "model_size")


def _page(browser, viewport=WIDE) -> tuple[object, Page]:
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    return context, context.new_page()


def _number(page: Page, anchor: str) -> str:
    return page.inner_text(f"#fig-{anchor} .caption-number").strip().split()[-1].rstrip(".")


@pytest.mark.parametrize("chapter", sorted(FIGURES))
def test_every_figure_has_its_data_as_csv_and_as_a_table_with_heads_in_the_language_shown(
        browser, server, chapter):
    context, page = _page(browser)
    _open(page, f"{_url(server, chapter)}?lang=en")
    for anchor in FIGURES[chapter]:
        number = _number(page, anchor)
        block = page.locator(f"#data-{anchor}")
        assert block.count() == 1, anchor
        link = block.locator("a.pifi-data-link")
        assert link.inner_text().startswith("Data (CSV)")
        parsed = pd.read_csv(io.StringIO(page.request.get(link.evaluate("a => a.href")).text()))
        assert len(parsed) > 0
        block.locator("summary").click()
        region = block.locator("[role=region]")
        assert region.get_attribute("aria-label") == f"Data behind figure {number}"
        table = region.locator("table")
        rows = table.evaluate("t => t.tBodies[0].rows.length")
        heads = table.evaluate("t => [...t.tHead.rows[0].cells].map(c => c.innerText.trim())")
        assert rows == len(parsed)
        assert heads == [str(c) for c in parsed.columns]
    page.click("#pifi-language-switch [data-lang=ko]")
    for anchor in FIGURES[chapter]:
        block = page.locator(f"#data-{anchor}")
        assert block.locator("a.pifi-data-link").inner_text().startswith("데이터(CSV)")
        heads = block.locator("table").evaluate(
            "t => [...t.tHead.rows[0].cells].map(c => c.innerText.trim())")
        assert all(HANGUL.search(h) for h in heads if h not in ("PCL 점수",)), heads
        assert "task" not in heads and "recovery_rate" not in heads
    context.close()


@pytest.mark.parametrize("chapter", ["sample_size", "main_results", "summary"])
def test_a_caption_is_read_once_and_the_full_size_link_is_named(browser, server, chapter):
    context, page = _page(browser)
    for lang, name in (("en", "Figure {n}, full size"), ("ko", "그림 {n} 원본 크기")):
        _open(page, f"{_url(server, chapter)}?lang={lang}")
        for anchor in FIGURES[chapter]:
            figure = page.locator(f"#fig-{anchor}")
            number = _number(page, anchor)
            link = figure.locator("a.pifi-full-size")
            assert link.get_attribute("aria-label") == name.format(n=number)
            assert all(img.get_attribute("alt") == "" for img in figure.locator("img").all())
            caption = figure.locator(f"figcaption .caption-text .lang-{lang}").first.inner_text().strip()
            tree = figure.aria_snapshot()
            assert tree.count(caption[:40]) == 1, tree
            assert name.format(n=number) in tree
    context.close()


def _opacity(locator) -> float:
    return float(locator.evaluate("el => getComputedStyle(el).opacity"))


def test_figure_and_table_permalinks_show_on_hover_and_on_keyboard_focus(browser, server):
    context, page = _page(browser)
    _open(page, f"{_url(server, 'sample_size')}?lang=en")
    figure = page.locator("#fig-sample-size")
    permalink = figure.locator("a.headerlink")
    assert permalink.get_attribute("href") == "#fig-sample-size"
    page.mouse.move(1, 1)
    assert _opacity(permalink) == 0
    figure.locator("figcaption").hover()
    assert _opacity(permalink) == 1
    page.mouse.move(1, 1)
    figure.locator("a.pifi-full-size").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#fig-sample-size"
    assert _opacity(permalink) == 1

    block = page.locator("#table-sample_size")
    table_link = block.locator(".lang-en a.headerlink")
    assert table_link.get_attribute("href") == "#table-sample_size"
    assert _opacity(table_link) == 0
    block.locator(".lang-en table").hover()
    assert _opacity(table_link) == 1
    page.mouse.move(1, 1)
    table_link.focus()
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#table-sample_size"
    assert _opacity(table_link) == 1
    context.close()


@pytest.mark.parametrize("chapter", TABLE_CHAPTERS)
def test_chapter_tables_have_a_caption_read_once_and_a_named_scrolling_box(browser, server, chapter):
    context, page = _page(browser)
    for lang, word in (("en", "Table"), ("ko", "표")):
        _open(page, f"{_url(server, chapter)}?lang={lang}")
        blocks = page.locator(f".pifi-table-block > div.lang-{lang}")
        assert blocks.count() > 0
        for i in range(blocks.count()):
            block = blocks.nth(i)
            shown = block.locator("p.pifi-table-caption")
            number = re.match(rf"{word} (\d+b?)\.", shown.inner_text().strip()).group(1)
            caption = block.locator("table caption")
            assert caption.count() == 1
            hidden = shown.locator("span[aria-hidden=true]")
            assert caption.text_content().strip() == hidden.text_content().strip()
            region = block.locator(".pifi-table-scroll")
            assert region.get_attribute("role") == "region"
            assert region.get_attribute("aria-label") == f"{word} {number}"
            tree = block.aria_snapshot()
            assert tree.count(caption.text_content().strip()[:40]) == 1, tree
    context.close()


def test_the_colour_mode_button_says_which_mode_is_on(browser, server):
    words = {"en": {"light": "Color mode: Light", "dark": "Color mode: Dark",
                    "auto": "Color mode: System Settings"},
             "ko": {"light": "색상 모드: 밝게", "dark": "색상 모드: 어둡게",
                    "auto": "색상 모드: 시스템 설정"}}
    context, page = _page(browser)
    context.add_init_script("localStorage.setItem('mode', 'light'); localStorage.setItem('theme', 'light');")
    _open(page, f"{_url(server, 'method')}?lang=en")
    button = next(b for b in page.locator(".theme-switch-button").all() if b.is_visible())
    assert button.get_attribute("aria-label") == words["en"]["light"]
    seen = set()
    for lang in ("en", "ko", "en"):
        page.click(f"#pifi-language-switch [data-lang={lang}]")
        before = page.evaluate("document.documentElement.dataset.mode")
        button.click()
        page.wait_for_function(f"() => document.documentElement.dataset.mode !== '{before}'")
        mode = page.evaluate("document.documentElement.dataset.mode")
        seen.add(mode)
        assert button.get_attribute("aria-label") == words[lang][mode]
        assert button.get_attribute("data-bs-title") == words[lang][mode]
    assert seen == {"light", "dark", "auto"}
    context.close()


def test_a_wide_table_on_a_phone_says_that_it_scrolls(browser, server):
    context, page = _page(browser, PHONE)
    for lang, words in (("en", "Scroll sideways"), ("ko", "옆으로 밀어")):
        _open(page, f"{_url(server, 'main_results')}?lang={lang}")
        box = page.locator(f"#table-main_results .lang-{lang} .pifi-table-scroll")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth")
        assert "pifi-scrolls" in box.get_attribute("class")
        assert box.evaluate("b => getComputedStyle(b).backgroundImage").count("gradient") == 4
        hint = page.locator(f"#table-main_results .lang-{lang} p.pifi-scroll-hint")
        assert hint.is_visible() and words in hint.inner_text()
    _open(page, f"{_url(server, 'sample_size')}?lang=en")
    narrow = page.locator("#table-sample_size_paired .lang-en .pifi-table-scroll")
    if narrow.evaluate("b => b.scrollWidth <= b.clientWidth"):
        assert page.locator("#table-sample_size_paired .lang-en p.pifi-scroll-hint").count() == 0
    context.close()


def test_a_tapped_phone_figure_opens_its_phone_layout(browser, server):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, has_touch=True, is_mobile=True)
    page = context.new_page()
    _open(page, f"{_url(server, 'sample_size')}?lang=en")
    link = page.locator("#fig-sample-size a.pifi-full-size")
    assert re.search(r"sample_size-phone-[0-9a-f]+\.png$", link.get_attribute("href"))
    link.tap()
    page.wait_for_url(re.compile(r"-phone-[0-9a-f]+\.png$"))
    context.close()
    context, page = _page(browser)
    _open(page, f"{_url(server, 'sample_size')}?lang=en")
    assert "-phone-" not in page.locator("#fig-sample-size a.pifi-full-size").get_attribute("href")
    context.close()


@pytest.mark.parametrize("width", [320, 390])
def test_phone_titles_keep_to_their_lines_and_nothing_spills(browser, server, width):
    """No blank line under a title (its hidden permalink wrapped), no title or header wider than
    the screen, and "한국어" on one line."""
    from book_build import CHAPTERS

    context, page = _page(browser, {"width": width, "height": 800})
    for chapter in CHAPTERS:
        for lang in ("en", "ko"):
            _open(page, f"{_url(server, chapter)}?lang={lang}")
            found = page.evaluate(f"""() => {{
                const h = document.querySelector('article h1');
                const shown = h.querySelector('.lang-{lang}') || h;
                const buttons = [...document.querySelectorAll('#pifi-language-switch button')];
                return {{extra: h.getBoundingClientRect().height - shown.getBoundingClientRect().height,
                         wide: document.documentElement.scrollWidth,
                         buttons: buttons.map(b => Math.round(b.getBoundingClientRect().height))}};
            }}""")
            view = f"{chapter}-{lang}-{width}"
            assert found["extra"] < 8, (view, found)
            assert found["wide"] <= width, (view, found)
            assert len(set(found["buttons"])) == 1, (view, found)
    context.close()


def test_phone_figures_text_reads_at_about_13_px(browser, server):
    from pifi_ablation import style

    context, page = _page(browser, PHONE)
    for chapter in ("sample_size", "main_results", "summary"):
        _open(page, f"{_url(server, chapter)}?lang=en")
        for anchor in FIGURES[chapter]:
            img = page.locator(f"#fig-{anchor} picture.lang-en img")
            shown = img.evaluate("i => ({src: i.currentSrc, width: i.getBoundingClientRect().width})")
            assert "-phone-" in shown["src"]
            smallest = style.MIN_FONT_PT * shown["width"] / (72 * style.PHONE_WIDTH_IN)
            assert 12.5 <= smallest <= 15, (anchor, smallest)
    context.close()


SEARCH_CONTROLS = ".search-button-field, button.search-button"


@pytest.mark.parametrize("width", [1280, 1000, 800, 390])
def test_one_search_box_at_every_width(browser, server, width):
    context, page = _page(browser, {"width": width, "height": 900})
    _open(page, f"{_url(server, 'method')}?lang=en")
    shown = page.evaluate(f"""() => [...document.querySelectorAll('{SEARCH_CONTROLS}')].filter(e => {{
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; }}).length""")
    assert shown == 1
    context.close()


def _article_text(html_dir, chapter: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((html_dir / "book" / f"{chapter}.html").read_text(encoding="utf-8"), "html.parser")
    for code in soup.select(".pifi-page-code-block"):
        code.decompose()
    return soup.find("article").get_text(" ")


def test_a_demo_build_has_no_empty_coverage_section(html_dir):
    text = _article_text(html_dir, "reproducibility")
    assert "Coverage of the ablation grid" not in text and "채움 현황" not in text
    assert "no grid to cover" not in text
    toc = (html_dir / "book" / "reproducibility.html").read_text(encoding="utf-8")
    assert "#coverage-of-the-ablation-grid" not in toc


def test_no_jargon_or_pointers_into_a_closed_fold(html_dir):
    """Words a paper reader meets without the repository's history: "the box above" (the notice,
    folded), "the seed notebook's generators", "the paper's macro file"."""
    for chapter in ("intro", "summary", "main_results", "selection_signals", "reproducibility"):
        text = " ".join(_article_text(html_dir, chapter).split())
        for phrase in ("the box above", "위 상자", "seed notebook's generators", "macro file",
                       "노트북의 생성기", "매크로 파일"):
            assert phrase not in text, (chapter, phrase)


def test_the_summarys_links_name_their_chapters(html_dir):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((html_dir / "book" / "summary.html").read_text(encoding="utf-8"), "html.parser")
    for lang in ("en", "ko"):
        links = [a.get_text(" ", strip=True) for block in soup.find("article").select(f"div.lang-{lang}")
                 for a in block.select("a.reference.internal") if ".html" in a.get("href", "")]
        assert len(links) >= 7 and len(set(links)) == len(links), links
        assert not any(t.lower() in ("chapter", "this chapter", "장") for t in links), links


def test_the_citation_box_shows_what_is_set_and_hides_what_anonymous_mode_hides(browser, server):
    """The book's own settings (no paper set, no repository, not anonymous): PiFi's links, the
    appendix's BibTeX and the data downloads, in the language shown.  Then the box that
    anonymous mode writes, with a paper and a repository set, in its place on the page."""
    import sys
    from pathlib import Path
    from types import SimpleNamespace

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
    import citation_box

    context, page = _page(browser)
    _open(page, f"{_url(server, 'intro')}?lang=en")
    box = page.locator(".pifi-citation-box")
    assert box.is_visible()
    text = box.inner_text()
    assert "BibTeX of this appendix" in text and "@misc{pifi-ablation-appendix" in text
    assert "aclanthology.org" in box.locator("a[href*=aclanthology]").get_attribute("href")
    assert "The paper" not in text and "Repository" not in text  # neither is set
    assert box.locator(".pifi-downloads a[href$='.csv']").count() > 0
    page.click("#pifi-language-switch [data-lang=ko]")
    text = box.inner_text()
    assert "이 부록의 BibTeX" in text and "BibTeX of this appendix" not in text

    paper = {"title": "Choosing the layer", "venue": "ACL 2026", "url": "https://example.org/p",
             "bibtex": "@inproceedings{ours, title={Choosing the layer}}"}
    for anonymous in (False, True):
        config = SimpleNamespace(pifi_anonymous=anonymous, pifi_paper=paper,
                                 pifi_repository="https://example.org/repo")
        page.evaluate("markup => { document.querySelector('.pifi-citation-box').outerHTML = markup; }",
                      citation_box.box_html(config))
        for lang in ("en", "ko"):
            page.click(f"#pifi-language-switch [data-lang={lang}]")
            text = page.locator(".pifi-citation-box").inner_text()
            assert "Choosing the layer" in text
            for hidden in ("@inproceedings", "@misc", "example.org/repo", "authors"):
                assert (hidden in text) != anonymous, (anonymous, lang, hidden)
    context.close()


def test_korean_mode_shows_korean_figures_and_links_them(browser, server):
    """English mode the English figure, Korean mode the Korean one (its phone layout on a
    phone), drawn with Hangul; the full-size link follows."""
    for viewport, kind in ((WIDE, "ko"), (PHONE, "ko-phone")):
        context, page = _page(browser, viewport)
        _open(page, f"{_url(server, 'sample_size')}?lang=en")
        figure = page.locator("#fig-sample-size")
        shown = figure.locator("img").evaluate_all(
            "imgs => imgs.filter(i => i.getClientRects().length).map(i => i.currentSrc)")
        assert len(shown) == 1 and "-ko-" not in shown[0]
        page.click("#pifi-language-switch [data-lang=ko]")
        page.wait_for_function("""() => [...document.querySelectorAll('#fig-sample-size img')]
            .some(i => i.getClientRects().length && i.complete && i.naturalWidth > 0
                       && i.currentSrc.includes('-ko-'))""")
        shown = figure.locator("img").evaluate_all(
            "imgs => imgs.filter(i => i.getClientRects().length).map(i => i.currentSrc)")
        assert len(shown) == 1 and re.search(rf"sample_size-{kind}-[0-9a-f]+\.png$", shown[0]), shown
        assert re.search(rf"sample_size-{kind}-[0-9a-f]+\.png$",
                         figure.locator("a.pifi-full-size").get_attribute("href"))
        context.close()
