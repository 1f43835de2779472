"""A reader arriving from the paper, in headless Chromium (issue 18): phone and tablet
navigation, print from the dark theme, the root page, search excerpts, page weight.

The browser, the server of the built book and axe-core are those of ``test_browser.py``.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page
from pypdf import PdfReader
from pypdf.generic import ContentStream

from book_build import CHAPTERS
from pdf_text import page_texts
from test_browser import FIGURE_CHAPTERS as CHAPTERS_WITH_FIGURES
from test_browser import _open, _url, axe_source, browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.book

TABLET = {"width": 800, "height": 1100}
PHONE = {"width": 390, "height": 844}


def _touch_context(browser: Browser, viewport: dict[str, int], theme: str = "light"):
    context = browser.new_context(viewport=viewport, device_scale_factor=1, has_touch=True,
                                  is_mobile=True)
    context.add_init_script(f"localStorage.setItem('mode', '{theme}');"
                            f"localStorage.setItem('theme', '{theme}');")
    return context


def _visible_toggle(page: Page, kind: str):
    """The ☰ (``primary``) or ☷ (``secondary``) button a reader sees."""
    toggles = page.locator(f"button.{kind}-toggle")
    shown = [toggles.nth(i) for i in range(toggles.count()) if toggles.nth(i).is_visible()]
    assert len(shown) == 1, f"{len(shown)} visible {kind} toggles"
    return shown[0]


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["390", "800"])
def test_a_tap_on_the_chapter_list_opens_it_and_its_links_work(browser, server, viewport):
    context = _touch_context(browser, viewport)
    page = context.new_page()
    _open(page, f"{_url(server, 'method')}?lang=ko")
    _visible_toggle(page, "primary").tap()
    dialog = page.locator("#pst-primary-sidebar-modal")
    page.wait_for_function("() => document.querySelector('#pst-primary-sidebar-modal').open", timeout=5000)
    link = dialog.locator("a.reference[href*='lambda_scale']").first
    assert link.is_visible()
    assert "람다" in link.inner_text()
    link.tap()
    page.wait_for_url("**/lambda_scale.html*")
    assert page.get_attribute("html", "data-lang") == "ko"
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["390", "800"])
def test_a_tap_on_this_page_contents_opens_it_and_its_links_work(browser, server, viewport):
    context = _touch_context(browser, viewport)
    page = context.new_page()
    _open(page, f"{_url(server, 'method')}?lang=en")
    _visible_toggle(page, "secondary").tap()
    page.wait_for_function("() => document.querySelector('#pst-secondary-sidebar-modal').open", timeout=5000)
    dialog = page.locator("#pst-secondary-sidebar-modal")
    link = dialog.locator("nav a.nav-link").nth(1)
    assert link.is_visible()
    target = link.get_attribute("href")
    assert target and target.startswith("#")
    link.tap()
    page.wait_for_function("() => !document.querySelector('#pst-secondary-sidebar-modal').open")
    assert page.url.endswith(target)
    top = page.evaluate(f"document.getElementById('{target[1:]}').getBoundingClientRect().top")
    assert 0 <= top < viewport["height"] / 2
    context.close()


def _luminance(rgb: tuple[float, ...]) -> float:
    def f(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)


def _text_fill_colours(pdf: Path) -> list[tuple[float, ...]]:
    """The fill colour of every text run drawn in the PDF (``rg``/``g`` before ``Tj``/``TJ``)."""
    colours = []
    for page in PdfReader(pdf).pages:
        fill: tuple[float, ...] = (0.0, 0.0, 0.0)
        stack = []
        for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
            if operator == b"q":
                stack.append(fill)
            elif operator == b"Q" and stack:
                fill = stack.pop()
            elif operator == b"rg":
                fill = tuple(float(v) for v in operands)
            elif operator == b"g":
                fill = (float(operands[0]),) * 3
            elif operator in (b"Tj", b"TJ"):
                colours.append(fill)
    return colours


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_printing_from_the_dark_theme_prints_light_with_every_fold_open(browser, server, html_dir,
                                                                        lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
    page = context.new_page()
    _open(page, f"{_url(server, 'method')}?lang={lang}")
    assert page.get_attribute("html", "data-theme") == "dark"
    folded = page.evaluate(f"""() => [...document.querySelectorAll('.pifi-data-notice details')]
        .filter(d => !d.open && d.closest('.lang-{lang}'))
        .map(d => [...d.children].filter(c => c.tagName !== 'SUMMARY').map(c => c.textContent).join(' '))""")
    assert folded, "the notice folds its explanation"
    pdf = html_dir.parent / "screenshots" / f"method-{lang}-dark-print.pdf"
    pdf.parent.mkdir(exist_ok=True)
    page.pdf(path=str(pdf), format="A4", print_background=True)

    colours = _text_fill_colours(pdf)
    assert colours, "the PDF has text"
    light = [c for c in colours if _luminance(c) > 0.3]
    assert light == [], f"{len(light)} of {len(colours)} text runs printed in light colours"
    printed = re.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(page_texts(pdf))))
    for text in folded:
        words = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))[:60]
        assert words in printed, words
    # Afterwards the page is as the reader left it.
    assert page.get_attribute("html", "data-theme") == "dark"
    assert page.evaluate("[...document.querySelectorAll('.pifi-data-notice details')].every(d => !d.open)")
    context.close()


def test_the_root_page_keeps_the_language_and_the_anchor(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    raw = page.request.get(f"{server}/")
    text = raw.text()
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert re.search(r'<html lang="en">', text) and re.search(r"<title>[^<]+</title>", text)
    page.goto(f"{server}/?lang=ko#how-to-read-it", wait_until="networkidle")
    assert page.url.endswith("/book/intro.html?lang=ko#how-to-read-it"), page.url
    assert page.get_attribute("html", "data-lang") == "ko"
    # Without JavaScript, the page still forwards (to the first chapter).
    quiet = browser.new_context(java_script_enabled=False)
    plain = quiet.new_page()
    plain.goto(f"{server}/", wait_until="load")
    plain.wait_for_url("**/book/intro.html", timeout=5000)
    quiet.close()
    icon = page.request.get(f"{server}/favicon.ico")
    assert icon.ok and icon.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    context.close()


def test_the_copy_button_speaks_the_language_shown(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _open(page, f"{_url(server, 'method')}?lang=ko")
    button = page.locator("button.copybtn").first
    assert button.get_attribute("data-tooltip") == "복사"
    assert button.get_attribute("aria-label") == "클립보드에 복사"
    page.click("#pifi-language-switch [data-lang=en]")
    assert button.get_attribute("data-tooltip") == "Copy"
    page.click("#pifi-language-switch [data-lang=ko]")
    page.evaluate("document.querySelector('details.pifi-page-code').open = true")
    button.click()
    assert button.get_attribute("data-tooltip") == "복사됨"
    assert "Copied" not in button.inner_html()
    context.close()


# Uncompressed bytes a page asks for: without mathematics at most 1 MB, with it at most 2.5 MB.
PAGE_BUDGET = {False: 1_000_000, True: 2_500_000}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_page_weighs_what_its_reader_needs(browser, server, html_dir, chapter):
    """Every file a page loads, measured on disk (uncompressed), and its icons still drawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    paths: list[str] = []
    page.on("request", lambda req: paths.append(urlparse(req.url).path))
    _open(page, f"{_url(server, chapter)}?lang=ko")
    page.wait_for_timeout(300)
    files = [html_dir / unquote(p).lstrip("/") for p in paths]
    assert all(f.is_file() for f in files), [str(f) for f in files if not f.is_file()]
    weight = sum(f.stat().st_size for f in files)
    has_math = page.evaluate("document.querySelectorAll('article mjx-container').length > 0")
    assert weight <= PAGE_BUDGET[has_math], (chapter, weight, sorted(
        ((f.stat().st_size, f.name) for f in files), reverse=True)[:5])
    assert not any(p.endswith("fontawesome.js") for p in paths)
    # The English figures, hidden in Korean mode, are not fetched (nor their phone layouts).
    hidden = page.evaluate("""() => [...document.querySelectorAll('article picture.lang-en')].flatMap(
        p => [...p.querySelectorAll('img, source')]
            .map(e => e.getAttribute('src') || e.getAttribute('srcset')))""")
    if chapter in CHAPTERS_WITH_FIGURES:
        assert hidden, "the chapter's figures have an English version"
    fetched = {unquote(p).rsplit("/", 1)[-1] for p in paths}
    assert not fetched & {h.rsplit("/", 1)[-1] for h in hidden}, (chapter, sorted(fetched))
    # The icons are drawn from the subset font: the ☰ button's glyph has a width.
    font = page.evaluate("""() => [...document.fonts].filter(f => f.family.includes('Font Awesome')
        && f.status === 'loaded').map(f => f.weight)""")
    assert font == ["900"], font
    widths = page.evaluate("""() => [...document.querySelectorAll(
        'button.primary-toggle .fa-bars, .theme-switch-button .fa-sun, .search-button .fa-magnifying-glass')]
        .filter(i => i.offsetParent).map(i => i.getBoundingClientRect().width)""")
    assert widths and all(w > 5 for w in widths), widths
    context.close()


