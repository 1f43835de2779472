"""How a page reads: prose first, the code that computed it folded at the end; figures
described and linked to their full size.

A chapter's cells are plumbing (load the data, glue numbers, show a table).
MyST-NB puts a "Show code" bar above each of them, so the data notice and the
first paragraph move down the screen and the page reads as code.  This
post-transform takes the folded input of every ``hide-input`` cell out of the
flow and gathers them, in order, in one closed ``<details>`` at the end of the
page ("Code of this page"): hidden from the reading, still there for the reader
who opens it.  Cell outputs stay where they are.

A figure's image is described by its English caption (``alt``; the language
switch puts the Korean caption there in Korean) instead of its file path, and
is a link to the image at full size.  On a phone the figure is served in its
phone layout (``make_figure(..., phone=True)``: the panels stacked, drawn for
that width) through a ``<picture>`` source.  The page's kernel draws it beside the figure
(``pifi_ablation.book.save_phone_layout``, into a folder of the build named by
``$PIFI_ABLATION_PHONE_DIR``), where the data and matplotlib are already loaded and the
pages run on all cores; a phone layout no page drew is drawn here, from the same data source.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

SUMMARY = {"en": "Code of this page", "ko": "이 페이지의 코드"}


def _summary_html() -> str:
    spans = "".join(f'<span class="lang-{lang}" lang="{lang}">{text}</span>'
                    for lang, text in SUMMARY.items())
    return f'<details class="pifi-page-code"><summary>{spans}</summary>\n'


class GatherPageCode(SphinxPostTransform):
    """Move every folded cell input to one folded block at the end of the page."""

    default_priority = 250  # after MyST-NB's HideInputCells (199) has folded them
    formats = ("html",)

    def run(self, **kwargs: object) -> None:
        folded = [node for node in self.document.findall(HideCodeCellNode)
                  if "above-input" in node["classes"]]
        if not folded:
            return
        inputs: list[nodes.Node] = []
        for node in folded:
            inputs.extend(node.children)
            node.parent.remove(node)
        sections = [n for n in self.document.children if isinstance(n, nodes.section)]
        target = sections[-1] if sections else self.document
        block = nodes.container(classes=["pifi-page-code-block"])
        block += nodes.raw("", _summary_html(), format="html")
        block.extend(inputs)
        block += nodes.raw("", "</details>\n", format="html")
        target += block


_FIGURE = re.compile(r'(<figure\b[^>]*\bid="fig-([a-z-]+)"[^>]*>\s*)<img alt="[^"]*" src="([^"]+)" />'
                     r'(.*?</figure>)', re.S)
_CAPTION_EN = re.compile(r'<span class="caption-text"><span class="lang-en">([^<]*)</span>')
# Where the phone layout is served (language.css hides the fullscreen button below it too).
PHONE_MEDIA = "(max-width: 575.98px)"


def _phone_dir(app: Sphinx) -> Path:
    return Path(app.doctreedir) / "pifi-phone"


def _collect_phone_layouts(app: Sphinx) -> None:
    """Name the folder where the pages' kernels (started after this) save the phone layouts."""
    import os

    folder = _phone_dir(app)
    folder.mkdir(parents=True, exist_ok=True)
    # pifi_ablation.book.PHONE_DIR_ENV, named here so that a rebuild with nothing to execute
    # does not import the package (and pandas) for it
    os.environ["PIFI_ABLATION_PHONE_DIR"] = str(folder)


def _phone_images(outdir: Path, drawn: Path) -> dict[str, str]:
    """Each figure's phone layout in ``_images/``, its file name by figure name: as a page's
    kernel drew it into ``drawn`` (every page re-executes when code or data change, so these
    are current), else drawn here."""
    from pifi_ablation import paths
    from pifi_ablation.ablations import load
    from pifi_ablation.book import figure_png
    from pifi_ablation.figures import EXPORTED_FIGURES, make_figure
    from pifi_ablation.figures_main import LAYER_FIGURE_NAMES

    ablations = None
    names = {}
    for name in (*EXPORTED_FIGURES, *LAYER_FIGURE_NAMES):
        saved = drawn / f"{name}.png"
        if saved.is_file():
            png = saved.read_bytes()
        else:
            ablations = ablations if ablations is not None else load(paths.default_source())
            png = figure_png(make_figure(ablations, name, phone=True))
        file = f"{name}-phone-{hashlib.sha256(png).hexdigest()[:16]}.png"
        (outdir / "_images").mkdir(exist_ok=True)
        (outdir / "_images" / file).write_bytes(png)
        names[name] = file
    return names


def _describe_figures(page: str, phone: dict[str, str]) -> str:
    """Alt text from the English caption, the phone layout as a source, a full-size link."""

    def one(match: re.Match[str]) -> str:
        start, anchor, src, rest = match.groups()
        caption = _CAPTION_EN.search(rest)
        alt = html.escape(html.unescape(caption.group(1)), quote=True) if caption else ""
        img = f'<img alt="{alt}" src="{src}" />'
        name = anchor.replace("-", "_")
        if name in phone:
            folder = src.rsplit("/", 1)[0]
            img = (f'<picture><source media="{PHONE_MEDIA}" srcset="{folder}/{phone[name]}" />'
                   f"{img}</picture>")
        return f'{start}<a class="pifi-full-size" href="{src}">{img}</a>{rest}'

    return _FIGURE.sub(one, page)


def _finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    phone: dict[str, str] | None = None
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if not _FIGURE.search(text):
            continue
        if phone is None:
            phone = _phone_images(outdir, _phone_dir(app))
        page.write_text(_describe_figures(text, phone), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    app.add_post_transform(GatherPageCode)
    app.connect("builder-inited", _collect_phone_layouts)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
