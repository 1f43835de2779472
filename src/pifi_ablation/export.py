"""Write what the paper cites: figures, LaTeX tables and number macros, byte-for-byte reproducible.

PDFs embed TrueType (Type 42) fonts and carry no timestamp; PNGs are 300 dpi
and carry no timestamp either, so two exports of the same data are identical.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Collection
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pifi_ablation import export_main, latex, study, style
from pifi_ablation.ablations import Ablations
from pifi_ablation.figure_cost import figure_cost
from pifi_ablation.findings import findings
from pifi_ablation.layer_rows import LAYER_FIGURE_NAMES
from pifi_ablation.tables import PAIRED_TABLES, paired_table, summary_table

# matplotlib (with pifi_ablation.figures) is imported by the functions that draw, not by this
# module: the LaTeX tables, macros and CSVs need none of it.

MACROS_FILE = "findings_macros.tex"
MACRO_LIST_FILE = "findings_list.tex"

FORMATS = style.PRINT_FORMATS


def figure_paths(out_dir: Path, name: str) -> list[Path]:
    return [out_dir / f"ablation_{name}.{fmt}" for fmt in FORMATS]


def export_figure(ablations: Ablations, name: str, out_dir: Path) -> list[Path]:
    """Draw figure ``name`` and save it in every format; return the paths written."""
    from pifi_ablation.figures import make_figure

    return style.save_print(make_figure(ablations, name), figure_paths(out_dir, name))


def _drawing() -> None:
    """Import what drawing the figures needs: matplotlib, with the raster backend (the export
    never needs a display; set before anything imports pyplot), and the figure code."""
    import matplotlib as mpl

    mpl.use("Agg")
    import pifi_ablation.figures  # noqa: F401


def _warm_up() -> None:
    """Import and load, once in the parent, what every figure's saves need, so
    that forked workers inherit it instead of each paying for it again."""
    import matplotlib.backends.backend_pdf  # noqa: F401  (imports fontTools.subset)
    import pypdfium2  # noqa: F401  (rasterises each PDF into its PNG: style.pdf_to_png)
    from matplotlib import font_manager

    with style.paper_style():
        for family in style.RC["font.family"]:
            font_manager.get_font(font_manager.findfont(family))


def figure_files(out_dir: Path) -> dict[str, list[Path]]:
    """Every figure the export draws, by name, with the files it writes of it in ``out_dir``."""
    from pifi_ablation.figures import EXPORTED_FIGURES

    return {**{name: figure_paths(out_dir, name) for name in EXPORTED_FIGURES},
            **{name: export_main.layer_figure_paths(out_dir, name) for name in LAYER_FIGURE_NAMES}}


def export_figures(ablations: Ablations, out_dir: Path | str,
                   meanwhile: Callable[[], list[Path]] | None = None,
                   names: Collection[str] | None = None) -> list[Path]:
    """Write ``ablation_{name}.{pdf,png}`` for the five figures and the paired one, and the
    per-layer figures, into ``out_dir`` (only the figures ``names``, when given).

    ``meanwhile`` runs while the figures are drawn, in a child of this process started before
    matplotlib is imported (in this process, where the figures are drawn one after another); the
    paths it returns follow the figures'.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    parallel = hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and (names is None or len(names) > 1)
    also = (_forked(meanwhile) if parallel else meanwhile) if meanwhile else list
    _drawing()
    from pifi_ablation.figures import EXPORTED_FIGURES

    ablation_names = [name for name in EXPORTED_FIGURES if names is None or name in names]
    layer_names = [name for name in LAYER_FIGURE_NAMES if names is None or name in names]
    if not parallel or len(ablation_names) + len(layer_names) < 2:
        return ([p for name in ablation_names for p in export_figure(ablations, name, out)]
                + [p for name in layer_names
                   for p in export_main.export_layer_figure(ablations, name, out)] + also())
    # Forked workers, one per core, each drawing figures one after another: a worker's first
    # figure pays for what matplotlib sets up once per process (caches of fonts and text
    # metrics, lazily imported code), the next ones draw warm.  The costliest figures go
    # first so that the workers finish together.  Forked workers inherit the imported
    # modules, so parallel drawing costs no second start-up; each figure's bytes do not
    # depend on which process drew it.  A worker lives for the few figures it draws, with its
    # garbage collector off: matplotlib's artists hold reference cycles, which the collector
    # would walk again and again (5% of the drawing's CPU), and their garbage, about 1.5 MB a
    # figure, goes when the worker exits.
    _warm_up()
    context = multiprocessing.get_context("fork")
    jobs = sorted([(export_figure, name) for name in ablation_names]
                  + [(export_main.export_layer_figure, name) for name in layer_names],
                  key=lambda job: -figure_cost(job[1]))
    with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, len(jobs)), mp_context=context,
                             initializer=gc.disable) as pool:
        done = {name: pool.submit(job, ablations, name, out) for job, name in jobs}
        others = also()
        return ([p for name in ablation_names for p in done[name].result()]
                + [p for name in layer_names for p in done[name].result()] + others)


