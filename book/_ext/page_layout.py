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
that width) through a ``<picture>`` source.  A child of the page's kernel draws it beside the
figure, with the Korean versions (``pifi_ablation.pages.save_phone_layout``, into a folder of the
build named by ``$PIFI_ABLATION_PHONE_DIR``), where the data and matplotlib are already loaded
and the drawing fills the cores while the pages are read and written; the build waits for it at
its end, and draws here, from the same data source, a version no page drew.
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


def _phone_dir(app: Sphinx) -> Path:
    return Path(app.doctreedir) / "pifi-phone"


def _collect_phone_layouts(app: Sphinx) -> None:
    """Name the folder where the pages' kernels (started after this) save the phone layouts."""
    import os

    folder = _phone_dir(app)
    folder.mkdir(parents=True, exist_ok=True)
    # pifi_ablation.pages.PHONE_DIR_ENV, named here so that a rebuild with nothing to execute
    # does not import the package (and pandas) for it
    os.environ["PIFI_ABLATION_PHONE_DIR"] = str(folder)


def _phone_images(outdir: Path, drawn: Path, names: list[str],
                  vector: bool = False) -> dict[str, dict[str, str]]:
    """Each figure's phone layout and its Korean versions (desktop and phone layouts, for the
    Korean mode and the Korean PDF) in ``_images/``: file names by figure name and version
    (``phone``, ``ko``, ``ko_phone``).  As a page's kernel had them drawn into ``drawn`` (every page
    re-executes when code or data change, so these are current), else drawn here (matplotlib is
    loaded only then).  ``names``: the figures the pages show.  ``vector``: the single page that
    ``make pdf`` prints, where the desktop figures are vector: the Korean version as SVG, and the
    English one (``en``) as SVG too, since the pages glue a PNG only, both drawn here on every
    core (:func:`_print_svgs`)."""
    (outdir / "_images").mkdir(exist_ok=True)
    _wait_for_drawing(drawn, names)

    def draw(name: str, *, korean: bool = False, phone: bool = False) -> bytes:
        from pifi_ablation import paths
        from pifi_ablation.figures import make_figure
        from pifi_ablation.figures_ko import make_figure_ko
        from pifi_ablation.pages import _load, figure_png

        return figure_png((make_figure_ko if korean else make_figure)(_load(paths.default_source()), name,
                                                                      phone=phone))

    def kept_or(file: str, name: str, **version: bool) -> bytes:
        saved = drawn / file
        return saved.read_bytes() if saved.is_file() else draw(name, **version)

    def save(data: bytes, stem: str, suffix: str) -> str:
        file = f"{stem}-{hashlib.sha256(data).hexdigest()[:16]}.{suffix}"
        (outdir / "_images" / file).write_bytes(data)
        return file

    printed = _print_svgs(names) if vector else {}
    files = {}
    for name in names:
        phone = kept_or(f"{name}.png", name, phone=True)
        ko_phone = kept_or(f"{name}.ko_phone.png", name, korean=True, phone=True)
        if vector:
            ko = save(printed[name][1], f"{name}-ko", "svg")
        else:
            ko = save(kept_or(f"{name}.ko.png", name, korean=True), f"{name}-ko", "png")
        files[name] = {"phone": save(phone, f"{name}-phone", "png"), "ko": ko,
                       "ko_phone": save(ko_phone, f"{name}-ko-phone", "png")}
        if vector:  # the English figure too: the pages glued its PNG only
            files[name]["en"] = save(printed[name][0], name, "svg")
    return files


def _print_svg_pair(name: str) -> tuple[bytes, bytes]:
    """Figure ``name``'s desktop layout as the print SVG, in English and in Korean (the English
    figure put into Korean: the same as drawn in Korean)."""
    from pifi_ablation import paths
    from pifi_ablation.figures import make_figure
    from pifi_ablation.figures_ko import make_figure_ko
    from pifi_ablation.pages import _load, figure_svg

    ablations = _load(paths.default_source())
    fig = make_figure(ablations, name)
    english = figure_svg(fig).encode()
    return english, figure_svg(make_figure_ko(ablations, name, english=fig)).encode()


