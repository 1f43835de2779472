"""Derive the figures' font from the DejaVu Sans that ships with the pinned matplotlib.

Every PDF the export writes embeds a subset of its font, and fontTools spends
most of that time reading DejaVu Sans's OpenType layout tables (GSUB, GPOS,
GDEF: about 0.2 s per PDF).  The figures need none of them: matplotlib shapes
text with HarfBuzz, which falls back to the font's ``kern`` table when there
is no GPOS, so spacing keeps its kerning, and without GSUB there are no
ligatures to embed.  The derived face keeps the glyph outlines, metrics,
hinting and ``kern`` table unchanged for the scripts a figure may show, and
drops the rest; any other character falls back to the full DejaVu Sans
(``style.RC["font.family"]`` lists both).

The face is renamed, as the Bitstream Vera licence under DejaVu asks of a
modified font; the licence travels with it.  The output is byte-for-byte
reproducible (``tests/test_figures.py`` regenerates it and compares):

    .venv/bin/python scripts/make_figure_font.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from pifi_ablation.style import FONT_FAMILY, FONT_FILE  # noqa: E402

# Unicode blocks kept: Latin (with Latin-1 and Extended-A), Greek, Cyrillic,
# punctuation, super- and subscripts, arrows, mathematical operators and
# geometric shapes.
BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E), (0x00A0, 0x017F), (0x0370, 0x03FF), (0x0400, 0x04FF),
    (0x2010, 0x205E), (0x2070, 0x209F), (0x2190, 0x21FF), (0x2200, 0x22FF), (0x25A0, 0x25FF),
)
DROPPED_TABLES: tuple[str, ...] = ("GSUB", "GPOS", "GDEF", "MATH", "FFTM")


def source_font() -> Path:
    import matplotlib as mpl

    return Path(mpl.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def _rename(font: TTFont, family: str) -> None:
    postscript = family.replace(" ", "")
    names = {1: family, 2: "Book", 3: f"{postscript}-Book", 4: family, 6: postscript}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in (16, 17):  # typographic family and subfamily: 1 and 2 suffice
            table.removeNames(nameID=record.nameID)
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)


def make(out: Path, source: Path | None = None) -> Path:
    """Write the figures' face derived from ``source`` (default: matplotlib's DejaVu Sans) to ``out``."""
    options = subset.Options(layout_features=[], legacy_kern=True, hinting=True, glyph_names=True,
                             notdef_outline=True, recommended_glyphs=True,
                             name_IDs=["*"], name_languages=["*"], name_legacy=True)
    options.drop_tables += list(DROPPED_TABLES)
    with subset.load_font(str(source or source_font()), options, dontLoadGlyphNames=False) as font:
        for tag in DROPPED_TABLES:
            if tag in font:
                del font[tag]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[u for low, high in BLOCKS for u in range(low, high + 1)])
        subsetter.subset(font)
        _rename(font, FONT_FAMILY)
        out.parent.mkdir(parents=True, exist_ok=True)
        # Keep head.modified from the source: no timestamp, so the same input gives the same bytes.
        font.recalcTimestamp = False
        font.save(str(out))
    return out


if __name__ == "__main__":
    print(make(FONT_FILE))
