"""A reader arriving from the paper: the site's front door and what the theme leaves undone.

*The root page.*  Jupyter Book writes ``index.html`` as a bare meta refresh to the first
chapter: no doctype, title or language, and the address's ``?lang=ko`` and ``#anchor`` are
dropped on the way.  It is rewritten here as a small page that forwards with both kept (a
meta refresh for readers without JavaScript), and ``/favicon.ico``, which browsers ask
for whatever the page says, is drawn from the book's icon.

*Its static files* (``book/_static/arrival.js``, ``arrival.css``): the phone and tablet
toggles of the chapter list and of "On this page" (the theme binds its handler to the
first, hidden toggle of each kind only), printing in light colours whatever the theme with
every fold open, and the copy button's words in the language shown.
"""

from __future__ import annotations

import html
import io
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
        (outdir / "index.html").write_text(root_page(target, *_titles(app)), encoding="utf-8")
    (outdir / "favicon.ico").write_bytes(favicon_ico())


def setup(app: Sphinx) -> dict[str, object]:
    app.add_js_file(JS_FILE)
    app.add_css_file(CSS_FILE)
    app.connect("build-finished", _finish, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
