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

    from pifi_ablation.book import BOOK_TABLES

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
