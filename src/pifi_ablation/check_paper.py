"""Does the paper still say what the data say?  ``check-paper PAPER.tex [--previous ARCHIVE]``.

Reads the authors' LaTeX (following ``\\input`` and ``\\include``; files of ``figures/``, which the
export writes, are compared byte for byte instead of read) and lists, each with file, line and
the fix:

* **typed**: a number in the text equal to a current finding's text (a percentage, percentage
  points, ρ, p, seconds; integers and settings with ``--strict``): use the macro;
* **stale**: a number equal to a previous release's finding that no longer equals it;
* **unknown**: a ``\\pifi…`` macro that the macros file does not define, or **no data**: one
  whose value is undefined for the current data;
* **claim**: a sentence quoting a macro whose verdict or best setting changed since the
  previous release (the macro updates itself; the sentence around it may not);
* **figure**: a file included from ``figures/`` whose bytes differ from what ``export`` writes now.

Stale, unknown, no data and figure are errors (exit status 1); typed and claim are for the
authors to read.  A line holding ``% check-paper: ignore`` is not read.
"""

from __future__ import annotations

import difflib
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pifi_ablation.errors import SourceError

ERRORS = ("stale", "unknown", "no data", "figure", "missing")
IGNORE_MARK = "check-paper: ignore"
_COMMENT = re.compile(r"(?<!\\)%.*$")
_INPUT = re.compile(r"\\(input|include)\s*\{([^}]*)\}")
_GRAPHICS = re.compile(r"\\includegraphics\s*(?:\[[^\]]*\])?\s*\{([^}]*)\}")
_GRAPHICSPATH = re.compile(r"\\graphicspath\s*\{((?:\s*\{[^}]*\})+)\s*\}")
_NEWCOMMAND = re.compile(r"\\(?:re)?newcommand\*?\s*\{?\\(pifi[A-Za-z]*)")
_MACRO = re.compile(r"\\(pifi[A-Za-z]+)")
# Arguments that hold no prose: labels, references, files, packages, environments.
_NOT_PROSE = re.compile(r"\\(?:label|ref|eqref|autoref|cref|Cref|cite\w*|input|include|includegraphics|"
                        r"usepackage|documentclass|graphicspath|url|href|begin|end|newcommand|"
                        r"renewcommand|setlength|vspace|hspace)\*?\s*(?:\[[^\]]*\])*\s*(?:\{[^{}]*\})?")
_NUMBER = re.compile(r"(?P<sign>(?:\$\s*)?[-−]\s*)?(?<![\w.\\])(?P<num>\d+(?:\.\d+)?)(?![\w.]*\d)")
_PP_AFTER = re.compile(r"^\s*(?:~|\\,|\\ |\$)?\s*(?:percentage[- ]points?|pp\b|p\.p\.|points?\b|\\%p|%p)")
_PCT_AFTER = re.compile(r"^\s*(?:\\,|~)?\s*\\%")
_SEC_AFTER = re.compile(r"^\s*\$?\s*(?:~|\\,|\\ |\\;)?\s*(?:\\mathrm\{s\}|s\b|sec\b|seconds?\b)")
_RHO_BEFORE = re.compile(r"(?:\\rho|ρ|\brho)\s*\$?\s*(?:=|\\approx|of)\s*\$?\s*$")
_P_BEFORE = re.compile(r"\bp\s*\$?\s*(?P<op>=|<|\\le|\\leq|\\lt)\s*\$?\s*$")
# Which kinds of typed number each finding format is matched as.
KIND_FORMATS = {"percent": ("pct", "share"), "pp": ("pp",), "rho": ("rho",), "p": ("p",), "sec": ("sec",),
                "strict": ("int", "setting")}


class PaperError(SourceError):
    """A paper that cannot be read (exit status 2)."""


@dataclass(frozen=True)
class Item:
    """One thing to fix: its kind, where, what was found, and the fix."""

    kind: str
    file: str
    line: int
    found: str
    fix: str

    @property
    def is_error(self) -> bool:
        return self.kind in ERRORS

    def text(self) -> str:
        return f"{self.file}:{self.line}: {self.kind}: {self.found}\n    fix: {self.fix}"


