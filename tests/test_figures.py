"""Each figure has the seed's panels, and the right series and points, drawn from the tables."""

from __future__ import annotations

from itertools import combinations, pairwise

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import pifi_ablation
from pifi_ablation import figures, style
from pifi_ablation.layer_rows import LAYER_FIGURE_NAMES
from pifi_ablation.registry import task_label
from results_factory import write_results

PANEL_TITLES = {
    "sample_size": ["(a) Recovery", "(b) Signal quality", "(c) Selection overhead"],
    "keyword_weight": ["(a) Recovery per task", "(b) Mean over tasks"],
    "lambda_scale": ["(a) Head-effect magnitude", "(b) Selection quality"],
    "task_sensitivity": ["(a) Sensitivity vs gain", "(b) Gaps by task", "(c) Recovery by task"],
    "model_size": ["(a) Selection potential", "(b) Selection effectiveness",
                   "(c) Best-layer position"],
}


def _data_lines(ax):
    """Lines that carry data (not reference lines spanning the axes)."""
    return [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 1 and ln.get_linestyle() != "--"]


def _bars(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


@pytest.mark.parametrize("name", figures.FIGURE_NAMES)
def test_panels_and_letters(demo, name):
    fig = figures.make_figure(demo, name)
    assert isinstance(fig, Figure)
    titles = [ax.get_title().split("\n")[0] for ax in fig.axes]
    assert titles == PANEL_TITLES[name]


@pytest.mark.parametrize("name", figures.FIGURE_NAMES)
def test_printed_width_and_minimum_font_size(demo, name):
    fig = figures.make_figure(demo, name)
    assert fig.get_figwidth() == pytest.approx(style.TEXT_WIDTH_IN)
    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize"))
             if getattr(t, "get_text", lambda: "")()]
    assert min(sizes) >= style.MIN_FONT_PT


@pytest.mark.parametrize("name", figures.FIGURE_NAMES)
def test_phone_layout_stacks_the_same_panels_at_phone_width(demo, name):
    fig = figures.make_figure(demo, name, phone=True)
    assert fig.get_figwidth() == pytest.approx(style.PHONE_WIDTH_IN)
    assert [ax.get_title().split("\n")[0] for ax in fig.axes] == PANEL_TITLES[name]
    boxes = [ax.get_position() for ax in fig.axes]
    assert len({round(b.x0, 6) for b in boxes}) == 1 and len({round(b.width, 6) for b in boxes}) == 1
    assert all(upper.y0 > lower.y1 for upper, lower in pairwise(boxes))
    heights = {round(b.height * fig.get_figheight(), 6) for b in boxes}
    assert heights == {style.PHONE_PANEL_HEIGHT_IN}
    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize"))
             if getattr(t, "get_text", lambda: "")()]
    assert min(sizes) >= style.MIN_FONT_PT
    # The paper layout is untouched by having drawn the phone one.
    assert figures.make_figure(demo, name).get_figwidth() == pytest.approx(style.TEXT_WIDTH_IN)


@pytest.mark.parametrize("name", figures.FIGURE_NAMES)
def test_demo_figures_are_stamped_as_simulation(demo, name):
    fig = figures.make_figure(demo, name)
    assert "simulation" in fig._supxlabel.get_text().lower()


def test_sample_size_series(demo):
    fig = figures.make_figure(demo, "sample_size")
    a, b, c = fig.axes
    n_tasks = demo.sample_size["task"].nunique()
    sizes = sorted(demo.sample_size["n_samples"].unique())
    lines = _data_lines(a)
    assert len(lines) == n_tasks + 1  # one per task and the mean
    assert all(list(ln.get_xdata()) == sizes for ln in lines)
    # Ticks sit at the sizes actually run, labelled in plain numbers.
    assert list(a.get_xticks()) == sizes
    assert [t.get_text() for t in a.get_xticklabels()] == [str(s) for s in sizes]
    mean_line = lines[-1]
    expected = demo.sample_size.groupby("n_samples")["recovery_rate"].mean().to_numpy()
    np.testing.assert_allclose(mean_line.get_ydata(), expected)
    assert len([col for col in b.collections if isinstance(col, PolyCollection)]) == 1  # CI band
    assert len(_bars(c)) == len(sizes)


