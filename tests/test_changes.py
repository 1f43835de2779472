"""The changes page's pieces without a build: its HTML from constructed records, the table of
contents the extension writes, and the freshness fingerprint covering PIFI_ABLATION_PREVIOUS."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from bs4 import BeautifulSoup
from sphinx.errors import ExtensionError

from pifi_ablation import changes, paths, release
from pifi_ablation.diff import Side, diff_records
from test_diff import NEW, OLD

ROOT = Path(__file__).resolve().parents[1]


def _ext(name: str):
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        return __import__(name)
    finally:
        sys.path.pop(0)


def test_the_page_html_puts_flagged_rows_first_in_both_languages():
    d = diff_records(Side("/somewhere/appendix-1.0.0.zip", "archive", OLD), Side("demo", "demo", NEW))
    soup = BeautifulSoup(changes.changes_html(d), "html.parser")
    en, ko = soup.select_one(".lang-en"), soup.select_one(".lang-ko")
    for block, flag in ((en, "verdict changed"), (ko, "판정이 바뀜")):
        rows = block.select("tbody tr")
        assert [r.find("code").get_text() for r in rows] == [c.key for c in d.findings]
        flagged = [r for r in rows if "pifi-flagged" in (r.get("class") or [])]
        assert rows[:len(flagged)] == flagged and len(flagged) == 5
        assert any(flag in r.get_text() for r in flagged)
    assert "기본값보다 2.1%p 좋다" in ko.get_text()  # the Korean twin of the verdict
    assert "/somewhere" not in str(soup)  # the archive by its name only
    line = BeautifulSoup(changes.release_line_html(d), "html.parser").get_text(" ")
    assert f"{len(d.findings)} finding(s) changed since version 1.0.0, released 2026-01-01" in line


def test_no_date_released_is_said(monkeypatch):
    rec = {**NEW, "date_released": None}
    d = diff_records(Side("a.zip", "archive", OLD), Side("demo", "demo", rec))
    text = BeautifulSoup(changes.release_line_html(d), "html.parser").get_text(" ")
    assert "no release date recorded" in text and "배포일 기록 없음" in text


def _archive(tmp_path: Path) -> Path:
    archive = tmp_path / "previous.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"pifi-ablation-appendix/{release.RECORD_NAME}", json.dumps(NEW))  # NaN inside too
    return archive


def test_the_table_of_contents_gets_the_page_only_with_a_previous_release(tmp_path, monkeypatch):
    ext = _ext("changes_page")
    app = SimpleNamespace(srcdir=str(ROOT), doctreedir=str(tmp_path / ".doctrees"))
    config = {"external_toc_path": "_toc.yml"}
    monkeypatch.delenv(paths.PREVIOUS_ENV, raising=False)
    ext._with_changes(app, config)
    assert config["external_toc_path"] == "_toc.yml"
    monkeypatch.setenv(paths.PREVIOUS_ENV, str(_archive(tmp_path)))
    ext._with_changes(app, config)
    toc = yaml.safe_load(Path(config["external_toc_path"]).read_text(encoding="utf-8"))
    files = [c["file"] for c in toc["chapters"]]
    original = [c["file"] for c in yaml.safe_load((ROOT / "_toc.yml").read_text())["chapters"]]
    assert files == [*original[:-1], "book/changes", original[-1]]
    assert toc["root"] == "book/intro"


def test_a_missing_or_old_archive_stops_the_build_with_a_message(tmp_path, monkeypatch):
    ext = _ext("changes_page")
    app = SimpleNamespace(srcdir=str(ROOT), doctreedir=str(tmp_path / ".doctrees"))
    monkeypatch.setenv(paths.PREVIOUS_ENV, str(tmp_path / "nowhere.zip"))
    with pytest.raises(ExtensionError, match="does not exist"):
        ext._with_changes(app, {"external_toc_path": "_toc.yml"})
    old = tmp_path / "old.zip"
    with zipfile.ZipFile(old, "w") as z:
        z.writestr("pifi-ablation-appendix/provenance.json", "{}")
    monkeypatch.setenv(paths.PREVIOUS_ENV, str(old))
    with pytest.raises(ExtensionError, match=r"holds no findings\.json"):
        ext._with_changes(app, {"external_toc_path": "_toc.yml"})


def test_the_fingerprint_covers_the_previous_release(tmp_path, monkeypatch):
    fingerprint = _ext("rebuild_fingerprint").fingerprint
    monkeypatch.delenv(paths.PREVIOUS_ENV, raising=False)
    monkeypatch.setenv(paths.SOURCE_ENV, "demo")
    without = fingerprint(ROOT)
    archive = _archive(tmp_path)
    monkeypatch.setenv(paths.PREVIOUS_ENV, str(archive))
    named = fingerprint(ROOT)
    assert named != without
    with zipfile.ZipFile(archive, "a") as z:
        z.writestr("pifi-ablation-appendix/other.txt", "another release")
    assert fingerprint(ROOT) not in (without, named)
