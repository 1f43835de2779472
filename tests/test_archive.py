"""The release archive (``make archive``): complete, checksummed, reproducible."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import pifi_ablation
from book_build import CHAPTERS

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_archive.py"
TOP = "pifi-ablation-appendix/"

pytestmark = pytest.mark.book


def _archive(html: Path, pdf: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "--html", str(html), "--pdf", str(pdf),
                           "--source", "demo", "--out", str(out)],
                          capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def archive(html_dir, pdf_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("archive") / "appendix.zip"
    result = _archive(html_dir, pdf_dir, out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def members(archive) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def test_it_holds_the_book_the_pdfs_figures_citation_provenance_and_pins(members, html_dir, pdf_dir):
    assert all(name.startswith(TOP) for name in members)
    files = {name.removeprefix(TOP): data for name, data in members.items()}
    assert files["html/index.html"] == (html_dir / "index.html").read_bytes()
    for chapter in CHAPTERS:
        assert files[f"html/book/{chapter}.html"] == (html_dir / "book" / f"{chapter}.html").read_bytes()
    for lang in ("en", "ko"):
        assert files[f"pdf/appendix-{lang}.pdf"] == (pdf_dir / f"appendix-{lang}.pdf").read_bytes()
    figures = sorted(p for p in (ROOT / "figures").iterdir() if p.is_file())
    assert figures
    for path in figures:
        assert files[f"figures/{path.name}"] == path.read_bytes()
    assert files["CITATION.cff"] == (ROOT / "CITATION.cff").read_bytes()
    assert files["requirements.txt"] == (ROOT / "requirements.txt").read_bytes()
    record = json.loads(files["provenance.json"])
    provenance = pifi_ablation.load("demo").provenance
    assert record["kind"] == "demo"
    assert record["content_hash"] == provenance.content_hash
    # no hidden build records, nothing of the building machine
    assert not [name for name in files if any(part.startswith(".") for part in name.split("/"))]
    assert str(ROOT).encode() not in files["provenance.json"]


def test_sha256sums_matches_every_file(members, archive, tmp_path):
    listed = {}
    for line in members[TOP + "SHA256SUMS"].decode().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    others = {name.removeprefix(TOP): data for name, data in members.items()
              if name != TOP + "SHA256SUMS"}
    assert set(listed) == set(others)
    for name, data in others.items():
        assert listed[name] == hashlib.sha256(data).hexdigest(), name
    # and coreutils agree, on the unpacked archive
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path)
    check = subprocess.run(["sha256sum", "--check", "--strict", "--quiet", "SHA256SUMS"],
                           cwd=tmp_path / TOP, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_entries_are_sorted_with_fixed_times(archive):
    with zipfile.ZipFile(archive) as z:
        infos = z.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_same_inputs_give_the_same_bytes(archive, html_dir, pdf_dir, tmp_path):
    """Copies with new file times, in another place, still give the identical zip."""
    html = shutil.copytree(html_dir, tmp_path / "html", copy_function=shutil.copy)
    pdf = shutil.copytree(pdf_dir, tmp_path / "pdf", copy_function=shutil.copy)
    again = _archive(html, pdf, tmp_path / "again.zip")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again.zip").read_bytes() == archive.read_bytes()


def test_a_book_of_other_data_is_refused(html_dir, pdf_dir, tmp_path):
    html = shutil.copytree(html_dir, tmp_path / "html")
    page = html / "book" / "reproducibility.html"
    provenance = pifi_ablation.load("demo").provenance
    page.write_text(page.read_text(encoding="utf-8").replace(provenance.content_hash, "0" * 64),
                    encoding="utf-8")
    result = _archive(html, pdf_dir, tmp_path / "refused.zip")
    assert result.returncode != 0
    assert "not built from the data source" in result.stderr
    assert not (tmp_path / "refused.zip").exists()