@dataclass(frozen=True)
class Line:
    file: Path
    number: int
    raw: str
    text: str  # without its comment


@dataclass
class Paper:
    """The paper's lines (its own files, in reading order) and the generated files it includes."""

    main: Path
    lines: list[Line] = field(default_factory=list)
    generated: list[tuple[Line, Path]] = field(default_factory=list)
    missing: list[tuple[Line, str]] = field(default_factory=list)
    defined: set[str] = field(default_factory=set)


_EXPORTED = re.compile(r"^(?:findings_macros\.tex|findings_list\.tex|table_\w+\.tex"
                       r"|ablation_\w+\.(?:pdf|png))$")


def _is_generated(path: Path, figures: Path) -> bool:
    """Whether ``path`` is one of export's files: in the project's ``figures/`` or a folder of that
    name, or named as the export names them (a copy of the macros file elsewhere is not prose)."""
    return (path.parent.resolve() == figures.resolve() or path.parent.name == "figures"
            or bool(_EXPORTED.match(path.name)))


def read_paper(main: Path, figures: Path) -> Paper:
    """Read ``main`` and the files it inputs (relative to ``main``'s folder, as LaTeX run there does)."""
    if not main.is_file():
        raise PaperError(str(main), None, "does not exist", "a LaTeX file (PAPER.tex)")
    paper = Paper(main)
    base = main.parent
    graphics_dirs = [base]
    seen: set[Path] = set()

    def visit(path: Path) -> None:
        seen.add(path.resolve())
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise PaperError(str(path), None, f"cannot be read ({err})", "a UTF-8 LaTeX file") from err
        for number, raw in enumerate(text.splitlines(), start=1):
            line = Line(path, number, raw, _COMMENT.sub("", raw))
            if IGNORE_MARK in raw:
                continue
            paper.lines.append(line)
            paper.defined.update(_NEWCOMMAND.findall(line.text))
            for m in _GRAPHICSPATH.finditer(line.text):
                graphics_dirs.extend(base / d for d in re.findall(r"\{([^}]*)\}", m[1]))
            for m in _GRAPHICS.finditer(line.text):
                found = _graphic(m[1].strip(), graphics_dirs)
                if found is None:
                    paper.missing.append((line, m[1].strip()))
                elif _is_generated(found, figures):
                    paper.generated.append((line, found))
            for m in _INPUT.finditer(line.text):
                name = m[2].strip()
                target = base / name
                if not target.suffix or not target.is_file():
                    target = target.with_name(target.name + ".tex") if not target.is_file() else target
                if not target.is_file():
                    paper.missing.append((line, name))
                elif _is_generated(target, figures):
                    paper.generated.append((line, target))
                elif target.resolve() not in seen:
                    visit(target)

    visit(main)
    return paper


def _graphic(name: str, dirs: Iterable[Path]) -> Path | None:
    for folder in dirs:
        candidate = folder / name
        if candidate.suffix and candidate.is_file():
            return candidate
        for ext in (".pdf", ".png", ".jpg", ".jpeg", ".eps"):
            if (folder / (name + ext)).is_file():
                return folder / (name + ext)
    return None


@dataclass(frozen=True)
class Typed:
    """A number typed in the text, with what it is by its context."""

    line: Line
    text: str  # as a finding's text would print it: "82.1%", "-1.2", "< 0.001"
    kind: str
    shown: str  # as typed


