"""What the export writes for the main-results and selection-signals chapters.

``{main_results,layer_curves,selection_signals}.{pdf,png}`` drawn like the ablations' figures
(the same style, sizes, fonts and save options), ``table_main_results.tex`` (the paper's
Table 1) and the data behind each as CSV in ``data/``: the figures' per-run or per-layer
tables and Table 1.  Like every output of the export, none carries a timestamp.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pifi_ablation import main_results, style
from pifi_ablation.ablations import Ablations
from pifi_ablation.latex import source_note, tex_escape
from pifi_ablation.layer_rows import LAYER_FIGURE_NAMES, figure_data
from pifi_ablation.registry import task_label

FORMATS = style.PRINT_FORMATS
TABLE_FILE = "table_main_results.tex"
DATA_DIR = "data"


def layer_figure_paths(out_dir: Path, name: str) -> list[Path]:
    return [out_dir / f"{name}.{fmt}" for fmt in FORMATS]


def export_layer_figure(ablations: Ablations, name: str, out_dir: Path) -> list[Path]:
    """Draw per-layer figure ``name`` and save it in every format; return the paths written."""
    from pifi_ablation.figures import make_figure

    return style.save_print(make_figure(ablations, name), layer_figure_paths(out_dir, name))


def _pct(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{100 * value:.1f}"


def table_one_tex(ablations: Ablations) -> str:
    """Table 1 as the paper prints it: per task and model the best layer(s), the last, auto and
    best layers' accuracy (%), recovery (%) and runs; a mean row (per task, then over tasks)."""
    table = main_results.table_one(ablations.layers)
    body = []
    for row in table.itertuples(index=False):
        mean = row.task == "mean"
        task = "Mean over tasks" if mean else task_label(row.task)
        cells = [task, row.model, row.best_layers, _pct(row.last_acc), _pct(row.auto_acc), _pct(row.best_acc),
                 _pct(row.recovery_rate), str(row.runs)]
        line = " & ".join(tex_escape(str(c)) for c in cells) + r" \\"
        body.append((r"\midrule" + "\n" + line) if mean else line)
    caption = ("Main results: accuracy (%) of PiFi with the last, the automatically selected (final) "
               "and the best LLM layer plugged in, and the recovery of the best-last gap; auto and "
               "recovery averaged over selection seeds; best layers are every layer at the grid's "
               "maximum. " + source_note(ablations.provenance))
    return "\n".join([
        "% Main results (Table 1); written by `python -m pifi_ablation export`. Do not edit.",
        r"\begin{table*}[t]",
        r"\centering",
        r"\small",
        r"\setlength{\tabcolsep}{4pt}",
        r"\begin{tabular}{@{}llrrrrrr@{}}",
        r"\toprule",
        r"Task & Model & Best layer & Last acc. & Auto acc. & Best acc. & Recovery & Runs \\",
        r"\midrule",
        *body,
        r"\bottomrule",
        r"\end{tabular}",
        f"\\caption{{{tex_escape(caption)}}}",
        r"\label{tab:main-results}",
        r"\end{table*}",
        "",
    ])


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.10g")


def layer_texts(ablations: Ablations, out_dir: Path) -> dict[Path, str]:
    """Table 1 and the CSVs of the per-layer figures and Table 1, by path."""
    data = out_dir / DATA_DIR
    texts = {out_dir / TABLE_FILE: table_one_tex(ablations)}
    for name in LAYER_FIGURE_NAMES:
        texts[data / f"{name}.csv"] = _csv(figure_data(ablations.layers, name))
    texts[data / "table_main_results.csv"] = _csv(main_results.table_one(ablations.layers))
    return texts


def write_layer_texts(ablations: Ablations, out_dir: Path) -> list[Path]:
    texts = layer_texts(ablations, Path(out_dir))
    (Path(out_dir) / DATA_DIR).mkdir(parents=True, exist_ok=True)
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8", newline="\n")
    return list(texts)

