"""The data behind every figure and table, as CSV and as an accessible HTML table.

For each ablation: ``ablation_{name}.csv`` holds the rows its figure is drawn from (the
validated table: one row per task and setting, with model and seed where the source has
them), ``table_{name}.csv`` the chapter's summary table as printed (means, intervals, n).
``export`` writes them to ``figures/data/``; the book links them under each figure and
table and shows the figure's rows in a folded table for readers who cannot read a plot.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from pifi_ablation import schema, study
from pifi_ablation.ablations import Ablations
from pifi_ablation.markup import html as as_html
from pifi_ablation.markup import render
from pifi_ablation.tables import PAIRED_TABLES, paired_table, summary_table

DATA_FOLDER = "data"
FLOAT_FORMAT = "%.6g"


def figure_csv_name(name: str) -> str:
    """The CSV of figure ``name``: ``ablation_{name}.csv`` for the ablations' figures and the
    paired figure, ``{name}.csv`` for the per-layer figures (as ``export_main`` names them)."""
    from pifi_ablation.layer_rows import LAYER_FIGURE_NAMES

    return f"{name}.csv" if name in LAYER_FIGURE_NAMES else f"ablation_{name}.csv"


def table_csv_name(name: str) -> str:
    return f"table_{name}.csv"


def paired_rows(ablations: Ablations) -> pd.DataFrame:
    """The rows of the paired figure: per sweep, setting and task, the difference in recovery
    from the default (``cells``: the cells averaged into that task's difference)."""
    from pifi_ablation import verdicts

    parts = [c.differences.assign(ablation=sweep.name, setting=c.value, default=sweep.default)
             for sweep in verdicts.SWEEPS for c in verdicts.comparisons(ablations, sweep)]
    columns = ["ablation", "setting", "default", "task", "difference", "cells"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def figure_rows(ablations: Ablations, name: str) -> pd.DataFrame:
    """The rows figure ``name`` is drawn from: the ablation's validated table, the paired
    differences, or a per-layer figure's table (:func:`pifi_ablation.layer_rows.figure_data`)."""
    from pifi_ablation.layer_rows import LAYER_FIGURE_NAMES, figure_data

    if name == "paired":
        return paired_rows(ablations)
    if name in LAYER_FIGURE_NAMES:
        return figure_data(ablations.layers, name)
    return ablations.table(name)


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV with six significant digits and ``\\n`` line ends: the same bytes on
    every run and platform."""
    return frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def data_files(ablations: Ablations) -> dict[str, str]:
    """Every CSV by file name: the figure's rows and the summary table of each ablation, and each
    sweep's paired table."""
    files: dict[str, str] = {}
    for name in schema.TABLE_NAMES:
        files[figure_csv_name(name)] = csv_text(figure_rows(ablations, name))
        files[table_csv_name(name)] = csv_text(summary_table(ablations, name).frame)
    for name in PAIRED_TABLES:  # each sweep's paired comparison with the default, as printed
        files[table_csv_name(f"{name}_paired")] = csv_text(paired_table(ablations, name).frame)
    files[figure_csv_name("paired")] = csv_text(paired_rows(ablations))
    for name, frame in main_tables(ablations).items():  # Table 1 is export_main's
        if name != "main_results":
            files[table_csv_name(name)] = csv_text(frame)
    return files


def main_tables(ablations: Ablations) -> dict[str, pd.DataFrame]:
    """The main-results and selection-signals chapters' tables as printed (English)."""
    from pifi_ablation.pages_main import _FRAMES

    return {name: make(ablations) for name, make in _FRAMES.items()}


def book_data_files(ablations: Ablations) -> dict[str, str]:
    """What the HTML build puts in its ``data/`` folder: :func:`data_files`, and the CSVs that
    ``export`` writes for the per-layer figures and Table 1 (the same bytes as in ``figures/data/``)."""
    from pifi_ablation.export_main import layer_texts

    files = data_files(ablations)
    for path, text in layer_texts(ablations, Path()).items():
        if path.suffix == ".csv":
            files[path.name] = text
    return files


def export_data(ablations: Ablations, out_dir: Path | str) -> list[Path]:
    """Write the CSVs into ``out_dir/data/``; return the paths written."""
    folder = Path(out_dir) / DATA_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file, text in data_files(ablations).items():
        (folder / file).write_text(text, encoding="utf-8", newline="\n")
        written.append(folder / file)
    return written


LINK_WORDS = {"en": "Data (CSV)", "ko": "데이터(CSV)"}
FIGURE_DATA_WORDS = {"en": "Data behind figure {n}", "ko": "그림 {n}의 데이터"}


def _spans(words: dict[str, str]) -> str:
    return "".join(f'<span class="lang-{lang}" lang="{lang}">{html.escape(text)}</span>'
                   for lang, text in words.items())


def csv_link_html(href: str, label: dict[str, str]) -> str:
    """A "Data (CSV)" link (both languages), named for what it holds."""
    named = "".join(f'<span class="lang-{lang}" lang="{lang}">{html.escape(LINK_WORDS[lang])}'
                    f'<span class="pifi-visually-hidden">: {html.escape(label[lang])}</span></span>'
                    for lang in LINK_WORDS)
    return f'<a class="pifi-data-link" href="{html.escape(href)}" download>{named}</a>'


# The data tables' column heads in Korean (the CSVs keep the column names).
COLUMNS_KO: dict[str, str] = {
    "task": "태스크", "model": "모델", "seed": "시드", "layer": "레이어", "acc": "정확도",
    "best": "최적", "last": "마지막", "selected": "선택됨", "ablation": "절제 실험", "setting": "설정값",
    "default": "기본값", "difference": "기본값과의 차이", "cells": "셀 수",
    "recovery_rate": "회복률", "signal_quality": "신호 품질",
    "auto_last_gap": "Auto-Last 격차", "best_last_gap": "Best-Last 격차", "best_auto_gap": "Best-Auto 격차",
    "time_sec": "선택 시간(초)", "optimal_weight": "최적 가중치",
    "max_head_effect": "최대 헤드 효과", "optimal_lambda": "최적 람다",
    **{a.setting: a.label_ko for a in study.SWEEPS},  # the sweeps' setting columns
    "task_type": "태스크 유형", "avg_length": "평균 길이", "n_classes": "클래스 수",
    "sensitivity": "레이어 민감도", "n_layers": "레이어 수", "params_b": "파라미터 수(B)",
    "last_acc": "마지막 레이어 정확도", "best_acc": "최적 레이어 정확도", "auto_acc": "자동 선택 정확도",
    "best_layer_norm": "최적 레이어 위치(0–1)",
    "excluded_apply": "L_Apply 제외",
    "keyword": "키워드", "correlation": "상관", "pcl": "PCL 점수", "probe": "프로브 정확도",
    "head_effect": "헤드 효과",
}
for _stage in ("abstract", "apply", "final"):
    _name = {"abstract": "L_Abstract", "apply": "L_Apply", "final": "최종"}[_stage]
    COLUMNS_KO.update({f"{_stage}_layer": f"{_name} 레이어", f"{_stage}_hit": f"{_name} 적중",
                       f"{_stage}_distance": f"{_name} 거리", f"{_stage}_within2": f"{_name} ±2 이내"})


def _bilingual_heads(body: str, columns: list[str]) -> str:
    """The ``<th>`` of each column named in both languages (language.css shows one)."""
    for column in columns:
        en = html.escape(str(column))
        spans = _spans({"en": str(column), "ko": COLUMNS_KO.get(str(column), str(column))})
        body = body.replace(f"<th>{en}</th>", f"<th>{spans}</th>", 1)
    return body


def figure_data_html(ablations: Ablations, name: str, number: str, href: str) -> str:
    """Under figure ``number``: its CSV link and, folded, the table of the rows it is drawn from."""
    words = {lang: text.format(n=number) for lang, text in FIGURE_DATA_WORDS.items()}
    rows = figure_rows(ablations, name)
    body = rows.to_html(index=False, border=0, classes=["pifi-table"],
                        float_format=lambda v: f"{v:.4g}", na_rep="–")
    body = _bilingual_heads(body, list(rows.columns))
    # The caption names the table for screen readers (after the opening tag pandas writes);
    # the scrolling box is a named region.
    opening, rest = body.split(">", 1)
    body = f"{opening}><caption>{_spans(words)}</caption>{rest}"
    return render("figure_data.html", anchor=name.replace("_", "-"), link=as_html(csv_link_html(href, words)),
                  words_html=as_html(_spans(words)), words=words, table=as_html(body))
