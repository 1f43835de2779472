"""The "Changes since the previous release" chapter, only when there is a previous release.

With ``$PIFI_ABLATION_PREVIOUS`` naming an archive of an earlier release, the table of contents
the build uses is ``_toc.yml`` with ``book/changes`` inserted before the reproducibility
chapter, written into the build's doctree folder; without it, ``_toc.yml`` is used as it is
and ``book/changes.md``, in no table of contents, is not built (``only_build_toc_files``): no
page, no empty heading.  This runs before sphinx-external-toc reads the table of contents.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

PAGE = "book/changes"
BEFORE = "book/reproducibility"


def _with_changes(app: Sphinx, config: Config) -> None:
    from pifi_ablation import paths

    archive = paths.previous_archive()
    if archive is None:
        return
    if not archive.is_file():
        raise ExtensionError(f"${paths.PREVIOUS_ENV} names {archive}, which does not exist; expected an "
                             "archive of the previous release made by `make archive`")
    from pifi_ablation.diff import read_archive
    from pifi_ablation.errors import ResultsError

    try:
        read_archive(archive)  # a clear error now, not a failing cell later
    except ResultsError as err:
        raise ExtensionError(f"${paths.PREVIOUS_ENV}: {err}") from err
    toc_path = Path(app.srcdir) / str(config["external_toc_path"])
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    chapters = toc["chapters"]
    files = [c.get("file") for c in chapters]
    if PAGE not in files:
        at = files.index(BEFORE) if BEFORE in files else len(chapters)
        chapters.insert(at, {"file": PAGE})
    out = Path(app.doctreedir) / "pifi_toc_with_changes.yml"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(toc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    config["external_toc_path"] = str(out)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("config-inited", _with_changes, priority=800)  # sphinx-external-toc reads it at 900
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
