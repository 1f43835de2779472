"""What ``export`` writes, named once for the tests: the files committed in figures/ (a test keeps
them equal to a fresh export of the demo)."""

from __future__ import annotations

from pathlib import Path

FIGURES = Path(__file__).resolve().parents[1] / "figures"


def files_under(folder: Path) -> list[str]:
    """Every file below ``folder``, as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def exported_files() -> list[str]:
    """Every file ``python -m pifi_ablation export`` writes, whatever the data."""
    return files_under(FIGURES)
