"""The book's HTML blocks come from templates: no Python string in the package holds the
structure of a block, every value from data is escaped, and a template's layout (its line
breaks and indentation) never reaches the page."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import pifi_ablation
from pifi_ablation import markup, pages

SRC = Path(pifi_ablation.__file__).parent
BLOCK_TAGS = re.compile(r"<(table|div|ul|details)\b")


def _strings(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_python_string_holds_a_block_tag(path):
    found = [(line, text[:60]) for line, text in _strings(ast.parse(path.read_text(encoding="utf-8")))
             if BLOCK_TAGS.search(text)]
    assert found == [], f"{path.name}: HTML blocks belong in templates/ (pifi_ablation.markup)"


def test_the_check_finds_a_block_tag_in_an_f_string():
    tree = ast.parse('x = f\'<div class="a">{y}</div>\'')
    assert any(BLOCK_TAGS.search(text) for _, text in _strings(tree))


def _used_templates() -> set[str]:
    names = set()
    for path in SRC.rglob("*.py"):
        names |= set(re.findall(r"""["']([\w]+\.html)["']""", path.read_text(encoding="utf-8")))
    for path in markup.TEMPLATES.glob("*.html"):  # templates import each other's macros
        names |= set(re.findall(r"""from ["']([\w]+\.html)["'] import""", path.read_text(encoding="utf-8")))
    return names


def test_every_template_is_used_and_every_used_one_exists():
    present = {p.name for p in markup.TEMPLATES.glob("*.html")}
    assert present == _used_templates()


def test_values_are_escaped_and_html_is_pasted_as_it_is():
    out = markup.render("no_data.html", ablation='x" onload="alert(1)', en="<b>&</b>",
                        ko=markup.html("<p>그대로</p>"))
    assert 'data-ablation="x&#34; onload=&#34;alert(1)"' in out
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in out and "<p>그대로</p>" in out


def test_a_templates_layout_does_not_reach_the_page(demo):
    blocks = [pages.notice_html(demo.provenance), pages.provenance_html(demo), pages.environment_html(),
              pages.no_data_html(demo, "sample_size")]
    for block in blocks:
        assert "\n" not in block and "  <" not in block and ">  " not in block


def test_bilingual_pairs_the_two_languages():
    assert pages.bilingual("<i>a</i>", "가", tag="span") == (
        '<span class="lang-en" lang="en"><i>a</i></span><span class="lang-ko" lang="ko">가</span>')
