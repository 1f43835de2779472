"""The data behind every figure and table: CSVs that parse back to the tables they came from."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from pifi_ablation import schema
from pifi_ablation.data import csv_text, data_files, figure_data_html
from pifi_ablation.tables import summary_table


@pytest.mark.parametrize("name", schema.TABLE_NAMES)
def test_a_figures_csv_holds_the_rows_it_is_drawn_from(demo, name):
    parsed = pd.read_csv(io.StringIO(data_files(demo)[f"ablation_{name}.csv"]))
    table = getattr(demo, name)
    assert list(parsed.columns) == list(table.columns)
    assert len(parsed) == len(table)
    for column in table.columns:
        if pd.api.types.is_numeric_dtype(table[column]):
            np.testing.assert_allclose(parsed[column], table[column], rtol=1e-5, err_msg=column)
        else:
            assert parsed[column].astype(str).tolist() == table[column].astype(str).tolist(), column


@pytest.mark.parametrize("name", schema.TABLE_NAMES)
def test_a_tables_csv_is_the_table_as_printed(demo, name):
    parsed = pd.read_csv(io.StringIO(data_files(demo)[f"table_{name}.csv"]), dtype=str,
                         keep_default_na=False)
    frame = summary_table(demo, name).frame
    assert list(parsed.columns) == list(frame.columns)
    assert parsed.to_numpy().tolist() == frame.astype(str).to_numpy().tolist()


def test_csv_is_deterministic_and_plain():
    frame = pd.DataFrame({"task": ["sst2", "cola"], "recovery_rate": [1 / 3, np.nan]})
    text = csv_text(frame)
    assert text == "task,recovery_rate\nsst2,0.333333\ncola,\n"
    assert csv_text(frame) == text


def test_the_folded_table_is_named_and_captioned(demo):
    markup = figure_data_html(demo, "task_sensitivity", "4", "../data/ablation_task_sensitivity.csv")
    assert 'href="../data/ablation_task_sensitivity.csv"' in markup
    assert "<caption>" in markup and "Data behind figure 4" in markup and "그림 4의 데이터" in markup
    assert 'role="region" aria-label="Data behind figure 4"' in markup
    assert markup.count("<tr") == len(demo.task_sensitivity) + 1  # the header and every row


def test_the_page_gets_the_data_once(demo):
    """A page Sphinx did not rewrite keeps its data block: adding it again changes nothing."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
    from figure_data import with_data

    from pifi_ablation.pages import BOOK_TABLES

    page = ('<figure class="align-default" id="fig-model-size"><img src="x.png" />'
            '<figcaption><p><span class="caption-number">Figure 5 </span></p></figcaption></figure>'
            '<div class="pifi-table-block" id="table-model_size">'
            '<span class="pifi-table-data" data-table="model_size"></span></div>')
    once = with_data(page, demo, "../data")
    assert once.count('class="pifi-figure-data"') == 1 and "Data behind figure 5" in once
    # tables are numbered in book order, after the main-results and selection-signals chapters'
    number = BOOK_TABLES.index("model_size") + 1
    assert 'href="../data/table_model_size.csv"' in once and f"Table {number}" in once
    assert with_data(once, demo, "../data") == once


def test_the_paired_figures_csv_holds_every_sweeps_per_task_differences(demo):
    from pifi_ablation import verdicts

    parsed = pd.read_csv(io.StringIO(data_files(demo)["ablation_paired.csv"]))
    for sweep in verdicts.SWEEPS:
        for c in verdicts.comparisons(demo, sweep):
            rows = parsed[(parsed["ablation"] == sweep.name) & (parsed["setting"] == c.value)]
            assert (rows["default"] == sweep.default).all()
            assert rows["task"].tolist() == c.differences["task"].tolist()
            np.testing.assert_allclose(rows["difference"], c.differences["difference"], rtol=1e-5)
    assert set(parsed["ablation"]) == {s.name for s in verdicts.SWEEPS}


def test_the_books_data_folder_holds_the_per_layer_csvs_as_exported(demo, tmp_path):
    from pifi_ablation.data import book_data_files
    from pifi_ablation.export_main import write_layer_texts
    from pifi_ablation.layer_rows import LAYER_FIGURE_NAMES

    files = book_data_files(demo)
    written = {p.name: p.read_text(encoding="utf-8") for p in write_layer_texts(demo, tmp_path)
               if p.suffix == ".csv"}
    assert {f"{n}.csv" for n in LAYER_FIGURE_NAMES} | {"table_main_results.csv"} <= set(written)
    for name, text in written.items():
        assert files[name] == text, name
    for name in ("main_results_tasks", "signals_tasks", "signals_matrix"):  # Tables 2-4 as printed
        assert len(pd.read_csv(io.StringIO(files[f"table_{name}.csv"]))) > 0