def test_sweep_figures_mark_per_task_optima_from_data(demo):
    fig = figures.make_figure(demo, "keyword_weight")
    a, b = fig.axes
    stars = [ln for ln in a.get_lines() if ln.get_marker() == "*"]
    table = demo.keyword_weight
    assert len(stars) == table["task"].nunique()
    best = table.loc[table.groupby("task")["recovery_rate"].idxmax(), "keyword_weight"]
    assert sorted(float(s.get_xdata()[0]) for s in stars) == sorted(best)
    defaults = [ln for ln in b.get_lines() if ln.get_linestyle() == "--"]
    assert len(defaults) == 1 and defaults[0].get_xdata()[0] == 0.65


def test_lambda_panel_a_has_one_line_per_task(demo):
    fig = figures.make_figure(demo, "lambda_scale")
    a, _ = fig.axes
    assert len(_data_lines(a)) == demo.lambda_scale["task"].nunique()
    assert a.get_xscale() == "log"


def test_every_task_is_named_under_the_gap_bars(demo, measured):
    for ablations in (demo, measured):
        fig = figures.make_figure(ablations, "task_sensitivity")
        names = [t.get_text() for t in fig.axes[1].get_xticklabels()]
        tasks = ablations.task_sensitivity["task"].unique()
        assert names == [task_label(t) for t in tasks]


def test_task_figure_counts(demo):
    fig = figures.make_figure(demo, "task_sensitivity")
    a, b, c = fig.axes
    n = len(demo.task_sensitivity)
    assert len(a.get_lines()) == n
    assert len(_bars(b)) == 2 * n
    assert len(_bars(c)) == n
    assert "Spearman" in a.get_title()


def test_model_figure_counts(demo):
    fig = figures.make_figure(demo, "model_size")
    a, b, c = fig.axes
    n_rows = len(demo.model_size)
    points = [ln for ln in a.get_lines() if ln.get_marker() == "o"]
    assert len(points) == n_rows
    assert len(_bars(b)) == demo.model_size["model"].nunique()
    assert [t.get_text() for t in c.get_yticklabels()] == ["0.5B", "1.5B", "7B"]


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """A measured source with long stamps (folder, hash) and logged keyword-weight runs."""
    root = tmp_path_factory.mktemp("results-with-a-long-folder-name-for-the-stamp")
    write_results(root, keyword_weights=(0.3, 0.9), keyword_models=("Qwen2-0.5B",))
    return pifi_ablation.load(root)