def typed_numbers(line: Line, strict: bool) -> list[Typed]:
    """The numbers of a line, each with its kind (percent, pp, rho, p, sec; strict: any other)."""
    prose = _NOT_PROSE.sub(" ", line.text)
    out = []
    for m in _NUMBER.finditer(prose):
        before, after = prose[:m.start("num")], prose[m.end():]
        sign = "-" if m["sign"] else ""
        value = sign + m["num"]
        p = _P_BEFORE.search(prose[:m.start()] if m["sign"] else before)
        if _PP_AFTER.match(after):
            kind, text = "pp", value
        elif _PCT_AFTER.match(after):
            kind, text = "percent", value + "%"
        elif _RHO_BEFORE.search(prose[:m.start()] if m["sign"] else before):
            kind, text = "rho", value
        elif p:
            kind, text = "p", (f"< {value}" if p["op"] in ("<", "\\lt") else value)
        elif _SEC_AFTER.match(after):
            kind, text = "sec", value
        elif strict:
            kind, text = "strict", value
        else:
            continue
        out.append(Typed(line, text, kind, prose[m.start():m.end()].strip() + after[:3].rstrip()))
    return out


def _by_text(found: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
    """Findings by (kind, text): which typed numbers each would match."""
    out: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for f in found:
        if f.get("value") is None:
            continue
        for kind, formats in KIND_FORMATS.items():
            if f.get("fmt") in formats:
                out.setdefault((kind, str(f["text"])), []).append(f)
    return out


def _rel(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _sentence(paper: Paper, line: Line, macro: str) -> str:
    """The sentence of the paragraph around ``line`` that quotes ``macro``."""
    i = paper.lines.index(line)
    start, end = i, i
    while start > 0 and paper.lines[start - 1].file == line.file and paper.lines[start - 1].text.strip():
        start -= 1
    while end + 1 < len(paper.lines) and paper.lines[end + 1].file == line.file and \
            paper.lines[end + 1].text.strip():
        end += 1
    paragraph = " ".join(x.text.strip() for x in paper.lines[start:end + 1])
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z\\])", paragraph):
        if f"\\{macro}" in sentence:
            return sentence.strip()
    return line.text.strip()


@dataclass
class Check:
    """The result: every item, errors first within each file's order."""

    items: list[Item]

    @property
    def status(self) -> int:
        return 1 if any(i.is_error for i in self.items) else 0

    def text(self) -> str:
        if not self.items:
            return "The paper quotes every finding by its macro; nothing is stale or unknown."
        counts = {k: sum(i.kind == k for i in self.items) for k in dict.fromkeys(i.kind for i in self.items)}
        head = ", ".join(f"{n} {k}" for k, n in counts.items())
        return "\n".join([*(i.text() for i in self.items), f"{len(self.items)} item(s): {head}"])


