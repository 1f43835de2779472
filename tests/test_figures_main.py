"""The main-results and selection-signals figures: panels, print size, phone layout, the data
they draw, and their exported files, Table 1 and CSVs."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

import pifi_ablation
from pifi_ablation import figures, main_results, style
from pifi_ablation.export_main import DATA_DIR, TABLE_FILE, layer_figure_paths, table_one_tex
from pifi_ablation.layer_rows import LAYER_FIGURE_NAMES
from pifi_ablation.layers import Layers

ROOT = Path(__file__).resolve().parents[1]
PANEL_TITLES = {
    "main_results": ["(a) Last layer is best", "(b) Last, auto, best", "(c) Signal agreement",
                     "(d) Best-layer position"],
    "selection_signals": ["(a) ρ with accuracy", "(b) PCL signals", "(c) Head effects", "(d) Sum per layer",
                          "(e) Probe, test"],
}


def _font_sizes(fig):
    fig.canvas.draw()
    return [t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize"))
            if getattr(t, "get_text", lambda: "")()]


@pytest.mark.parametrize("name", LAYER_FIGURE_NAMES)
def test_print_width_minimum_font_and_demo_stamp(demo, name):
    fig = figures.make_figure(demo, name)
    assert fig.get_figwidth() == pytest.approx(style.TEXT_WIDTH_IN)
    assert min(_font_sizes(fig)) >= style.MIN_FONT_PT
    assert "simulation" in fig._supxlabel.get_text().lower()


@pytest.mark.parametrize("name", list(PANEL_TITLES))
def test_panels_and_phone_layout(demo, name):
    fig = figures.make_figure(demo, name)
    assert [ax.get_title() for ax in fig.axes] == PANEL_TITLES[name]
    phone = figures.make_figure(demo, name, phone=True)
    assert phone.get_figwidth() == pytest.approx(style.PHONE_WIDTH_IN)
    boxes = [ax.get_position() for ax in phone.axes]
    assert all(upper.y0 > lower.y1 for upper, lower in pairwise(boxes))
    assert min(_font_sizes(phone)) >= style.MIN_FONT_PT


def test_layer_curves_one_panel_per_grid_with_best_last_and_selected(demo):
    fig = figures.make_figure(demo, "layer_curves")
    grids = demo.layers.grids()
    assert len(fig.axes) == len(grids)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles[0] == "SST-2 · 0.5B" and titles[-1] == "MNLI · 7B"
    (task, model), acc = next(iter(grids.items()))
    line, best, last, chosen = fig.axes[0].get_lines()
    np.testing.assert_allclose(line.get_ydata(), 100 * acc)
    assert list(best.get_xdata()) == main_results.best_layers(acc).tolist()
    assert list(last.get_xdata()) == [acc.size - 1]
    expected = sorted({r.final_layer for r in demo.layers.runs if (r.task, r.model) == (task, model)})
    assert list(chosen.get_xdata()) == expected
    phone = figures.make_figure(demo, "layer_curves", phone=True)
    boxes = [ax.get_position() for ax in phone.axes]
    assert len({round(b.x0, 6) for b in boxes}) == 1
    assert all(upper.y0 > lower.y1 for upper, lower in pairwise(boxes))
    assert phone.get_figheight() > phone.get_figwidth()


def test_main_results_bars_are_the_per_task_shares(demo):
    fig = figures.make_figure(demo, "main_results")
    grids = main_results.grid_table(demo.layers)
    expected = grids.groupby("task", sort=False)["last_optimal"].mean()
    widths = [p.get_width() for p in fig.axes[0].patches]
    np.testing.assert_allclose(widths, 100 * expected.to_numpy())


def test_figures_draw_without_per_layer_data(demo):
    empty = pifi_ablation.Ablations(**demo.tables(), provenance=demo.provenance, layers=Layers())
    for name in LAYER_FIGURE_NAMES:
        fig = figures.make_figure(empty, name)
        assert any("no per-layer data" in t.get_text() for ax in fig.axes for t in ax.texts), name


def test_table_one_tex_has_a_row_per_grid_and_the_mean(demo):
    tex = table_one_tex(demo)
    rows = [line for line in tex.splitlines() if line.endswith(r"\\") and "&" in line]
    assert len(rows) == 1 + len(demo.layers.grids()) + 1  # head, grids, mean
    assert rows[-1].startswith("Mean over tasks") and r"\label{tab:main-results}" in tex
    assert "Illustrative simulation" in tex


def test_committed_per_layer_outputs_are_current(demo, tmp_path):
    from pifi_ablation.export import export_all

    export_all(demo, tmp_path)
    names = [p.name for n in LAYER_FIGURE_NAMES for p in layer_figure_paths(tmp_path, n)] + [TABLE_FILE]
    names += [f"{DATA_DIR}/{n}.csv" for n in (*LAYER_FIGURE_NAMES, "table_main_results")]
    for name in names:
        committed = ROOT / "figures" / name
        assert committed.read_bytes() == (tmp_path / name).read_bytes(), (
            f"{committed} is stale: run `python -m pifi_ablation export` and commit figures/")
    for name in LAYER_FIGURE_NAMES:
        box = PdfReader(tmp_path / f"{name}.pdf").pages[0].mediabox
        assert float(box.width) / 72 == pytest.approx(style.TEXT_WIDTH_IN, abs=0.01)
    # The CSV holds the figure's data: the per-run table of the main results.
    runs = pd.read_csv(tmp_path / DATA_DIR / "main_results.csv")
    assert len(runs) == len(demo.layers.runs)
    assert runs["final_hit"].mean() == pytest.approx(main_results.run_table(demo.layers)["final_hit"].mean())


@pytest.mark.parametrize("name", LAYER_FIGURE_NAMES)
def test_printed_figures_are_vector(demo, name):
    """The PDFs of the appendix print the SVG: no embedded bitmap (the heatmap is quads)."""
    from pifi_ablation.pages import figure_svg

    assert "<image" not in figure_svg(figures.make_figure(demo, name))
