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

from rebuild_fingerprint import balance_pages, page_cost, planned_finish  # noqa: E402


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
