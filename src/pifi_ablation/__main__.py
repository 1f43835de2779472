"""Command line: ``python -m pifi_ablation export [--source S] [--out DIR]``,
``python -m pifi_ablation validate [PATH]``, ``python -m pifi_ablation diff OLD NEW [--json]`` and
``python -m pifi_ablation check-paper PAPER.tex [--previous ARCHIVE] [--strict]``.

Exit status: 0 when the command did its work (warnings, pending runs and ablations without data
included), 1 for unusable input (its messages name each file and the fix), 2 for a usage error
(a bad option, or a path that is not a folder).
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path

from pifi_ablation import paths
from pifi_ablation.errors import ResultsError, UsageError

EXIT_UNUSABLE = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pifi_ablation",
                                     description="Paper outputs of the PiFi layer-selection ablations.")
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export", help="write figures, LaTeX tables and number macros to figures/ "
                                           "without building the book")
    export.add_argument("--source", default=None,
                        help=f"'demo' or a results folder (default: ${paths.SOURCE_ENV} or 'demo')")
    export.add_argument("--out", type=Path, default=paths.FIGURES_DIR,
                        help="output folder (default: figures/ at the project root)")
    validate = sub.add_parser("validate", help="read a results folder; print what it read, every "
                              "unusable input and which cells of the ablation grid have runs")
    validate.add_argument("path", nargs="?", default=None,
                          help=f"a results folder (default: the source the book shows: ${paths.SOURCE_ENV}, "
                               "else results/ at the project root if it holds selection logs)")
    validate.add_argument("--errors-only", action="store_true",
                          help="print only the unusable inputs (the book build runs this first)")
    validate.add_argument("--json", action="store_true",
                          help="print every message as JSON: its code, severity, path, English and Korean")
    _add_diff(sub)
    _add_check_paper(sub)
    return parser


def _add_check_paper(sub: argparse._SubParsersAction) -> None:
    check = sub.add_parser("check-paper", help="list numbers in the paper's LaTeX that are typed instead of "
                           "macro'd, stale or unknown, and figures/ files that are out of date")
    check.add_argument("paper", type=Path,
                       help="the paper's main LaTeX file (\\input and \\include are followed)")
    check.add_argument("--previous", default=None,
                       help="an archive of the previous release (make archive): find stale numbers and "
                            "sentences whose verdict or best setting changed since")
    check.add_argument("--strict", action="store_true",
                       help="also match integers and settings typed in the text")
    check.add_argument("--source", default=None,
                       help=f"'demo' or a results folder (default: ${paths.SOURCE_ENV}, as the book)")


def _check_paper(args: argparse.Namespace) -> int:
    """Print what to fix; 1 when something is stale or unknown, 2 for unusable input."""
    from pifi_ablation import check_paper, diff

    _resume_collection()
    try:
        previous = diff.read_archive(Path(args.previous)) if args.previous else None
        result = check_paper.check(args.paper, source=args.source or paths.default_source(),
                                   previous=previous, strict=args.strict)
    except ResultsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(result.text())
    return result.status


def _add_diff(sub: argparse._SubParsersAction) -> None:
    diff = sub.add_parser("diff", help="what changed between two builds: runs added, removed and "
                          "changed, and every finding whose text changed, flagged where it matters")
    for side in ("old", "new"):
        diff.add_argument(side, help="'demo', a results folder, or an archive made by `make archive`")
    diff.add_argument("--json", action="store_true", help="print the comparison as JSON")


def _diff(old: str, new: str, as_json: bool) -> int:
    """Print the comparison; 1 when a side is unusable, 2 when a side is not a source at all."""
    import json

    from pifi_ablation import diff

    _resume_collection()
    try:
        result = diff.diff(old, new)
    except diff.UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ResultsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps(result.as_json(), indent=1, ensure_ascii=False, allow_nan=False))
    else:
        print(result.text())
    return 0


def _validate(path: str | None, errors_only: bool, as_json: bool = False) -> int:
    """Print the coverage report of a results folder; 1 when anything in it is unusable."""
    import json

    from pifi_ablation.coverage import coverage
    from pifi_ablation.sources import measured

    _resume_collection()
    source = path or paths.default_source()
    if source == "demo":
        if as_json:
            print(json.dumps({"source": "demo", "usable": True, "messages": []}, indent=1))
        elif not errors_only:
            print(f"The source is the demo simulation ({paths.RESULTS_DIR} holds no selection logs and "
                  f"${paths.SOURCE_ENV} is not set): there is no results folder to validate.")
        return 0
    try:
        report = coverage(measured.read(source))
    except UsageError as err:
        if as_json:  # the JSON a script reads, with the usage error as its one message
            print(json.dumps({"source": source, "usable": False, "messages": [err.as_json()]},
                             indent=1, ensure_ascii=False))
        raise
    if as_json:
        messages = [m for m in report.messages() if not errors_only or m["severity"] == "error"]
        print(json.dumps({"source": source, "usable": not report.problems, "messages": messages},
                         indent=1, ensure_ascii=False, allow_nan=False))
    elif errors_only:
        for problem in report.problems:
            print(f"  - {problem}")
    else:
        print(report.text())
    if report.problems:
        print(f"error: {len(report.problems)} unusable input(s) in {source}; see above", file=sys.stderr)
        return 1
    return 0


def _resume_collection() -> None:
    """Freeze what start-up loaded (it lives until exit) and collect garbage from here on.

    Run as a script, the command imports with the collector off (see the end of
    this file): pandas and matplotlib bring hundreds of thousands of long-lived
    objects, which the collector would otherwise scan again and again while they
    load.  Frozen, they are also skipped by collections in forked workers.
    Called as a function (tests, the console script), the collector is on and
    this does nothing.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args.path, args.errors_only, args.json)
        if args.command == "diff":
            return _diff(args.old, args.new, args.json)
        if args.command == "check-paper":
            return _check_paper(args)
        from pifi_ablation.ablations import load
        from pifi_ablation.export import export_all

        _resume_collection()
        ablations = load(args.source or paths.default_source())
        for path in export_all(ablations, args.out):
            print(path)
        _say_what_is_missing(ablations)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except ResultsError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_UNUSABLE
    return 0


def _say_what_is_missing(ablations) -> None:
    """After an export: the ablations without data, what would produce them, the macros that
    print [no data] and, when nothing is measurable yet, the pending runs."""
    from pifi_ablation.findings import findings
    from pifi_ablation.latex import no_data_macros
    from pifi_ablation.nodata import NEEDS, missing_ablations

    missing = missing_ablations(ablations)
    if not missing:
        return
    report = ablations.coverage
    if len(missing) == len(NEEDS):
        pending = report.pending if report is not None else ()
        print(f"Nothing is measurable yet: every file was written, each saying [no data]; "
              f"{len(pending)} run(s) pending their grid search:")
        for p in pending:
            print(f"  - {p.text()}")
    for name in missing:
        print(f"No data for {name}: it needs {NEEDS[name].en}; e.g. {NEEDS[name].command}")
    macros = no_data_macros(findings(ablations))
    print(f"{len(macros)} macro(s) print [no data]: " + ", ".join(f"\\{m}" for m in macros))


if __name__ == "__main__":
    # A run lasts seconds; the collector's passes over the imported modules at
    # start-up and at exit cost about 0.6 s of a four-second export (see
    # _resume_collection).  At exit nothing is left that needs collecting.
    gc.disable()
    status = main()
    gc.freeze()
    sys.exit(status)
