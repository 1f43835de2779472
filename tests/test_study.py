"""The study's ablations are declared once (pifi_ablation.study), and every layer covers each
of them: its table schema, demo rows, derivation, need, figure, tables, findings, macros and
chapter.  A sixth ablation declared without one of these fails here, naming what is missing."""

from __future__ import annotations

from pathlib import Path

import yaml

from pifi_ablation import figures, latex, schema, study, tables
from pifi_ablation.findings import FINDINGS_OF_KIND, findings

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
