"""Every page as a reader gets it, in both themes, widths and languages: headless Chromium over
the built book (the helpers and fixtures are tests/test_browser.py's).  A file of its own so
that pytest-xdist (``--dist loadfile``) can run it beside the other browser tests: it is the
longest file of the suite.  Screenshots of every view are written next to the built HTML, in
``_build/screenshots/{chapter}-{lang}-{theme}-{width}.jpg`` (JPEG: Chromium takes about three
quarters of a PNG's time to capture a whole page so).
"""

from __future__ import annotations

import pytest

from book_build import CHAPTERS
from test_browser import (  # noqa: F401  (browser, server, axe_source: the fixtures)
    LANGS,
    PROSE_STARTS_BY,
    THEMES,
    VIEWPORTS,
    _axe_violations,
    _new_context,
    _open,
    _url,
    axe_source,
    browser,
    server,
)

pytestmark = pytest.mark.book


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_page_reads_in_both_themes_widths_and_languages(browser, server, html_dir, axe_source,
                                                              chapter):
    """Each page as a reader gets it: light and dark, 1280 and 390 px, English and Korean.

    Every visible text meets WCAG AA contrast; every display equation fits its column; each
    figure is described in the page's language, links to its full-size image and stays in
    the text column; no
    word of the other language shows (text, tooltips, labels, the tab title); the first
    paragraph of prose starts in the first screen; axe-core finds no critical or serious
    violation.  A screenshot of each
    view is written for a person to look at.
    """
    shots = html_dir.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    for theme in THEMES:
        for width in VIEWPORTS:
            context = _new_context(browser, width, theme)
            page = context.new_page()
            for lang in LANGS:
                view = f"{chapter}-{lang}-{theme}-{width}"
                _open(page, f"{_url(server, chapter)}?lang={lang}")
                assert page.get_attribute("html", "data-theme") == theme, view
                shot = shots / f"{view}.jpg"
                page.screenshot(path=str(shot), full_page=True, quality=85)
                assert shot.stat().st_size > 10_000

                assert page.evaluate("pifiChecks.lowContrast()") == [], view
                assert page.evaluate("pifiChecks.equationsOutside()") == [], view
                assert page.evaluate(f"pifiChecks.otherLanguage('{lang}')") == [], view
                assert page.evaluate(f"pifiChecks.figureProblems('{lang}')") == [], view
                first_prose = page.evaluate(
                    f"() => document.querySelector('article div.lang-{lang}.container')"
                    ".getBoundingClientRect().top")
                assert first_prose < PROSE_STARTS_BY[width], (view, first_prose)
                assert _axe_violations(page, axe_source) == [], view
            context.close()
