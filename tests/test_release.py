"""The release record (findings.json): every finding, the coverage, the source's file hashes and
runs, and the citation's version, as plain JSON that a later build can be compared with."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import zipfile
from pathlib import Path

import pytest

import pifi_ablation
from pifi_ablation import release
from pifi_ablation.findings import findings
from upstream_factory import write_upstream_results

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    return write_upstream_results(tmp_path_factory.mktemp("upstream") / "results")


@pytest.fixture(scope="module")
def measured_record(upstream):
    return release.record(release.load_source(str(upstream.root)))


@pytest.fixture(scope="module")
def demo_record():
    return release.record(release.load_source("demo"))


def test_every_finding_with_value_interval_n_and_texts(demo_record, demo):
    found = findings(demo)
    assert [f["key"] for f in demo_record["findings"]] == list(found)
    for rec in demo_record["findings"]:
        f = found[rec["key"]]
        assert rec["text"] == f.text
        assert rec["description"] == f.description
        assert rec["n"] == f.n
        if isinstance(f.value, str):
            assert rec["value"] == f.value
        elif not f.defined or not f.defined:
            assert rec["value"] is None  # JSON has no NaN
        else:
            assert rec["value"] == pytest.approx(float(f.value))
        if f.ci is None or not f.defined:
            assert rec["ci"] is None
        else:
            assert rec["ci"] == pytest.approx([float(v) for v in f.ci])
            assert rec["ci_text"] == f.ci_text
    # numbers and names read the same in Korean; computed phrases (verdicts) carry their own
    for r in demo_record["findings"]:
        assert r["text_ko"] == (found[r["key"]].ko or r["text"]), r["key"]


def test_undefined_values_are_null_and_said_in_korean(measured_record):
    """Upstream logs no elapsed_sec: the time findings are undefined, not NaN, in the record."""
    by_key = {f["key"]: f for f in measured_record["findings"]}
    time = by_key["ss_time_smallest"]
    assert time["value"] is None and time["ci"] is None
    assert time["text"] == "not logged" and time["text_ko"] == "기록되지 않음"
    # plain JSON: no NaN anywhere
    json.loads(release.dumps(measured_record), parse_constant=lambda c: pytest.fail(f"{c} in the record"))


def test_file_hashes_are_those_of_the_files(upstream, measured_record):
    files = measured_record["files"]
    on_disk = {p.relative_to(upstream.root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in upstream.root.rglob("*") if p.is_file()}
    read = {rel: h for rel, h in on_disk.items() if rel in files}
    assert files == read
    assert len(files) >= len(upstream.runs)
    assert not any(Path(rel).is_absolute() for rel in files)


def test_every_run_is_there_with_its_files(upstream, measured_record):
    runs = measured_record["runs"]
    assert len(runs) == len(upstream.runs)  # usable and pending, each once
    identities = {release.run_identity(r) for r in runs}
    assert len(identities) == len(runs)
    for r in runs:
        log = upstream.root / r["log"]
        assert r["log_sha256"] == hashlib.sha256(log.read_bytes()).hexdigest()
        if r["grid"] is not None:
            assert r["grid_sha256"] == hashlib.sha256((upstream.root / r["grid"]).read_bytes()).hexdigest()
    states = {r["state"] for r in runs}
    assert states == {"usable", "pending"}  # the factory's folder has runs waiting for their grid
    cov = measured_record["coverage"]
    assert cov["runs"] + cov["pending"] == len(runs)
    rows = len(pifi_ablation.load(upstream.root).task_sensitivity)
    assert cov["tables"]["task_sensitivity"]["rows"] == rows
    assert set(cov["cells"]) == set(cov["tables"])


def test_citation_version_and_date(tmp_path):
    assert release.citation(ROOT / "CITATION.cff")["version"] is not None
    cff = tmp_path / "CITATION.cff"
    cff.write_text("cff-version: 1.2.0\nversion: 2.0.1\ndate-released: '2026-12-24'\n"
                   "references:\n  - version: 9\n", encoding="utf-8")
    assert release.citation(cff) == {"version": "2.0.1", "date_released": "2026-12-24"}
    assert release.citation(tmp_path / "none.cff") == {"version": None, "date_released": None}


def test_the_record_is_deterministic(demo_record):
    assert release.dumps(demo_record) == release.dumps(release.record(release.load_source("demo")))
    assert str(ROOT).encode() not in release.dumps(demo_record)


def test_the_archive_holds_the_record(tmp_path):
    """make_archive's contents, from a stand-in book and PDFs (the book is built elsewhere)."""
    spec = importlib.util.spec_from_file_location("make_archive", ROOT / "scripts" / "make_archive.py")
    make_archive = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_archive)
    html, pdf = tmp_path / "html", tmp_path / "pdf"
    (html / "book").mkdir(parents=True)
    pdf.mkdir()
    (html / "index.html").write_text("<html></html>", encoding="utf-8")
    demo_hash = pifi_ablation.load("demo").provenance.content_hash
    (html / "book" / "reproducibility.html").write_text(demo_hash, encoding="utf-8")
    for name in make_archive.PDF_NAMES:
        (pdf / name).write_bytes(b"%PDF-1.4")
    out = make_archive.write_zip(make_archive.contents(html, pdf, "demo"), tmp_path / "a.zip")
    with zipfile.ZipFile(out) as z:
        rec = json.loads(z.read(f"{make_archive.NAME}/{release.RECORD_NAME}"))
        sums = z.read(f"{make_archive.NAME}/SHA256SUMS").decode()
    assert release.RECORD_NAME in sums
    assert rec["version"] == release.citation(ROOT / "CITATION.cff")["version"]
    assert rec["source"]["content_hash"] == demo_hash
    assert {f["key"] for f in rec["findings"]} == set(findings(pifi_ablation.load("demo")))
    assert not any(isinstance(f["value"], float) and math.isnan(f["value"]) for f in rec["findings"])
