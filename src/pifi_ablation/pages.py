"""What a chapter's setup cell calls: load the data once, glue the findings, show the notice.

Chapters hold prose and short cells; this module holds the plumbing, so the
cells stay one line each.  The HTML blocks come from the templates of
:mod:`pifi_ablation.markup`, which escape every string that came from data.
"""

from __future__ import annotations

import html
import re
from collections.abc import Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pifi_ablation import korean, paths, schema, study
from pifi_ablation.ablations import Ablations, load
from pifi_ablation.coverage import AblationCoverage, Coverage, settings_text
from pifi_ablation.findings import Finding, findings
from pifi_ablation.markup import html as as_html
from pifi_ablation.markup import macro, render
from pifi_ablation.provenance import Provenance
from pifi_ablation.tables import KO_LABELS, SummaryTable, summary_table

if TYPE_CHECKING:  # matplotlib is imported only by pages that draw a figure
    from matplotlib.figure import Figure


class Plain(str):
    """A string that MyST-NB's glue pastes without quotes."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


class Html:
    """A block of HTML shown as a cell output."""

    def __init__(self, markup: str) -> None:
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return "(HTML block; see the rendered page)"


def bilingual(en: str, ko: str, tag: str = "div") -> str:
    """HTML holding both languages; the language switch shows one.  Arguments are HTML."""
    return str(macro("_blocks.html", "bilingual")(as_html(en), as_html(ko), tag))


def notice_html(provenance: Provenance) -> str:
    """The data notice at the top of every page: one line, the details folded below it."""
    if provenance.is_demo:
        en = ("<strong>Demonstration data, not measurements.</strong>",
              "<p>Every number, figure and table on this page comes from an illustrative simulation "
              "(the data-generating code of the authors' first notebook), not from measured "
              "experiments. It shows how the appendix reads; it supports no claim about the method.</p>")
        ko = ("<strong>시연 데이터이며 측정값이 아니다.</strong>",
              "<p>이 페이지의 모든 수치, 그림, 표는 실제 실험 측정이 아니라 예시용 시뮬레이션(저자들의 "
              "초기 노트북에 있는 데이터 생성 코드)으로 만들었다. 부록의 구성을 보여 주기 위한 것일 뿐, "
              "방법에 대한 어떤 주장도 뒷받침하지 않는다.</p>")
        kind = "warning"
    else:
        loc = html.escape(provenance.location or "")
        en = (f"<strong>Measured data</strong> from <code>{loc}</code>: "
              f"{len(provenance.files)} files, content hash <code>{provenance.short_hash}</code>; "
              f"{len(provenance.assumptions)} assumption(s), {len(provenance.warnings)} warning(s).",
              _listed_html(provenance))
        ko = (f"<strong>측정 데이터</strong>: <code>{loc}</code>, 파일 {len(provenance.files)}개, "
              f"내용 해시 <code>{provenance.short_hash}</code>; 가정 {len(provenance.assumptions)}건, "
              f"경고 {len(provenance.warnings)}건.",
              _listed_html(provenance, "ko"))
        kind = "note"
    return notice_block(kind, provenance.kind, en, ko)


def notice_block(kind: str, source: str, en: tuple[str, str], ko: tuple[str, str]) -> str:
    """A data notice (admonition ``kind``): per language its head and the details folded under
    it (HTML; no details, no fold)."""
    return render("notice.html", kind=kind, source=source, en_head=as_html(en[0]), en_more=as_html(en[1]),
                  ko_head=as_html(ko[0]), ko_more=as_html(ko[1]))


def korean_html(text: str) -> str:
    """A loader message in Korean, escaped; in English marked ``lang="en"`` where this
    appendix has no Korean form of it (:mod:`pifi_ablation.korean`)."""
    ko = korean.message(text)
    return html.escape(ko) if ko is not None else f'<span lang="en">{html.escape(text)}</span>'


def _listed_html(provenance: Provenance, lang: str = "en") -> str:
    """Assumptions and warnings of a measured source, every string escaped."""
    if not (provenance.assumptions or provenance.warnings):
        return ""
    assumed, warning = ("assumed", "warning") if lang == "en" else ("가정", "경고")

    def say(text: str) -> str:
        return text if lang == "en" else as_html(korean_html(text))

    items = ([(assumed, say(a)) for a in provenance.assumptions]
             + [(warning, say(w)) for w in provenance.warnings])
    return render("listed.html", items=items)


def source_html(provenance: Provenance) -> str:
    """A short bilingual note of the data source, for figure captions."""
    if provenance.is_demo:
        en, ko = ("Data: illustrative simulation, not measurements.",
                  "데이터: 예시용 시뮬레이션이며 측정값이 아니다.")
    else:
        where = html.escape(provenance.location or "")
        en = f"Data: measured, {where} ({len(provenance.files)} files, {provenance.short_hash})."
        ko = f"데이터: 측정값, {where} (파일 {len(provenance.files)}개, {provenance.short_hash})."
    return bilingual(f"<em>{en}</em>", f"<em>{ko}</em>", tag="span")


class InlineHtml(Html):
    """HTML pasted inline by ``{glue}``; its plain-text form is the English version."""

    def __init__(self, markup: str, text: str) -> None:
        super().__init__(markup)
        self.text = text

    def __repr__(self) -> str:
        return self.text


def table_html(table: SummaryTable, provenance: Provenance) -> str:
    """The chapter table in both languages, each with its caption and source."""
    # A chapter's second table (its paired comparison) is numbered after its first: 1b.
    base = table.name.removesuffix("_paired")
    note = provenance.note(base)
    source_en = ("Illustrative simulation (demo data), not measurements." if provenance.is_demo
                 else html.escape(provenance.label(base)) + ".")
    source_ko = ("예시용 시뮬레이션(시연 데이터)이며 측정값이 아니다." if provenance.is_demo
                 else f"측정 데이터: {html.escape(provenance.location or '')}, 파일 "
                      f"{len(provenance.files)}개, 내용 해시 {provenance.short_hash}"
                      + (f"; {korean_html(note)}" if note else "") + ".")

    # Numbered in book order (the main-results and selection-signals chapters' tables first); a
    # sweep's paired comparison takes its table's number with a "b".
    number = f"{BOOK_TABLES.index(base) + 1}{'b' if base != table.name else ''}"
    # An ablation without data says so under the column heads.
    return table_block(table.name, table.frame, table.korean(), number, (table.caption_en, table.caption_ko),
                       (source_en, source_ko), empty=("No data yet.", "아직 데이터가 없다."))


def table_block(name: str, frame: pd.DataFrame, frame_ko: pd.DataFrame, number: str,
                captions: tuple[str, str], sources: tuple[str, str],
                empty: tuple[str, str] | None = None, na_rep: str = "NaN") -> str:
    """A numbered table in both languages (``frame``, and ``frame_ko`` with Korean heads), each
    with its caption and its source (HTML), and the slot of its CSV link; ``empty`` is what each
    language says under the heads of a table without rows."""
    def one(f: pd.DataFrame, label: str, caption: str, source: str, said: str | None) -> dict:
        body = f.to_html(index=False, escape=True, border=0, classes=["pifi-table"], na_rep=na_rep)
        return {"label": label, "caption": caption, "source": as_html(source), "body": as_html(body),
                "empty": said if f.empty else None}

    said = empty or (None, None)
    return render("table_block.html", name=name,
                  en=one(frame, f"Table {number}.", captions[0], sources[0], said[0]),
                  ko=one(frame_ko, f"표 {number}.", captions[1], sources[1], said[1]))


# Every numbered table of the book, in book order (pifi_ablation.pages_main writes the first four).
BOOK_TABLES: tuple[str, ...] = ("main_results", "main_results_tasks", "signals_tasks", "signals_matrix",
                                *schema.TABLE_NAMES)


SCREEN_DPI = 200
# Fixed seed of the SVG's element ids, so the same figure gives the same bytes.
SVG_HASH_SALT = "pifi-ablation"


def figure_png(fig: Figure, dpi: int = SCREEN_DPI) -> bytes:
    """The figure as PNG bytes for the page: drawn at print size, at screen resolution."""
    import io

    from PIL import Image

    from pifi_ablation import style

    buffer = io.BytesIO()
    with style.paper_style():  # the raster's pixels as they are, with no PNG to decode again
        fig.savefig(buffer, format="raw", dpi=dpi)
    # A 256-colour palette (no dithering: the same bytes on every run) keeps the page light: a
    # third of the RGBA file, with no visible change to flat-coloured plots.  Maximum coverage
    # picks it in 60% of median cut's time, and closer: over the book's figures no pixel is more
    # than 14 levels (of 255) off, where median cut left hundreds of pixels 25 to 69 levels off.
    # The figures are opaque, so nothing is lost by dropping the alpha channel.  zlib level 6
    # writes it in a tenth of the time of level 9, for a file about 8% larger.
    image = Image.frombuffer("RGBA", style.pixels(fig, dpi), buffer.getvalue(), "raw", "RGBA", 0, 1)
    palette = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MAXCOVERAGE,
                                            dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="png", compress_level=6)
    return out.getvalue()


def figure_svg(fig: Figure) -> str:
    """The figure as SVG for print (the PDFs of the appendix): vector, text drawn as paths."""
    import io

    import matplotlib as mpl

    from pifi_ablation import style

    buffer = io.StringIO()
    with style.paper_style(), mpl.rc_context({"svg.fonttype": "path", "svg.hashsalt": SVG_HASH_SALT}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


class FigureImages:
    """A figure as the pages show it: PNG, and, when given, SVG.

    A page's kernel glues the PNG alone: the PDFs print the vector SVG, which the single-page
    build that ``make pdf`` prints draws at its end (``book/_ext/page_layout.py``), so the
    HTML build, which never shows it, does not draw it for every figure.
    """

    def __init__(self, png: bytes, svg: str | None = None) -> None:
        self.png = png
        self.svg = svg

    def _repr_png_(self) -> bytes:
        return self.png

    def _repr_svg_(self) -> str | None:
        return self.svg

    def __repr__(self) -> str:
        return "(figure; see the rendered page)"


@cache
def _load(source: str) -> Ablations:
    return load(source)


@cache
def _findings(source: str) -> dict[str, Finding]:
    """The findings of ``source``, computed once per process: in a build, once by the process
    every page's kernel is forked from (``book/_ext/warm_kernels.py``).  Pages only read them."""
    return findings(_load(source))