def _search(page: Page, server: str, query: str, lang: str) -> list[str]:
    page.goto(f"{server}/search.html?q={query}&lang={lang}", wait_until="networkidle")
    page.wait_for_function("() => document.querySelector('#search-results p.search-summary') &&"
                           " !document.querySelector('#search-results p.search-summary')"
                           ".textContent.includes('...')")
    page.wait_for_timeout(500)  # the excerpts are fetched page by page
    return page.locator("#search-results li p.context").all_inner_texts()


@pytest.mark.parametrize(("query", "lang"), [("lambda", "en"), ("람다", "ko"), ("keyword_weight", "en"),
                                             ("가중치", "ko")])
def test_search_excerpts_read_as_text(browser, server, query, lang):
    """No print-only headings, no TeX, no words or table cells run together."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    excerpts = _search(page, server, query, lang)
    assert excerpts, query
    for text in excerpts:
        assert "Contents" not in text and "목차" not in text, text
        assert "\\" not in text and "{" not in text, text
        assert not re.search(r"[\uac00-\ud7a3][.][\uac00-\ud7a3]|[a-z]{2}[.][A-Z][a-z]", text), text
        assert not re.search(r"\d[a-z]{3,}|[a-z]_[a-z]+\d", text), text  # "keyword_weight3550"
    context.close()


FIGURE_CHAPTERS = ("sample_size", "keyword_weight", "lambda_scale", "task_sensitivity", "model_size")


@pytest.mark.parametrize("chapter", FIGURE_CHAPTERS)
def test_the_data_behind_the_figure_and_the_table_is_on_the_page(browser, server, chapter):
    """Under the figure: a CSV link that parses to the rows of the folded data table; under
    the table: a CSV link whose rows are the table's cells as shown."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _open(page, f"{_url(server, chapter)}?lang=en")
    block = page.locator(f"#data-{chapter.replace('_', '-')}")
    number = page.inner_text("article figure .caption-number").strip().split()[-1].rstrip(".")
    assert block.locator("summary").inner_text().strip() == f"Data behind figure {number}"
    link = block.locator("a.pifi-data-link")
    assert link.inner_text().startswith("Data (CSV)")  # named for screen readers: "…: Data behind figure N"
    parsed = pd.read_csv(io.StringIO(page.request.get(link.evaluate("a => a.href")).text()))
    block.locator("summary").click()
    region = block.locator("[role=region]")
    assert region.get_attribute("aria-label") == f"Data behind figure {number}"
    shown = region.locator("table").evaluate(
        "t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim()))")
    assert len(shown) == len(parsed) > 0
    assert [row[0] for row in shown] == parsed.iloc[:, 0].astype(str).tolist()
    assert region.locator("caption").inner_text().strip() == f"Data behind figure {number}"

    # the chapter table (a sweep's paired table follows, with a link of its own)
    table_link = page.locator("p.pifi-table-data a.pifi-data-link").first
    table_csv = pd.read_csv(io.StringIO(page.request.get(table_link.evaluate("a => a.href")).text()),
                            dtype=str, keep_default_na=False)
    cells = page.locator(".pifi-table-block .lang-en table.pifi-table").first.evaluate(
        "t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim()))")
    assert cells == table_csv.to_numpy().tolist()

    page.click("#pifi-language-switch [data-lang=ko]")
    assert block.locator("summary").inner_text().strip() == f"그림 {number}의 데이터"
    assert link.inner_text().startswith("데이터(CSV)")
    assert region.get_attribute("aria-label") == f"그림 {number}의 데이터"
    context.close()


def test_without_javascript_the_page_says_how_to_reach_korean(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(_url(server, "method"), wait_until="load")
    note = page.locator(".pifi-noscript")
    assert note.count() == 1 and note.is_visible()
    assert "JavaScript" in note.inner_text() and "한국어" in note.inner_text()
    context.close()
