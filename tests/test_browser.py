"""The appendix as a reader gets it: headless Chromium over the built book, served on localhost.

Chromium is Debian's (installed by `make setup`); Playwright drives it and never
downloads a browser.  axe-core (pinned in package.json, installed by `make setup`)
is injected into each page for the accessibility checks.  Screenshots of every
page in both languages, both themes and both widths are written next to the
built HTML, in ``_build/screenshots/{chapter}-{lang}-{theme}-{width}.jpg``.
"""

from __future__ import annotations

import functools
import http.server
import importlib
import re
import sys
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from book_build import CHAPTERS
from pdf_text import page_texts, pages_with_images

# The project's one way to start Debian's Chromium (scripts/chromium.py, shared with make_pdf).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
chromium = importlib.import_module("chromium")
NARROW = {"width": 390, "height": 844}
FIGURE_CHAPTERS = ("main_results", "selection_signals", "sample_size", "keyword_weight", "lambda_scale",
                   "task_sensitivity", "model_size")
WIDE = {"width": 1280, "height": 900}
MATH_CHAPTERS = ("method", "keyword_weight", "lambda_scale")
VIEWPORTS = {1280: WIDE, 390: NARROW}
THEMES = ("light", "dark")
LANGS = ("en", "ko")
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
# The first paragraph of prose starts within the first screen, with room to read it.
PROSE_STARTS_BY = {1280: 520, 390: 600}

# Checks that run inside the page (contrast, boxes, words): tests/reader_checks.js.
CHECKS = Path(__file__).with_name("reader_checks.js")

pytestmark = pytest.mark.book


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # A page the browser left before a file was sent (a cancelled fetch) is not an error of
        # the book; anything else is still printed.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def server(html_dir) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    httpd = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = chromium.launch(p, ["--disable-quic"])  # (the browser tests' own, as they always ran)
        yield b
        b.close()


def _url(server: str, chapter: str) -> str:
    return f"{server}/book/{chapter}.html"


def _visible_count(page: Page, selector: str) -> int:
    return page.evaluate(
        """sel => [...document.querySelectorAll(sel)]
              .filter(el => getComputedStyle(el).display !== 'none').length""", selector)


def _prose_blocks_shown(page: Page, lang: str) -> tuple[int, int]:
    """(blocks of `lang` written with the {en}/{ko} directives, how many show text)."""
    return page.evaluate(
        """lang => {
            const blocks = [...document.querySelectorAll(`article div.lang-${lang}.container`)];
            return [blocks.length, blocks.filter(b => b.innerText.trim().length > 0).length];
        }""", lang)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_page_loads_offline_without_errors(browser, server, html_dir, chapter):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: requests.append(req.url))
    page.goto(_url(server, chapter), wait_until="networkidle")
    page.wait_for_function("() => !window.MathJax || !MathJax.startup || MathJax.startup.promise")
    page.evaluate(_READY)  # the figures shown are lazy: fetched now, as scrolling down would
    page.wait_for_timeout(300)

    assert errors == [], errors
    host = urlparse(server).netloc
    local = ("data", "blob")
    foreign = [u for u in requests if urlparse(u).scheme not in local and urlparse(u).netloc != host]
    assert foreign == [], "the page asked for something outside the book"
    # (a figure's version in the other language loads only when shown: loading="lazy")
    images = page.evaluate("""[...document.images]
        .filter(i => i.loading !== 'lazy' || i.getClientRects().length)
        .map(i => [i.src, i.complete, i.naturalWidth])""")
    if chapter in FIGURE_CHAPTERS:
        assert images, "the chapter's figure is an image"
    broken = [src for src, complete, width in images if not complete or width == 0]
    assert broken == []
    # MathJax (2 MiB) is loaded by the pages that show mathematics, and only by them.
    has_math = page.evaluate("document.querySelectorAll('article .math, article mjx-container').length > 0")
    loads_mathjax = any(urlparse(u).path.endswith("/mathjax/startup.js") for u in requests)
    assert loads_mathjax == has_math, (chapter, has_math)
    assert has_math == (chapter in MATH_CHAPTERS)

    context.close()


