"""Never stale: a rebuild after a results file changes shows the new numbers; a rebuild after
nothing changed executes nothing (and so costs little), without any cache to go stale."""

from __future__ import annotations

import re
import shutil
import sys

import numpy as np
import pytest
from bs4 import BeautifulSoup

import pifi_ablation
from book_build import CHAPTERS, build_book, failure_report
from pifi_ablation.findings import findings
from pifi_ablation.pages import glue_texts
from results_factory import write_grid, write_results
from test_book import BOOK_SCRIPTS, ROOT

pytestmark = pytest.mark.book
EXECUTED = re.compile(r"Executed notebook")


def _summary(out) -> BeautifulSoup:
    page = out / "_build" / "html" / "book" / "summary.html"
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def _notice(soup: BeautifulSoup) -> str:
    return soup.find("article").find("div", class_="pifi-data-notice").get_text()


def test_rebuild_follows_a_changed_results_file(tmp_path):
    manifest = write_results(tmp_path / "results", seeds=(0,))
    out = tmp_path / "out"
    first = build_book(ROOT, out, data=str(manifest.root))
    assert first.returncode == 0, failure_report(first)
    assert len(EXECUTED.findall(first.stdout + first.stderr)) == len(CHAPTERS)
    before = pifi_ablation.load(manifest.root)

    # Nothing changed: no page is executed again.
    again = build_book(ROOT, out, data=str(manifest.root))
    assert again.returncode == 0, failure_report(again)
    assert EXECUTED.findall(again.stdout + again.stderr) == []

    # One grid file changes: its last layer drops, so every gap against the last layer grows.
    grid = manifest.grids[("sst2", "Qwen2-7B")]
    acc = grid.acc.copy()
    acc[-1] = float(np.min(acc)) - 0.01
    folder = grid.path.parent.relative_to(manifest.root).as_posix()
    write_grid(manifest.root, "sst2", "Qwen2-7B", acc, "" if folder == "." else folder)
    after = pifi_ablation.load(manifest.root)
    assert after.provenance.content_hash != before.provenance.content_hash

    rebuilt = build_book(ROOT, out, data=str(manifest.root))
    assert rebuilt.returncode == 0, failure_report(rebuilt)
    assert len(EXECUTED.findall(rebuilt.stdout + rebuilt.stderr)) == len(CHAPTERS)
    soup = _summary(out)
    assert after.provenance.short_hash in _notice(soup)
    assert before.provenance.short_hash not in _notice(soup)
    expected = glue_texts(findings(after), demo=False)
    old = glue_texts(findings(before), demo=False)
    key = "model_qwen2_7b_gap"  # quoted by the summary page
    assert expected[key] != old[key], "the change should move Qwen2-7B's mean best-last gap"
    pasted = [s.get_text() for s in soup.find("article").find_all("span", class_="text_plain")]
    assert expected[key] in pasted
    assert old[key] not in pasted or old[key] in {v for k, v in expected.items() if k != key}


def test_an_edited_static_file_or_extension_rebuilds_the_book(tmp_path):
    """Sphinx writes nothing when no page is out of date, so a changed language.js would
    never reach the built book: the book's static files and extensions are fingerprinted."""
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        from rebuild_fingerprint import fingerprint
    finally:
        sys.path.pop(0)
    shutil.copytree(ROOT / "book", tmp_path / "book")
    seen = {fingerprint(tmp_path)}
    assert fingerprint(tmp_path) in seen
    # Each of the book's scripts and its stylesheet, then an extension: every edit is a new
    # fingerprint, different from all before it.
    edits = [*(tmp_path / "book" / "_static" / name for name in (*BOOK_SCRIPTS, "language.css")),
             tmp_path / "book" / "_ext" / "page_layout.py"]
    for path in edits:
        comment = "# edited" if path.suffix == ".py" else "/* edited */"
        path.write_text(path.read_text(encoding="utf-8") + f"\n{comment}\n", encoding="utf-8")
        edited = fingerprint(tmp_path)
        assert edited not in seen, path.name
        seen.add(edited)
