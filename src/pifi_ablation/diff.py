"""What changed between two builds: the runs added, removed and changed, and every finding whose
text changed, flagged where it matters to a sentence of the paper.

Each side is ``demo``, a results folder, or an archive made by ``make archive`` (its
``findings.json``, :mod:`pifi_ablation.release`).  Both sides become release records first, so
a folder and an archive compare alike.

A run is identified by task, model, seed and its three settings; it *changed* when the hash of
one of its files (its selection log, its grid) differs.  A finding is listed when its text, its
interval's text or its n changed, or when it exists on one side only; the flags:

* ``best``: a best setting changed (keys ``*_best`` that are settings or names, ``ss_best_n``,
  ``ss_recommended_n``);
* ``verdict``: a verdict changed (keys ending ``_verdict``);
* ``sign``: a signed quantity (a mean, a difference, a correlation) changed sign;
* ``outside``: the new value lies outside the old 95% interval;
* ``n``: the number behind a mean changed.

Undefined values (no data) never raise: a comparison that needs a number is skipped.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pifi_ablation.errors import SourceError
from pifi_ablation.release import RECORD_NAME, load_source, record, run_identity
from pifi_ablation.sources.measured.settings import SETTINGS

FLAGS: dict[str, tuple[str, str]] = {  # code -> (English, Korean)
    "best": ("best setting changed", "최적 설정이 바뀜"),
    "verdict": ("verdict changed", "판정이 바뀜"),
    "sign": ("changed sign", "부호가 바뀜"),
    "outside": ("outside the old 95% interval", "이전 95% 신뢰구간 밖"),
    "n": ("n changed", "n이 바뀜"),
    "added": ("new finding", "새 결과"),
    "removed": ("finding removed", "없어진 결과"),
}
# Keys naming a best setting (the generic ``*_best`` and the sample size's two).
BEST_KEYS = ("ss_best_n", "ss_recommended_n")
# Formats of quantities whose sign carries meaning (not counts, settings, shares or p-values).
SIGNED_FORMATS = ("pct", "pp", "rho", "sec")


class UnusableInput(SourceError):
    """A side that exists but cannot be compared (exit status 1)."""


class UsageError(SourceError):
    """A side that is neither ``demo``, a folder nor an archive (exit status 2)."""


def is_best_key(key: str, fmt: str | None = None) -> bool:
    """Whether a finding names a best setting: ``ss_best_n``, ``ss_recommended_n``, or a ``*_best``
    key that is a setting or a name (``kw_best``), not a measured quantity (``kw_recovery_best``)."""
    return key in BEST_KEYS or (key.endswith("_best") and fmt not in (*SIGNED_FORMATS, "p", "share"))


def is_verdict_key(key: str) -> bool:
    return key.endswith("_verdict")


@dataclass(frozen=True)
class Side:
    """One side of a comparison: what it is, as the output names it, and its release record."""

    spec: str
    kind: str  # "demo", "folder" or "archive"
    record: Mapping[str, Any]

    def describe(self) -> str:
        src = self.record.get("source", {})
        what = {"demo": "the demo simulation", "folder": f"results folder {Path(self.spec).name}",
                "archive": f"archive {Path(self.spec).name}"}[self.kind]
        version = self.record.get("version")
        if self.kind == "archive":
            released = self.record.get("date_released") or "on no recorded date"
            what += f" (version {version or 'unknown'}, released {released})"
        n_files = len(self.record.get("files", {}))
        data = "demo data" if src.get("kind") == "demo" else f"measured data, {n_files} files"
        return f"{what}: {data}, content hash {str(src.get('content_hash', ''))[:12]}"


def read_archive(path: Path) -> dict[str, Any]:
    """The release record inside an archive made by ``make archive``."""
    try:
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if n.rsplit("/", 1)[-1] == RECORD_NAME and n.count("/") <= 1]
            if not names:
                raise UnusableInput(str(path), None, f"holds no {RECORD_NAME}: it was made before the "
                                    "archive recorded its findings, so there is nothing to compare with",
                                    "an archive made by this version's `make archive`; for an older "
                                    "release, compare the results folder it was built from instead")
            data = z.read(sorted(names)[0])
    except zipfile.BadZipFile as err:
        raise UnusableInput(str(path), None, f"is not a readable zip ({err})",
                            "an archive made by `make archive`") from err
    try:
        rec = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UnusableInput(str(path), RECORD_NAME, f"is not valid JSON ({err})",
                            "the record `make archive` writes") from err
    if not isinstance(rec, dict) or not isinstance(rec.get("findings"), list):
        raise UnusableInput(str(path), RECORD_NAME, "has no list of findings",
                            "the record `make archive` writes")
    return rec


def side(spec: str) -> Side:
    """``demo``, a results folder or an archive, as a release record."""
    if spec == "demo":
        return Side(spec, "demo", record(load_source("demo")))
    path = Path(spec)
    if path.is_dir():
        return Side(spec, "folder", record(load_source(spec)))
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise UnusableInput(spec, None, "is a file but not a zip archive",
                                "'demo', a results folder, or an archive made by `make archive`")
        return Side(spec, "archive", read_archive(path))
    raise UsageError(spec, None, "does not exist",
                     "'demo', a results folder, or an archive made by `make archive` (.zip)")


@dataclass(frozen=True)
class FindingChange:
    """A finding that changed between two records (``old`` or ``new`` is None when it is on one side only)."""

    key: str
    old: Mapping[str, Any] | None
    new: Mapping[str, Any] | None
    flags: tuple[str, ...]

    @property
    def description(self) -> str:
        return str((self.new or self.old or {}).get("description", ""))

    def text(self, lang: str = "en") -> tuple[str, str]:
        """(old, new) text in ``lang`` (``—`` on the side where the finding does not exist)."""
        field_ = "text" if lang == "en" else "text_ko"

        def one(r: Mapping[str, Any] | None) -> str:
            if r is None:
                return "—"
            shown = str(r.get(field_) or r.get("text") or "")
            if r.get("ci_text"):
                shown += f" {r['ci_text']}"
            if r.get("n") is not None:
                shown += f" (n = {r['n']})"
            return shown

        return one(self.old), one(self.new)


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def flags(key: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    """The flags of a finding present on both sides whose text, interval or n changed."""
    out = []
    text_changed = old.get("text") != new.get("text")
    if text_changed and is_best_key(key, new.get("fmt")):
        out.append("best")
    if text_changed and is_verdict_key(key):
        out.append("verdict")
    a, b = _num(old.get("value")), _num(new.get("value"))
    signed = old.get("ci") is not None or new.get("ci") is not None or new.get("fmt") in SIGNED_FORMATS
    if text_changed and signed and a is not None and b is not None and a * b < 0:
        out.append("sign")
    ci = old.get("ci")
    if b is not None and isinstance(ci, list | tuple) and len(ci) == 2:
        low, high = _num(ci[0]), _num(ci[1])
        if low is not None and high is not None and not low <= b <= high:
            out.append("outside")
    if old.get("n") != new.get("n") and old.get("n") is not None and new.get("n") is not None:
        out.append("n")
    return tuple(out)


def compare_findings(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FindingChange]:
    """Every finding that changed, flagged rows first, each group in the new record's order."""
    before = {f["key"]: f for f in old.get("findings", [])}
    after = {f["key"]: f for f in new.get("findings", [])}
    changes = []
    for key in [*after, *(k for k in before if k not in after)]:
        a, b = before.get(key), after.get(key)
        if a is None:
            changes.append(FindingChange(key, None, b, ("added",)))
        elif b is None:
            changes.append(FindingChange(key, a, None, ("removed",)))
        elif any(a.get(f) != b.get(f) for f in ("text", "ci_text", "n")):
            changes.append(FindingChange(key, a, b, flags(key, a, b)))
    def rank(c: FindingChange) -> int:  # flagged first, then added or removed, then the rest
        return 0 if set(c.flags) - {"added", "removed"} else (1 if c.flags else 2)

    return sorted(changes, key=rank)


