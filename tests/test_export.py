"""The exported figures: formats, fonts, resolution, determinism, and the committed copies current."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from pifi_ablation import style
from pifi_ablation.export import MACRO_LIST_FILE, MACROS_FILE, export_all, export_figures
from pifi_ablation.export_main import DATA_DIR, TABLE_FILE
from pifi_ablation.figures import EXPORTED_FIGURES, FIGURE_NAMES
from pifi_ablation.layer_rows import LAYER_FIGURE_NAMES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def exported(tmp_path_factory, demo) -> Path:
    out = tmp_path_factory.mktemp("figures")
    export_all(demo, out)
    return out


def _figure_names():
    return sorted(f"ablation_{n}.{ext}" for n in EXPORTED_FIGURES for ext in ("pdf", "png"))


def _names():
    tables = [f"table_{n}.tex" for n in FIGURE_NAMES]
    tables += [f"table_{n}_paired.tex" for n in ("sample_size", "keyword_weight", "lambda_scale")]
    # The main-results and selection-signals chapters' figures and Table 1 (tests/test_export_main.py).
    layer = [f"{n}.{ext}" for n in LAYER_FIGURE_NAMES for ext in ("pdf", "png")] + [TABLE_FILE]
    data = [f"{DATA_DIR}/{kind}_{n}.csv" for n in FIGURE_NAMES for kind in ("ablation", "table")]
    data += [f"{DATA_DIR}/{n}.csv" for n in (*LAYER_FIGURE_NAMES, "table_main_results")]
    data += [f"{DATA_DIR}/table_{n}_paired.csv" for n in ("sample_size", "keyword_weight", "lambda_scale")]
    data += [f"{DATA_DIR}/ablation_paired.csv"]  # the paired figure's per-task differences
    data += [f"{DATA_DIR}/table_{n}.csv" for n in ("main_results_tasks", "signals_tasks", "signals_matrix")]
    return sorted([*_figure_names(), *tables, MACROS_FILE, MACRO_LIST_FILE, *layer, *data])


def test_writes_every_output(exported):
    assert sorted(p.relative_to(exported).as_posix() for p in exported.rglob("*") if p.is_file()) == _names()



@pytest.mark.parametrize("name", EXPORTED_FIGURES)
def test_pdf_is_drawn_at_printed_width(exported, name):
    box = PdfReader(exported / f"ablation_{name}.pdf").pages[0].mediabox
    assert float(box.width) == pytest.approx(6.3 * 72)  # ACL text width, included at 100%


def _font_subtypes(pdf: Path) -> set[str]:
    found = set()
    for page in PdfReader(pdf).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            found.add(str(ref.get_object()["/Subtype"]))
    return found


@pytest.mark.parametrize("name", EXPORTED_FIGURES)
def test_pdf_fonts_are_truetype_never_type3(exported, name):
    subtypes = _font_subtypes(exported / f"ablation_{name}.pdf")
    assert subtypes, "no fonts found"
    assert "/Type3" not in subtypes
    assert subtypes <= {"/TrueType", "/Type0"}


def _base_fonts(pdf: Path) -> set[str]:
    found = set()
    for page in PdfReader(pdf).pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            found.add(str(ref.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])  # drop the subset tag
    return found


@pytest.mark.parametrize("name", EXPORTED_FIGURES)
def test_pdf_embeds_only_the_figure_font(exported, name):
    # One face per PDF: every other face (bold, the full DejaVu Sans) would be a
    # second font subset, the slowest step of the export.
    assert _base_fonts(exported / f"ablation_{name}.pdf") == {style.FONT_FAMILY.replace(" ", "")}


def test_figure_font_is_what_the_script_makes(tmp_path):
    path = ROOT / "scripts" / "make_figure_font.py"
    spec = importlib.util.spec_from_file_location("make_figure_font", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    made = script.make(tmp_path / "font.ttf")
    assert made.read_bytes() == style.FONT_FILE.read_bytes(), (
        "src/pifi_ablation/fonts is stale: run scripts/make_figure_font.py")


def test_characters_outside_the_figure_font_fall_back_to_dejavu(tmp_path):
    # U+2713 (check mark) is in DejaVu Sans but not in the derived face: it is drawn
    # from the full face, with no missing-glyph warning (warnings are errors here).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with style.paper_style():
        fig = Figure(figsize=(2, 1))
        FigureCanvasAgg(fig)
        fig.text(0.1, 0.5, "Recovery \u2713")
        fig.savefig(tmp_path / "fallback.pdf")
        fig.savefig(tmp_path / "fallback.png")
    assert _base_fonts(tmp_path / "fallback.pdf") == {"DejaVuSans", style.FONT_FAMILY.replace(" ", "")}


@pytest.mark.parametrize("name", EXPORTED_FIGURES)
def test_png_is_300_dpi(exported, name):
    data = (exported / f"ablation_{name}.png").read_bytes()
    phys = data[data.index(b"pHYs") + 4: data.index(b"pHYs") + 13]
    ppm_x = int.from_bytes(phys[:4], "big")
    assert round(ppm_x * 0.0254) == 300


@pytest.mark.parametrize("name", ["sample_size", "task_sensitivity"])
def test_png_is_the_pdf_rasterised_at_print_size(exported, demo, name):
    """The PNG is the PDF's picture: the figure's size at 300 dpi, opaque, and pixel for pixel
    what matplotlib's own raster backend draws of the same figure, but for antialiasing."""
    import io

    import numpy as np
    from PIL import Image

    from pifi_ablation.figures import make_figure

    png = Image.open(exported / f"ablation_{name}.png")
    fig = make_figure(demo, name)
    assert png.size == (round(fig.get_figwidth() * 300), int(fig.get_figheight() * 300 + 1e-6))
    assert png.mode == "RGB"
    agg = io.BytesIO()
    with style.paper_style():
        fig.savefig(agg, format="png", dpi=300)
    drawn = np.asarray(Image.open(agg).convert("RGB"), dtype=float)
    ours = np.asarray(png, dtype=float)
    assert drawn.shape == ours.shape
    assert np.abs(drawn - ours).mean() < 8  # a blank or shifted picture differs by far more
    assert (np.abs(drawn - ours).max(axis=2) > 128).mean() < 0.03
    import pypdfium2  # and exactly PDFium's raster of the exported PDF

    document = pypdfium2.PdfDocument((exported / f"ablation_{name}.pdf").read_bytes())
    rendered = document[0].render(scale=300 / 72).to_pil().convert("RGB").crop((0, 0, *png.size))
    document.close()
    assert np.array_equal(np.asarray(rendered), np.asarray(png))