def _forked(work: Callable[[], list[Path]]) -> Callable[[], list[Path]]:
    """Start ``work`` in a forked child; return a function that waits for it and returns what it
    returned, or raises what it raised.

    The export's tables, macros and CSVs are written this way while this process imports
    matplotlib for the figures, which they need none of: on two cores the import and the
    writing (about 0.25 and 0.3 s) no longer take turns before the figures are drawn.  The
    child lives for that work alone, with its garbage collector off."""
    import pickle
    import traceback

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        gc.disable()
        try:
            try:
                payload = pickle.dumps((True, work()))
            except BaseException as exc:  # raised again by the parent, the child's traceback noted
                exc.add_note(f"in the export's child process:\n{traceback.format_exc()}")
                try:
                    payload = pickle.dumps((False, exc))
                except Exception:
                    payload = pickle.dumps((False, RuntimeError(traceback.format_exc())))
            with os.fdopen(write, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(0)  # nothing of the parent's (its atexit, its buffered output) runs here
    os.close(write)

    def result() -> list[Path]:
        with os.fdopen(read, "rb") as pipe:
            payload = pipe.read()  # read to its end before waiting: the child may fill the pipe
        os.waitpid(pid, 0)
        if not payload:
            raise RuntimeError("the export's child process ended without writing its result")
        ok, value = pickle.loads(payload)
        if not ok:
            raise value
        return value

    return result


def table_path(out_dir: Path, name: str) -> Path:
    return out_dir / f"table_{name}.tex"


def paired_table_path(out_dir: Path, name: str) -> Path:
    return out_dir / f"table_{name}_paired.tex"


def export_latex(ablations: Ablations, out_dir: Path | str) -> list[Path]:
    """Write ``table_{name}.tex`` for each ablation, the macros file and the macro list."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    found = findings(ablations)
    texts = {table_path(out, name): latex.table_tex(summary_table(ablations, name), ablations.provenance)
             for name in study.NAMES}
    for name in PAIRED_TABLES:  # each sweep's paired comparison with the default
        texts[paired_table_path(out, name)] = latex.table_tex(paired_table(ablations, name),
                                                              ablations.provenance)
    texts[out / MACROS_FILE] = latex.macros_tex(found, ablations.provenance)
    texts[out / MACRO_LIST_FILE] = latex.macro_list_tex(found, ablations.provenance)
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8", newline="\n")
    # Table 1 of the main results and the CSVs of the per-layer figures.
    return list(texts) + export_main.write_layer_texts(ablations, out)


def export_all(ablations: Ablations, out_dir: Path | str) -> list[Path]:
    """Everything the paper cites: figures, tables and macros, and the data behind each figure and
    table as CSV in ``data/`` (written while the figures are drawn)."""
    from pifi_ablation.data import export_data

    return export_figures(ablations, out_dir, meanwhile=lambda: export_latex(ablations, out_dir)
                          + export_data(ablations, out_dir))
