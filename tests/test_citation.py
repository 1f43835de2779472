"""CITATION.cff: valid Citation File Format 1.2.0, citing the PiFi paper as the book does."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CFF = ROOT / "CITATION.cff"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


@pytest.fixture(scope="module")
def schema() -> dict:
    """The CFF 1.2.0 schema as vendored by the pinned check-jsonschema (no network)."""
    text = (resources.files("check_jsonschema") / "builtin_schemas" / "vendor"
            / "citation-file-format.json").read_text(encoding="utf-8")
    found = json.loads(text)
    assert found["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
    return found


@pytest.fixture(scope="module")
def citation() -> dict:
    return yaml.safe_load(CFF.read_text(encoding="utf-8"))


def _check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.citation-file-format",
                           "--force-filetype", "yaml", str(path)],
                          capture_output=True, text=True, check=False)


def test_cff_validates_with_check_jsonschema():
    result = _check_jsonschema(CFF)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cff_validates_against_the_schema(schema, citation):
    jsonschema.Draft7Validator.check_schema(schema)
    errors = [e.message for e in jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER).iter_errors(citation)]
    assert errors == []
    assert citation["cff-version"] == "1.2.0"


@pytest.mark.parametrize("breakage", ["no authors", "old version", "bad reference type"])
def test_the_validation_rejects_a_broken_file(tmp_path, schema, citation, breakage):
    broken = json.loads(json.dumps(citation))
    if breakage == "no authors":
        del broken["authors"]
    elif breakage == "old version":
        broken["cff-version"] = "1.1.0"
    else:
        broken["references"][0]["type"] = "paper"
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))
    path = tmp_path / "CITATION.cff"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    assert _check_jsonschema(path).returncode != 0


def _bib_entry(key: str) -> dict[str, str]:
    text = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    body = text.split("{" + key + ",", 1)[1].split("\n}", 1)[0]
    return {m[0]: " ".join(m[1].split()) for m in re.findall(r"(\w+)\s*=\s*\{(.*?)\},?\n", body + "\n")}


def test_the_pifi_paper_is_cited_as_the_book_cites_it(citation):
    """The reference names the same paper, authors and year as book/references.bib."""
    bib = _bib_entry("kim2025pifi")
    pifi = next(r for r in citation["references"] if "Plug-in and Fine-tuning" in r["title"])
    assert " ".join(pifi["title"].split()) == bib["title"]
    assert pifi["year"] == int(bib["year"])
    bib_authors = [a.strip() for a in bib["author"].split(" and ")]
    cff_authors = [f"{a['family-names']}, {a['given-names']}" for a in pifi["authors"]]
    assert cff_authors == bib_authors
    assert pifi["type"] == "conference-paper"
    assert "Association for Computational Linguistics" in pifi["collection-title"]
    assert "2025.acl-long.271" in pifi["url"]
    assert "appendix" in citation["title"]
