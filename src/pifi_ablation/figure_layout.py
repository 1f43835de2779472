"""The layout engine of every figure: a bare matplotlib figure of panels, laid out in one
measurement of its texts, with a legend above the panels and the source's stamp below.

:func:`new_figure` makes the figure and its panels (side by side, or stacked in the phone
layout: ``phone=True``); the figure functions of :mod:`pifi_ablation.figures` and
:mod:`pifi_ablation.figures_main` draw into them and hand the figure to :func:`finish`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary, WeakSet

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text

from pifi_ablation import style

# The rcParams that decide which fonts a generic family ("sans-serif") resolves to.
_FAMILY_RC = ("font.family", "font.serif", "font.sans-serif", "font.cursive", "font.fantasy",
              "font.monospace")
# Ascent, descent and line gap in pixels; None when the font has neither table (matplotlib then
# measures a text instead).
LineMetrics = tuple[float, float, float] | tuple[None, None, None]
_LINE_METRICS: dict[tuple, LineMetrics] = {}


class Canvas(FigureCanvasAgg):
    """matplotlib's raster canvas, whose renderer looks up each font's line metrics once.

    matplotlib 3.11 lays out every text with its font's ascent, descent and line gap, and finds
    the font and reads its tables again for each text it measures or draws: about a tenth of the
    CPU of drawing a figure and saving its PNG.  A renderer may give those metrics itself
    (``_get_font_height_metrics``, which matplotlib's PDF renderer has for its own fonts only);
    this canvas's renderer gives them from a table of the fonts already read, computed as
    matplotlib computes them, so the pixels are the same (tests/test_figures.py draws a figure on
    both canvases).  Its PDFs (``savefig(format="pdf")``) are matplotlib's, drawn by a PDF renderer
    that does the same, to the same bytes."""

    def get_renderer(self):  # type: ignore[override]
        renderer = super().get_renderer()
        if "_get_font_height_metrics" not in vars(renderer):
            dpi = renderer.dpi
            renderer._get_font_height_metrics = lambda prop: _line_metrics(prop, dpi)
        return renderer

    def print_pdf(self, filename, *, bbox_inches_restore=None, metadata=None, **_other_formats):
        """matplotlib's PDF canvas's ``print_pdf``, its renderer giving each font's line metrics
        from the table (``print_figure`` passes every canvas the options of the raster formats,
        which PDF ignores)."""
        from matplotlib.backends import backend_pdf

        pdf = backend_pdf.FigureCanvasPdf(self.figure)  # as print_figure switches canvases
        pdf._is_saving = self._is_saving
        figure = self.figure
        plain = backend_pdf.RendererPdf

        class Renderer(plain):
            def _get_font_height_metrics(self, prop):
                found = super()._get_font_height_metrics(prop)
                # Text._get_layout reads the font at the figure's dpi (72 while a PDF is drawn).
                return _line_metrics(prop, figure.dpi) if found[0] is None else found

        backend_pdf.RendererPdf = Renderer  # the name print_pdf makes its renderer with
        try:
            return pdf.print_pdf(filename, bbox_inches_restore=bbox_inches_restore, metadata=metadata)
        finally:
            backend_pdf.RendererPdf = plain


def _line_metrics(prop: FontProperties, dpi: float) -> LineMetrics:
    """Ascent, descent and line gap of the font ``prop`` resolves to, at ``dpi``, in pixels."""
    from matplotlib.font_manager import font_family_aliases, fontManager

    families = tuple(prop.get_family())
    key = (families, prop.get_style(), prop.get_variant(), prop.get_weight(), prop.get_stretch(),
           prop.get_size_in_points(), prop.get_file(), dpi, len(fontManager.ttflist))
    if not font_family_aliases.isdisjoint(families):  # "sans-serif" and the like name rcParams' lists
        import matplotlib as mpl

        key += tuple(tuple(mpl.rcParams[name]) for name in _FAMILY_RC)
    found = _LINE_METRICS.get(key)
    if found is None:
        found = _LINE_METRICS[key] = _read_line_metrics(prop, dpi)
    return found


def _read_line_metrics(prop: FontProperties, dpi: float) -> LineMetrics:
    """What matplotlib's ``Text._get_layout`` reads when a renderer gives no metrics: the OS/2
    table's typographic metrics, else the hhea table's."""
    from matplotlib.font_manager import fontManager, get_font

    font = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, gap, ascent, descent in (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                                             ("hhea", "lineGap", "ascent", "descent")):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * dpi / 72
        return table[ascent] * scale, -table[descent] * scale, table[gap] * scale
    return None, None, None


def new_figure(n_panels: int, phone: bool = False) -> tuple[Figure, list[Axes]]:
    """A figure of ``n_panels`` panels side by side, at the paper's text width; ``phone``: the
    phone layout, the same panels stacked one under another at a phone's width, so that their
    texts keep a readable size on a narrow screen."""
    # A bare Figure, not pyplot's: nothing is registered with a GUI or global
    # state, so figures need no closing and pyplot is not imported to export.
    # No layout engine: finish lays the figure out once (see _lay_out).
    fig = Figure(figsize=(width_in(phone), 2 * style.PANEL_HEIGHT_IN), layout=None)
    Canvas(fig)  # a renderer to measure text with
    axes = fig.subplots(n_panels, 1) if phone else fig.subplots(1, n_panels)
    return fig, list(np.atleast_1d(axes))


def width_in(phone: bool) -> float:
    """A figure's width in inches: the paper's text width, or a phone's (``phone``)."""
    return style.PHONE_WIDTH_IN if phone else style.TEXT_WIDTH_IN


def finish(fig: Figure, stamp: str | None, legend_handles: Sequence[Line2D] = (), *,
           phone: bool = False, shared_ylabel: bool = False) -> Figure:
    """Add the legend above the panels and the stamp below, and lay the figure out (``phone``: as
    :func:`new_figure` made it).  ``shared_ylabel``: the panels have the same y label, which
    side by side only the first shows; stacked, each shows it."""
    remember(fig, finish, stamp, tuple(legend_handles), phone=phone, shared_ylabel=shared_ylabel)
    if shared_ylabel:
        for i, ax in enumerate(fig.axes):
            ax.yaxis.label.set_visible(phone or i == 0)
    legend = fitted_legend(fig, list(legend_handles)) if legend_handles else None
    note = None
    if stamp:
        # A measured source's stamp (folder, files, hash, notes) can outrun the figure: wrap it.
        note = fig.supxlabel(stamp, x=0.995, ha="right", va="bottom", fontsize=style.MIN_FONT_PT,
                             color="0.4")
        fit_width(note)
    _lay_out(fig, legend, note, phone)
    return fig


# How each figure was laid out (the function and its arguments), and its size and the panels'
# places as that function found them; and each axis's tick formatter before its labels were
# thinned: what unfinish needs to lay a figure out again, after its texts changed.
_FINISHED: WeakKeyDictionary[Figure, tuple] = WeakKeyDictionary()
_UNTHINNED: WeakKeyDictionary = WeakKeyDictionary()
_KEPT_TITLES: WeakSet[Axes] = WeakSet()


def remember(fig: Figure, lay_out: Callable[..., Figure], *args: object, phone: bool,
             **options: object) -> None:
    """Record that ``lay_out(fig, *args, phone=phone, **options)`` lays ``fig`` out, from the
    figure as it is now: :func:`unfinish` undoes it and can do it again, in either layout.
    :func:`finish` records itself; a figure that lays itself out records its own function, which
    must lay the figure out in both layouts, at the width :func:`width_in` gives.  ``args`` must
    not hold the figure or its artists (the record would keep the figure alive)."""
    _FINISHED[fig] = (lay_out, args, options, phone, tuple(fig.get_size_inches()),
                      [tuple(ax.get_position().bounds) for ax in fig.axes])


def unfinish(fig: Figure) -> Callable[..., Figure] | None:
    """Undo the layout of ``fig`` (its legend, its stamp, its thinned tick labels, its size and the
    panels' places) and return a function that lays it out again, so that calling it once the
    figure's texts have changed lays the figure out as if they had been its texts from the start
    (``pifi_ablation.figures_ko``: the Korean figure from the English one).  Called with
    ``phone=``, it lays the figure out in that layout, at its width: the same figure as drawn in
    that layout from the start (the page's phone layout from its desktop figure).  None, and
    nothing undone, for a figure whose layout was not recorded (:func:`remember`)."""
    done = _FINISHED.pop(fig, None)
    if done is None:
        return None
    lay_out, args, options, was_phone, size, positions = done
    for legend in list(fig.legends):
        legend.remove()
    if fig._supxlabel is not None:
        fig._supxlabel.remove()
        fig._supxlabel = None
    for ax in fig.axes:
        formatter = _UNTHINNED.pop(ax.xaxis, None)
        if formatter is not None:
            ax.xaxis.set_major_formatter(formatter)
        if ax in _KEPT_TITLES:
            _KEPT_TITLES.discard(ax)
            ax._autotitlepos = True
    # As the layout found the figure: its measurements then run on the same numbers.
    fig.set_size_inches(size, forward=False)
    for ax, position in zip(fig.axes, positions, strict=True):
        ax.set_position(position)

    def lay_out_again(phone: bool = was_phone) -> Figure:
        if phone != was_phone:
            fig.set_figwidth(width_in(phone), forward=False)
        remember(fig, lay_out, *args, phone=phone, **options)  # to be undone again, if need be
        return lay_out(fig, *args, phone=phone, **options)

    return lay_out_again


def relay_out(fig: Figure, *, phone: bool) -> Figure | None:
    """``fig`` laid out again, in place, in the phone layout (``phone``) or the paper's; None, and
    nothing changed, for a figure whose layout was not recorded (:func:`remember`)."""
    again = unfinish(fig)
    if again is None:
        return None
    with style.paper_style():  # as the figure was made: its texts' sizes are the figures' own
        return again(phone=phone)


# Spacing of the layout, in points: from the page edge to the nearest text, from
# one panel's texts to the next panel's, and between the panels and the legend
# above or the stamp below.
EDGE_PT = 3.0
_GAP_PT = 12.0
_BAND_PT = 5.0
# Where a panel's texts usually reach beyond its frame (inches: left, right,
# bottom, top), to give the panels nearly their final size before measuring.
_TYPICAL_REACH_IN = (0.45, 0.1, 0.45, 0.25)
_MAX_MEASURES = 3


@dataclass(frozen=True)
class _Reach:
    """How far (pixels) a panel's texts reach beyond its frame, as a function of its width.

    ``fixed`` (left, right, bottom, top) is what does not move with the width: tick labels,
    the y label, notes.  ``spans`` are the texts anchored to a fraction of the width (the
    titles and the x label): (anchor as a fraction of the width, offset of the text's left
    edge from the anchor, its width); a title wider than a narrow panel reaches out further
    the narrower the panel gets.
    """

    fixed: tuple[float, float, float, float]
    spans: tuple[tuple[float, float, float], ...] = ()

    def at(self, width: float) -> tuple[float, float, float, float]:
        left, right, bottom, top = self.fixed
        for anchor, offset, extent in self.spans:
            x0 = anchor * width + offset
            left, right = max(left, -x0), max(right, x0 + extent - width)
        return left, right, bottom, top


def _lay_out(fig: Figure, legend: Legend | None, note: Text | None, phone: bool) -> None:
    """Lay the panels out in a row, equal in size, the legend above them and the stamp below.

    Every panel is ``style.PANEL_HEIGHT_IN`` tall and the figure as tall as its
    legend, stamp and labels then need, so a long legend (a measured source's)
    adds height instead of squashing the panels.  This is one measurement of the
    panels' texts where matplotlib's constrained layout takes two (and solves a
    general grid): the panels are first given their final height, so their
    ticks, and so their texts' sizes, already are what they will be; the texts
    whose reach depends on the panels' width are modelled (:class:`_Reach`), and
    if placing the panels changes a tick anyway, the texts are measured again.
    """
    renderer = fig.canvas.get_renderer()
    axes = fig.axes
    edge = EDGE_PT * fig.dpi / 72
    top_band = edge + (legend.get_window_extent(renderer).height + _BAND_PT * fig.dpi / 72
                       if legend else 0.0)
    bottom_band = edge + (note.get_window_extent(renderer).height + _BAND_PT * fig.dpi / 72
                          if note else 0.0)
    guess = _Reach(tuple(inches * fig.dpi for inches in _TYPICAL_REACH_IN))
    _place(fig, [guess] * len(axes), top_band, bottom_band, phone)
    for _ in range(_MAX_MEASURES):
        ticks = [_tick_locations(ax) for ax in axes]
        _place(fig, [_overhang(ax, renderer) for ax in axes], top_band, bottom_band, phone)
        if [_tick_locations(ax) for ax in axes] == ticks:
            break
    for ax in axes:
        _thin_tick_labels(ax.xaxis, renderer)
        _keep_titles(ax)
    height = fig.bbox.height
    if legend:
        legend.set_bbox_to_anchor((0.5, 1.0 - edge / height), transform=fig.transFigure)
    if note:
        note.set_y(edge / height)


def _keep_titles(ax: Axes) -> None:
    """Keep the panel's titles where matplotlib's automatic placement has just put them (its last
    measurement, with the ticks the panel keeps), when that is their own place, at the top of the
    frame: then every draw would put them there again, at any resolution, after measuring the y
    axis's every tick label to find its offset text ("1e3") that the titles would clear.  Not
    kept, and placed at each draw as matplotlib does, when the y axis shows an offset text or the
    titles were moved.  :func:`unfinish` lets them be placed again."""
    titles = (ax.title, ax._left_title, ax._right_title)
    offset = ax.yaxis.offsetText
    if (ax._autotitlepos and all(title.get_position()[1] == 1.0 for title in titles)
            and not (offset.get_visible() and offset.get_text())
            and ax.xaxis.get_ticks_position() == "bottom" and ax.xaxis.get_label_position() == "bottom"
            and not ax.child_axes and len(ax._twinned_axes.get_siblings(ax)) == 1):
        ax._autotitlepos = False
        _KEPT_TITLES.add(ax)


def _thin_tick_labels(axis, renderer) -> None:
    """Blank each tick label that would touch the last one kept, left to right; the
    ticks stay (settings close together, such as logged keyword weights beside the
    grid's, would otherwise print over each other)."""
    labels, locations = axis.get_majorticklabels(), axis.get_majorticklocs()
    if len(labels) != len(locations):
        return  # ticks beyond the view: an automatic locator, which spaces its labels itself
    if any(label.get_rotation() for label in labels):
        return  # slanted labels overlap in their boxes, not in their letters
    kept, texts, changed = None, [], False
    for label in labels:
        box = label.get_window_extent(renderer)
        if kept is not None and box.x0 < kept.x1 + 2.0:
            texts.append("")
            changed = True
        else:
            texts.append(label.get_text())
            kept = box
    if changed:
        _UNTHINNED[axis] = axis.get_major_formatter()
        axis.set_ticks(locations, texts)


def _anchored_texts(ax: Axes) -> list[tuple[Text, float]]:
    """The panel's visible texts placed at a fraction of its width: titles, the x label."""
    texts = [(ax.title, 0.5), (ax._left_title, 0.0), (ax._right_title, 1.0)]
    if ax.axison and ax.xaxis.get_visible():
        texts.append((ax.xaxis.label, ax.xaxis.label.get_position()[0]))
    return [(text, anchor) for text, anchor in texts if text.get_visible() and text.get_text()]


def _overhang(ax: Axes, renderer) -> _Reach:
    """How far the panel's texts reach beyond its frame (see :class:`_Reach`).

    Measured as a layout engine measures (``for_layout_only``): the titles and the x label count
    for their height only, their width is modelled; the y label, which that leaves out, is
    measured apart."""
    frame = ax.get_window_extent(renderer)
    reach = ax.get_tightbbox(renderer, for_layout_only=True)
    left, right = max(frame.x0 - reach.x0, 0.0), max(reach.x1 - frame.x1, 0.0)
    bottom, top = max(frame.y0 - reach.y0, 0.0), max(reach.y1 - frame.y1, 0.0)
    label = ax.yaxis.label
    if ax.axison and ax.yaxis.get_visible() and label.get_visible() and label.get_text():
        box = label.get_window_extent(renderer)
        bottom, top = max(bottom, frame.y0 - box.y0), max(top, box.y1 - frame.y1)
    spans = []
    for text, anchor in _anchored_texts(ax):
        box = text.get_window_extent(renderer)
        spans.append((anchor, box.x0 - (frame.x0 + anchor * frame.width), box.width))
    return _Reach((left, right, bottom, top), tuple(spans))


def _tick_locations(ax: Axes) -> tuple[tuple[float, ...], tuple[float, ...]]:
    return tuple(ax.xaxis.get_majorticklocs()), tuple(ax.yaxis.get_majorticklocs())


def _widest(fits: Callable[[float], bool], limit: float) -> float:
    """The largest panel width in [0, ``limit``] for which ``fits`` holds (bisection: the
    room a layout needs grows with its panels' width, since a text can reach out at most as
    much as the panel narrows)."""
    low, high = 0.0, limit
    if fits(high):
        return high
    for _ in range(40):
        mid = (low + high) / 2
        low, high = (mid, high) if fits(mid) else (low, mid)
    return low


def _place(fig: Figure, reach: list[_Reach], top_band: float, bottom_band: float, phone: bool) -> None:
    """Size the figure and position the panels for texts reaching ``reach`` beyond them."""
    if phone:
        _place_stacked(fig, reach, top_band, bottom_band)
        return
    dpi = fig.dpi
    panel = style.PANEL_HEIGHT_IN * dpi
    width_px = fig.bbox.width
    edge, gap = EDGE_PT * dpi / 72, _GAP_PT * dpi / 72

    def needed(width: float) -> float:
        at = [r.at(width) for r in reach]
        return 2 * edge + len(at) * width + sum(a[0] + a[1] for a in at) + gap * (len(at) - 1)

    width = _widest(lambda w: needed(w) <= width_px, width_px / len(reach))
    at = [r.at(width) for r in reach]
    bottom = bottom_band + max(a[2] for a in at)
    top = top_band + max(a[3] for a in at)
    fig.set_figheight((bottom + panel + top) / dpi, forward=False)
    height_px = fig.bbox.height
    left = edge + at[0][0]
    for i, ax in enumerate(fig.axes):
        ax.set_position((left / width_px, bottom / height_px, width / width_px, panel / height_px))
        if i + 1 < len(at):
            left += width + at[i][1] + gap + at[i + 1][0]


def _place_stacked(fig: Figure, reach: list[_Reach], top_band: float, bottom_band: float) -> None:
    """The phone layout: panels one under another, each the figure's width less its texts."""
    dpi = fig.dpi
    panel = style.PHONE_PANEL_HEIGHT_IN * dpi
    edge, gap = EDGE_PT * dpi / 72, _GAP_PT * dpi / 72
    width_px = fig.bbox.width

    def needed(width: float) -> float:
        at = [r.at(width) for r in reach]
        return 2 * edge + width + max(a[0] for a in at) + max(a[1] for a in at)

    width = _widest(lambda w: needed(w) <= width_px, width_px)
    at = [r.at(width) for r in reach]
    gaps = [at[i][2] + gap + at[i + 1][3] for i in range(len(at) - 1)]
    top = top_band + at[0][3]
    bottom = bottom_band + at[-1][2]
    fig.set_figheight((top + len(at) * panel + sum(gaps) + bottom) / dpi, forward=False)
    height_px = fig.bbox.height
    left = edge + max(a[0] for a in at)
    y = height_px - top
    for ax, after in zip(fig.axes, [*gaps, 0.0], strict=True):
        y -= panel
        ax.set_position((left / width_px, y / height_px, width / width_px, panel / height_px))
        y -= after


def fit_width(text: Text) -> None:
    """Wrap ``text`` at spaces until its widest line fits the figure's width."""
    fig = text.get_figure(root=True)
    renderer = fig.canvas.get_renderer()
    limit = 0.98 * fig.bbox.width
    raw = text.get_text()
    chars = len(raw)
    while (width := text.get_window_extent(renderer).width) > limit and chars > _MIN_LINE_CHARS:
        longest = max(len(line) for line in text.get_text().split("\n"))
        chars = max(_MIN_LINE_CHARS, min(chars - 1, int(longest * limit / width)))
        text.set_text(textwrap.fill(raw, width=chars, break_on_hyphens=False))


_MIN_LINE_CHARS = 20


_MAX_LEGEND_COLUMNS = 8
_LEGEND_STYLE: dict[str, float] = {"handlelength": 1.6, "handletextpad": 0.8, "columnspacing": 1.2,
                                    "borderpad": 0.4}


def fitted_legend(fig: Figure, handles: list) -> Legend:
    """A legend above the panels with as many columns as fit the figure's width
    (_lay_out anchors its top to the top of the page)."""
    renderer = fig.canvas.get_renderer()
    limit = 0.98 * fig.bbox.width
    ncols = _most_columns(fig, handles, limit)
    while True:
        legend = fig.legend(handles=_row_major(handles, ncols), loc="upper center",
                            bbox_to_anchor=(0.5, 1.0), borderaxespad=0.0, ncols=ncols,
                            frameon=False, **_LEGEND_STYLE)
        if ncols == 1 or legend.get_window_extent(renderer).width <= limit:
            return legend
        legend.remove()
        ncols -= 1


def _most_columns(fig: Figure, handles: list, limit: float) -> int:
    """The most columns whose labels and handles alone fit ``limit`` pixels: a legend
    is never narrower, so building legends can start here rather than at the most."""
    size = FontProperties(size=style.RC["legend.fontsize"])
    renderer = fig.canvas.get_renderer()
    em = size.get_size_in_points() * fig.dpi / 72
    texts = [renderer.get_text_width_height_descent(h.get_label(), size, ismath=False)[0]
             for h in handles]
    entry = (_LEGEND_STYLE["handlelength"] + _LEGEND_STYLE["handletextpad"]) * em
    for ncols in range(min(_MAX_LEGEND_COLUMNS, len(handles)), 1, -1):
        rows = -(-len(handles) // ncols)
        columns = [max(texts[c::ncols][:rows]) + entry for c in range(ncols)]
        spacing = (ncols - 1) * _LEGEND_STYLE["columnspacing"] + 2 * _LEGEND_STYLE["borderpad"]
        if sum(columns) + spacing * em <= limit:
            return ncols
    return 1


def _row_major(handles: list, ncols: int) -> list:
    """Reorder so that matplotlib's column-by-column legend reads row by row."""
    rows = -(-len(handles) // ncols)
    grid = [handles[r * ncols:(r + 1) * ncols] for r in range(rows)]
    return [grid[r][c] for c in range(ncols) for r in range(rows) if c < len(grid[r])]


def not_recorded(ax: Axes, what: str, why: str = "not recorded") -> None:
    ax.text(0.5, 0.5, f"{what}\n{why}", ha="center", va="center",
            transform=ax.transAxes, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():  # no empty frame: the panel holds a statement, not data
        spine.set_visible(False)
