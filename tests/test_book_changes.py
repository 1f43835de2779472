"""The "Changes since the previous release" chapter: with PIFI_ABLATION_PREVIOUS naming an archive,
the book and both PDFs hold it (flagged rows first, both languages) and the introduction says
how many findings changed; without it there is no such page and no entry in the contents."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from book_build import build_book, failure_report, print_pdfs
from pdf_text import page_texts
from pifi_ablation import release

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.book


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> tuple[Path, dict]:
    """An archive of an earlier release whose best keyword weight and its mean read otherwise."""
    rec = copy.deepcopy(release.record(release.load_source("demo")))
    rec["version"], rec["date_released"] = "0.0.9", "2026-01-15"
    for f in rec["findings"]:
        if f["key"] == "kw_best":
            f["text"] = f["text_ko"] = "0.123"
        if f["key"] == "ss_n_tasks":
            f["text"] = f["text_ko"] = "99"
    archive = tmp_path_factory.mktemp("previous") / "appendix-0.0.9.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"pifi-ablation-appendix/{release.RECORD_NAME}", release.dumps(rec))
    return archive, rec


@pytest.fixture(scope="module")
def built(previous, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("book_changes")
    env = {"PIFI_ABLATION_PREVIOUS": str(previous[0])}
    result = build_book(ROOT, out, env=env)
    assert result.returncode == 0, failure_report(result)
    print_pdfs(ROOT, out, env=env)
    return out / "_build"


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_the_page_lists_flagged_rows_first_in_both_languages(built):
    page = _soup(built / "html" / "book" / "changes.html")
    for lang, title, flag in (("en", "Changes since the previous release", "best setting changed"),
                              ("ko", "이전 릴리스 이후 바뀐 점", "최적 설정이 바뀜")):
        assert title in page.find("h1").get_text()
        block = page.select_one(f".pifi-changes .lang-{lang}")
        rows = block.select("tbody tr")
        keys = [r.find("code").get_text() for r in rows]
        assert set(keys) == {"kw_best", "ss_n_tasks"}  # only what the record changed
        assert keys[0] == "kw_best" and "pifi-flagged" in rows[0]["class"]
        assert flag in rows[0].get_text()
        assert "0.123" in rows[0].get_text()
        assert "0.0.9" in block.get_text()


def test_the_introduction_says_how_many_changed(built):
    intro = _soup(built / "html" / "book" / "intro.html")
    line = intro.select_one(".pifi-release-line")
    assert "2 finding(s) changed since version 0.0.9, released 2026-01-15" in line.get_text(" ", strip=True)
    assert "버전 0.0.9(2026-01-15 배포) 이후 결과 2개가 바뀌었다" in line.get_text(" ", strip=True)
    nav = " ".join(a.get_text() for a in intro.select("nav a"))
    assert "Changes since the previous release" in nav


def test_both_pdfs_hold_the_chapter(built):
    for lang, title in (("en", "Changes since the previous release"), ("ko", "이전 릴리스 이후 바뀐 점")):
        # compared without spaces: PDFium joins some Korean words (tests/pdf_text.py)
        text = "".join("".join(page.split()) for page in page_texts(built / "pdf" / f"appendix-{lang}.pdf"))
        assert "".join(title.split()) in text
        assert "kw_best" in text


def test_without_a_previous_release_there_is_no_page_and_no_entry(html_dir):
    assert not (html_dir / "book" / "changes.html").exists()
    intro = _soup(html_dir / "book" / "intro.html")
    assert intro.select_one(".pifi-release-line") is None
    assert "Changes since" not in intro.get_text()
    assert "바뀐 점" not in intro.get_text()
