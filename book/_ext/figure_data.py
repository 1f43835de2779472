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

_FIGURE = re.compile(r'<figure\b[^>]*\bid="fig-([a-z-]+)"[^>]*>.*?</figure>', re.S)
_NUMBER = re.compile(r'<span class="caption-number">[^<\d]*(\d+)')
_TABLE_SLOT = re.compile(r'<span class="pifi-table-data" data-table="([a-z_]+)"></span>')


def with_data(page: str, ablations: Ablations, root: str) -> str:
    """``page`` with the data under each figure and the CSV link under each table; ``root``
    is the data folder relative to the page."""
    from pifi_ablation import data, schema
    from pifi_ablation.book import BOOK_TABLES

    def figure(match: re.Match[str]) -> str:
        name = match.group(1).replace("-", "_")
        number = _NUMBER.search(match.group(0))
        done = page.startswith('<div class="pifi-figure-data"', match.end())  # an unchanged page
        if name not in ablations.tables() or number is None or done:
            return match.group(0)
        href = f"{root}/{data.figure_csv_name(name)}"
        return match.group(0) + data.figure_data_html(ablations, name, number.group(1), href)

    def table(match: re.Match[str]) -> str:
        name = match.group(1)
        base = name.removesuffix("_paired")
        if base not in schema.TABLE_NAMES:  # the main-results chapters' tables carry their own links
            return ""
        # numbered as pifi_ablation.book numbers them: book order, a paired table with a "b"
        number = f"{BOOK_TABLES.index(base) + 1}{'b' if base != name else ''}"
        label = {"en": f"Table {number}", "ko": f"표 {number}"}
        link = data.csv_link_html(f"{root}/{data.table_csv_name(name)}", label)
        return f'<p class="pifi-table-data">{link}</p>'

    return _TABLE_SLOT.sub(table, _FIGURE.sub(figure, page))


# When this build started: a page older than that was not written by it, and has its data links
# from the build that wrote it (so a rebuild that writes nothing loads no data).
_STARTED: dict[str, float] = {}


def _start(app: Sphinx) -> None:
    import time

    _STARTED["at"] = time.time()


def _finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    outdir = Path(app.outdir)
    ablations = None
    for page in sorted(outdir.rglob("*.html")):
        if page.stat().st_mtime < _STARTED.get("at", 0.0):
            continue
        text = page.read_text(encoding="utf-8")
        if 'id="fig-' not in text and "pifi-table-data" not in text:
            continue
        if ablations is None:
            from pifi_ablation import paths
            from pifi_ablation.ablations import load
            from pifi_ablation.data import DATA_FOLDER, data_files

            ablations = load(paths.default_source())
            folder = outdir / DATA_FOLDER
            folder.mkdir(exist_ok=True)
            for file, csv in data_files(ablations).items():
                (folder / file).write_text(csv, encoding="utf-8", newline="\n")
        root = posixpath.relpath(DATA_FOLDER, page.parent.relative_to(outdir).as_posix() or ".")
        new = with_data(text, ablations, root)
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", _start)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