@dataclass(frozen=True)
class RunChanges:
    added: list[Mapping[str, Any]] = field(default_factory=list)
    removed: list[Mapping[str, Any]] = field(default_factory=list)
    changed: list[tuple[Mapping[str, Any], Mapping[str, Any]]] = field(default_factory=list)


def compare_runs(old: Mapping[str, Any], new: Mapping[str, Any]) -> RunChanges:
    """Runs added, removed and changed (a file's hash differs), by identity."""
    before = {run_identity(r): r for r in old.get("runs", [])}
    after = {run_identity(r): r for r in new.get("runs", [])}
    out = RunChanges()
    for ident, run in after.items():
        prior = before.get(ident)
        if prior is None:
            out.added.append(run)
        elif any(prior.get(f) != run.get(f) for f in ("log_sha256", "grid_sha256")):
            out.changed.append((prior, run))
    out.removed.extend(r for ident, r in before.items() if ident not in after)
    return out


def describe_run(run: Mapping[str, Any]) -> str:
    task, model, seed, *values = run_identity(run)
    settings = ", ".join(f"{s}={v}" for s, v in zip(SETTINGS, values, strict=True))
    return f"{task} / {model} / seed {seed} ({settings})"


@dataclass(frozen=True)
class Diff:
    old: Side
    new: Side
    runs: RunChanges
    findings: list[FindingChange]

    @property
    def flagged(self) -> list[FindingChange]:
        return [c for c in self.findings if set(c.flags) - {"added", "removed"}]

    def as_json(self) -> dict[str, Any]:
        def run(r: Mapping[str, Any]) -> dict[str, Any]:
            return {k: r.get(k) for k in ("task", "model", "seed", *SETTINGS, "log", "grid")}

        def meta(s: Side) -> dict[str, Any]:
            return {"spec": s.spec, "kind": s.kind, "version": s.record.get("version"),
                    "date_released": s.record.get("date_released"), "source": s.record.get("source")}

        return {
            "old": meta(self.old), "new": meta(self.new),
            "runs": {"added": [run(r) for r in self.runs.added],
                     "removed": [run(r) for r in self.runs.removed],
                     "changed": [{**run(b), "files_changed": [f for f in ("log", "grid")
                                                             if a.get(f"{f}_sha256") != b.get(f"{f}_sha256")]}
                                 for a, b in self.runs.changed]},
            "findings": [{"key": c.key, "description": c.description, "flags": list(c.flags),
                          "old": c.old, "new": c.new} for c in self.findings],
        }

    def text(self, shown: int = 20) -> str:
        lines = [f"old: {self.old.describe()}", f"new: {self.new.describe()}", ""]
        r = self.runs
        lines.append(f"Runs: {len(r.added)} added, {len(r.removed)} removed, {len(r.changed)} changed "
                     "(a file's hash differs)")
        for mark, items in (("+", r.added), ("-", r.removed), ("~", [b for _, b in r.changed])):
            lines += [f"  {mark} {describe_run(x)}" for x in items[:shown]]
            if len(items) > shown:
                lines.append(f"  {mark} ... and {len(items) - shown} more (--json lists every one)")
        total = len(self.new.record.get("findings", []))
        lines += ["", f"Findings: {len(self.findings)} changed of {total} ({len(self.flagged)} flagged)"]
        for c in self.findings:
            old, new = c.text()
            marks = f"  [{'; '.join(FLAGS[f][0] for f in c.flags)}]" if c.flags else ""
            lines.append(f"  {c.key}: {old} -> {new}{marks}")
            lines.append(f"      {c.description}")
        if not self.findings and not (r.added or r.removed or r.changed):
            lines.append("  nothing changed")
        return "\n".join(lines)


def diff_records(old: Side, new: Side) -> Diff:
    return Diff(old, new, compare_runs(old.record, new.record), compare_findings(old.record, new.record))


def diff(old: str, new: str) -> Diff:
    """Compare two sides (``demo``, a results folder, or an archive)."""
    return diff_records(side(old), side(new))


__all__ = ["FLAGS", "Diff", "FindingChange", "Side", "UnusableInput", "UsageError",
           "compare_findings", "compare_runs", "diff", "diff_records", "flags", "read_archive", "side"]
