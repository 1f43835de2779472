"""LaTeX outputs: escaping, macro names, the tables, and a real pdflatex run of the example."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import pifi_ablation
from pifi_ablation import latex
from pifi_ablation.export import export_all
from pifi_ablation.findings import findings
from pifi_ablation.layer_rows import LAYER_FIGURE_NAMES
from pifi_ablation.tables import summary_table
from results_factory import write_results

ROOT = Path(__file__).resolve().parents[1]
PDFLATEX = shutil.which("pdflatex")


def test_escape():
    assert latex.tex_escape("50% & tweet_offensive #1") == r"50\% \& tweet\_offensive \#1"
    assert latex.tex_escape("Best − last (λ)") == r"Best $-$ last ($\lambda$)"


def test_macro_names_are_letters_only_and_unique(demo):
    entries = latex.macro_entries(findings(demo), demo.provenance)
    names = [n for n, _, _ in entries]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"pifi[A-Za-z]+", n) for n in names)
    assert latex.macro_name("kw_best") == "pifiKeywordWeightBest"
    assert latex.macro_name("lam_recovery_default_ci") == "pifiLambdaRecoveryDefaultCi"


def test_macros_hold_the_computed_values(demo):
    text = latex.macros_tex(findings(demo), demo.provenance)
    means = demo.sample_size.groupby("n_samples")["recovery_rate"].mean()
    recommended = min(n for n, m in means.items() if m >= 0.9 * means.max())
    assert f"\\newcommand{{\\pifiSampleSizeRecommendedN}}{{{recommended}}}" in text
    kw = demo.keyword_weight.groupby("keyword_weight")["recovery_rate"].mean()
    assert f"\\newcommand{{\\pifiKeywordWeightRecoveryDefault}}{{{100 * kw[0.65]:.1f}\\%}}" in text
    assert "Illustrative simulation" in text  # the demo says so in the paper's files too


@pytest.mark.parametrize("name", ["sample_size", "keyword_weight", "lambda_scale", "task_sensitivity",
                                  "model_size"])
def test_tables_are_booktabs_with_caption_and_label(demo, name):
    table = summary_table(demo, name)
    text = latex.table_tex(table, demo.provenance)
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert text.count(rule) == 1
    assert f"\\label{{tab:ablation-{name.replace('_', '-')}}}" in text
    assert "\\caption{" in text and "Illustrative simulation" in text
    body = text.split(r"\midrule")[1].split(r"\bottomrule")[0].strip().splitlines()
    assert len(body) == len(table.frame)
    columns = len(table.frame.columns)
    if "Tasks (n)" in table.frame:
        # The demo has one run per task, so the runs column would only repeat the tasks column.
        assert table.frame["Runs (n)"].equals(table.frame["Tasks (n)"])
        assert "Runs (n)" not in text
        columns -= 1
    assert all(line.count("&") == columns - 1 for line in body)
    assert "%" not in text.replace(r"\%", "").split("\n", 1)[1]  # every percent sign escaped


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> pifi_ablation.Ablations:
    root = tmp_path_factory.mktemp("results")
    write_results(root, keyword_weights=(0.3, 0.9), keyword_models=("Qwen2-0.5B",))
    return pifi_ablation.load(root)


@pytest.fixture(scope="module", params=["demo", "measured"])
def compiled(request, tmp_path_factory) -> Path:
    """The example document compiled against an export of the demo data, and of a
    measured source (whose tables add a runs column and whose captions are longer)."""
    assert PDFLATEX, "pdflatex is installed by `make setup` (scripts/system-packages.txt)"
    work = tmp_path_factory.mktemp(f"latex-{request.param}")
    shutil.copytree(ROOT / "paper", work / "paper")
    export_all(request.getfixturevalue(request.param), work / "figures")
    for _ in range(2):  # a second run resolves the references
        result = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "example.tex"],
                                cwd=work / "paper", capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout[-3000:]
    return work / "paper"


def test_example_document_compiles_cleanly(compiled):
    assert (compiled / "example.pdf").stat().st_size > 10_000
    log = (compiled / "example.log").read_text(encoding="latin-1")
    for problem in ("Undefined control sequence", "undefined references", "Citation", "Overfull \\hbox",
                    "LaTeX Error", "Missing character"):
        assert problem not in log, problem


def test_example_uses_every_output(demo):
    example = (ROOT / "paper" / "example.tex").read_text(encoding="utf-8")
    for name in ["sample_size", "keyword_weight", "lambda_scale", "task_sensitivity", "model_size"]:
        assert f"\\includegraphics{{ablation_{name}.pdf}}" in example  # at 100%, no scaling
        assert f"\\input{{../figures/table_{name}.tex}}" in example
    for name in ["sample_size", "keyword_weight", "lambda_scale"]:
        assert f"\\input{{../figures/table_{name}_paired.tex}}" in example
    assert "\\includegraphics{ablation_paired.pdf}" in example
    assert "\\input{../figures/findings_macros.tex}" in example
    for name in LAYER_FIGURE_NAMES:  # the main-results and selection-signals chapters' figures
        assert f"\\includegraphics{{{name}.pdf}}" in example
    assert "\\input{../figures/table_main_results.tex}" in example
    # Every macro is used: the list of findings calls each one after its name.
    listing = latex.macro_list_tex(findings(demo), demo.provenance)
    assert "\\input{../figures/findings_list.tex}" in example
    for name, _, _ in latex.macro_entries(findings(demo), demo.provenance):
        assert f"& \\{name} &" in listing
