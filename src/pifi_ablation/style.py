"""The one place for the look of every figure: sizes, fonts, colours, labels.

Figures are drawn at the size they are printed in an ACL-style two-column
paper (text width about 6.3 in), so LaTeX includes them at 100% and no text is
smaller than 7 pt.  Nothing here changes global state except through
:func:`paper_style`, a context manager.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from pifi_ablation.registry import MODEL_ORDER, TASK_ALIASES, TASKS

TEXT_WIDTH_IN = 6.3
COLUMN_WIDTH_IN = 3.0
PANEL_HEIGHT_IN = 1.0  # each panel's frame; the figure adds its legend, labels and stamp
# The phone layout of a figure (panels stacked): shown 342 CSS px wide on a 390 px phone,
# so 2.6 in (187 pt) draw a 7 pt text at about 13 px and an 8 pt one at about 14.6 px.
PHONE_WIDTH_IN = 2.6
PHONE_PANEL_HEIGHT_IN = 1.2
MIN_FONT_PT = 7.0
DPI_PRINT = 300
# DejaVu Sans without its OpenType layout tables, restricted to the scripts a
# figure may show (made by scripts/make_figure_font.py): embedding it in a PDF
# takes a tenth of the time the full face does.  Other characters fall back to
# the full DejaVu Sans.
FONT_FAMILY = "DejaVu Sans PiFi"
FONT_FILE = Path(__file__).parent / "fonts" / "DejaVuSansPiFi.ttf"

RC: dict[str, object] = {
    "font.family": [FONT_FAMILY, "DejaVu Sans"],
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.title_fontsize": 7,
    "figure.titlesize": 8,
    # One font face (regular) per figure: each face embedded in a PDF costs a
    # font subset, the slowest step of the export.
    "axes.titleweight": "normal",
    "figure.titleweight": "normal",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "0.88",
    "grid.linewidth": 0.5,
    "axes.linewidth": 0.6,
    "lines.linewidth": 1.2,
    "lines.markersize": 3.5,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "figure.dpi": 150,
    "savefig.dpi": DPI_PRINT,
    # Glyphs unhinted: text is measured and drawn from the outlines as the PDF
    # has them, the same on every FreeType, and a third faster to lay out.
    "text.hinting": "no_hinting",
    # TrueType (Type 42) in PDF, never Type 3; text stays text in SVG.
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "none",
    "svg.hashsalt": "pifi-ablation",
}

# Keyword arguments of savefig per format.  Metadata None removes a key: no
# creation date, and no version strings that would change the bytes without
# changing the picture.  (The paper's PNGs are the PDFs rasterised: pdf_to_png.)
SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "pdf": {"metadata": {"Creator": "pifi_ablation", "Producer": None, "CreationDate": None}},
}
# The formats every figure of the paper is saved in (``figures/``).
PRINT_FORMATS: tuple[str, ...] = ("pdf", "png")


def save_print(fig, paths) -> list:
    """Save ``fig`` at print size to each of ``paths`` (one per format, by suffix), with the
    options that keep the bytes reproducible; return the paths written.

    The PNG is the PDF rasterised at ``DPI_PRINT`` (:func:`pdf_to_png`): the same picture as the
    PDF the paper includes, made in a fifth of the time matplotlib takes to draw the figure again."""
    import io

    formats = [path.suffix.lstrip(".") for path in paths]
    pdf = io.BytesIO()
    with paper_style():
        if "pdf" in formats or "png" in formats:
            fig.savefig(pdf, format="pdf", dpi=DPI_PRINT, **SAVE_OPTIONS["pdf"])
        for path, fmt in zip(paths, formats, strict=True):
            if fmt == "pdf":
                path.write_bytes(pdf.getvalue())
            elif fmt == "png":
                path.write_bytes(pdf_to_png(pdf.getvalue(), pixels(fig, DPI_PRINT)))
            else:
                fig.savefig(path, format=fmt, dpi=DPI_PRINT, **SAVE_OPTIONS[fmt])
    return list(paths)


def pixels(fig, dpi: int) -> tuple[int, int]:
    """The figure's size in pixels at ``dpi``, as matplotlib's raster backend sizes its canvas."""
    from matplotlib.transforms import Affine2D

    box = fig.bbox_inches.transformed(Affine2D().scale(dpi))
    return int(box.width), int(box.height)


def pdf_to_png(pdf: bytes, size: tuple[int, int], dpi: int = DPI_PRINT) -> bytes:
    """The one page of ``pdf`` as a PNG of ``size`` pixels at ``dpi`` (PDFium's rasteriser, on
    white; ``size`` is the figure's at ``dpi``, which PDFium may exceed by a pixel of margin when
    it rounds the page up)."""
    import numpy as np
    import pypdfium2

    width, height = size
    document = pypdfium2.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=dpi / 72, rev_byteorder=True)  # RGB, as the PNG holds it
        if bitmap.mode == "RGB":
            return png_rgb(bitmap.to_numpy()[:height, :width], dpi)  # a view of PDFium's buffer
        return png_rgb(np.asarray(bitmap.to_pil().convert("RGB"))[:height, :width], dpi)
    finally:
        document.close()


def png_rgb(pixels, dpi: int) -> bytes:
    """An RGB image (``pixels``: rows of ``(r, g, b)`` bytes) as a PNG at ``dpi``, with nothing
    else in it (no time, no software).

    Every row is stored with PNG's "up" filter (its difference from the row above) and the whole
    compressed with zlib at level 3: figures are mostly rows like the row above.  Pillow tries
    the five filters on every row to pick one, which took half the time of rasterising a figure
    and saving it, for a file about 4% smaller."""
    import struct
    import zlib

    import numpy as np

    height, width, _ = pixels.shape
    rows = np.empty((height, 1 + 3 * width), np.uint8)
    rows[:, 0] = 2  # filter type 2, "up"; the first row's is its own bytes (the row above is zero)
    flat = pixels.reshape(height, 3 * width)
    rows[0, 1:] = flat[0]
    np.subtract(flat[1:], flat[:-1], out=rows[1:, 1:])  # modulo 256, as PNG's filter arithmetic

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    per_metre = int(dpi / 0.0254 + 0.5)
    return b"".join([b"\x89PNG\r\n\x1a\n",
                     chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
                     chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
                     chunk(b"IDAT", zlib.compress(rows.tobytes(), 3)),
                     chunk(b"IEND", b"")])


# seaborn's "colorblind" palette, written out so that plotting does not import seaborn.
_PALETTE: tuple[str, ...] = ("#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc", "#ca9161",
                             "#fbafe4", "#949494", "#ece133", "#56b4e9")
TASK_COLORS: dict[str, str] = {
    task: _PALETTE[i] for i, task in enumerate(TASKS)
}
TASK_COLORS.update({alias: TASK_COLORS[name] for alias, name in TASK_ALIASES.items()})
TYPE_COLORS: dict[str, str] = {
    "classification": _PALETTE[0],
    "entailment": _PALETTE[3],
}
TYPE_MARKERS: dict[str, str] = {"classification": "o", "entailment": "^"}
# seaborn's "crest" palette at three steps, light to dark with model size.
MODEL_COLORS: dict[str, str] = dict(zip(MODEL_ORDER, ("#61aa90", "#33858d", "#1e5d86"), strict=True))
MEAN_COLOR = "0.15"
DEFAULT_LINE = {"color": "0.35", "linestyle": "--", "linewidth": 1.0}
BAND_ALPHA = 0.18


def task_color(task: str) -> str:
    return TASK_COLORS.get(task, "#808080")


@contextmanager
def paper_style() -> Iterator[None]:
    """Apply the figures' rcParams for the duration of the block only."""
    import matplotlib as mpl

    _register_font()
    with mpl.rc_context(RC):
        yield


@cache
def _register_font() -> None:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(FONT_FILE)
