"""Write what the paper cites: the five figures as PDF and PNG, byte-for-byte reproducible.

PDFs embed TrueType (Type 42) fonts and carry no timestamp; PNGs are 300 dpi
and carry no timestamp either, so two exports of the same data are identical.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")  # export never needs a display; set before pyplot is imported

import matplotlib.pyplot as plt

from pifi_ablation import style
from pifi_ablation.ablations import Ablations
from pifi_ablation.figures import FIGURE_NAMES, make_figure

FORMATS: tuple[str, ...] = ("pdf", "png")
# None removes a key: no creation date, and no version strings that would
# change the bytes without changing the picture.
_METADATA: dict[str, dict[str, str | None]] = {
    "pdf": {"Creator": "pifi_ablation", "Producer": None, "CreationDate": None},
    "png": {"Software": None},
}


def figure_paths(out_dir: Path, name: str) -> list[Path]:
    return [out_dir / f"ablation_{name}.{fmt}" for fmt in FORMATS]


def export_figure(ablations: Ablations, name: str, out_dir: Path) -> list[Path]:
    """Draw figure ``name`` and save it in every format; return the paths written."""
    fig = make_figure(ablations, name)
    written = []
    try:
        with style.paper_style():
            for path, fmt in zip(figure_paths(out_dir, name), FORMATS, strict=True):
                fig.savefig(path, format=fmt, dpi=style.DPI_PRINT, metadata=_METADATA[fmt])
                written.append(path)
    finally:
        plt.close(fig)
    return written


def export_figures(ablations: Ablations, out_dir: Path | str) -> list[Path]:
    """Write ``ablation_{name}.{pdf,png}`` for the five figures into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in FIGURE_NAMES:
        written += export_figure(ablations, name, out)
    return written