@dataclass
class Page:
    """A chapter's handle on the data: the tables, the findings, figures and tables to show."""

    ablations: Ablations
    findings: dict[str, Finding] = field(default_factory=dict)  # every finding, by glue key

    def figure(self, name: str) -> Figure:
        from pifi_ablation.figures import make_figure

        return make_figure(self.ablations, name)

    def table(self, name: str) -> Html:
        return Html(table_html(summary_table(self.ablations, name), self.ablations.provenance))

    def data_status(self, name: str) -> None:
        """Show, where ablation ``name`` has no data, what is missing and the command that
        produces it (the prose quoting its numbers is left out: ``book/_ext/data_tags.py``)."""
        from IPython.display import display

        from pifi_ablation.nodata import has_data

        if not has_data(self.ablations, name):
            display(Html(no_data_html(self.ablations, name)))

    def missing_summary(self) -> None:
        """Show, on the summary page, which ablations have no data yet (nothing when all have)."""
        from IPython.display import display

        from pifi_ablation.nodata import missing_ablations

        if missing_ablations(self.ablations):
            display(Html(missing_summary_html(self.ablations)))

    def paired_table(self, name: str) -> Html:
        """The sweep's "Paired comparison with the default" table (numbered after its first)."""
        from pifi_ablation.tables import paired_table

        return Html(table_html(paired_table(self.ablations, name), self.ablations.provenance))

    def glue_figure(self, name: str) -> None:
        """Glue figure ``name`` under the key ``fig_{name}`` for a ``glue:figure`` directive."""
        from myst_nb import glue

        with _collection_paused():
            fig = self.figure(name)
            png = figure_png(fig)
        glue(f"fig_{name}", FigureImages(png), display=False)
        save_phone_layout(self.ablations, name, fig)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Within: no garbage collection.  Drawing a figure makes cyclic garbage (matplotlib's artists)
    that the collector would walk again and again, about 5% of the drawing's CPU; it is
    collected as usual once the block ends."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Where a build collects the figures' phone layouts (set by book/_ext/page_layout.py).
PHONE_DIR_ENV = "PIFI_ABLATION_PHONE_DIR"


def save_phone_layout(ablations: Ablations, name: str, figure: Figure | None = None) -> None:
    """Draw figure ``name``'s phone layout and its Korean versions into ``$PIFI_ABLATION_PHONE_DIR``
    (``{name}.png``, ``{name}.ko.png``, ``{name}.ko_phone.png``), from the page's kernel, which has
    the data and matplotlib loaded; the build serves them (``book/_ext/page_layout.py``).  Nothing
    happens outside a build that set the variable.  ``figure``: the desktop figure the page
    drew, which becomes each version in turn (:func:`figure_versions`) rather than any being
    drawn again.

    Where the platform can fork, a child of the kernel draws them and the page goes on.  They
    are more than half of a page's work, and the build needs them only at its end: drawn on
    their own, they keep both cores busy while the build waits for its last page or writes
    the HTML, which it does on one.  The child holds a lock on ``.{name}.drawing`` until it
    has written them (the build waits for it), in its own process group (the kernel's
    shutdown ends its group), and writes what it prints, warnings and errors included, to
    ``.{name}.errors``, which the build reports as its own warnings."""
    import os

    folder = os.environ.get(PHONE_DIR_ENV)
    if not folder:
        return
    folder_path = Path(folder)
    if not hasattr(os, "fork"):
        _draw_versions(ablations, name, folder_path, figure)
        return
    import fcntl

    for file in _version_files(name):  # none of an earlier build is served if this one fails
        (folder_path / file).unlink(missing_ok=True)
    lock = (folder_path / f".{name}.drawing").open("w")
    fcntl.flock(lock, fcntl.LOCK_EX)  # taken before the fork: the build cannot miss the child
    if os.fork():
        lock.close()  # the child's copy of the lock holds it until the child exits
        return
    status = 1
    try:
        status = _draw_in_child(ablations, name, folder_path, figure)
    finally:
        os._exit(status)  # nothing of the kernel's (its atexit, its threads' streams) runs here


def _draw_in_child(ablations: Ablations, name: str, folder: Path, figure: Figure | None) -> int:
    import gc
    import os
    import sys
    import traceback

    gc.disable()  # the child draws one figure's versions and exits (see _collection_paused)
    os.setsid()
    with (folder / f".{name}.errors").open("w", encoding="utf-8") as errors:
        os.dup2(errors.fileno(), 1)
        os.dup2(errors.fileno(), 2)
        sys.stdout = sys.stderr = errors  # not the kernel's streams: their thread is not in this process
        try:
            _draw_versions(ablations, name, folder, figure)
        except BaseException:
            traceback.print_exc()
            return 1
    return 0


def _version_files(name: str) -> tuple[str, str, str]:
    """The files of figure ``name``'s phone layout and Korean desktop and phone versions."""
    return f"{name}.png", f"{name}.ko.png", f"{name}.ko_phone.png"


def _draw_versions(ablations: Ablations, name: str, folder: Path, figure: Figure | None = None) -> None:
    import os

    for file, fig in figure_versions(ablations, name, figure):
        path = folder / file
        partial = path.with_name(f".{file}.{os.getpid()}")  # complete or absent, never half written
        partial.write_bytes(figure_png(fig))
        partial.replace(path)


def figure_versions(ablations: Ablations, name: str,
                    figure: Figure | None = None) -> Iterator[tuple[str, Figure]]:
    """Figure ``name``'s phone layout, Korean phone and Korean desktop versions, each with its
    file's name (:func:`_version_files`), one after another: each is the one before it changed in
    place, so a version is to be saved before the next is asked for.

    From ``figure``, the desktop figure the page drew, nothing is drawn anew: it is laid out
    again as the phone layout, which is put into Korean, which is laid out again as the desktop
    one (``figure_layout.relay_out``, ``figures_ko.make_figure_ko(..., english=...)``,
    ``figures_ko.relay_out``): the same PNGs, byte for byte, as each version drawn from the start
    (tests/test_figures_ko.py), for a sixth less CPU (3.7 s against 4.4 s over the nine figures,
    the PNGs included).  Without it, the phone layout is drawn anew."""
    from pifi_ablation import figure_layout, figures_ko
    from pifi_ablation.figures import make_figure

    phone_file, korean_file, korean_phone_file = _version_files(name)
    phone = figure_layout.relay_out(figure, phone=True) if figure is not None else None
    if phone is None:
        phone = make_figure(ablations, name, phone=True)
    yield phone_file, phone
    korean_phone = figures_ko.make_figure_ko(ablations, name, phone=True, english=phone)
    yield korean_phone_file, korean_phone
    yield korean_file, (figures_ko.relay_out(korean_phone, phone=False)
                        or figures_ko.make_figure_ko(ablations, name))


ABLATION_TITLES: dict[str, tuple[str, str]] = {a.name: a.title for a in study.ABLATIONS}


def data_tags(source: str | None = None) -> set[str]:
    """The Sphinx tags of the ablations that have data (``pifi_data_<name>``), and
    ``pifi_data_any`` when one has, ``pifi_data_layers`` when per-layer runs exist: prose quoting
    an ablation's (or the per-layer chapters') numbers is shown only under its tag.  Unusable
    input sets every tag (the pages' cells then report it)."""
    from pifi_ablation.errors import ResultsError
    from pifi_ablation.nodata import NEEDS, has_data

    try:
        ablations = _load(source or paths.default_source())
    except ResultsError:
        return {f"pifi_data_{name}" for name in NEEDS} | {"pifi_data_any", "pifi_data_layers",
                                                          "pifi_source_results"}
    tags = {f"pifi_data_{name}" for name in NEEDS if has_data(ablations, name)}
    tags = tags | {"pifi_data_any"} if tags else tags
    if ablations.layers:  # the main-results and selection-signals chapters' per-layer runs
        tags.add("pifi_data_layers")
    if ablations.coverage is not None:  # a results folder: its coverage report (reproducibility)
        tags.add("pifi_source_results")
    return tags


def _pending_sentence(ablations: Ablations) -> tuple[str, str]:
    report = ablations.coverage
    n = len(report.pending) if report is not None else 0
    if not n:
        return "", ""
    return (f" {n} run(s) in the folder are pending their grid search; the reproducibility chapter "
            "lists them.",
            f" 폴더의 실행 {n}개는 그리드 탐색을 기다리고 있으며, 재현성 장에 나열되어 있다.")


def no_data_html(ablations: Ablations, name: str) -> str:
    """The notice of a chapter whose ablation has no data: what is missing, the command that
    produces it, and what is pending (both languages; every string from data escaped)."""
    from pifi_ablation.nodata import GRID, GRID_KO, NEEDS, missing_ablations

    need, esc = NEEDS[name], html.escape
    nothing = len(missing_ablations(ablations)) == len(NEEDS)
    lead_en = ("Nothing in this results folder is measurable yet." if nothing
               else "No data for this ablation yet.")
    lead_ko = ("이 결과 폴더에서는 아직 측정할 수 있는 것이 없다." if nothing
               else "이 절제 실험에는 아직 데이터가 없다.")
    pending_en, pending_ko = _pending_sentence(ablations)
    en = (f"<p><strong>{lead_en}</strong> The results folder holds no {esc(need.en)}. To produce them, "
          f"run <code>{esc(need.command)}</code>, then {esc(GRID)} for the same datasets and models."
          f"{esc(pending_en)} The figure, the table and the findings of this chapter fill in when such "
          "runs are read; the reproducibility chapter lists the missing cells.</p>")
    ko = (f"<p><strong>{lead_ko}</strong> 결과 폴더에 {esc(need.ko)}이 없다. "
          f"<code>{esc(need.command)}</code>를 실행한 뒤 같은 데이터셋과 모델에 대해 {esc(GRID_KO)}을 "
          f"실행하면 만들어진다.{esc(pending_ko)} 이 장의 그림, 표, 결과는 그런 실행을 읽으면 "
          "채워지며, 빠진 셀은 재현성 장에 나열되어 있다.</p>")
    return render("no_data.html", ablation=name, en=as_html(en), ko=as_html(ko))


def missing_summary_html(ablations: Ablations) -> str:
    """The summary's note of the ablations without data (its bullets quote only the others)."""
    from pifi_ablation.nodata import NEEDS, missing_ablations

    missing = missing_ablations(ablations)
    pending_en, pending_ko = _pending_sentence(ablations)
    if len(missing) == len(NEEDS):
        en = "Nothing in this results folder is measurable yet, so no finding is quoted here."
        ko = "이 결과 폴더에서는 아직 측정할 수 있는 것이 없으므로 여기에 인용하는 결과는 없다."
    else:
        en = ("No data yet for: " + ", ".join(ABLATION_TITLES[n][0].lower() for n in missing)
              + ". Their findings are not quoted here; each chapter says which runs would produce them.")
        ko = ("아직 데이터가 없는 절제 실험: " + ", ".join(ABLATION_TITLES[n][1] for n in missing)
              + ". 그 결과는 여기에 인용하지 않으며, 각 장에 어떤 실행이 필요한지 적혀 있다.")
    return render("no_data.html", ablation="summary", en=as_html(f"<p>{html.escape(en + pending_en)}</p>"),
                  ko=as_html(f"<p>{html.escape(ko + pending_ko)}</p>"))


def stated_p(finding: Finding) -> str:
    """A p-value finding as prose states it, with its relation.

    >>> from pifi_ablation.findings import Finding
    >>> stated_p(Finding("x_p", 0.0123, "p", "")), stated_p(Finding("x_p", 1e-5, "p", ""))
    ('p = 0.012', 'p < 0.001')
    """
    text = finding.text
    return f"p {text}" if text.startswith(("<", ">")) else f"p = {text}"


def glue_texts(found: dict[str, Finding], demo: bool) -> dict[str, str]:
    """Every glue key and the text it pastes: ``key``, and where defined ``key_ci``, ``key_n``;
    and the sentences whose wording depends on the data (see :func:`phrases`)."""
    texts: dict[str, str] = {}
    for key, finding in found.items():
        texts[key] = finding.text
        if finding.ci is not None:
            texts[f"{key}_ci"] = finding.ci_text
        if finding.n is not None:
            texts[f"{key}_n"] = str(finding.n)
        if finding.ko is not None:
            texts[f"{key}_ko"] = finding.ko
        if finding.fmt == "p":  # "p = 0.012", "p < 0.001": the relation goes with the value
            texts[f"{key}_stated"] = stated_p(finding)
    texts.update(phrases(found, demo))
    return texts


def phrases(found: dict[str, Finding], demo: bool) -> dict[str, str]:
    """Whole sentences that differ with the data, in English (``key``) and Korean (``key_ko``).

    Glued as whole sentences, so that no Korean particle has to agree with a value, and so
    that a page never says what is only true of other data: selection time where none was
    logged (upstream's selection log has no ``elapsed_sec``), or a caveat about the
    simulation on a measured build.
    """
    small, large = found["ss_time_smallest"], found["ss_time_largest"]
    n_small, n_large = found["ss_smallest_n"].text, found["ss_largest_n"].text
    if small.defined and large.defined:
        out = {
            "ss_time_sentence": f"The mean selection time goes from {small.text} s to {large.text} s.",
            "ss_time_sentence_ko": f"평균 선택 시간은 {small.text}초에서 {large.text}초로 변한다.",
            "ss_time_summary": (f"Mean selection time is {small.text} s at {n_small} samples and "
                                f"{large.text} s at {n_large}."),
            "ss_time_summary_ko": (f"평균 선택 시간은 샘플 {n_small}개에서 {small.text}초, "
                                   f"{n_large}개에서 {large.text}초이다."),
        }
    else:
        out = {
            "ss_time_sentence": ("Selection time was not logged for these runs (their selection logs "
                                 "hold no elapsed_sec), so the cost side is not shown."),
            "ss_time_sentence_ko": ("이 실행들의 선택 로그에는 elapsed_sec가 없어 선택 시간이 기록되지 "
                                    "않았으므로, 비용 측면은 제시하지 않는다."),
            "ss_time_summary": "Selection time was not logged.",
            "ss_time_summary_ko": "선택 시간은 기록되지 않았다.",
        }
    out.update(seed_phrases(found))
    if demo:
        out["evidence_caveat"] = ("On the demonstration data none of this is evidence: the simulation "
                                  "was written to produce these shapes.")
        out["evidence_caveat_ko"] = ("시연 데이터에서는 이 가운데 어느 것도 증거가 아니다. 시뮬레이션이 "
                                     "이런 경향이 나타나도록 작성되었기 때문이다.")
    else:
        out["evidence_caveat"] = ("The runs behind these numbers are listed in the reproducibility "
                                  "chapter, with the cells of the ablation grid that are still missing.")
        out["evidence_caveat_ko"] = ("이 수치의 바탕이 된 실행과 아직 비어 있는 절제 실험 그리드 셀은 "
                                     "재현성 장에 나열되어 있다.")
    return out


def seed_phrases(found: dict[str, Finding]) -> dict[str, str]:
    """``seed_sentence`` (+ ``_ko``): the selection seed's variation, or why it is not reported."""
    seed = found.get("seed_sd_recovery")
    if seed is None or not seed.defined:
        return {"seed_sentence": ("Every (task, model) cell at the default settings has one selection seed, "
                                  "so the variation due to the selection seed cannot be estimated here."),
                "seed_sentence_ko": ("기본 설정의 (태스크, 모델) 셀마다 선택 시드가 하나뿐이어서 선택 시드에 "
                                     "따른 변동은 여기서 추정할 수 없다.")}
    return {"seed_sentence": (f"The variation of recovery due to the selection seed is {seed.text} "
                              "percentage points "
                              f"(the square root of the mean across-seed variance over {seed.n} default "
                              "(task, model) cells with at least two seeds)."),
            "seed_sentence_ko": (f"선택 시드에 따른 회복률 변동은 {seed.text}%p이다(시드가 둘 이상인 "
                                 f"기본 설정 (태스크, 모델) 셀 {seed.n}개에 대한 시드 간 분산 평균의 "
                                 "제곱근).")}


def glue_findings(found: dict[str, Finding], demo: bool, keys: Container[str] | None = None) -> None:
    """Glue every finding's text under its key (see :func:`glue_texts`); only ``keys``, when given."""
    from myst_nb import glue

    for key, text in glue_texts(found, demo).items():
        if keys is None or key in keys:
            glue(key, Plain(text), display=False)


# What a chapter quotes: the {glue} role (and its {glue:text}-style variants, whose key may carry
# a format after a colon), and the chapters' includes, whose text it quotes too.
_GLUE_ROLE = re.compile(r"\{glue(?::[a-z]+)?\}`([^`:]+)")
_INCLUDE = re.compile(r"^```\{include\}\s+(\S+)", re.M)


def chapter_glue_keys(chapter: Path) -> set[str] | None:
    """The glue keys that chapter ``chapter`` (its MyST file) and the files it includes quote, or
    None when it cannot be read (then a page glues every key)."""
    try:
        text = chapter.read_text(encoding="utf-8")
    except OSError:
        return None
    keys = set(_GLUE_ROLE.findall(text))
    for name in _INCLUDE.findall(text):
        included = chapter_glue_keys(chapter.parent / name)
        if included is None:
            return None
        keys |= included
    return keys


def default_comparison(found: dict[str, Finding], prefix: str) -> InlineHtml:
    """How the default setting's mean recovery compares with the best, as a phrase in both
    languages: "the default is the best mean" when it is, else how far below it lies."""
    if not found[f"{prefix}_best"].defined:
        en, ko = "there is no data yet", "아직 데이터가 없다"
    elif f"{prefix}_recovery_default" in found and not found[f"{prefix}_recovery_default"].defined:
        en, ko = "the default was not run in this sweep", "이 값 탐색에서는 기본값으로 실행하지 않았다"
    elif found[f"{prefix}_best"].value == found[f"{prefix}_default"].value:
        en, ko = "the default is the best mean", "기본값에서 최고 평균을 얻는다"
    else:
        shortfall = found[f"{prefix}_default_shortfall"].text
        en = f"{shortfall} percentage points of recovery below the best mean"
        ko = f"최고 평균보다 회복률이 {shortfall}%p 낮다"
    return InlineHtml(bilingual(en, ko, tag="span"), en)


def glue_phrases(found: dict[str, Finding], keys: Container[str] | None = None) -> None:
    """Glue the computed phrases: ``kw_default_vs_best``, ``lam_default_vs_best`` (only ``keys``)."""
    from myst_nb import glue

    for prefix in ("kw", "lam"):
        key = f"{prefix}_default_vs_best"
        if f"{prefix}_best" in found and (keys is None or key in keys):
            glue(key, default_comparison(found, prefix), display=False)


def glue_source(provenance: Provenance, keys: Container[str] | None = None) -> None:
    """Glue the bilingual source note as ``data_source`` (figure captions quote it), if in ``keys``."""
    from myst_nb import glue

    if keys is None or "data_source" in keys:
        glue("data_source", InlineHtml(source_html(provenance), provenance.label()), display=False)


def time_caption_html(found: dict[str, Finding]) -> InlineHtml:
    """Panel (c) of the sample-size figure, as the caption describes it: the selection time, or
    that it was not logged (upstream's selection log has no ``elapsed_sec``)."""
    if found["ss_time_smallest"].defined or found["ss_time_largest"].defined:
        en, ko = ("(c) Selection time, mean and 95% t-interval over tasks.",
                  "(c) 선택 시간의 태스크 평균과 95% 신뢰구간.")
    else:
        en, ko = ("(c) Selection time: not logged in these runs.",
                  "(c) 선택 시간: 이 실행들에는 기록되지 않았다.")
    return InlineHtml(bilingual(en, ko, tag="span"), en)


def glue_time_caption(found: dict[str, Finding], keys: Container[str] | None = None) -> None:
    """Glue panel (c)'s caption sentence as ``ss_time_caption``, if in ``keys``."""
    from myst_nb import glue

    if keys is None or "ss_time_caption" in keys:
        glue("ss_time_caption", time_caption_html(found), display=False)


def setup_page(source: str | None = None, *, chapter: str | None = None) -> Page:
    """Load the data (``$PIFI_ABLATION_SOURCE`` or demo), glue the findings, show the notice.

    ``chapter``: the page's name (``book/{chapter}.md``), so that only the findings it quotes
    are glued (see :func:`glued_page`); without it, every finding is."""
    from IPython.display import display

    page = glued_page(source, chapter)
    display(Html(notice_html(page.ablations.provenance)))
    return page


def glued_page(source: str | None = None, chapter: str | None = None) -> Page:
    """The page's handle on ``source`` (``$PIFI_ABLATION_SOURCE`` or demo), its findings and
    phrases glued: those chapter ``chapter`` quotes, else all.

    A page's kernel runs in the chapter's folder (MyST-NB's), where ``{chapter}.md`` is read.
    Each glued value is a message from the kernel and an output MyST-NB keeps; a chapter quotes
    at most a quarter of the findings, and some quote none."""
    source = source or paths.default_source()
    ablations = _load(source)
    page = Page(ablations, dict(_findings(source)))
    keys = chapter_glue_keys(Path(f"{chapter}.md")) if chapter else None
    with _streams_flushed_once():
        glue_findings(page.findings, ablations.provenance.is_demo, keys)
        glue_phrases(page.findings, keys)
        glue_source(ablations.provenance, keys)
        glue_time_caption(page.findings, keys)
    return page


@contextmanager
def _streams_flushed_once() -> Iterator[None]:
    """Within: the kernel's displays do not flush stdout and stderr first, as ipykernel's do
    each time; they are flushed once, on entering.

    A flush is a round trip to the kernel's IO thread, and a page glues its few hundred findings
    as one display each: these waits were half of a page's setup cell.  Nothing in between
    prints, so the outputs keep their order.  Outside an ipykernel (no such publisher), nothing
    changes."""
    import sys

    from IPython import get_ipython

    publisher = getattr(get_ipython(), "display_pub", None)
    if not callable(getattr(publisher, "_flush_streams", None)):
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    publisher._flush_streams = lambda: None
    try:
        yield
    finally:
        del publisher._flush_streams


def _settings_text(column: pd.Series) -> str:
    """The distinct settings of a column: numbers in numeric order (50 before 100), else names."""
    values = column.unique()
    if pd.api.types.is_numeric_dtype(column):
        return ", ".join(f"{v:g}" for v in sorted(values))
    return ", ".join(sorted(str(v) for v in values))


KIND_KO = {"demo": "시연 데이터", "measured": "측정 데이터"}


def provenance_html(ablations: Ablations) -> str:
    """The provenance record and what each table holds, in both languages."""
    p = ablations.provenance
    esc = html.escape
    description_ko = esc(p.description_ko) if p.description_ko else korean_html(p.description)
    rows = [
        ("Source kind", "출처 종류", (esc(p.kind), f"{KIND_KO[p.kind]}({esc(p.kind)})")),
        ("Description", "설명", (esc(p.description), description_ko)),
        ("Location", "위치", f"<code>{esc(p.location or '')}</code>"),
        ("Content hash (SHA-256)", "내용 해시(SHA-256)", f"<code>{esc(p.content_hash)}</code>"),
        ("Files read", "읽은 파일 수", str(len(p.files))),
        ("Assumptions", "가정", ("<br>".join(esc(a) for a in p.assumptions),
                                 "<br>".join(korean_html(a) for a in p.assumptions))),
        ("Warnings", "경고", ("<br>".join(esc(w) for w in p.warnings),
                              "<br>".join(korean_html(w) for w in p.warnings))),
    ]
    nothing = ("none", "없음")
    content = ablations.tables()
    settings = {a.name: a.setting for a in study.ABLATIONS}

    def one(lang: int, heads: tuple[str, ...], words: dict[str, str]) -> str:
        record = [(r[lang], as_html((r[2][lang] if isinstance(r[2], tuple) else r[2]) or nothing[lang]))
                  for r in rows]
        tables = [(name, len(df), df["task"].nunique(),
                   _settings_text(df[settings[name]].map(lambda v: words.get(v, v))))
                  for name, df in content.items()]
        return render("provenance.html", rows=record, heads=heads, tables=tables)

    return bilingual(one(0, ("Table", "Rows", "Tasks", "Settings"), {}),
                     one(1, ("표", "행 수", "태스크 수", "설정"), KO_LABELS))


def environment_html() -> str:
    """Versions of Python and of the packages that computed this page."""
    import platform
    from importlib.metadata import version

    names = ["pifi-ablation", "numpy", "pandas", "scipy", "matplotlib", "jupyter-book",
             "myst-nb", "sphinx"]
    versions = [("python", platform.python_version())] + [(n, version(n)) for n in names]
    return bilingual(render("environment.html", heads=("Package", "Version"), versions=versions),
                     render("environment.html", heads=("패키지", "버전"), versions=versions))


def show_provenance(page: Page) -> Html:
    return Html(provenance_html(page.ablations))


def coverage_html(ablations: Ablations) -> str:
    """Which cells of the ablation grid have runs, in both languages (measured data only: the
    demo source has no runs, and its build leaves the whole section out, see ``data_tags``)."""
    if ablations.coverage is not None:
        return coverage_report_html(ablations.coverage)
    return ""


_SHOWN_PER_PAIR = 6  # missing cells listed per (task, model) in the coverage table


def coverage_report_html(report: Coverage) -> str:
    """The coverage report in both languages (every string from the folder escaped)."""
    esc = html.escape
    folder = (f"Results folder <code>{esc(report.location)}</code>: {esc(report.summary)}.",
              f"결과 폴더 <code>{esc(report.location)}</code>: {korean_html(report.summary)}.")
    sections = (
        ("Pending runs (their grid is missing, in progress or unusable; left out of the tables)",
         "대기 중인 실행(그리드가 없거나 진행 중이거나 쓸 수 없음; 표에서 제외)",
         [p.text() for p in report.pending], [korean.pending(p) for p in report.pending]),
        ("Skipped files (outside the study)", "건너뛴 파일(연구 범위 밖)",
         [f"{path}: {why}" for path, why in report.skipped],
         [korean.skipped(path, why) for path, why in report.skipped]),
        ("Grid files", "그리드 파일", [g.text() for g in report.grids],
         [korean.grid_state(g) for g in report.grids]),
    )
    lists = ([(f"{en} ({len(items_en)})", items_en) for en, _, items_en, _ in sections if items_en],
             [(f"{ko} ({len(items_ko)}건)", items_ko) for _, ko, items_en, items_ko in sections if items_en])
    en = render("coverage.html", folder=as_html(folder[0]), lists=lists[0],
                ablations=[_coverage_grid(a, "en") for a in report.ablations])
    ko = render("coverage.html", folder=as_html(folder[1]), lists=lists[1],
                ablations=[_coverage_grid(a, "ko") for a in report.ablations])
    return render("wrapped.html", cls="pifi-coverage", en=as_html(en), ko=as_html(ko))


def _coverage_grid(a: AblationCoverage, lang: str) -> dict:
    """One ablation's line and grid of the coverage report: per task and model, the cells with
    runs, and the first missing ones listed."""
    seed_word = "seed" if lang == "en" else "시드"
    words = {} if lang == "en" else {"re-selection": "다시 선택", "default": "기본값"}
    missing = a.missing()
    per_pair = len(a.settings) * len(a.seeds)
    rows = []
    for task in a.tasks:
        cells = []
        for model in a.models:
            gone = missing.get((task, model), [])
            listed = "; ".join(f"{words.get(s, s)} {seed_word} {seed}"
                               for s, seed in gone[:_SHOWN_PER_PAIR])
            if len(gone) > _SHOWN_PER_PAIR:
                listed += f"; +{len(gone) - _SHOWN_PER_PAIR}"
            status = "complete" if not gone else ("empty" if len(gone) == per_pair else "partial")
            cells.append((status, f"{a.count(task, model)}/{per_pair}", listed if gone else ""))
        rows.append((task, cells))
    counted = (f"{len(a.present)} of {a.expected} cells have runs." if lang == "en"
               else f"셀 {a.expected}개 중 {len(a.present)}개에 실행이 있다.")
    return {"name": a.name, "settings": settings_text(a) if lang == "en" else korean.settings(a),
            "counted": counted, "models": a.models, "rows": rows}


def show_coverage(page: Page) -> Html:
    return Html(coverage_html(page.ablations))


def show_environment() -> Html:
    return Html(environment_html())
