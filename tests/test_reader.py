"""A reader arriving from the paper, in headless Chromium (issue 18): phone and tablet
navigation, print from the dark theme, the root page, search excerpts, page weight.

The browser, the server of the built book and axe-core are those of ``test_browser.py``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from pypdf import PdfReader
from pypdf.generic import ContentStream

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
    printed = re.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(
        p.extract_text() for p in PdfReader(pdf).pages)))
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
    assert button.get_attribute("data-tooltip") == "복사했다"
    assert "Copied" not in button.inner_html()
    context.close()
