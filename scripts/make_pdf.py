"""Print the appendix to one PDF per language: ``appendix-en.pdf`` and ``appendix-ko.pdf``.

The route is Chromium printing the single-page build (``jupyter-book build --builder
singlehtml``), which shares the executed pages of ``make book``: the same data, the same
glued numbers, the same bilingual markup, switched to one language by the book's own
``language.js`` (``?lang=``).  Chromium is Debian's, driven by the pinned Playwright, as
in the browser tests; nothing is downloaded.  Figures come as SVG, which the single-page
build draws for each figure in both languages (``book/_ext/page_layout.py``), so they stay
vector; equations are MathJax's SVG paths; fonts are embedded by Chromium as
TrueType (DejaVu Sans; NanumGothic for Hangul, since Chromium prints CFF fonts such as
the screen's Noto Sans CJK as Type 3).

What the book's pages do not have is added here, in the page before it is printed
(``make_pdf_page.js`` is what runs there): a title page (the authors and the repository, left
out in anonymous mode; data source, content hash, the demonstration notice), a table of
contents with page numbers, and the print style of ``pdf_print.css``, which removes the UI.
Tables keep the numbers the book gives them.  Page numbers of the contents come from a first
printing: Chromium's outline (the PDF bookmarks) says where each heading landed.  The PDFs
carry no timestamp: the same build gives the same bytes (``pdf_finish.py``).

    .venv/bin/python scripts/make_pdf.py [_build/singlehtml] [_build/pdf]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import chromium
import yaml
from pdf_finish import finish, heading_pages
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
# Printing's own browser settings (chromium.py has everyone's): glyphs placed without hinting, as
# the PDF draws them, and shared memory in files rather than /dev/shm, which Docker keeps at
# 64 MB (CI raises it, but printing the whole book should not depend on that).
PRINT_ARGS = ("--font-render-hinting=none", "--disable-dev-shm-usage")
LANGUAGES = ("en", "ko")
PRINT_CSS = Path(__file__).with_name("pdf_print.css")
# What runs in the loaded page (the title page, the contents and their page numbers).
PAGE_JS = Path(__file__).with_name("make_pdf_page.js")
PRINT_PAGE = "appendix-print.html"

WORDS = {
    "en": {"contents": "Contents", "subtitle": "Ablation studies of automatic LLM-layer selection "
           "for PiFi: the appendix of the paper, printed from its HTML edition as one document "
           "in English. The HTML's language switch and code cells are left out."},
    "ko": {"contents": "목차", "subtitle": "PiFi의 자동 LLM 레이어 선택에 대한 절제 실험(ablation): 논문 "
           "부록의 HTML판을 한국어 한 문서로 인쇄했다. HTML의 언어 전환 버튼과 코드 셀은 "
           "제외했다."},
}

FOOTER = ('<div style="width:100%;text-align:center;font-size:8pt;color:#444;'
          'font-family:\'DejaVu Sans\',sans-serif;"><span class="pageNumber"></span></div>')


def titles() -> dict[str, str]:
    """The book's title in each language, from ``_config.yml`` ("English · 한국어")."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    en, ko = (part.strip() for part in config["title"].split(" · "))
    return {"en": en, "ko": ko}


# The title page under anonymous mode (``pifi_anonymous`` in _config.yml: double-blind review).
ANONYMOUS = {"en": "Anonymised for double-blind review: the authors and the repository are left out.",
             "ko": "이중 맹검 심사를 위해 익명 처리했다. 저자와 저장소는 싣지 않았다."}
AUTHORS_KO = {"The PiFi layer-selection authors": "PiFi 레이어 선택 연구진"}


def credits(lang: str, config: dict | None = None) -> list[str]:
    """The title page's lines under the subtitle: the authors and the repository (``author`` and
    ``pifi_repository`` in ``_config.yml``), or, in anonymous mode, only that they are left out
    (as the pages leave out the authors, the repository and the appendix's BibTeX)."""
    if config is None:
        config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    settings = (config.get("sphinx") or {}).get("config") or {}
    if settings.get("pifi_anonymous"):
        return [ANONYMOUS[lang]]
    lines = []
    author = config.get("author")
    if author:
        lines.append(author if lang == "en" else f"지은이: {AUTHORS_KO.get(author, author)}")
    if settings.get("pifi_repository"):
        lines.append(("Repository: " if lang == "en" else "저장소: ") + settings["pifi_repository"])
    return lines


def print_page(site: Path) -> Path:
    """The single page at the site's root, so that its relative links resolve.

    Sphinx writes the single page under the root document's name (``book/intro.html``)
    but links its assets as if it stood at the root.
    """
    page = site / "book" / "intro.html"
    text = page.read_text(encoding="utf-8").replace('href="book/intro.html#', 'href="#')
    target = site / PRINT_PAGE
    target.write_text(text, encoding="utf-8")
    return target


def _print(page) -> bytes:
    return page.pdf(format="A4", print_background=True, prefer_css_page_size=True, outline=True,
                    tagged=True, display_header_footer=True, header_template="<span></span>",
                    footer_template=FOOTER)


def render(browser: Browser, url: str, lang: str, title: str) -> bytes:
    """Print the page in ``lang``: prepare it, print once for page numbers, fill them, print."""
    context = browser.new_context(viewport={"width": 1000, "height": 1400})
    context.add_init_script(path=str(PAGE_JS))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{url}?lang={lang}", wait_until="load")
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    page.add_style_tag(content=PRINT_CSS.read_text(encoding="utf-8"))
    page.emulate_media(media="print")
    headings = page.evaluate("args => pifiPdf.prepare(args)",
                             {"lang": lang, "title": title, "words": WORDS[lang], "credits": credits(lang)})
    page.evaluate("() => document.fonts.ready")
    pages = heading_pages(_print(page), headings)
    for _ in range(3):  # the numbers fill the same space, so one round normally settles them
        page.evaluate("pages => pifiPdf.fill(pages)", pages)
        pdf = _print(page)
        printed = heading_pages(pdf, headings)
        if printed == pages:
            break
        pages = printed
    else:
        raise RuntimeError("the contents' page numbers did not settle")
    context.close()
    if errors:
        raise RuntimeError(f"the page raised while printing: {errors}")
    return pdf


def print_language(url: str, lang: str, title: str, target: Path) -> Path:
    """Print the page at ``url`` in ``lang`` to ``target``, in a browser of its own."""
    with sync_playwright() as p:
        browser = chromium.launch(p, PRINT_ARGS)
        try:
            target.write_bytes(finish(render(browser, url, lang, title), lang, title))
        finally:
            browser.close()
    return target


def make(site: Path, out: Path) -> list[Path]:
    """Print ``site`` (a single-page build) to ``out/appendix-{lang}.pdf``.

    The languages print side by side, each in a process and a browser of its own: a printing is
    mostly the browser's work and the PDF's finishing, so on two cores both take about three
    quarters of the time they took one after the other.  Each PDF's bytes do not depend on which
    process printed it.
    """
    chromium.executable()  # before anything is written
    url = print_page(site).resolve().as_uri()
    names = titles()
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(url, lang, names[lang], out / f"appendix-{lang}.pdf") for lang in LANGUAGES]
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers == 1 or not hasattr(os, "fork"):
        return [print_language(*job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        printing = [pool.submit(print_language, *job) for job in jobs]
        return [job.result() for job in printing]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=ROOT / "_build" / "singlehtml")
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "_build" / "pdf")
    args = parser.parse_args(argv)
    try:
        written = make(args.site, args.out)
    except chromium.ChromiumMissing as error:
        raise SystemExit(str(error)) from None
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

