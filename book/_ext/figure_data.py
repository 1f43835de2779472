"""The data behind every figure and table, on the page (issue 18).

The HTML build gets ``data/`` at its root, with the CSVs that ``export`` writes to
``figures/data/`` (:mod:`pifi_ablation.data`), drawn from the same data source as the
pages.  Under each figure: a "Data (CSV)" link and, folded, an accessible table of the rows
the figure is drawn from, so a screen-reader user gets the numbers a sighted reader reads
off the plot.  Under each chapter table: the link to its CSV.  The single-page build that
``make pdf`` prints is left as it is.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.application import Sphinx

if TYPE_CHECKING:
    from pifi_ablation.ablations import Ablations

# The figures with data under them: the ablations', the paired one and the per-layer ones.
FIGURES = ("sample_size", "keyword_weight", "lambda_scale", "task_sensitivity", "model_size", "paired",
           "main_results", "layer_curves", "selection_signals")
_FIGURE = re.compile(r'<figure\b[^>]*\bid="fig-([a-z-]+)"[^>]*>.*?</figure>', re.S)
_NUMBER = re.compile(r'<span class="caption-number"[^>]*>[^<\d]*(\d+)')
_TABLE_SLOT = re.compile(r'<span class="pifi-table-data" data-table="([a-z_]+)"></span>')


def with_data(page: str, ablations: Ablations, root: str) -> str:
    """``page`` with the data under each figure and the CSV link under each table; ``root``
    is the data folder relative to the page."""
    from pifi_ablation import data
    from pifi_ablation.pages import BOOK_TABLES

    def figure(match: re.Match[str]) -> str:
        name = match.group(1).replace("-", "_")
        number = _NUMBER.search(match.group(0))
        done = page.startswith('<div class="pifi-figure-data"', match.end())  # an unchanged page
        if name not in FIGURES or number is None or done:
            return match.group(0)
        href = f"{root}/{data.figure_csv_name(name)}"
        return match.group(0) + data.figure_data_html(ablations, name, number.group(1), href)

    def table(match: re.Match[str]) -> str:
        name = match.group(1)
        base = name.removesuffix("_paired")
        if base not in BOOK_TABLES:
            return ""
        # numbered as pifi_ablation.pages numbers them: book order, a paired table with a "b"
        number = f"{BOOK_TABLES.index(base) + 1}{'b' if base != name else ''}"
        label = {"en": f"Table {number}", "ko": f"표 {number}"}
        link = data.csv_link_html(f"{root}/{data.table_csv_name(name)}", label)
        return f'<p class="pifi-table-data">{link}</p>'

    return _captioned(_TABLE_SLOT.sub(table, _FIGURE.sub(figure, page)))


# A chapter table as pifi_ablation.pages and pages_main write it: a caption paragraph, then the
# scrolling box with the table.
_CAPTIONED = re.compile(r'<div class="pifi-table-block" id="(table-[a-z_]+)">|'
                        r'<p class="pifi-table-caption">'
                        r'(<strong>(Table|표) ([0-9]+b?)\.</strong>(?:(?!</p>).)*)</p>'
                        r'<div class="pifi-table-scroll">(<table\b[^>]*>)', re.S)
PERMALINK_TITLE = {"Table": "Link to this table", "표": "이 표의 링크"}


def _captioned(page: str) -> str:
    """Each chapter table captioned by a ``<caption>`` that screen readers read (the paragraph
    above it, visible, is hidden from them: the caption is read once), its scrolling box a
    named region reached by the keyboard, and a permalink to the table."""
    block = ""

    def one(match: re.Match[str]) -> str:
        nonlocal block
        if match.group(1):
            block = match.group(1)
            return match.group(0)
        caption, word, number, table = match.group(2, 3, 4, 5)
        link = f'<a class="headerlink" href="#{block}" title="{PERMALINK_TITLE[word]}">#</a>' if block else ""
        return (f'<p class="pifi-table-caption"><span aria-hidden="true">{caption}</span>{link}</p>'
                f'<div class="pifi-table-scroll" role="region" aria-label="{word} {number}" tabindex="0">'
                f'{table}<caption class="pifi-visually-hidden">{caption}</caption>')

    return _CAPTIONED.sub(one, page)


# When this build started: a page older than that was not written by it, and has its data links
# from the build that wrote it (so a rebuild that writes nothing loads no data).
_STARTED: dict[str, float] = {}
# How many pages this build read, and the process writing its CSVs while Sphinx writes the pages
# (see _write_meanwhile).
_WRITER: dict[str, int] = {}


def _start(app: Sphinx) -> None:
    import time

    _STARTED["at"] = time.time()


def write_csvs(folder: Path) -> None:
    """Write every CSV of the book's data into ``folder`` (``pifi_ablation.data.book_data_files``),
    from the data source this build loaded (data_tags.py loaded it first)."""
    from pifi_ablation import paths
    from pifi_ablation.data import book_data_files
    from pifi_ablation.pages import _load

    folder.mkdir(exist_ok=True)
    for file, csv in book_data_files(_load(paths.default_source())).items():
        (folder / file).write_text(csv, encoding="utf-8", newline="\n")


def _write_meanwhile(app: Sphinx, env: object) -> None:
    """Once the pages are read, when any was: write the CSVs in a forked process while Sphinx
    writes the pages, instead of after them on the build's one busy core (about 0.3 s).
    ``_finish`` waits for it, and writes them itself if that process did not."""
    import os

    from pifi_ablation.data import DATA_FOLDER

    if app.builder.name != "html" or not _WRITER.get("read") or not hasattr(os, "fork"):
        return
    pid = os.fork()
    if pid == 0:  # the child: nothing of the build's own (its atexit, its buffers) runs here
        status = 1
        try:
            write_csvs(Path(app.outdir) / DATA_FOLDER)
            status = 0
        finally:
            os._exit(status)
    _WRITER["pid"] = pid


def _note_read(app: Sphinx, env: object, docnames: list[str]) -> None:
    _WRITER["read"] = len(docnames)  # after rebuild_fingerprint has said which are out of date


def csvs_written(folder: Path) -> None:
    """Wait for the process writing the CSVs, if one was started; write them here unless it
    wrote them all."""
    import os

    pid = _WRITER.pop("pid", None)
    if pid is not None and os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0:
        return
    write_csvs(folder)


def _finish(app: Sphinx, exception: Exception | None) -> None:
    import os

    pid = _WRITER.get("pid")
    if exception is not None or app.builder.name != "html":
        if pid is not None:  # reaped, whatever the build's end
            _WRITER.pop("pid")
            os.waitpid(pid, 0)
        return
    outdir = Path(app.outdir)
    ablations = None
    for page in sorted(outdir.rglob("*.html")):
        if page.stat().st_mtime < _STARTED.get("at", 0.0):
            continue
        text = page.read_text(encoding="utf-8")
        if 'id="fig-' not in text and "pifi-table-data" not in text and "pifi-table-caption" not in text:
            continue
        if ablations is None:
            from pifi_ablation import paths
            from pifi_ablation.data import DATA_FOLDER
            from pifi_ablation.pages import _load

            ablations = _load(paths.default_source())  # as data_tags.py loaded it for this build
            csvs_written(outdir / DATA_FOLDER)
        root = posixpath.relpath(DATA_FOLDER, page.parent.relative_to(outdir).as_posix() or ".")
        new = with_data(text, ablations, root)
        if new != text:
            page.write_text(new, encoding="utf-8")
    if "pid" in _WRITER:  # no page needed the CSVs after all
        os.waitpid(_WRITER.pop("pid"), 0)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", _start)
    app.connect("env-before-read-docs", _note_read, priority=990)
    app.connect("env-updated", _write_meanwhile)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
