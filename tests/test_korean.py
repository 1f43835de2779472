"""Korean mode shows the measured source's messages in Korean: every message form the loader
writes about the study's folders has a Korean form, and a page falls back to English (marked
``lang="en"``) only for a form this appendix does not know."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest

from pifi_ablation import korean
from pifi_ablation.coverage import coverage
from pifi_ablation.pages import coverage_report_html, korean_html
from pifi_ablation.sources import measured
from results_factory import grid_accuracy, make_log, write_grid, write_json, write_results
from upstream_factory import write_upstream_results

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _odd_states(root):
    """A folder that makes the loader say its rarer things too."""
    write_results(root, tasks=("sst2", "cola"), models=("Qwen2-0.5B",), seeds=(0,), sample_sizes=(50,),
                  lambdas=(5.0,), keyword_weights=(0.3,), keyword_models=("Qwen2-0.5B",))
    (root / "notes.txt").write_text("x")
    shutil.copy(root / "sst2_bert_qwen2_0.5b_results.txt", root / "classification")  # an identical copy
    log = make_log("sst2", "Qwen2-0.5B", 0, n_samples=50, lambda_scale=5.0)  # two settings off
    write_json(root / "selection_logs" / "both" / "classification_sst2_qwen2_0.5b_seed0.json", log)
    log = make_log("sst2", "Qwen2-0.5B", 1, lambda_scale=4.0)
    log["extra_key"] = 1
    write_json(root / "selection_logs" / "lambda_scale=5" / "classification_sst2_qwen2_0.5b_seed1.json", log)
    acc = grid_accuracy("imdb", "Qwen2-7B", n_layers=32)
    write_grid(root, "imdb", "Qwen2-7B", acc)  # more layers than the registry, and no log uses it
    write_grid(root, "mnli", "Qwen2-0.5B", np.full(24, 0.8))  # flat
    write_json(root / "selection_logs" / "entailment_mnli_qwen2_0.5b_seed0.json",
               make_log("mnli", "Qwen2-0.5B", 0, acc=grid_accuracy("mnli", "Qwen2-0.5B")))
    grid = root / "classification" / "cola_bert_qwen2_0.5b_results.txt"
    if grid.exists():
        grid.write_text("".join(f"{line} epoch=1\n" for line in grid.read_text().splitlines()))
    return root


@pytest.mark.parametrize("write", [write_upstream_results, write_results, _odd_states],
                         ids=["upstream", "older-formats", "rare-states"])
def test_every_message_has_a_korean_form(tmp_path, write):
    root = tmp_path / "results"
    write(root)
    reading = measured.read(root)
    assert not reading.problems, reading.problems
    report = coverage(reading)
    messages = [*reading.assumptions, *reading.warnings, *reading.notes.values(), report.summary]
    assert len(messages) > 3
    for text in messages:
        ko = korean.message(text)
        assert ko is not None, text
        assert HANGUL.search(ko), ko
    for p in report.pending:
        assert HANGUL.search(korean.pending(p))
    for _path, why in report.skipped:
        assert korean.reason(why) is not None, why
    html = coverage_report_html(report)
    ko_part = html[html.index('class="lang-ko"'):]
    assert 'lang="en"' not in ko_part and " seed " not in ko_part


def test_rare_states_say_what_they_are(tmp_path):
    reading = measured.read(_odd_states(tmp_path / "results"))
    said = "\n".join(reading.warnings + reading.assumptions)
    for phrase in ("not read", "read once", "the grid's count is used", "signal quality undefined",
                   "no one-setting sweep", "no selection log uses this grid", "differs from its folder name",
                   "are not in the format"):
        assert phrase in said, phrase


def test_an_unknown_message_stays_english_and_is_marked():
    # A text that is not a message (its words equal to one's change nothing): no Korean form.
    assert korean.message("something new happened") is None
    assert korean.message("no grid file yet") is None
    assert korean_html("a <b> & c") == '<span lang="en">a &lt;b&gt; &amp; c</span>'
    assert korean_html(json.dumps("x")) == '<span lang="en">&quot;x&quot;</span>'
