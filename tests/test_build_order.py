"""The build reads its pages in parallel, a run of consecutive pages per core
(``sphinx.util.parallel.make_chunks``); ``book/_ext/rebuild_fingerprint.py`` orders the pages so
that the cores' runs cost about the same (the order changes nothing in the built pages, which
tests/test_book.py checks)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sphinx.util.parallel import make_chunks

from book_build import CHAPTERS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from rebuild_fingerprint import (  # noqa: E402
    _compile_while_waiting,
    balance_pages,
    compile_templates,
    page_cost,
    planned_finish,
)


def _pages() -> dict[str, float]:
    """The estimated cost of every page the table of contents lists, and two it does not."""
    return {f"book/{name}": page_cost((ROOT / "book" / f"{name}.md").read_text(encoding="utf-8"))
            for name in (*CHAPTERS, "changes", "korean-style")}


def test_a_page_costs_its_kernel_and_the_figures_it_draws():
    cost = _pages()
    assert cost["book/korean-style"] == 0.0  # no code: nothing to execute
    assert 0.0 < cost["book/method"] < cost["book/keyword_weight"]  # a kernel; and a figure more
    # the per-layer curves are the costliest figure, and the main results page draws them too
    assert max(cost, key=cost.get) == "book/main_results"


@pytest.mark.parametrize("nproc", [2, 3, 4])
@pytest.mark.parametrize("pages", ["chapters", "every page"])
def test_the_cores_finish_together(nproc, pages):
    cost = _pages()
    if pages == "chapters":
        cost = {name: cost[name] for name in cost if name.removeprefix("book/") in CHAPTERS}
    names = sorted(cost)
    order = balance_pages(names, cost, nproc)
    # Sphinx's chunks of the order hold the same pages, each once.
    assert sorted(name for run in make_chunks(order, nproc) for name in run) == names
    finish = planned_finish(order, cost, nproc)
    assert finish <= planned_finish(names, cost, nproc)  # no later than in Sphinx's own order
    # Within one page's cost of the ideal, every core busy until the end.
    assert finish <= sum(cost.values()) / nproc + max(cost.values())


@pytest.mark.parametrize("nproc", [3, 4])
def test_more_cores_read_the_chapters_sooner_than_in_sphinxs_order(nproc):
    cost = {name: c for name, c in _pages().items() if name.removeprefix("book/") in CHAPTERS}
    names = sorted(cost)
    assert planned_finish(balance_pages(names, cost, nproc), cost, nproc) < planned_finish(names, cost, nproc)


def test_a_few_pages_are_left_in_an_order_sphinx_reads_one_by_one():
    cost = {"a": 1.0, "b": 2.0}
    assert sorted(balance_pages(["a", "b"], cost, 2)) == ["a", "b"]


def _templates(tmp_path: Path):
    """A builder's templates: a loader that counts the templates it reads, and its environment."""
    from types import SimpleNamespace

    from jinja2 import Environment, FileSystemLoader

    class Counting(FileSystemLoader):
        def __init__(self, folder: str) -> None:
            super().__init__(folder)
            self.read: list[str] = []

        def get_source(self, environment, template):
            self.read.append(template)
            return super().get_source(environment, template)

    (tmp_path / "page.html").write_text("{% block body %}{{ body }}{% endblock %}", encoding="utf-8")
    (tmp_path / "broken.html").write_text("{% if %}", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a template", encoding="utf-8")
    counting = Counting(str(tmp_path))
    return SimpleNamespace(loaders=[counting], environment=Environment(loader=counting)), counting


def test_the_theme_templates_are_compiled_before_the_pages_are_read(tmp_path):
    """While the pages' kernels are being prepared, the build compiles the HTML templates it will
    render the pages with: rendering then finds them compiled.  A template that does not
    compile is left to rendering, which reports it if a page uses it."""
    templates, counting = _templates(tmp_path)
    assert compile_templates(templates) == 1
    assert sorted(counting.read) == ["broken.html", "page.html"]
    assert templates.environment.get_template("page.html").render(body="x") == "x"
    assert sorted(counting.read) == ["broken.html", "page.html"]  # not read again


def test_nothing_is_compiled_when_no_page_is_read(tmp_path):
    from types import SimpleNamespace

    templates, counting = _templates(tmp_path)
    app = SimpleNamespace(builder=SimpleNamespace(format="html", templates=templates))
    _compile_while_waiting(app, None, [])  # an unchanged rebuild: nothing is written either
    assert counting.read == []
    _compile_while_waiting(app, None, ["book/intro"])
    assert sorted(counting.read) == ["broken.html", "page.html"]
