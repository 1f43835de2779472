"""The appendix as a reader gets it: headless Chromium over the built book, served on localhost.

Chromium is Debian's (installed by `make setup`); Playwright drives it and never
downloads a browser.  Screenshots of every page in both languages are written
next to the built HTML, in ``_build/screenshots/``.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from book_build import CHAPTERS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NARROW = {"width": 390, "height": 844}
FIGURE_CHAPTERS = ("sample_size", "keyword_weight", "lambda_scale", "task_sensitivity", "model_size")
WIDE = {"width": 1280, "height": 900}

pytestmark = pytest.mark.book


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(html_dir) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.is_file(), "Debian's chromium is installed by `make setup`"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
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
    page.wait_for_timeout(300)

    assert errors == [], errors
    host = urlparse(server).netloc
    local = ("data", "blob")
    foreign = [u for u in requests if urlparse(u).scheme not in local and urlparse(u).netloc != host]
    assert foreign == [], "the page asked for something outside the book"
    images = page.evaluate("[...document.images].map(i => [i.src, i.complete, i.naturalWidth])")
    if chapter in FIGURE_CHAPTERS:
        assert images, "the chapter's figure is an image"
    broken = [src for src, complete, width in images if not complete or width == 0]
    assert broken == []

    shots = html_dir.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    for lang in ("en", "ko"):
        page.goto(f"{_url(server, chapter)}?lang={lang}", wait_until="networkidle")
        page.screenshot(path=str(shots / f"{chapter}-{lang}.png"), full_page=True)
        assert (shots / f"{chapter}-{lang}.png").stat().st_size > 10_000
    context.close()


def test_language_switch_covers_every_block_and_persists(browser, server):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    page.goto(_url(server, "sample_size"), wait_until="networkidle")
    # English first: no Korean element shows.
    assert _visible_count(page, ".lang-ko") == 0
    total, shown = _prose_blocks_shown(page, "en")
    assert total > 0 and shown == total

    page.click("#pifi-language-switch")
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

    page.click("#pifi-language-switch")
    assert _visible_count(page, ".lang-ko") == 0
    assert page.text_content("a.right-next .prev-next-subtitle").strip() == "next"
    assert page.text_content(".page-toc.onthispage").strip() == "Contents"
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
        page.goto(f"{_url(server, chapter)}?lang={lang}", wait_until="networkidle")
        page.wait_for_timeout(200)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"{chapter} ({lang}) is {width}px wide"
        # Figures scale to the screen.
        for img_width in page.evaluate("[...document.querySelectorAll('figure img')].map(i => i.width)"):
            assert img_width <= NARROW["width"]
    context.close()
