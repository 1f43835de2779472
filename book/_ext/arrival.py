"""A reader arriving from the paper: the site's front door and what the theme leaves undone.

*The root page.*  Jupyter Book writes ``index.html`` as a bare meta refresh to the first
chapter: no doctype, title or language, and the address's ``?lang=ko`` and ``#anchor`` are
dropped on the way.  It is rewritten here as a small page that forwards with both kept (a
meta refresh for readers without JavaScript), and ``/favicon.ico``, which browsers ask
for whatever the page says, is drawn from the book's icon.

*Page weight.*  The theme loads ``fontawesome.js`` (1.5 MB) on every page to draw about
fifteen icons, which its stylesheet already draws from Font Awesome's web font; the script
is dropped, the web font (150 kB) is replaced by the subset of the glyphs the book shows
(icons in the pages and in the themes' stylesheets) and the theme's stylesheet loses the
catalogue rules of the other icons (86 kB).  sphinx-design's stylesheet and script go from
pages that use none of its components.  Sphinx's search index and
tools are loaded on the search page only (the header's search box sends the reader
there; the theme's search-as-you-type is off).

*Its static files* (``book/_static/arrival.js``, ``arrival.css``): the phone and tablet
toggles of the chapter list and of "On this page" (the theme binds its handler to the
first, hidden toggle of each kind only), printing in light colours whatever the theme with
every fold open, and the copy button's words in the language shown.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from pathlib import Path

from sphinx.application import Sphinx

JS_FILE = "arrival.js"
CSS_FILE = "arrival.css"
ICON_COLOUR = (0x1E, 0x5D, 0x86)  # as book/_static/favicon.svg


def root_page(target: str, title_en: str, title_ko: str) -> str:
    """The site's ``index.html``: forwards to ``target`` keeping the query and the anchor."""
    t_en, t_ko = html.escape(title_en), html.escape(title_ko)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t_en} · {t_ko}</title>
<link rel="icon" href="_static/favicon.svg" type="image/svg+xml">
<link rel="canonical" href="{target}">
<script>window.location.replace("{target}" + window.location.search + window.location.hash);</script>
<noscript><meta http-equiv="refresh" content="0; url={target}"></noscript>
</head>
<body>
<p><a href="{target}">{t_en}</a></p>
<p lang="ko"><a href="{target}?lang=ko">{t_ko}</a></p>
</body>
</html>
"""


def favicon_ico() -> bytes:
    """The book's icon ("Pi" on a blue rounded square) as a 16, 32 and 48 px ICO."""
    from matplotlib import font_manager
    from PIL import Image, ImageDraw, ImageFont

    size = 96
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=18, fill=ICON_COLOUR)
    bold = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight="bold"))
    font = ImageFont.truetype(bold, 48)
    draw.text((size / 2, size / 2 + 3), "Pi", font=font, fill="white", anchor="mm")
    out = io.BytesIO()
    image.save(out, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return out.getvalue()


FONT_FOLDER = "_static/vendor/fontawesome/webfonts"
THEME_CSS = "_static/styles/pydata-sphinx-theme.css"
SUBSET_FONT = "fa-solid-900-subset.woff"
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_ICON_RULE = re.compile(r"\.fa-([a-z0-9-]+):before")
_ICON_CLASS = re.compile(r'class="[^"]*\b(?:fa-solid|fas)\b[^"]*"')
_PRIVATE = re.compile("[\ue000-\uf8ff]")
_ESCAPE = re.compile(r"\\([0-9a-fA-F]{4})")


def icon_names(pages: list[str]) -> set[str]:
    """Font Awesome icons named in the pages' ``fa-solid`` (``fas``) classes."""
    return {word[3:] for page in pages for attr in _ICON_CLASS.findall(page)
            for word in attr[7:-1].split() if word.startswith("fa-")}


_CATALOGUE_RULE = re.compile(r"((?:\.fa-[a-z0-9-]+:before,?)+)\{content:[^{}]*\}")


def trim_catalogue(css: str, names: set[str]) -> str:
    """The theme's stylesheet without the rules of Font Awesome's catalogue (``.fa-name:before
    {content: …}``, 1,900 of them) for icons the book does not show."""

    def keep(match: re.Match[str]) -> str:
        return match.group(0) if names.intersection(_ICON_RULE.findall(match.group(1))) else ""

    return _CATALOGUE_RULE.sub(keep, css)


def used_glyphs(css: list[str], names: set[str]) -> set[int]:
    """Code points of Font Awesome glyphs the book can show: the icons ``names`` (those the pages'
    ``fa-solid`` classes name, :func:`icon_names`), and every icon the stylesheets put in
    ``content`` or a variable outside Font Awesome's own ``.fa-name:before`` catalogue."""
    points: set[int] = set()
    for sheet in css:
        for selector, body in _RULE.findall(sheet):
            icons = _ICON_RULE.findall(selector)
            if icons and not names.intersection(icons):
                continue
            points.update(ord(ch) for ch in _PRIVATE.findall(body))
            points.update(int(code, 16) for code in _ESCAPE.findall(body)
                          if 0xE000 <= int(code, 16) <= 0xF8FF)
    return points


def subset_font(font: Path, points: set[int]) -> bytes:
    """``font`` cut down to ``points`` (and the glyphs they need), as WOFF.  fontTools' notes on
    what it pruned (INFO) are not printed into the build's output; its warnings are."""
    import logging

    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    loaded = subset.load_font(str(font), options)
    notes = logging.getLogger("fontTools")
    level = notes.level
    notes.setLevel(logging.WARNING)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(points))
        subsetter.subset(loaded)
        out = io.BytesIO()
        subset.save_font(loaded, out, options)
    finally:
        loaded.close()  # the font file, which fontTools reads lazily
        notes.setLevel(level)
    return out.getvalue()