@pytest.mark.parametrize("name", [*schema.TABLE_NAMES, "paired", "main_results", "layer_curves",
                                  "selection_signals"])
def test_every_data_table_has_korean_column_heads(demo, name):
    from pifi_ablation.data import COLUMNS_KO, figure_rows

    columns = list(figure_rows(demo, name).columns)
    assert [c for c in columns if c not in COLUMNS_KO] == []
    markup = figure_data_html(demo, name, "3", "x.csv")
    for column in columns:
        assert f'<span class="lang-ko" lang="ko">{COLUMNS_KO[column]}</span>' in markup, column


def test_chapter_tables_get_a_caption_a_named_region_and_a_permalink_once():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
    from figure_data import _captioned

    page = ('<div class="pifi-table-block" id="table-model_size"><div class="lang-en" lang="en">'
            '<p class="pifi-table-caption"><strong>Table 9.</strong> Model size. <em>Demo.</em></p>'
            '<div class="pifi-table-scroll"><table class="dataframe pifi-table"><thead></thead></table>'
            '</div></div><div class="lang-ko" lang="ko">'
            '<p class="pifi-table-caption"><strong>표 9.</strong> 모델 크기.</p>'
            '<div class="pifi-table-scroll"><table class="dataframe pifi-table"><thead></thead></table></div>'
            '</div></div>')
    once = _captioned(page)
    assert ('<caption class="pifi-visually-hidden"><strong>Table 9.</strong> Model size. <em>Demo.</em>'
            '</caption>') in once
    assert '<caption class="pifi-visually-hidden"><strong>표 9.</strong> 모델 크기.</caption>' in once
    assert 'role="region" aria-label="Table 9"' in once and 'role="region" aria-label="표 9"' in once
    assert once.count('href="#table-model_size"') == 2 and 'title="이 표의 링크"' in once
    assert _captioned(once) == once


def _figure_data_extension():
    import importlib
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
    try:
        return importlib.import_module("figure_data")
    finally:
        sys.path.pop(0)


@pytest.mark.parametrize("child_fails", [False, True])
def test_the_build_writes_the_csvs_while_the_pages_are_written(demo, tmp_path, monkeypatch, child_fails):
    """Once the pages are read, a forked process writes the CSVs (book/_ext/figure_data.py); the
    build's end waits for it, and writes them itself where that process failed.  Either way the
    data folder holds every CSV of the data, as ``book_data_files`` makes them."""
    import os
    from types import SimpleNamespace

    from pifi_ablation.data import book_data_files

    extension = _figure_data_extension()
    monkeypatch.setenv("PIFI_ABLATION_SOURCE", "demo")
    monkeypatch.setattr(extension, "_WRITER", {})
    parent, write = os.getpid(), extension.write_csvs
    forked = []

    def written_once(folder):
        if os.getpid() != parent:
            if child_fails:
                raise OSError("disk full")
        else:
            forked.append("parent")
        write(folder)

    monkeypatch.setattr(extension, "write_csvs", written_once)
    app = SimpleNamespace(builder=SimpleNamespace(name="html"), outdir=str(tmp_path))
    extension._note_read(app, None, ["sample_size"])
    extension._write_meanwhile(app, None)
    assert "pid" in extension._WRITER  # forked
    extension.csvs_written(tmp_path / "data")
    assert "pid" not in extension._WRITER  # and reaped
    assert forked == (["parent"] if child_fails else [])
    folder = tmp_path / "data"
    assert {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()} == book_data_files(demo)


def test_a_build_that_read_no_page_forks_no_csv_writer(tmp_path, monkeypatch):
    from types import SimpleNamespace

    extension = _figure_data_extension()
    monkeypatch.setattr(extension, "_WRITER", {})
    app = SimpleNamespace(builder=SimpleNamespace(name="html"), outdir=str(tmp_path))
    extension._note_read(app, None, [])
    extension._write_meanwhile(app, None)
    assert "pid" not in extension._WRITER


def test_the_build_adds_every_figures_data_without_matplotlib():
    """The build's own process adds the data under the figures at its end, one step after
    another: it does so without loading matplotlib (about 0.2 s), which only the pages'
    kernels need."""
    import subprocess
    import sys
    from pathlib import Path

    code = r"""
import sys
sys.path.insert(0, "book/_ext")
from figure_data import FIGURES, with_data
from pifi_ablation.pages import _load
demo = _load("demo")
figure = '<figure id="fig-{}"><span class="caption-number">Figure {} </span></figure>'
page = "".join(figure.format(n.replace("_", "-"), i) for i, n in enumerate(FIGURES, 1))
assert with_data(page, demo, "data").count('class="pifi-figure-data"') == len(FIGURES)
print(sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib"))
"""
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
