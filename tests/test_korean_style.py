"""The Korean of the appendix follows its style guide (``book/korean-style.md``): academic
한다체 and one term for each notion, on every page, caption, table, PDF title page and
``validate`` message."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "book" / "korean-style.md"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Python files whose Korean strings a reader sees (pages, captions, tables, messages, the PDF).
SOURCES = [*sorted((ROOT / "src" / "pifi_ablation").glob("*.py")), ROOT / "scripts" / "make_pdf.py"]
# JavaScript whose strings end up in a printed page (scripts/make_pdf_page.js writes into the PDF).
SCRIPTS = sorted((ROOT / "scripts").glob("*.js"))
# A JavaScript string literal: double, single or back quotes, with backslash escapes.
JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`((?:[^`\\]|\\.)*)`')


def _formal_endings(text: str) -> list[str]:
    """Words in 합니다체: a syllable with the final consonant ㅂ followed by 니다 (합니다, 입니다,
    있습니다); 한다체's 아니다 does not match."""
    return [m.group(0) for m in re.finditer(r"[\uac00-\ud7a3]+니다", text)
            if (ord(m.group(0)[-3]) - 0xAC00) % 28 == 17]


def _md_korean(text: str) -> list[str]:
    blocks = re.findall(r"^::::\{ko\}\n(.*?)^::::$", text, re.S | re.M)
    return blocks + re.findall(r"\{ko\}`([^`]*)`", text)


def _py_korean(text: str) -> list[str]:
    return [node.value for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and HANGUL.search(node.value)]


def _js_korean(text: str) -> list[str]:
    return [literal for match in JS_STRING.finditer(text) for literal in match.groups()
            if literal and HANGUL.search(literal)]


@cache
def korean_texts() -> dict[str, list[str]]:
    """Every Korean text of the book and the package, by file (read once per test run: the files
    do not change during one, and each parametrized test reads them)."""
    found = {p.relative_to(ROOT).as_posix(): _md_korean(p.read_text(encoding="utf-8"))
             for p in sorted([*(ROOT / "book").glob("*.md"), *(ROOT / "book" / "_snippets").glob("*.md")])
             if p != GUIDE}
    found |= {p.relative_to(ROOT).as_posix(): _py_korean(p.read_text(encoding="utf-8")) for p in SOURCES}
    found |= {p.relative_to(ROOT).as_posix(): _js_korean(p.read_text(encoding="utf-8")) for p in SCRIPTS}
    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    found["_config.yml"] = [title.split(" · ")[1]]
    return {path: texts for path, texts in found.items() if texts}


def forbidden_terms() -> dict[str, str]:
    """The glossary's "쓰지 않는 표현", each with the term to use instead."""
    rows = re.findall(r"^\| ([^|]+) \| ([^|]+) \| ([^|]*) \|$", GUIDE.read_text(encoding="utf-8"), re.M)
    return {bad.strip(): term.strip() for _, term, bads in rows[2:] for bad in bads.split(",") if bad.strip()}


def _prose(text: str) -> str:
    """The words of a text, without code, identifiers and the glossary's first mention."""
    text = re.sub(r"`[^`]*`|<code>.*?</code>|\b\w*_\w*\b", " ", text)
    return text.replace("절제 실험(ablation)", "절제 실험")


def test_the_glossary_is_read():
    terms = forbidden_terms()
    assert terms["스윕"] == "값 탐색" and terms["대형 언어 모델"] == "대규모 언어 모델"
    assert len(terms) >= 15


def test_every_korean_source_is_found():
    found = korean_texts()
    for expected in ("book/intro.md", "book/method.md", "book/_snippets/no_findings.md",
                     "src/pifi_ablation/korean.py",
                     "src/pifi_ablation/pages.py", "src/pifi_ablation/tables.py", "scripts/make_pdf.py"):
        assert found.get(expected), expected
    assert ROOT / "scripts" / "make_pdf_page.js" in SCRIPTS  # the page script of the PDFs is read


@pytest.mark.parametrize("path", sorted(korean_texts()))
def test_korean_is_written_in_handache(path):
    formal = [word for text in korean_texts()[path] for word in _formal_endings(text)]
    assert formal == [], f"{path}: 합니다체 {formal}"


@pytest.mark.parametrize("path", sorted(korean_texts()))
def test_korean_uses_the_glossarys_terms(path):
    terms = forbidden_terms()
    prose = [(text, _prose(text)) for text in korean_texts()[path]]
    wrong = sorted({f"{bad} → {good}" for _, words in prose for bad, good in terms.items() if bad in words})
    assert wrong == [], f"{path}: {wrong}"
    english = [text[:60] for text, words in prose if "ablation" in words]
    assert english == [], f"{path}: 'ablation' left in English (절제 실험)"
    hangul_italic = re.compile(r"(?<!\*)\*[\uac00-\ud7a3][^*]*\*(?!\*)")
    italic = [m for text in korean_texts()[path] for m in hangul_italic.findall(text)]
    assert italic == [], f"{path}: Hangul in italics {italic}"
    # CommonMark cannot close ``**{glue}`x`**에서`` (a backtick, then a letter): the page would
    # show the asterisks; <strong>…</strong> keeps the particle outside the bold.
    unclosed = [m for text in korean_texts()[path] for m in re.findall(r"`\*\*[\uac00-\ud7a3]", text)]
    assert unclosed == [], f"{path}: bold that CommonMark leaves open {unclosed}"


def test_the_checks_catch_what_they_look_for():
    assert _formal_endings("값은 0.9입니다. 선택합니다. 있습니다") == ["입니다", "선택합니다", "있습니다"]
    assert _formal_endings("이것은 아니다. 선택한다.") == []
    assert "ablation" in _prose("샘플 수 ablation")
    assert "ablation" not in _prose("절제 실험(ablation)과 `pifi_ablation`")
    script = """label.textContent = (ko ? "표 \\"1\\"" : 'Table') + `${n}번 표입니다` + ' ';"""
    assert _js_korean(script) == ['표 \\"1\\"', "${n}번 표입니다"]
