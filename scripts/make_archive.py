"""Bundle the appendix into one citable, checksummed zip: ``_build/pifi-ablation-appendix.zip``.

Everything sits in one folder, ``pifi-ablation-appendix/``:

- ``html/``: the built book (``make book``), without Sphinx's hidden build records;
- ``pdf/appendix-en.pdf``, ``pdf/appendix-ko.pdf`` (``make pdf``);
- ``figures/``: the paper's figures, LaTeX tables and macros, as committed;
- ``CITATION.cff``, ``requirements.txt`` (the pinned environment) and
  ``system-packages.txt`` (the Debian packages);
- ``provenance.json``: the data source the book and the PDFs were built from (kind,
  description, content hash, files read, assumptions, warnings).  It is checked
  against the hash the book's reproducibility chapter prints, so an archive cannot
  pair a book with another data source's record;
- ``findings.json``: the release record (:mod:`pifi_ablation.release`): every finding with its
  value, interval, n and text in both languages, the coverage counts, the SHA-256 of every
  source file and run, and ``CITATION.cff``'s version and date-released, so that a later build
  can be compared with this one (``python -m pifi_ablation diff``, ``check-paper --previous``);
- ``SHA256SUMS``: the SHA-256 of every other file, for ``sha256sum -c SHA256SUMS``.

The zip is reproducible: entries in sorted order, each with the same fixed timestamp
and permissions, so the same inputs give the same bytes whenever and wherever it is made.

    .venv/bin/python scripts/make_archive.py [--html DIR] [--pdf DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pifi_ablation
from pifi_ablation import paths, release

ROOT = Path(__file__).resolve().parents[1]
NAME = "pifi-ablation-appendix"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
PDF_NAMES = ("appendix-en.pdf", "appendix-ko.pdf")
CHECKSUMS = "SHA256SUMS"


def provenance_record(source: str) -> dict[str, object]:
    """The data source's provenance as JSON-ready data, without the building machine's paths."""
    provenance = pifi_ablation.load(source).provenance
    record = dataclasses.asdict(provenance)
    record["location"] = provenance.location  # relative to the project, or the folder's own name
    record["notes"] = dict(provenance.notes)
    return record


def _tree(folder: Path, prefix: str) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones left out), keyed by its archive path."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            found[str(PurePosixPath(prefix, *relative.parts))] = path.read_bytes()
    return found


def contents(html: Path, pdf: Path, source: str) -> dict[str, bytes]:
    """The archive's files, by path inside the archive folder (without the checksums)."""
    if not (html / "index.html").is_file():
        raise SystemExit(f"no built book in {html}: run make book")
    missing = [name for name in PDF_NAMES if not (pdf / name).is_file()]
    if missing:
        raise SystemExit(f"{', '.join(missing)} missing in {pdf}: run make pdf")
    record = provenance_record(source)
    shown = (html / "book" / "reproducibility.html").read_text(encoding="utf-8")
    if str(record["content_hash"]) not in shown:
        raise SystemExit(f"the book in {html} was not built from the data source {source!r} "
                         "(its content hash is not on the reproducibility page): run make book")
    # The site may carry an earlier archive for download (make archive copies it there): not this one.
    files = {name: data for name, data in _tree(html, "html").items() if not name.endswith(".zip")}
    files.update({f"pdf/{name}": (pdf / name).read_bytes() for name in PDF_NAMES})
    files.update(_tree(ROOT / "figures", "figures"))
    files["CITATION.cff"] = (ROOT / "CITATION.cff").read_bytes()
    files["requirements.txt"] = (ROOT / "requirements.txt").read_bytes()
    files["system-packages.txt"] = (ROOT / "scripts" / "system-packages.txt").read_bytes()
    files["provenance.json"] = (json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True)
                                + "\n").encode()
    files[release.RECORD_NAME] = release.dumps(release.record(release.load_source(source),
                                                              ROOT / "CITATION.cff"))
    return files


def checksums(files: dict[str, bytes]) -> bytes:
    """``sha256sum`` lines for every file, in path order."""
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in sorted(files.items())).encode()


def write_zip(files: dict[str, bytes], out: Path) -> Path:
    """Write ``files`` (and their checksums) under ``NAME/`` into ``out``, reproducibly."""
    entries = {**files, CHECKSUMS: checksums(files)}
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(f"{NAME}/{name}", date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = 0o100644 << 16
            archive.writestr(info, entries[name], compresslevel=9)
    partial.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--pdf", type=Path, default=ROOT / "_build" / "pdf")
    parser.add_argument("--source", default=None,
                        help="the data source the book was built from (default: as make book)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / f"{NAME}.zip")
    args = parser.parse_args(argv)
    source = args.source or paths.default_source()
    print(write_zip(contents(args.html, args.pdf, source), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
