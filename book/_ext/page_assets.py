"""What every page loads: served from the book itself, once, without console errors.

MathJax comes from the pinned ``django-static-mathjax`` wheel (a plain copy of
MathJax's distribution, no Django needed) instead of a CDN, so equations render
offline; its SVG output needs no web fonts.  Two defects of the
Jupyter Book 1 theme stack that print errors in the browser console are
mended here: inline scripts registered twice (``THEBE_JS_URL`` declared twice)
and an empty default colour mode.  So is one that screen readers trip on: the
reference list is a ``role="list"`` whose entries are not list items.

*Its static file* (``book/_static/accessibility.js``): the theme's markup mended for screen
readers and keyboards (a button's name holds the words it shows, the sidebar is a named
landmark, a block that scrolls sideways can be reached with the keyboard).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

# MathJax's loader and the components the pages need, rather than the combined
# ``tex-svg.js`` (2.1 MB), whose contextual menu (0.4 MB) these pages do without: TeX input
# (with the AMS, newcommand and autoloaded extensions), SVG output with its font, and the
# hidden MathML that screen readers read.  ``core.js`` is loaded by the loader itself.
MATHJAX_FILE = "startup.js"
TARGET = f"mathjax/{MATHJAX_FILE}"
MATHJAX_COMPONENTS = ("input/tex", "output/svg", "a11y/assistive-mml")
MATHJAX_FILES = ("startup.js", "core.js", "input/tex.js", "input/tex/extensions", "output/svg.js",
                 "output/svg/fonts/tex.js", "a11y/assistive-mml.js")


def _source() -> Path:
    import mathjax

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / MATHJAX_FILE


def _configure(app: Sphinx, config: Config) -> None:
    config.mathjax_path = TARGET
    mathjax_config = dict(config.mathjax3_config or {})
    mathjax_config["loader"] = {"load": list(MATHJAX_COMPONENTS)}
    config.mathjax3_config = mathjax_config
    config.html_context.setdefault("default_mode", "light")


_INLINE_SCRIPT = re.compile(r"[ \t]*<script>(?:(?!</script>).)*</script>\n?", re.S)


def _dedupe_inline_scripts(html: str) -> str:
    """Drop repeats of identical inline ``<script>`` blocks, keeping the first of each."""
    seen: set[str] = set()

    def keep_first(match: re.Match[str]) -> str:
        block = match.group(0).strip()
        if block in seen:
            return ""
        seen.add(block)
        return match.group(0)

    return _INLINE_SCRIPT.sub(keep_first, html)


def _mend_reference_list(html: str) -> str:
    """Entries of docutils' ``<div role="list" class="citation-list">`` become list items
    (they are ``doc-biblioentry``, which ARIA does not allow as a list's child)."""
    return html.replace('role="doc-biblioentry"', 'role="listitem"')


def _mathjax_only_where_math(app: Sphinx, pagename: str, templatename: str,
                             context: dict[str, object], doctree: object) -> None:
    """Drop MathJax (2 MiB) from a page without mathematics.  Sphinx loads it on a page
    whose toctree includes a page with equations, so the root page (whose toctree is the
    whole book) loaded it for nothing."""
    body = str(context.get("body", ""))
    scripts = context.get("script_files")
    if 'class="math' in body or not isinstance(scripts, list):
        return
    context["script_files"] = [
        s for s in scripts
        if not str(getattr(s, "filename", s)).endswith(MATHJAX_FILE)
        and "window.MathJax" not in str(getattr(s, "attributes", {}).get("body", ""))]


def _finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    # Some extensions of the theme stack register their inline configuration
    # twice, so a page declares `const THEBE_JS_URL` twice: a console error.
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        cleaned = _mend_reference_list(_dedupe_inline_scripts(text))
        if cleaned != text:
            page.write_text(cleaned, encoding="utf-8")
    target = Path(app.outdir) / "_static" / "mathjax"
    for name in MATHJAX_FILES:
        source, copy = _source().parent / name, target / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, copy, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, copy)


def setup(app: Sphinx) -> dict[str, object]:
    if not _source().is_file():
        raise RuntimeError(f"MathJax not found at {_source()}; install requirements.txt")
    # After the theme's and the extensions' scripts (priority 500), just before the language
    # switch (language.js, 800, bilingual.py): its fixes are in place when the switch puts the
    # theme's words, the sidebar's new name among them, into the language shown.
    app.add_js_file("accessibility.js", priority=790)
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _mathjax_only_where_math, priority=900)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
