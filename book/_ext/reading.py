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
that width) through a ``<picture>`` source, drawn here from the same data
source the pages read.
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
# Where the phone layout is served (language.css hides the fullscreen button below it too).
PHONE_MEDIA = "(max-width: 575.98px)"


def _phone_images(outdir: Path) -> dict[str, str]:
    """Draw each figure's phone layout into ``_images/``; its file name by figure name."""
    from pifi_ablation import paths
    from pifi_ablation.ablations import load
    from pifi_ablation.book import figure_png
    from pifi_ablation.figures import EXPORTED_FIGURES, make_figure
    from pifi_ablation.figures_main import LAYER_FIGURE_NAMES

    ablations = load(paths.default_source())
    names = {}
    for name in (*EXPORTED_FIGURES, *LAYER_FIGURE_NAMES):
        png = figure_png(make_figure(ablations, name, phone=True))
        file = f"{name}-phone-{hashlib.sha256(png).hexdigest()[:16]}.png"
        (outdir / "_images").mkdir(exist_ok=True)
        (outdir / "_images" / file).write_bytes(png)
        names[name] = file
    return names


_NUMBER = re.compile(r'<span class="caption-number">[^<\d]*(\d+)')
FULL_SIZE = {"en": "Figure {n}, full size", "ko": "그림 {n} 원본 크기"}


def _describe_figures(page: str, phone: dict[str, str]) -> str:
    """The phone layout as a source, and a link to the full size named "Figure N, full size".

    The caption describes the figure, once: the image inside the link has an empty ``alt``
    (the link's name is its own) and the figure is named by its number only, so a screen
    reader does not read the caption two or three times.  On a
    phone the link opens the phone layout (``data-phone-href``, book/_static/arrival.js)."""

    def one(match: re.Match[str]) -> str:
        start, anchor, src, rest = match.groups()
        number = _NUMBER.search(rest)
        img = f'<img alt="" src="{src}" />'
        name = anchor.replace("-", "_")
        phone_href = ""
        if name in phone:
            folder = src.rsplit("/", 1)[0]
            img = (f'<picture><source media="{PHONE_MEDIA}" srcset="{folder}/{phone[name]}" />'
                   f"{img}</picture>")
            phone_href = f' data-phone-href="{folder}/{phone[name]}"'
        label = ""
        if number:
            words = {lang: text.format(n=number.group(1)) for lang, text in FULL_SIZE.items()}
            label = (f' aria-label="{html.escape(words["en"])}" data-label-en="{html.escape(words["en"])}"'
                     f' data-label-ko="{html.escape(words["ko"])}"')
        if number:  # the figure is named by its number ("Figure 4"), its caption read as its text
            start = start.replace("<figure ", f'<figure aria-labelledby="fig-{anchor}-number" ', 1)
            rest = rest.replace('<span class="caption-number">',
                                f'<span class="caption-number" id="fig-{anchor}-number">', 1)
        return f'{start}<a class="pifi-full-size" href="{src}"{label}{phone_href}>{img}</a>{rest}'

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
            phone = _phone_images(outdir)
        page.write_text(_describe_figures(text, phone), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    app.add_post_transform(GatherPageCode)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