def _overlap(a, b) -> float:
    """Area in square pixels shared by two boxes."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0.0) * max(height, 0.0)


def _drawn_tick_labels(axis) -> list:
    """Labels of the ticks inside the view (the others exist but are not drawn)."""
    low, high = sorted(axis.get_view_interval())
    slack = 1e-9 * (high - low)
    return [t.label1 for t in axis.get_major_ticks() if low - slack <= t.get_loc() <= high + slack]


def _panel_boxes(ax, renderer) -> list:
    """The frame of a panel and every text it draws: title, axis labels, tick labels, notes."""
    texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts,
             *_drawn_tick_labels(ax.xaxis), *_drawn_tick_labels(ax.yaxis)]
    return [ax.bbox] + [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()]


@pytest.mark.parametrize("phone", [False, True], ids=["paper", "phone"])
@pytest.mark.parametrize("source", ["demo", "measured"])
@pytest.mark.parametrize("name", [*figures.EXPORTED_FIGURES, *LAYER_FIGURE_NAMES])
def test_layout_keeps_every_text_on_the_page_and_apart(request, source, name, phone):
    """Each panel's frame and texts, the legend and the source stamp lie inside the
    figure, and no two of them (from different panels) overlap; in both layouts."""
    fig = figures.make_figure(request.getfixturevalue(source), name, phone=phone)
    with style.paper_style():  # as every save does: ticks made while drawing take the style
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    blocks = {f"panel {ax.get_title().split(')')[0]})": _panel_boxes(ax, renderer) for ax in fig.axes}
    blocks.update({f"legend {i}": [leg.get_window_extent(renderer)] for i, leg in enumerate(fig.legends)})
    blocks["stamp"] = [fig._supxlabel.get_window_extent(renderer)]
    page = fig.bbox
    for what, boxes in blocks.items():
        for box in boxes:
            assert page.x0 - 0.5 <= box.x0 and box.x1 <= page.x1 + 0.5, f"{what} runs off the side"
            assert page.y0 - 0.5 <= box.y0 and box.y1 <= page.y1 + 0.5, f"{what} runs off the top or bottom"
    # and no band of empty page: the legend's top and the stamp's bottom sit at the page's edges,
    # the panels' texts right under the legend
    points = fig.dpi / 72
    panels_top = max(ax.get_tightbbox(renderer).y1 for ax in fig.axes)
    if fig.legends:
        legend = fig.legends[0].get_window_extent(renderer)
        assert page.y1 - legend.y1 < 6 * points and legend.y0 - panels_top < 12 * points, "empty band"
    else:
        assert page.y1 - panels_top < 12 * points, "empty band above the panels"
    for (one, a), (other, b) in combinations(blocks.items(), 2):
        shared = max(_overlap(x, y) for x in a for y in b)
        assert shared < 1.0, f"{one} overlaps {other} ({shared:.0f} px^2)"
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            # Slanted labels are left out: their boxes overlap where their letters do not.
            labels = [t.get_window_extent(renderer) for t in _drawn_tick_labels(axis)
                      if t.get_text() and not t.get_rotation()]
            for a, b in combinations(labels, 2):
                assert _overlap(a, b) < 1.0, f"tick labels print over each other in {ax.get_title()!r}"


def test_task_markers_are_drawn_whole_inside_their_panel(demo):
    fig = figures.make_figure(demo, "task_sensitivity")
    fig.canvas.draw()
    panel = fig.axes[0]
    frame = panel.get_window_extent()
    points = [line for line in panel.get_lines() if line.get_marker() not in (None, "None", "")]
    assert len(points) == demo.task_sensitivity["task"].nunique()
    for line in points:
        x, y = panel.transData.transform(line.get_xydata()[0])
        radius = (line.get_markersize() / 2 + line.get_markeredgewidth()) * fig.dpi / 72
        assert frame.x0 <= x - radius and x + radius <= frame.x1, line.get_color()
        assert frame.y0 <= y - radius and y + radius <= frame.y1, line.get_color()


def test_paired_figure_draws_each_tasks_difference_from_the_default(demo):
    fig = figures.make_figure(demo, "paired")
    assert [ax.get_title() for ax in fig.axes] == ["(a) Sample size vs 200", "(b) Keyword weight vs 0.65",
                                                   "(c) Lambda scale vs 3"]
    assert fig.get_figwidth() == pytest.approx(style.TEXT_WIDTH_IN)
    # Panel (b): one dot per (task, non-default weight) at 100 x (recovery - recovery at 0.65).
    kw = demo.keyword_weight.set_index(["task", "keyword_weight"])["recovery_rate"]
    expected = sorted(round(100 * (kw[(t, w)] - kw[(t, 0.65)]), 9)
                      for t, w in kw.index if w != 0.65)
    dots = sorted(round(float(y), 9) for ln in fig.axes[1].get_lines() if ln.get_marker() == "o"
                  for y in ln.get_ydata())
    assert dots == expected
    zero = [ln for ln in fig.axes[1].get_lines() if ln.get_linestyle() == "--"]
    assert zero and set(zero[0].get_ydata()) == {0.0}
    phone = figures.make_figure(demo, "paired", phone=True)
    assert phone.get_figwidth() == pytest.approx(style.PHONE_WIDTH_IN)


@pytest.mark.parametrize("name", ["selection_signals", "sample_size"])
def test_the_page_png_keeps_the_figures_colours(demo, name):
    """The page's PNG is a 256-colour palette of the figure as drawn: the same size, every pixel
    within 16 levels (of 255) of the drawing in each channel, and the same bytes every time.
    (The heatmap of the selection signals has the most colours of the book's figures.)"""
    import io

    from PIL import Image

    from pifi_ablation.pages import SCREEN_DPI, figure_png

    fig = figures.make_figure(demo, name)
    raw = io.BytesIO()
    with style.paper_style():
        fig.savefig(raw, format="raw", dpi=SCREEN_DPI)
    size = style.pixels(fig, SCREEN_DPI)
    drawn = np.asarray(Image.frombuffer("RGBA", size, raw.getvalue(), "raw", "RGBA", 0, 1).convert("RGB"),
                       dtype=int)
    png = figure_png(fig)
    page = Image.open(io.BytesIO(png))
    assert page.mode == "P" and page.size == size
    assert np.abs(np.asarray(page.convert("RGB"), dtype=int) - drawn).max() <= 16
    assert figure_png(figures.make_figure(demo, name)) == png


def test_the_recommended_sample_size_is_explained_in_the_legend_not_over_the_data(demo):
    """Panel (a)'s dashed line is the recommended sample size; what it means is said in the legend,
    as no words written beside the line can keep clear of every task's line."""
    fig = figures.make_figure(demo, "sample_size")
    assert len(fig.axes[0].texts) == 0
    labels = [text.get_text() for legend in fig.legends for text in legend.get_texts()]
    assert "Recommended n (a): 90% of best mean" in labels


def test_the_canvas_that_remembers_line_metrics_draws_the_same_pixels(demo, monkeypatch):
    """figure_layout.Canvas gives matplotlib each font's line metrics from a table instead of
    reading the font again for every text: the same pixels as matplotlib's own canvas, in both
    languages and layouts, and matplotlib asks it (were it to stop asking, the table would be
    left unused and the figures slower, not different)."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from pifi_ablation import figure_layout
    from pifi_ablation.figures_ko import make_figure_ko

    def pixels(make, name: str, phone: bool) -> bytes:
        buffer = io.BytesIO()
        with style.paper_style():
            make(demo, name, phone=phone).savefig(buffer, format="raw", dpi=200)
        return buffer.getvalue()

    asked = []
    remembered = figure_layout._line_metrics
    monkeypatch.setattr(figure_layout, "_line_metrics", lambda *a: asked.append(a) or remembered(*a))
    cases = [(make, name, phone) for make in (figures.make_figure, make_figure_ko)
             for name in ("sample_size", "layer_curves") for phone in (False, True)]
    ours = [pixels(*case) for case in cases]
    assert asked, "matplotlib no longer asks the renderer for line metrics"
    monkeypatch.setattr(figure_layout.Canvas, "get_renderer", FigureCanvasAgg.get_renderer)
    assert [pixels(*case) for case in cases] == ours


def test_the_canvas_pdfs_are_matplotlibs_to_the_byte(demo, monkeypatch):
    """The paper's PDFs drawn on figure_layout.Canvas, whose PDF renderer looks each font's line
    metrics up once: the same bytes as matplotlib's own PDF canvas writes."""
    import io

    from pifi_ablation import figure_layout

    def pdf(name: str) -> bytes:
        buffer = io.BytesIO()
        with style.paper_style():
            figures.make_figure(demo, name).savefig(buffer, format="pdf", dpi=style.DPI_PRINT,
                                                    **style.SAVE_OPTIONS["pdf"])
        return buffer.getvalue()

    asked = []
    remembered = figure_layout._line_metrics
    monkeypatch.setattr(figure_layout, "_line_metrics", lambda *a: asked.append(a) or remembered(*a))
    names = ("sample_size", "paired", "layer_curves")
    ours = [pdf(name) for name in names]
    assert {dpi for _, dpi in asked} >= {72}, "the PDF renderer no longer asks for line metrics"
    monkeypatch.delattr(figure_layout.Canvas, "print_pdf")
    from matplotlib.backends import backend_pdf

    assert backend_pdf.RendererPdf.__name__ == "RendererPdf"  # put back after each PDF
    assert [pdf(name) for name in names] == ours



def test_titles_kept_in_place_are_where_each_draw_would_put_them(demo):
    """figure_layout keeps a panel's titles where matplotlib's automatic placement put them
    during the layout, when that is the top of the frame, so that a draw need not measure the y
    axis again: the same pixels as titles placed at each draw, in both languages and layouts."""
    import io

    from pifi_ablation.figures_ko import make_figure_ko

    def pixels(fig) -> bytes:
        buffer = io.BytesIO()
        with style.paper_style():
            fig.savefig(buffer, format="raw", dpi=200)
        return buffer.getvalue()

    for make in (figures.make_figure, make_figure_ko):
        for name in ("task_sensitivity", "paired"):
            for phone in (False, True):
                fig = make(demo, name, phone=phone)
                assert not any(ax._autotitlepos for ax in fig.axes), (name, phone)
                kept = pixels(fig)
                for ax in fig.axes:
                    ax._autotitlepos = True
                assert pixels(fig) == kept, (make.__name__, name, phone)


def test_a_title_over_an_offset_text_is_placed_at_each_draw():
    """A panel whose y axis shows an offset text keeps matplotlib's placement, which lifts the
    title clear of it; laid out again (unfinish), every panel's titles are placed anew."""
    from pifi_ablation import figure_layout

    with style.paper_style():
        fig, (plain, offset) = figure_layout.new_figure(2)
        plain.plot([0, 1], [10, 20])
        plain.set_title("Plain")
        offset.plot([0, 1], [1000000.1, 1000000.3])
        offset.set_title("A title over the offset", loc="left")
        figure_layout.finish(fig, None)
        fig.canvas.draw()
    assert offset.yaxis.offsetText.get_text()
    assert plain._autotitlepos is False and offset._autotitlepos is True
    assert offset._left_title.get_position()[1] > 1.0  # lifted over the offset text
    assert figure_layout.unfinish(fig) is not None
    assert plain._autotitlepos is True
