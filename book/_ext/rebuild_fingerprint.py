"""Build speed and freshness of the book.

*Fast*: pages execute their notebooks while Sphinx reads them, so reading in
parallel runs one kernel per core.  ``jupyter-book build`` has no ``-j`` flag;
this extension sets Sphinx's parallelism to the number of cores.

*Never stale*: Sphinx re-reads only pages whose source changed, but a page's
output also depends on the package's code and on the data source, and on the
book's own extensions and static files (when no page is out of date Sphinx
writes nothing, so an edited ``language.js`` never reached the built book).  A
fingerprint of all of them (and of the source named by
``PIFI_ABLATION_SOURCE``, and the previous release's archive named by
``PIFI_ABLATION_PREVIOUS``) is kept in the build environment; when it differs
from the last build, every page is re-read and so re-executed.  Nothing else is cached, so an unchanged
rebuild skips execution and any change re-runs everything it could affect.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

ENV_KEY = "pifi_ablation_fingerprint"


def _files(folder: Path, patterns: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for pattern in patterns:
        found += [p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts]
    return sorted(set(found))


def fingerprint(root: Path) -> str:
    """SHA-256 over the package's source, the book's extensions and static files, the data
    source's files and the source setting."""
    import pifi_ablation
    from pifi_ablation import paths

    digest = hashlib.sha256()
    package = Path(pifi_ablation.__file__).parent
    source = paths.default_source()
    digest.update(f"source={source}\n".encode())
    previous = paths.previous_archive()  # the changes page compares with the previous release
    digest.update(f"previous={previous}\n".encode())
    inputs = _files(package, ("*.py",))
    inputs += _files(root / "book" / "_ext", ("*.py",)) + _files(root / "book" / "_static", ("*",))
    data = Path(source) if source != "demo" else paths.RESULTS_DIR
    if data.is_dir():  # the files the loader reads, through links too
        from pifi_ablation.sources.measured.names import scan

        inputs += [data / rel for rel in scan(data).files if (data / rel).is_file()]
    if previous is not None and previous.is_file():
        inputs.append(previous)
    for path in inputs:
        digest.update(str(path.relative_to(path.anchor)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def app_fingerprint(app: Sphinx) -> str:
    """:func:`fingerprint` of the book being built, computed once per build (``data_tags`` reads
    it too)."""
    current = getattr(app, "_pifi_ablation_fingerprint", None)
    if current is None:
        current = fingerprint(Path(app.srcdir))
        app._pifi_ablation_fingerprint = current  # type: ignore[attr-defined]
    return current


def _outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
              removed: set[str]) -> list[str]:
    current = app_fingerprint(app)
    previous = getattr(env, ENV_KEY, None)
    setattr(env, ENV_KEY, current)
    if previous == current:
        return []
    return sorted(env.found_docs - added - changed)


# Extensions that Jupyter Book loads and that only act in the main process after
# reading (numbering across chapters) or only for LaTeX output, but do not declare it.
_KNOWN_PARALLEL_SAFE = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")


def _declare_parallel_safe(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    for name in _KNOWN_PARALLEL_SAFE:
        if name in app.extensions:
            app.extensions[name].parallel_read_safe = True
            app.extensions[name].parallel_write_safe = True


def setup(app: Sphinx) -> dict[str, object]:
    app.parallel = max(app.parallel, os.cpu_count() or 1)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-before-read-docs", _declare_parallel_safe)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1",
            "env_version": 1}
