"""The "Paper, citation and downloads" box (book/_ext/citation_box.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import citation_box

PAPER = {"title": "Choosing the layer to plug in", "venue": "ACL 2026", "url": "https://example.org/p",
         "bibtex": "@inproceedings{ours2026, title={Choosing the layer to plug in}}"}


def _config(**overrides):
    base = {"pifi_anonymous": False, "pifi_paper": None, "pifi_repository": None}
    return SimpleNamespace(**{**base, **overrides})


def test_the_appendixs_bibtex_comes_from_citation_cff(tmp_path):
    cff = tmp_path / "CITATION.cff"
    cff.write_text("cff-version: 1.2.0\ntitle: An appendix\nversion: 2.0\ndate-released: 2026-03-01\n"
                   "repository-code: https://example.org/r\nauthors:\n  - family-names: Kim\n"
                   "    given-names: Ana\n  - name: The Lab\n", encoding="utf-8")
    bib = citation_box.appendix_bibtex(cff)
    assert bib.startswith("@misc{pifi-ablation-appendix,")
    assert "title = {An appendix}" in bib and "author = {Kim, Ana and The Lab}" in bib
    assert "year = {2026}" in bib and "url = {https://example.org/r}" in bib
    assert bib.count("{") == bib.count("}")


def test_the_box_shows_the_paper_only_when_set_and_pifi_always():
    plain = citation_box.box_html(_config())
    assert "https://arxiv.org/abs/2506.07424" in plain and "2025.acl-long.271" in plain
    assert "The paper" not in plain and "BibTeX of this appendix" in plain
    full = citation_box.box_html(_config(pifi_paper=PAPER, pifi_repository="https://example.org/r"))
    assert 'href="https://example.org/p"' in full and "(ACL 2026)" in full
    assert "@inproceedings{ours2026" in full
    assert 'href="https://example.org/r"' in full
    assert "논문" in full and "저장소" in full  # both languages


def test_anonymous_mode_hides_authors_repository_and_the_appendix_bibtex():
    box = citation_box.box_html(_config(pifi_anonymous=True, pifi_paper=PAPER,
                                        pifi_repository="https://example.org/r"))
    assert "Choosing the layer to plug in" in box  # the title stays
    assert "@inproceedings" not in box and "@misc" not in box and "example.org/r" not in box
    assert "layer-selection authors" not in box


@pytest.mark.parametrize("depth", [0, 1])
def test_downloads_list_what_the_site_carries(tmp_path, depth):
    site = tmp_path / "html"
    (site / "data").mkdir(parents=True)
    (site / "data" / "ablation_x.csv").write_text("a\n1\n", encoding="utf-8")
    page = site / ("book/intro.html" if depth else "index.html")
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(citation_box.box_html(_config()), encoding="utf-8")
    citation_box.fill_downloads(site)
    listed = page.read_text(encoding="utf-8")
    prefix = "../" * depth
    assert f'href="{prefix}data/ablation_x.csv"' in listed and "appendix-en.pdf" not in listed
    (site / "downloads").mkdir()
    (site / "downloads" / "appendix-en.pdf").write_bytes(b"%PDF")
    citation_box.fill_downloads(site)  # as `make pdf` does after copying the PDFs
    listed = page.read_text(encoding="utf-8")
    assert f'href="{prefix}downloads/appendix-en.pdf"' in listed and "appendix-ko.pdf" not in listed
    assert listed.count("ablation_x.csv") == 2  # listed once (link and its text), not twice


def _make_pdf():
    import importlib

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    return importlib.import_module("make_pdf")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_pdfs_title_page_credits_follow_anonymous_mode(lang):
    make_pdf = _make_pdf()
    config = {"author": "Ada Lovelace and Alan Turing",
              "sphinx": {"config": {"pifi_anonymous": False, "pifi_repository": "https://example.org/r"}}}
    shown = " ".join(make_pdf.credits(lang, config))
    assert "Ada Lovelace and Alan Turing" in shown and "https://example.org/r" in shown
    config["sphinx"]["config"]["pifi_anonymous"] = True
    hidden = make_pdf.credits(lang, config)
    assert hidden == [make_pdf.ANONYMOUS[lang]]
    assert "Lovelace" not in hidden[0] and "example.org" not in hidden[0]


def test_the_books_own_config_credits_its_authors():
    import yaml

    make_pdf = _make_pdf()
    config = yaml.safe_load((Path(__file__).resolve().parents[1] / "_config.yml").read_text(encoding="utf-8"))
    assert make_pdf.credits("en") == make_pdf.credits("en", config)
    assert config["author"] in make_pdf.credits("en")[0]
