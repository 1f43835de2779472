"""Command line: ``python -m pifi_ablation export [--source S] [--out DIR]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pifi_ablation import paths
from pifi_ablation.ablations import load
from pifi_ablation.errors import ResultsError


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        ablations = load(args.source or paths.default_source())
        if args.command == "export":
            from pifi_ablation.export import export_all

            for path in export_all(ablations, args.out):
                print(path)
    except ResultsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