def _new_context(browser: Browser, width: int, theme: str):
    context = browser.new_context(viewport=VIEWPORTS[width], device_scale_factor=1)
    context.add_init_script(f"localStorage.setItem('mode', '{theme}');"
                            f"localStorage.setItem('theme', '{theme}');")
    context.add_init_script(path=str(CHECKS))
    return context


# A page is ready when it has loaded (its scripts, stylesheets and eager images), its fonts are
# in, MathJax has typeset it and every image it shows is in: what waiting for the network to go
# quiet gave, without that wait's half second of silence on every load.  The figures are lazy
# (each language's version loads when shown, so the hidden language's is never fetched): those
# of the language shown are fetched now, as a reader scrolling down would have them, rather than
# when the browser finds them near enough the screen.
_READY = """async () => {
    await document.fonts.ready;
    if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
    const shown = [...document.images].filter(i => i.loading !== 'lazy' || i.getClientRects().length);
    shown.forEach(i => { i.loading = 'eager'; });
    await Promise.all(shown.filter(i => !i.complete).map(
        i => new Promise(done => { i.addEventListener('load', done); i.addEventListener('error', done); })));
}"""


def _open(page: Page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_function("() => !window.MathJax || !MathJax.startup || MathJax.startup.promise")
    page.evaluate(_READY)


def _axe_violations(page: Page, axe_source: str) -> list[str]:
    """axe-core's violations of the page as shown, of any impact (the issue asked for no
    critical or serious one; none of the others is left either), one line each."""
    page.add_script_tag(content=axe_source)
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations
          .map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
    }""")
    return found


@pytest.fixture(scope="module")
def axe_source() -> str:
    assert AXE.is_file(), "axe-core is installed by `make setup` (npm ci, package-lock.json)"
    return AXE.read_text(encoding="utf-8")


def test_language_switch_covers_every_block_and_persists(browser, server):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    page.goto(_url(server, "sample_size"), wait_until="networkidle")
    # English first: no Korean element shows.
    assert _visible_count(page, ".lang-ko") == 0
    total, shown = _prose_blocks_shown(page, "en")
    assert total > 0 and shown == total

    page.click("#pifi-language-switch [data-lang=ko]")
    assert _visible_count(page, ".lang-en") == 0
    total, shown = _prose_blocks_shown(page, "ko")
    assert total > 0 and shown == total
    assert "그림" in page.inner_text("figure .caption-number")
    # The theme's own words follow too.
    assert page.text_content("a.right-next .prev-next-subtitle").strip() == "다음"
    assert page.text_content(".page-toc.onthispage").strip() == "목차"

    # The choice holds on the next page and after a reload.
    page.click("a.right-next")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("keyword_weight.html")
    assert _visible_count(page, ".lang-en") == 0
    assert _prose_blocks_shown(page, "ko")[1] > 0
    page.reload(wait_until="networkidle")
    assert _visible_count(page, ".lang-en") == 0
    assert page.get_attribute("html", "data-lang") == "ko"

    page.click("#pifi-language-switch [data-lang=en]")
    assert _visible_count(page, ".lang-ko") == 0
    assert page.text_content("a.right-next .prev-next-subtitle").strip() == "next"
    assert page.text_content(".page-toc.onthispage").strip() == "Contents"
    context.close()


def test_language_switch_states_its_choice_to_screen_readers(browser, server):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    page.goto(f"{_url(server, 'intro')}?lang=en", wait_until="networkidle")
    switch = page.locator("#pifi-language-switch")
    assert switch.get_attribute("role") == "group"
    assert switch.get_attribute("aria-label") == "Language"
    english, korean = switch.locator("[data-lang=en]"), switch.locator("[data-lang=ko]")
    assert korean.get_attribute("lang") == "ko" and korean.inner_text() == "한국어"
    assert (english.get_attribute("aria-pressed"), korean.get_attribute("aria-pressed")) == ("true", "false")
    korean.click()
    assert (english.get_attribute("aria-pressed"), korean.get_attribute("aria-pressed")) == ("false", "true")
    assert switch.get_attribute("aria-label") == "언어"
    assert page.get_attribute("html", "lang") == "ko"
    # What a screen reader announces: the name it shows, and the pressed state.
    assert korean.aria_snapshot() == '- button "한국어" [pressed]'
    assert english.aria_snapshot() == '- button "English"'
    context.close()


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_keyboard_focus_is_visible_on_every_control(browser, server, width):
    """Tab through the page: each control the keyboard reaches in the header and the
    language switch draws a focus ring (an outline at least 2 px wide)."""
    context = _new_context(browser, width, "light")
    page = context.new_page()
    page.goto(f"{_url(server, 'sample_size')}?lang=ko", wait_until="networkidle")
    reached: dict[str, str] = {}
    for _ in range(40):
        page.keyboard.press("Tab")
        focus = page.evaluate("""() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            const r = el.getBoundingClientRect();
            return {name: el.id || el.className || el.tagName, visible: r.width > 0 && r.height > 0,
                    ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
                    header: !!el.closest('.bd-header-article, .bd-header, #pifi-language-switch')};
        }""")
        if focus["visible"] and focus["header"]:
            reached[focus["name"]] = focus["ring"]
    assert any("pifi-language-button" in name for name in reached), reached
    assert len(reached) >= 4, reached
    assert all(reached.values()), reached
    context.close()


PRINTED_UI = ("Ctrl", "Skip to main content", "Back to top", "Contents", "목차", "By The PiFi",
              "English한국어")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_printed_page_holds_one_language_no_controls_and_figures_with_captions(
        browser, server, html_dir, chapter):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    prints = html_dir.parent / "screenshots"
    prints.mkdir(exist_ok=True)
    for lang, other in (("en", "ko"), ("ko", "en")):
        _open(page, f"{_url(server, chapter)}?lang={lang}")
        pdf = prints / f"{chapter}-{lang}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        # Compatibility forms: the PDF's font joins "fi" into one glyph.
        texts = [re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)) for text in page_texts(pdf)]
        whole = "".join(texts)
        title = re.sub(r"\s+", "", page.inner_text(f"article h1 .lang-{lang}"))
        assert whole.count(title) >= 1, (chapter, lang)
        assert re.sub(r"\s+", "", page.text_content(f"article h1 .lang-{other}")) not in whole
        if lang == "en":
            assert not re.search(r"[\uac00-\ud7a3]", whole), chapter
        assert [w for w in PRINTED_UI if w.replace(" ", "") in whole] == [], (chapter, lang)
        # The folded code is not printed (the introduction names its block in prose).
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('.pifi-page-code-block')).display")\
            == "none"
        page.emulate_media(media="null")  # as page.pdf() has it: print for the PDF
        # A page that prints a figure's image prints its caption (number and text) too.
        word = "Figure" if lang == "en" else "그림"
        with_images = pages_with_images(pdf)
        if chapter in FIGURE_CHAPTERS:
            assert with_images, chapter
        for i in with_images:
            assert re.search(word + r"\d", texts[i]), (chapter, lang, i)
    context.close()


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_figures_are_stacked_for_a_phone_and_link_to_their_full_size(browser, server, width):
    """Below 576 px each figure is its phone layout: panels stacked (an image taller than
    wide), drawn for that width, so its smallest text is shown near its printed size."""
    context = _new_context(browser, width, "light")
    page = context.new_page()
    for chapter in FIGURE_CHAPTERS:
        _open(page, f"{_url(server, chapter)}?lang=ko")
        # the figure shown: Korean here (its image loads when it comes into view)
        page.evaluate("""() => [...document.querySelectorAll('article figure img')]
            .find(i => i.getClientRects().length).scrollIntoView()""")
        page.wait_for_function("""() => [...document.querySelectorAll('article figure img')]
            .find(i => i.getClientRects().length).naturalWidth > 0""")
        img = page.evaluate("""() => { const i = [...document.querySelectorAll('article figure img')]
                .find(i => i.getClientRects().length);
            return {src: i.currentSrc, natural: [i.naturalWidth, i.naturalHeight], shown: i.width,
                    link: i.closest('a').href, wide: i.src}; }""")
        assert "-ko-" in img["src"], chapter
        if width == 390:
            assert "-phone-" in img["src"], chapter
            assert img["natural"][1] > img["natural"][0], chapter  # panels stacked
            # Drawn at 200 dpi: a 7 pt text is 19 px in the image, shown at
            # least 9 px tall on the phone.
            assert 19 * img["shown"] / img["natural"][0] >= 9, img
        else:
            assert "-phone-" not in img["src"] and img["natural"][0] > img["natural"][1], chapter
        # the link opens the figure shown: on a phone its phone layout
        assert img["link"] == (img["src"] if width == 390 else img["wide"])
        response = page.request.get(img["link"])
        assert response.ok and response.headers["content-type"] == "image/png"
    context.close()


def _search(page: Page, server: str, query: str, lang: str) -> list[str]:
    page.goto(f"{server}/search.html?q={query}&lang={lang}", wait_until="networkidle")
    page.wait_for_function("() => document.querySelector('#search-results p.search-summary') &&"
                           " !document.querySelector('#search-results p.search-summary')"
                           ".textContent.includes('...')")
    page.wait_for_timeout(500)  # the excerpts are fetched page by page
    return page.locator("#search-results li p.context").all_inner_texts()


def test_search_shows_excerpts_and_finds_korean_words_by_their_stem(browser, server, axe_source):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    excerpts = _search(page, server, "recovery", "en")
    assert len(excerpts) >= 5
    assert all("recovery" in e.lower() for e in excerpts), excerpts
    assert not any("\\(" in e or ".md" in e for e in excerpts), excerpts  # no TeX, no "....md"
    assert not any(re.search(r"[\uac00-\ud7a3]", e) for e in excerpts)
    assert page.inner_text("#search-results h2") == "Search Results"
    assert _axe_violations(page, axe_source) == []

    # "회복" is a stem: the pages say 회복률은, 회복률이, 회복하는 …
    excerpts = _search(page, server, "회복", "ko")
    links = page.locator("#search-results li > a").evaluate_all("links => links.map(a => a.href)")
    assert any("sample_size.html" in href for href in links), links
    assert len(excerpts) >= 5
    assert all("회복" in e for e in excerpts), excerpts
    assert not any("percentage points" in e or "Recovery" in e or "Figure" in e for e in excerpts)
    assert page.inner_text("#search-results h2") == "검색 결과"
    assert "검색을 마쳤습니다" in page.inner_text("#search-results p.search-summary")
    assert page.title().startswith("검색")
    assert _axe_violations(page, axe_source) == []
    context.close()


def test_korean_is_drawn_with_a_hangul_font(browser, server):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    page.goto(f"{_url(server, 'method')}?lang=ko", wait_until="networkidle")
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "article div.lang-ko.container p"})
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    families = {f["familyName"] for f in fonts}
    assert any("CJK" in f or "Nanum" in f or "KR" in f for f in families), families
    context.close()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_page_scrolls_sideways_on_a_phone(browser, server, chapter):
    context = browser.new_context(viewport=NARROW, device_scale_factor=1)
    page = context.new_page()
    for lang in ("en", "ko"):
        _open(page, f"{_url(server, chapter)}?lang={lang}")  # laid out, its fonts and figures in
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"{chapter} ({lang}) is {width}px wide"
        # Figures scale to the screen.
        for img_width in page.evaluate("""[...document.querySelectorAll('figure img')]
                .filter(i => i.getClientRects().length).map(i => i.width)"""):
            assert img_width <= NARROW["width"]
    context.close()
