"""The data behind every figure and table, as CSV and as an accessible HTML table.

For each ablation: ``ablation_{name}.csv`` holds the rows its figure is drawn from (the
validated table: one row per task and setting, with model and seed where the source has
them), ``table_{name}.csv`` the chapter's summary table as printed (means, intervals, n).
``export`` writes them to ``figures/data/``; the book links them under each figure and
table and shows the figure's rows in a folded table for readers who cannot read a plot.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from pifi_ablation import schema
from pifi_ablation.ablations import Ablations
from pifi_ablation.tables import PAIRED_TABLES, paired_table, summary_table

DATA_FOLDER = "data"
FLOAT_FORMAT = "%.6g"


def figure_csv_name(name: str) -> str:
    return f"ablation_{name}.csv"


def table_csv_name(name: str) -> str:
    return f"table_{name}.csv"


def figure_rows(ablations: Ablations, name: str) -> pd.DataFrame:
    """The rows figure ``name`` is drawn from: the ablation's validated table."""
    return getattr(ablations, name)


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


def figure_data_html(ablations: Ablations, name: str, number: str, href: str) -> str:
    """Under figure ``number``: its CSV link and, folded, the table of the rows it is drawn from."""
    words = {lang: text.format(n=number) for lang, text in FIGURE_DATA_WORDS.items()}
    body = figure_rows(ablations, name).to_html(index=False, border=0, classes=["pifi-table"],
                                                float_format=lambda v: f"{v:.4g}", na_rep="–")
    # The caption names the table for screen readers; the scrolling box is a named region.
    body = re.sub(r"(<table\b[^>]*>)", lambda m: f"{m.group(1)}<caption>{_spans(words)}</caption>", body,
                  count=1)
    region = html.escape(words["en"], quote=True)
    return (f'<div class="pifi-figure-data" id="data-{name.replace("_", "-")}">'
            f'<p>{csv_link_html(href, words)}</p>'
            f'<details><summary>{_spans(words)}</summary>'
            f'<div class="pifi-table-scroll" role="region" aria-label="{region}" data-label-en="{region}" '
            f'data-label-ko="{html.escape(words["ko"], quote=True)}">{body}</div></details></div>')
