"""The study's ablations are declared once (pifi_ablation.study), and every layer covers each
of them: its table schema, demo rows, derivation, need, figure, tables, findings, macros and
chapter.  A sixth ablation declared without one of these fails here, naming what is missing."""

from __future__ import annotations

from pathlib import Path

import yaml

from pifi_ablation import figures, latex, schema, study, tables
from pifi_ablation.findings import FINDINGS_OF_KIND, findings
from pifi_ablation.sources.measured import settings

ROOT = Path(__file__).resolve().parents[1]


def test_names_prefixes_and_titles_are_unique():
    for field in ("name", "prefix", "title", "panels"):
        values = [getattr(a, field) for a in study.ABLATIONS]
        assert len(set(values)) == len(values), field
    assert [a.name for a in study.SWEEPS] == ["sample_size", "keyword_weight", "lambda_scale"]


def test_a_sweep_declares_its_default_and_how_it_is_named():
    for a in study.SWEEPS:
        assert a.default == a.default and a.symbol and a.label and a.label_ko and a.axis and a.macro_word
    assert study.BY_NAME["keyword_weight"].named(0.65) == "α = 0.65"


def test_every_layer_covers_every_ablation(demo):
    names = list(study.NAMES)
    assert list(schema.TABLE_NAMES) == names
    assert list(study.NEEDS) == names
    assert list(figures.FIGURE_NAMES) == names
    # The layers choose their functions by kind: every declared kind has its figure, table and findings.
    kinds = {a.kind for a in study.ABLATIONS}
    for by_kind in (figures.FIGURE_OF_KIND, tables.TABLE_OF_KIND, FINDINGS_OF_KIND):
        assert kinds <= set(by_kind)
    assert list(tables.PAIRED_TABLES) == [a.name for a in study.SWEEPS]
    # The measured reader knows every sweep's setting, and its default is the declaration's.
    assert {a.setting: a.default for a in study.SWEEPS} == settings.DEFAULTS
    assert list(demo.tables()) == names


def test_every_ablation_has_findings_under_its_prefix_and_macros(demo):
    found = findings(demo)
    for a in study.ABLATIONS:
        keys = [k for k in found if k.startswith(a.prefix + "_")]
        assert keys, f"no finding of {a.name} under the prefix {a.prefix}_"
        if a.is_sweep:
            assert latex.macro_name(f"{a.prefix}_best").startswith(latex.MACRO_PREFIX + a.macro_word)


def test_every_ablation_has_its_chapter_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [entry["file"] for entry in toc.get("chapters", [])]
    for name in study.NAMES:
        assert (ROOT / "book" / f"{name}.md").is_file()
        assert f"book/{name}" in files


def test_an_ablation_is_named_in_few_source_files():
    """The layers choose by kind, so an ablation's name is written only where it is declared,
    given its schema, simulated and derived.  (A sweep whose name is also its setting's, as the
    keyword weight's and the lambda scale's, appears wherever the setting is read or written.)"""
    sources = [p for p in (ROOT / "src").rglob("*.py")]
    for a in study.ABLATIONS:
        if a.name == a.setting:
            continue
        files = sorted(p.name for p in sources if a.name in p.read_text(encoding="utf-8"))
        assert len(files) <= 5, (a.name, files)


_SIXTH = '''
    Ablation("selection_pcs", "sweep", "pcs", ("Principal components", "주성분 수"), "n_pcs",
             ("(a) Recovery per component count", "(b) Mean over component counts"),
             Need("selection runs at another number of principal components",
                  "다른 주성분 수로 실행한 선택 실행", f"{SELECTION} ... --selection_pcs 4"),
             ("Principal-components ablation: mean recovery over tasks with 95% t-intervals.",
              "주성분 수 절제 실험: 태스크 평균 회복률과 95% 신뢰구간."),
             default=2.0, symbol="k", label="component count", label_ko="주성분 수",
             axis="Principal components (k)", axis_ko="주성분 수(k)", macro_word="Components",
             meaning="principal components kept by the selection", bounds=(1.0, None)),
)
NAMES: tuple'''

_RENDER_ALL = '''
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import pifi_ablation
from pifi_ablation import export, figures, figures_ko, latex, nodata, study, tables
from pifi_ablation.findings import findings

assert study.NAMES[-1] == "selection_pcs", study.NAMES
ab = pifi_ablation.load("demo")
assert ab.table("selection_pcs").empty and ab.selection_pcs.empty
assert "selection_pcs" in nodata.missing_ablations(ab)
found = findings(ab)
keys = [k for k in found if k.startswith("pcs_")]
assert "pcs_best" in keys and "pcs_verdict" in keys, keys
assert not found["pcs_best"].defined and found["pcs_default"].text == "2"
assert latex.macro_name("pcs_best").startswith(latex.MACRO_PREFIX + "Components")
for name in study.NAMES:
    tables.summary_table(ab, name).korean()
for name in tables.PAIRED_TABLES:
    tables.paired_table(ab, name)
for name in figures.EXPORTED_FIGURES:
    for phone in (False, True):
        figures.make_figure(ab, name, phone=phone)
        figures_ko.make_figure_ko(ab, name, phone=phone)
out = Path(sys.argv[1])
export.export_all(ab, out)
assert (out / "ablation_selection_pcs.pdf").is_file() and (out / "table_selection_pcs.tex").is_file()
print("rendered", len(study.NAMES), "ablations")
'''


def test_a_sixth_sweep_declared_in_study_alone_renders(tmp_path):
    """Declare a sixth sweep in a copy of the package's study.py and nothing else: the demo
    loads it (no rows), and its findings, tables, figures (both languages, both layouts) and
    export are made by the kind's functions, saying it has no data."""
    import shutil
    import subprocess
    import sys

    src = tmp_path / "src"
    shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    declared = src / "pifi_ablation" / "study.py"
    text = declared.read_text(encoding="utf-8")
    assert text.count("\n)\nNAMES: tuple") == 1
    declared.write_text(text.replace("\n)\nNAMES: tuple", _SIXTH), encoding="utf-8")
    script = tmp_path / "render_all.py"
    script.write_text(_RENDER_ALL, encoding="utf-8")
    env = {"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg",
           "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "out")], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "rendered 6 ablations" in done.stdout
