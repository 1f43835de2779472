"""Serve MathJax from the book itself, so the pages render equations without a network.

The MathJax build comes from the pinned ``django-static-mathjax`` wheel (a plain
copy of MathJax's distribution, no Django needed).  The single-file SVG
component needs no web fonts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

MATHJAX_FILE = "tex-svg.js"
TARGET = f"mathjax/{MATHJAX_FILE}"


def _source() -> Path:
    import mathjax

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / MATHJAX_FILE


def _configure(app: Sphinx, config: Config) -> None:
    config.mathjax_path = TARGET


def _copy(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / TARGET
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_source(), target)


def setup(app: Sphinx) -> dict[str, object]:
    if not _source().is_file():
        raise RuntimeError(f"MathJax not found at {_source()}; install requirements.txt")
    app.connect("config-inited", _configure)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