def test_pdf_has_no_timestamp(exported):
    raw = (exported / "ablation_sample_size.pdf").read_bytes()
    assert not re.search(rb"/CreationDate|/ModDate", raw)


def test_export_is_byte_for_byte_reproducible(exported, demo, tmp_path):
    export_figures(demo, tmp_path)
    for name in _figure_names():
        assert (tmp_path / name).read_bytes() == (exported / name).read_bytes(), name


def test_committed_figures_are_current(exported):
    """figures/ in the repository is what `python -m pifi_ablation export` writes now (also
    proves determinism across runs, since the committed files came from an earlier run)."""
    for name in _names():
        committed = ROOT / "figures" / name
        assert committed.is_file(), f"{committed} is missing: run `python -m pifi_ablation export`"
        assert committed.read_bytes() == (exported / name).read_bytes(), (
            f"{committed} is stale: run `python -m pifi_ablation export` and commit figures/")


def test_the_tables_macros_and_csvs_are_written_without_matplotlib(tmp_path):
    """The export writes its LaTeX and CSVs while matplotlib is still being imported for the
    figures (``export_all``), which needs their writing to import none of it."""
    import subprocess
    import sys

    code = ("import sys; import pifi_ablation; from pifi_ablation.export import export_latex; "
            "from pifi_ablation.data import export_data; ab = pifi_ablation.load('demo'); "
            f"export_latex(ab, {str(tmp_path)!r}); export_data(ab, {str(tmp_path)!r}); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    assert (tmp_path / MACROS_FILE).is_file()


def test_what_goes_wrong_while_the_figures_are_drawn_is_raised(demo, tmp_path):
    """The tables and CSVs are written by a child process while the figures are drawn: what it
    returns follows the figures' paths, and what it raises is raised here, its traceback noted."""
    def written() -> list[Path]:
        return [tmp_path / "written.tex"]

    def failing() -> list[Path]:
        raise ValueError("the disk is full")

    paths = export_figures(demo, tmp_path, meanwhile=written, names=["keyword_weight", "lambda_scale"])
    assert paths[-1] == tmp_path / "written.tex" and len(paths) == 5
    with pytest.raises(ValueError, match="the disk is full") as raised:
        export_figures(demo, tmp_path, meanwhile=failing, names=["keyword_weight", "lambda_scale"])
    if (os.cpu_count() or 1) > 1:  # drawn in parallel: the child's traceback is noted
        assert any("failing" in note for note in raised.value.__notes__)


def test_the_png_writer_holds_every_pixel_and_the_resolution():
    """style.png_rgb (the paper's PNGs): a valid PNG that Pillow reads back to the same pixels,
    wrapping differences included (a row of 255 under a row of 0), at the dpi given, with no
    chunk beyond the image, its resolution and its end."""
    import io

    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(7, 5, 3), dtype=np.uint8)
    pixels[2] = 0
    pixels[3] = 255
    data = style.png_rgb(pixels, 300)
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGB" and image.size == (5, 7)
    assert np.array_equal(np.asarray(image), pixels)
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    chunks, at = [], 8
    while at < len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        chunks.append(data[at + 4:at + 8])
        at += 12 + length
    assert chunks == [b"IHDR", b"pHYs", b"IDAT", b"IEND"]
    view = np.lib.stride_tricks.as_strided(pixels, shape=(7, 4, 3), strides=pixels.strides)  # rows padded
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(style.png_rgb(view, 72)))), pixels[:, :4])
