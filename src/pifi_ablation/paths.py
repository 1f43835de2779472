"""Where things live, relative to the project root (the folder holding ``_config.yml``)."""

from __future__ import annotations

import os
from pathlib import Path

SOURCE_ENV = "PIFI_ABLATION_SOURCE"


def project_root() -> Path:
    """The project root: the nearest folder above the package or the working directory
    that holds ``_config.yml``; the working directory when none does."""
    for start in (Path(__file__).resolve(), Path.cwd().resolve()):
        for folder in (start, *start.parents):
            if (folder / "_config.yml").is_file() and (folder / "src").is_dir():
                return folder
    return Path.cwd()


FIGURES_DIR = project_root() / "figures"
RESULTS_DIR = project_root() / "results"


def holds_results(folder: Path) -> bool:
    """Whether ``folder`` holds at least one selection log (``*_seed<N>.json``) anywhere below it,
    linked folders included (each entered once), hidden folders not."""
    seen = {os.path.realpath(folder)}
    for parent, dirs, files in os.walk(folder, followlinks=True):
        if any(f.endswith(".json") and "_seed" in f and (Path(parent) / f).is_file() for f in files):
            return True
        kept = []
        for d in dirs:
            real = os.path.realpath(Path(parent) / d)
            if not d.startswith(".") and real not in seen:
                seen.add(real)
                kept.append(d)
        dirs[:] = kept
    return False


def default_source() -> str:
    """The source the book and the CLI show: ``$PIFI_ABLATION_SOURCE`` if set (``demo`` or a
    results folder), else ``results/`` at the project root if it holds selection logs, else ``demo``."""
    if os.environ.get(SOURCE_ENV):
        return os.environ[SOURCE_ENV]
    return str(RESULTS_DIR) if holds_results(RESULTS_DIR) else "demo"


def shown_location(folder: str | os.PathLike[str]) -> str:
    """How a published page names a results folder: relative to the project root when it lies
    inside the project, else by its own name, never by the absolute path of the machine
    that built the page (which would name, say, the author's home folder).

    >>> shown_location(project_root() / "results")
    'results'
    >>> shown_location("/home/someone/data/pifi/results")
    'results'
    """
    # Named as it stands: a linked results folder keeps the link's name, not its target's.
    absolute = Path(os.path.abspath(folder))  # noqa: PTH100 (resolve() would follow the link)
    for candidate in (absolute, absolute.parent.resolve() / absolute.name):
        try:
            return candidate.relative_to(project_root()).as_posix() or "."
        except ValueError:
            continue
    return absolute.name


PREVIOUS_ENV = "PIFI_ABLATION_PREVIOUS"


def previous_archive() -> Path | None:
    """The archive of the previous release named by ``$PIFI_ABLATION_PREVIOUS`` (a path relative to
    the project root, or absolute), or None when it is not set: then the book has no changes page."""
    value = os.environ.get(PREVIOUS_ENV, "").strip()
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else project_root() / path