def check(main: Path, *, source: str, previous: Mapping[str, Any] | None = None,
          previous_name: str = "", strict: bool = False, figures: Path | None = None) -> Check:
    """Check the paper ``main`` against the current findings of ``source`` (and a previous release)."""
    from pifi_ablation import diff, latex, paths, release
    from pifi_ablation.findings import findings

    figures = figures or paths.FIGURES_DIR
    paper = read_paper(main, figures)
    src = release.load_source(source)
    current_record = release.record(src)
    found = findings(src.ablations)
    entries = latex.macro_entries(found, src.ablations.provenance)
    known = {name for name, _, _ in entries}
    macro_key: dict[str, str] = {}
    for key in found:
        for suffix in ("", "_ci", "_n"):
            macro_key[latex.macro_name(key + suffix)] = key
    current = _by_text(current_record["findings"])
    now = {f["key"]: f for f in current_record["findings"]}
    before = _by_text(previous["findings"]) if previous else {}
    version = (previous or {}).get("version") or "unknown"
    base = main.parent
    items: list[Item] = []

    for line in paper.lines:
        where = (_rel(line.file, base), line.number)
        for t in typed_numbers(line, strict):
            hits = current.get((t.kind, t.text))
            if hits:
                names = " or ".join(f"\\{latex.macro_name(f['key'])}" for f in hits)
                items.append(Item("typed", *where, f'"{t.shown}" equals {hits[0]["description"]}',
                                  f"use {names}, so that the number follows the data"))
                continue
            old = [f for f in before.get((t.kind, t.text), ()) if f["key"] in now
                   and now[f["key"]]["text"] != t.text]
            if old:
                f = old[0]
                name = latex.macro_name(f["key"])
                items.append(Item("stale", *where,
                                  f'"{t.shown}" was {f["description"]} in version {version}; '
                                  f"it is {now[f['key']]['text']} now",
                                  f"use \\{name} and re-read the sentence"))
        for macro in _MACRO.findall(line.text):
            if macro in paper.defined:
                continue
            if macro not in known:
                close = difflib.get_close_matches(macro, sorted(known), n=1)
                hint = f"did you mean \\{close[0]}?" if close else "see figures/findings_list.tex"
                items.append(Item("unknown", *where, f"\\{macro} is not defined by the macros file",
                                  f"{hint} (figures/findings_list.tex lists every macro)"))
            elif macro in macro_key and now[macro_key[macro]]["value"] is None:
                f = found[macro_key[macro]]
                items.append(Item("no data", *where, f"\\{macro} prints {f.text!r}: no data for "
                                  f"{f.description}", "add the runs it needs, or leave the number out"))

    if previous:
        changed = {c.key: c for c in diff.compare_findings(previous, current_record)
                   if {"best", "verdict"} & set(c.flags)}
        related = _related(changed, found)
        for line in paper.lines:
            for macro in dict.fromkeys(_MACRO.findall(line.text)):
                key = macro_key.get(macro)
                if key not in related:
                    continue
                c = changed[related[key]]
                old, new = c.text()
                items.append(Item("claim", _rel(line.file, base), line.number,
                                  f'"{_sentence(paper, line, macro)}" quotes \\{macro}; {c.description} '
                                  f"went from {old} to {new} since version {version}",
                                  "re-read the sentence: the macro updates itself, the words around it "
                                  "do not"))

    if paper.generated:
        items += _figures(paper, src.ablations, base)
    for line, name in paper.missing:
        items.append(Item("missing", _rel(line.file, base), line.number, f"{name} is included but not found",
                          "run `python -m pifi_ablation export`, or correct the path"))
    order = {k: i for i, k in enumerate((*ERRORS, "claim", "typed"))}
    items.sort(key=lambda i: (order[i.kind], i.file, i.line))
    return Check(items)


def _related(changed: Mapping[str, Any], found: Mapping[str, Any]) -> dict[str, str]:
    """Findings whose sentences a changed verdict or best setting touches: the finding itself, and
    the comparisons of its ablation (``{prefix}_*best*``, ``*default*``, ``*diff*``, ``*verdict*``)."""
    out: dict[str, str] = {}
    for key in changed:
        out[key] = key
        prefix = key.split("_", 1)[0]
        for other in found:
            if other.split("_", 1)[0] == prefix and other not in out and \
                    re.search(r"best|default|diff|shortfall|verdict", other):
                out[other] = key
    return out


def _figures(paper: Paper, ablations: Any, base: Path) -> list[Item]:
    """Generated files whose bytes differ from what the export writes now."""
    from pifi_ablation.data import export_data
    from pifi_ablation.export import export_figures, export_latex, figure_files

    items = []
    with tempfile.TemporaryDirectory() as tmp:
        # The LaTeX files and the CSVs take milliseconds; the figures are drawn only when the paper
        # includes them, each one it includes and no other.
        export_latex(ablations, tmp)
        if any(path.suffix != ".tex" for _, path in paper.generated):
            export_data(ablations, tmp)
            included = {path.name for _, path in paper.generated}
            export_figures(ablations, tmp, names=[name for name, files in figure_files(Path(tmp)).items()
                                                  if included & {f.name for f in files}])
        for line, path in paper.generated:
            fresh = Path(tmp) / path.name
            if not fresh.is_file():
                continue  # not one of export's files
            if fresh.read_bytes() != path.read_bytes():
                items.append(Item("figure", _rel(line.file, base), line.number,
                                  f"{_rel(path, base)} differs from what the export writes now",
                                  "run `python -m pifi_ablation export` and recompile the paper"))
    return items
