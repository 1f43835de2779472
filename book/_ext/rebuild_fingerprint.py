"""Build speed and freshness of the book.

*Fast*: pages execute their notebooks while Sphinx reads them, so reading in
parallel runs one kernel per core.  ``jupyter-book build`` has no ``-j`` flag;
this extension sets Sphinx's parallelism to the number of cores.  Sphinx hands each
core a run of consecutive pages (``make_chunks``: 11 pages on 2 cores read as 5, 5 and
then 1), so the order of the pages decides when the cores finish: :func:`balance_pages`
orders them by what each costs to execute (the figures it draws, ``figure_cost.py``)
so that the cores' runs cost about the same, and the runs that wait for a free core
hold the cheapest pages.  The order changes nothing in the built pages.  Before the pages
are read, while their kernels' zygote is still importing (``warm_kernels.py``) and a core
would wait, this process compiles the theme's templates (:func:`compile_templates`), which
it would otherwise do at the end, writing the first page on one core.

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
import re
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


# A page's cells call ``page.glue_figure("name")`` for each figure they draw (book/*.md).
_GLUED_FIGURE = re.compile(r"""glue_figure\(\s*["'](\w+)["']""")
# What a page with code costs besides its figures (its kernel, its setup cell), in the units
# of figure_cost: an ablation's figure with all its versions takes about twice a page's kernel.
_PAGE_COST = 0.5


def page_cost(source: str) -> float:
    """What executing a page costs, estimated from its source: nothing without a code cell,
    else a kernel and the figures it draws (``pifi_ablation.figure_cost``)."""
    from pifi_ablation.figure_cost import figure_cost

    if "{code-cell}" not in source:
        return 0.0
    return _PAGE_COST + sum(figure_cost(name) for name in _GLUED_FIGURE.findall(source))


def planned_finish(order: list[str], cost: dict[str, float], nproc: int) -> float:
    """When Sphinx's parallel reading of ``order`` ends, in cost units: it reads
    ``make_chunks(order, nproc)``, consecutive runs of pages, the first ``nproc`` at once and
    each further run on the core that is free first."""
    from sphinx.util.parallel import make_chunks

    runs = [sum(cost[name] for name in run) for run in make_chunks(order, nproc)]
    cores = sorted(runs[:nproc])
    for run in runs[nproc:]:
        cores[0] += run
        cores.sort()
    return max(cores)


def balance_pages(docnames: list[str], cost: dict[str, float], nproc: int) -> list[str]:
    """``docnames`` in an order whose parallel reading ends soonest (:func:`planned_finish`).

    The costliest pages are dealt first, each to the run that has room and the least cost so
    far (the cheapest pages fill the runs that wait for a free core); then any two pages of
    different runs swap places while that makes the reading end sooner."""
    from sphinx.util.parallel import make_chunks

    sizes = [len(run) for run in make_chunks(list(range(len(docnames))), nproc)]
    ranked = sorted(docnames, key=lambda name: (-cost[name], name))
    first = len(ranked) - sum(sizes[nproc:])
    runs: list[list[str]] = [[] for _ in sizes[:nproc]]
    loads = [0.0] * len(runs)
    for name in ranked[:first]:
        run = min((i for i in range(len(runs)) if len(runs[i]) < sizes[i]), key=lambda i: (loads[i], i))
        runs[run].append(name)
        loads[run] += cost[name]
    order = [name for run in runs for name in run] + ranked[first:]
    run_of = [i for i, size in enumerate(sizes) for _ in range(size)]
    best = planned_finish(order, cost, nproc)
    improved = True
    while improved:
        improved = False
        for i in range(len(order)):
            for j in range(i + 1, len(order)):
                if run_of[i] == run_of[j] or cost[order[i]] == cost[order[j]]:
                    continue
                order[i], order[j] = order[j], order[i]
                finish = planned_finish(order, cost, nproc)
                if finish < best - 1e-9:
                    best, improved = finish, True
                else:
                    order[i], order[j] = order[j], order[i]
    return order


def compile_templates(templates: object) -> int:
    """Compile every HTML template that ``templates`` (a Sphinx builder's template loader) can
    list, into its Jinja2 environment's cache, where rendering the pages finds them; a template
    that does not compile is left for rendering to report, if a page uses it.  Returns how many
    were compiled."""
    import contextlib

    from jinja2 import TemplateError

    names: set[str] = set()
    for loader in getattr(templates, "loaders", ()):
        with contextlib.suppress(TypeError):  # a loader that cannot list its templates
            names.update(name for name in loader.list_templates() if name.endswith(".html"))
    compiled = 0
    for name in sorted(names):
        with contextlib.suppress(TemplateError):
            templates.environment.get_template(name)
            compiled += 1
    return compiled


def _compile_while_waiting(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if docnames and app.builder.format == "html" and hasattr(app.builder, "templates"):
        compile_templates(app.builder.templates)


def _balance(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if app.parallel <= 1 or len(docnames) <= 1:
        return
    cost = {name: page_cost(Path(env.doc2path(name)).read_text(encoding="utf-8")) for name in docnames}
    docnames[:] = balance_pages(docnames, cost, app.parallel)


def setup(app: Sphinx) -> dict[str, object]:
    app.parallel = max(app.parallel, os.cpu_count() or 1)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-before-read-docs", _declare_parallel_safe)
    app.connect("env-before-read-docs", _balance, priority=950)  # after every page is listed
    # After warm_kernels has started the zygote (900), before the pages' readers start.
    app.connect("env-before-read-docs", _compile_while_waiting, priority=995)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1",
            "env_version": 1}
