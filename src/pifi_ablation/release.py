"""The record of a release: what a build's data said, so that a later build can be compared with it.

``make archive`` writes :func:`record` as ``findings.json`` into the archive.  It holds

* ``version`` and ``date_released``, from ``CITATION.cff`` (null where the file has none);
* ``source``: the data source's kind, description, location and content hash;
* ``coverage``: counts of what the source holds (files, runs, pending runs, rows per table,
  present and expected cells of the ablation grid);
* ``files``: the SHA-256 of every file the source was read from;
* ``runs``: every run of a measured source, identified by task, model, seed and settings,
  with the files it comes from (its selection log and its grid);
* ``findings``: every finding in the book's order, with its value, interval, n, text in
  English and Korean, formatting rule and description.

Undefined values (a finding with no data) are ``null``, never NaN, so the file is plain JSON.
Nothing here names the building machine: paths are relative to the results folder.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pifi_ablation import paths
from pifi_ablation.ablations import Ablations
from pifi_ablation.findings import MISSING_TEXT, TIME_NOT_LOGGED, Finding, findings
from pifi_ablation.sources.measured.settings import SETTINGS

RECORD_NAME = "findings.json"
FORMAT = 1
# Korean for the texts of undefined values (the English is the finding's own).
MISSING_KO = {MISSING_TEXT: "해당 없음", TIME_NOT_LOGGED: "기록되지 않음"}


def citation(path: Path | None = None) -> dict[str, str | None]:
    """``version`` and ``date-released`` of ``CITATION.cff`` (None where absent).

    Two top-level scalars are read with a pattern, so the package needs no YAML parser.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "CITATION.cff"
    >>> _ = f.write_text('cff-version: 1.2.0\\nversion: "1.2"\\ndate-released: 2026-05-01\\n')
    >>> citation(f)
    {'version': '1.2', 'date_released': '2026-05-01'}
    """
    path = path or paths.project_root() / "CITATION.cff"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""

    def scalar(key: str) -> str | None:
        m = re.search(rf"^{re.escape(key)}:[ \t]*(.+?)[ \t]*$", text, re.M)
        return m[1].strip("'\"") if m else None

    return {"version": scalar("version"), "date_released": scalar("date-released")}


def _number(value: Any) -> float | int | str | None:
    """A JSON-safe value: NaN and None become None, numpy scalars plain Python numbers."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"):
        return int(value)
    value = float(value)
    return None if math.isnan(value) else value


def text_ko(finding: Finding, glued: Mapping[str, str] | None = None) -> str:
    """A finding's text in Korean: the glued ``{key}_ko`` twin where the book has one (a computed
    phrase), else the text itself (numbers and names read the same), with undefined values said
    in Korean."""
    if glued and f"{finding.key}_ko" in glued:
        return glued[f"{finding.key}_ko"]
    return MISSING_KO.get(finding.text, finding.text)


def finding_record(finding: Finding, glued: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One finding as JSON-ready data."""
    ci = None
    if finding.ci is not None:
        ci = [_number(v) for v in finding.ci]
        if not finding.defined or None in ci:
            ci = None
    return {
        "key": finding.key,
        "value": _number(finding.value) if finding.defined else None,
        "fmt": finding.fmt,
        "description": finding.description,
        "ci": ci,
        "n": None if finding.n is None else int(finding.n),
        "text": finding.text,
        "text_ko": text_ko(finding, glued),
        "ci_text": finding.ci_text if finding.ci is not None else None,
    }


@dataclass(frozen=True)
class Source:
    """What the record needs of a data source: its tables and, for a measured folder, its reading."""

    ablations: Ablations
    hashes: Mapping[str, str]
    runs: tuple[dict[str, Any], ...]
    counts: Mapping[str, int]


def run_identity(run: Mapping[str, Any]) -> tuple[Any, ...]:
    """A run's identity: task, model, seed and its settings (``settings.SETTINGS``, as printed,
    so that 0.65 read back from JSON is the same setting)."""
    return (str(run["task"]), str(run["model"]), int(run["seed"]),
            *(f"{float(run[s]):g}" for s in SETTINGS))


def load_source(source: str) -> Source:
    """Load ``source`` (``demo`` or a results folder) with what the record needs beyond the tables."""
    from pifi_ablation.ablations import from_reading, load
    from pifi_ablation.sources import measured

    if str(source) == "demo":
        ablations = load("demo")
        return Source(ablations, {ablations.provenance.location or "demo": ablations.provenance.content_hash},
                      (), {})
    reading = measured.read(Path(source))
    ablations = from_reading(Path(source), reading)
    runs = []
    for state, items in (("usable", reading.runs), ("pending", [p.run for p in reading.pending])):
        for run in items:
            grid = reading.grid_of.get((run.task, run.model))
            grid_path = grid.path if grid is not None else reading.unusable_grids.get((run.task, run.model))
            runs.append({
                "task": run.task, "model": run.model, "seed": int(run.seed),
                **{s: getattr(run, s) for s in SETTINGS}, "state": state,
                "log": run.path, "log_sha256": reading.hashes.get(run.path),
                "grid": grid_path, "grid_sha256": reading.hashes.get(grid_path) if grid_path else None,
            })
    runs.sort(key=run_identity)
    counts = {"selection_logs": len(reading.logs), "grid_files": len(reading.grids),
              "runs": len(reading.runs), "pending": len(reading.pending),
              "skipped": len(reading.skipped), "not_read": len(reading.ignored)}
    return Source(ablations, dict(reading.hashes), tuple(runs), counts)


def coverage_counts(src: Source) -> dict[str, Any]:
    """Counts of what the source holds: files and runs, rows and tasks per table, and for a
    measured source the present and expected cells of each ablation."""
    tables = {name: {"rows": len(table), "tasks": int(table["task"].nunique())}
              for name, table in src.ablations.tables().items()}
    out: dict[str, Any] = {"files": len(src.hashes), **src.counts, "tables": tables}
    cov = src.ablations.coverage
    if cov is not None:
        out["cells"] = {a.name: {"present": len(a.present), "expected": a.expected} for a in cov.ablations}
    return out


def glued_texts(ablations: Ablations, found: Mapping[str, Finding]) -> dict[str, str]:
    """What the book glues (every finding's text and the computed phrases, with ``_ko`` twins)."""
    from pifi_ablation.pages import glue_texts

    return glue_texts(dict(found), ablations.provenance.is_demo)


def record(src: Source, cff: Path | None = None) -> dict[str, Any]:
    """The release record of a source (see the module's docstring)."""
    found = findings(src.ablations)
    glued = glued_texts(src.ablations, found)
    p = src.ablations.provenance
    return {
        "format": FORMAT,
        **citation(cff),
        "source": {"kind": p.kind, "description": p.description, "description_ko": p.description_ko,
                   "location": p.location, "content_hash": p.content_hash},
        "coverage": coverage_counts(src),
        "files": dict(sorted(src.hashes.items())),
        "runs": list(src.runs),
        "findings": [finding_record(f, glued) for f in found.values()],
    }


def dumps(rec: Mapping[str, Any]) -> bytes:
    """The record as the archive holds it: UTF-8 JSON, keys sorted, the findings in book order."""
    return (json.dumps(rec, indent=1, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n").encode()