def _print_svgs(names: list[str]) -> dict[str, tuple[bytes, bytes]]:
    """:func:`_print_svg_pair` of every figure in ``names``, drawn on every core (forked from this
    process once it has loaded the data and matplotlib), the costliest first."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from pifi_ablation import paths
    from pifi_ablation.figure_cost import figure_cost
    from pifi_ablation.pages import _load

    cores = min(os.cpu_count() or 1, len(names))
    if cores < 2 or not hasattr(os, "fork"):
        return {name: _print_svg_pair(name) for name in names}
    import pifi_ablation.figures_ko  # noqa: F401  (with matplotlib: loaded once, before the fork)

    _load(paths.default_source())
    order = sorted(names, key=lambda name: -figure_cost(name))
    with ProcessPoolExecutor(max_workers=cores, mp_context=multiprocessing.get_context("fork")) as pool:
        return dict(zip(order, pool.map(_print_svg_pair, order), strict=True))


DRAWING_PATIENCE = 300.0  # seconds: as long as a page may execute (_config.yml's timeout)


def _wait_for_drawing(drawn: Path, names: list[str]) -> None:
    """Wait until no child of a page's kernel is drawing a figure's phone and Korean versions
    (it holds a lock on ``.{name}.drawing``: ``pifi_ablation.pages.save_phone_layout``), and
    report what one printed (a warning, a traceback) as a warning of the build.  A version
    still missing then is drawn by :func:`_phone_images`."""
    import fcntl
    import time

    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    deadline = time.monotonic() + DRAWING_PATIENCE
    for name in names:
        lock = drawn / f".{name}.drawing"
        if lock.is_file():
            with lock.open("r") as held:
                while True:
                    try:
                        fcntl.flock(held, fcntl.LOCK_SH | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            logger.warning("figure %r: its phone and Korean versions were still being "
                                           "drawn after %.0f s; drawn again by the build", name,
                                           DRAWING_PATIENCE)
                            break
                        time.sleep(0.005)
        errors = drawn / f".{name}.errors"
        if errors.is_file():
            text = errors.read_text(encoding="utf-8").strip()
            errors.unlink()
            if text:
                logger.warning("figure %r: drawing its phone and Korean versions printed:\n%s", name, text)


_NUMBER = re.compile(r'<span class="caption-number">[^<\d]*(\d+)')
FULL_SIZE = {"en": "Figure {n}, full size", "ko": "그림 {n} 원본 크기"}


def _describe_figures(page: str, phone: dict[str, dict[str, str]], lazy: bool = True) -> str:
    """The phone layout as a source, and a link to the full size named "Figure N, full size".

    The caption describes the figure, once: the image inside the link has an empty ``alt``
    (the link's name is its own) and the figure is named by its number only, so a screen
    reader does not read the caption two or three times.  On a phone the link opens the phone
    layout, in Korean mode the Korean figure (``data-*-href``, book/_static/arrival.js).  The
    version of each language loads only when shown (``lazy``: ``loading="lazy"``, so the hidden
    language's figures are never fetched; not on the page printed to PDF)."""

    def one(match: re.Match[str]) -> str:
        start, anchor, src, rest = match.groups()
        number = _NUMBER.search(rest)
        name = anchor.replace("-", "_")
        img = f'<img alt="" src="{src}" />'
        extra = ""
        if name in phone:
            folder = src.rsplit("/", 1)[0]
            files = {kind: f"{folder}/{file}" for kind, file in phone[name].items()}
            src = files.get("en", src)  # printed: the vector figure
            loading = ' loading="lazy"' if lazy else ""
            img = (f'<picture class="lang-en" lang="en"><source media="{PHONE_MEDIA}" '
                   f'srcset="{files["phone"]}" /><img alt="" src="{src}"{loading} /></picture>'
                   f'<picture class="lang-ko" lang="ko"><source media="{PHONE_MEDIA}" '
                   f'srcset="{files["ko_phone"]}" /><img alt="" src="{files["ko"]}"{loading} /></picture>')
            extra = (f' data-phone-href="{files["phone"]}" data-ko-href="{files["ko"]}"'
                     f' data-ko-phone-href="{files["ko_phone"]}"')
        label = ""
        if number:
            words = {lang: text.format(n=number.group(1)) for lang, text in FULL_SIZE.items()}
            label = (f' aria-label="{html.escape(words["en"])}" data-label-en="{html.escape(words["en"])}"'
                     f' data-label-ko="{html.escape(words["ko"])}"')
        if number:  # the figure is named by its number ("Figure 4"), its caption read as its text
            start = start.replace("<figure ", f'<figure aria-labelledby="fig-{anchor}-number" ', 1)
            rest = rest.replace('<span class="caption-number">',
                                f'<span class="caption-number" id="fig-{anchor}-number">', 1)
        return f'{start}<a class="pifi-full-size" href="{src}"{label}{extra}>{img}</a>{rest}'

    return _FIGURE.sub(one, page)


def _ours(name: str, drawn: Path) -> bool:
    """Whether figure ``name`` is one the package draws: a page's kernel drew its phone layout,
    or the package lists it (which loads matplotlib, so it is asked only when none did)."""
    if (drawn / f"{name}.png").is_file():
        return True
    from pifi_ablation.figures import EXPORTED_FIGURES
    from pifi_ablation.layer_rows import LAYER_FIGURE_NAMES

    return name in (*EXPORTED_FIGURES, *LAYER_FIGURE_NAMES)


def _finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    printed = app.builder.name == "singlehtml"  # the page `make pdf` prints: vector, loaded at once
    pages = {page: page.read_text(encoding="utf-8") for page in sorted(outdir.rglob("*.html"))}
    pages = {page: text for page, text in pages.items() if _FIGURE.search(text)}
    if not pages:
        return
    drawn = _phone_dir(app)
    shown = sorted({match.group(2).replace("-", "_") for text in pages.values()
                    for match in _FIGURE.finditer(text)})
    phone = _phone_images(outdir, drawn, [name for name in shown if _ours(name, drawn)], vector=printed)
    for page, text in pages.items():
        page.write_text(_describe_figures(text, phone, lazy=not printed), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    app.add_post_transform(GatherPageCode)
    app.connect("builder-inited", _collect_phone_layouts)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