_FONTAWESOME_JS = re.compile(
    r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?')
_SEARCH_TOOLS = re.compile(r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|'
                           r'searchindex\.js)"></script>\n?')


_DESIGN = re.compile(r'[ \t]*<(?:link rel="stylesheet" type="text/css" href="[^"]*_static/sphinx-design'
                     r'\.min\.css[^"]*" /|script data-sd-tabs-storage-prefix="[^"]*" '
                     r'src="[^"]*_static/design-tabs\.js[^"]*"></script)>\n?')
_DESIGN_USED = re.compile(r'class="(?:[^"]*\s)?sd-')


NOSCRIPT = ('<noscript><p class="pifi-noscript"><span lang="en">The Korean version of this appendix '
            'needs JavaScript (the language switch); without it, pages show in English.</span> '
            '<span lang="ko">이 부록의 한국어 본문은 JavaScript(언어 전환)가 켜져 있어야 표시된다. '
            '꺼져 있으면 영어로 표시된다.</span></p></noscript>')
_BODY = re.compile(r"(<body\b[^>]*>)")


def with_noscript(page: str) -> str:
    """A page that says, without JavaScript, how to reach its Korean (once)."""
    if "pifi-noscript" in page:
        return page
    return _BODY.sub(lambda m: m.group(1) + NOSCRIPT, page, count=1)


def lighten(page: str, search_page: bool) -> str:
    """A page without ``fontawesome.js``, without sphinx-design's stylesheet and script when it
    uses none of its components, and without the search tools unless it searches."""
    page = _FONTAWESOME_JS.sub("", page)
    if not _DESIGN_USED.search(page):
        page = _DESIGN.sub("", page)
    return page if search_page else _SEARCH_TOOLS.sub("", page)


# In the doctree folder: each page as the last build left it (modified time and size, after
# lightening) with the icons it names, and the font subset's key, so that a build that wrote no
# page reads none and subsets no font.
_STATE = "pifi_lightened.json"


def _lighten_site(outdir: Path, state_file: Path) -> None:
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    known = state.get("pages", {})
    pages: dict[str, list] = {}
    names: set[str] = set()
    for path in sorted(outdir.rglob("*.html")):
        rel = path.relative_to(outdir).as_posix()
        stat = path.stat()
        before = known.get(rel)
        if before is not None and before[:2] == [stat.st_mtime_ns, stat.st_size]:
            icons = set(before[2])  # lightened by an earlier build and not written since
        else:
            text = path.read_text(encoding="utf-8")
            light = with_noscript(lighten(text, rel == "search.html"))
            if light != text:
                path.write_text(light, encoding="utf-8")
                stat = path.stat()
            icons = icon_names([text])
        pages[rel] = [stat.st_mtime_ns, stat.st_size, sorted(icons)]
        names |= icons
    styles = sorted((outdir / "_static").rglob("*.css"))
    css = [sheet.read_text(encoding="utf-8") for sheet in styles]
    theme = outdir / THEME_CSS
    if theme.is_file():  # Sphinx copies the theme's stylesheet anew on every build
        theme.write_text(trim_catalogue(theme.read_text(encoding="utf-8"), names), encoding="utf-8")
    font = outdir / FONT_FOLDER / "fa-solid-900.ttf"
    subset = outdir / FONT_FOLDER / SUBSET_FONT
    key = None
    if font.is_file():
        points = used_glyphs(css, names)
        key = hashlib.sha256(font.read_bytes() + repr(sorted(points)).encode()).hexdigest()
        if key != state.get("font") or not subset.is_file():
            subset.write_bytes(subset_font(font, points))
    state_file.write_text(json.dumps({"pages": pages, "font": key}), encoding="utf-8")


def _titles(app: Sphinx) -> tuple[str, str]:
    title = str(app.config.html_title or app.config.project)
    halves = title.split(" · ")
    return (halves[0], halves[1]) if len(halves) == 2 else (title, title)


def _finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or app.builder.name != "html":
        return
    outdir = Path(app.outdir)
    root = str(app.config.root_doc)
    if root != "index":  # sphinx-external-toc's redirect (written just before) is replaced
        target = f"{root}.html"
        index, page = outdir / "index.html", root_page(target, *_titles(app))
        if not index.is_file() or index.read_text(encoding="utf-8") != page:
            index.write_text(page, encoding="utf-8")
    _write_favicon(app, outdir)
    _lighten_site(outdir, Path(app.doctreedir) / _STATE)


def _write_favicon(app: Sphinx, outdir: Path) -> None:
    """Draw ``favicon.ico`` when it is missing or this file (which draws it) changed since."""
    icon = outdir / "favicon.ico"
    drawn_by = Path(app.doctreedir) / "pifi_favicon.sha256"
    source = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    if icon.is_file() and drawn_by.is_file() and drawn_by.read_text(encoding="utf-8") == source:
        return
    icon.write_bytes(favicon_ico())
    drawn_by.write_text(source, encoding="utf-8")


def _load_while_waiting(app: Sphinx, env: object, docnames: list[str]) -> None:
    """Import what the end of a build that writes pages needs (fontTools' subsetter, Pillow for
    the favicon) before the pages are read, while a core would wait for the pages' kernels
    (``warm_kernels.py``), rather than at the end, on one core."""
    if docnames and app.builder.name == "html":
        import fontTools.subset  # noqa: F401
        from PIL import ImageDraw, ImageFont  # noqa: F401


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("env-before-read-docs", _load_while_waiting, priority=995)
    app.add_js_file(JS_FILE)
    app.add_css_file(CSS_FILE)
    app.connect("build-finished", _finish, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
