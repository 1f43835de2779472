"""Shared fixtures: the demo tables, the seed's golden output, and figure clean-up."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path
from typing import Any

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import pytest

import pifi_ablation
from book_build import build_book, failure_report, print_pdfs

ROOT = Path(__file__).resolve().parents[1]
SEED_GOLDEN = ROOT / "tests" / "data" / "seed_golden.json"
# Fixtures that build the book: a test using one must carry the `book` marker (`make test-fast`
# deselects those, so it never builds the book).
BOOK_FIXTURES = frozenset({"html_dir", "pdf_dir", "measured_book", "measured_pdf_dir"})


def pytest_collection_modifyitems(config, items):
    unmarked = [item.nodeid for item in items
                if BOOK_FIXTURES & set(getattr(item, "fixturenames", ()))
                and item.get_closest_marker("book") is None]
    if unmarked:
        raise pytest.UsageError("tests that build the book must be marked `book`: " + ", ".join(unmarked))
    # The longest files first, then the other book builds, then the rest (a stable sort keeps
    # each file's order): pytest-xdist (`make test`: --dist loadfile --no-loadscope-reorder)
    # hands the files to its workers in this order, so the two workers finish together, on
    # short files, instead of one running a long file alone at the end.
    items.sort(key=lambda item: (_rank(item), item.get_closest_marker("book") is None))


# Test files by how long they take on two workers, longest first (about 110 s down to 10 s, as
# measured on the reference machine): most are the browser tests and book builds.  The demo
# book's first users come apart, with a file of drawing between them, so that the second does
# not wait idle while the first builds the book.  A file not listed runs after these.
LONGEST_FIRST = (
    "test_browser_views.py", "test_figures_ko.py", "test_pdf.py", "test_browser.py",
    "test_book_partial.py", "test_book_fresh.py", "test_reader.py", "test_book_changes.py",
    "test_reader_figures.py", "test_figures.py", "test_check_paper.py", "test_serve.py",
    "test_properties.py", "test_book.py", "test_book_measured.py", "test_partial_folders.py",
)


def _rank(item: pytest.Item) -> int:
    name = item.path.name
    return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)


def shared_dir(tmp_path_factory, name: str) -> contextlib.AbstractContextManager[tuple[Path, bool]]:
    """A folder made once per test run and shared by every pytest-xdist worker.

    Yields ``(folder, ready)`` while holding a lock on it: ``ready`` is False for the first
    worker (which makes it, then marks it ready by leaving the ``with`` without an error) and
    True for the others, who wait for the lock and then use it."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # each worker's basetemp is inside the run's
        base = base.parent
    folder = base / f"shared-{name}"

    @contextlib.contextmanager
    def held():
        with (base / f"shared-{name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                done = folder / ".made"
                ready = done.is_file()
                folder.mkdir(exist_ok=True)
                yield folder, ready
                done.touch()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    return held()


@pytest.fixture(scope="session")
def measured_book(tmp_path_factory):
    """A results folder written by upstream's own writers, plus a stray file
    (``upstream_factory.ODD_NAME``), and the book built from it, once per test run:
    ``(folder, out)``, the folder's ``upstream_factory.Upstream`` description and the build's
    output folder (``out/_build``)."""
    import pickle

    from upstream_factory import ODD_NAME, write_upstream_results

    with shared_dir(tmp_path_factory, "measured") as (out, ready):  # one build per test run
        described = out / "upstream.pickle"
        if not ready:
            folder = write_upstream_results(out / "results")
            (folder.root / ODD_NAME).write_text("not a result\n", encoding="utf-8")
            described.write_bytes(pickle.dumps(folder))
            result = build_book(ROOT, out, data=str(folder.root))
            assert result.returncode == 0, failure_report(result)
        folder = pickle.loads(described.read_bytes())
    return folder, out


@pytest.fixture(scope="session")
def measured_pdf_dir(measured_book, tmp_path_factory) -> Path:
    """``appendix-{en,ko}.pdf`` of the measured book (:func:`measured_book`), printed once per
    test run from its single-page build, which reuses the pages its html build executed."""
    folder, out = measured_book
    with shared_dir(tmp_path_factory, "measured-pdf") as (_, ready):
        if not ready:
            print_pdfs(ROOT, out, data=str(folder.root))
    return out / "_build" / "pdf"


@pytest.fixture(scope="session")
def html_dir(tmp_path_factory) -> Path:
    """The appendix built once per test session from the demo source.

    ``PIFI_TEST_HTML`` names an already built demo book (``_build/html``) to test instead,
    for iterating on the browser tests; the full suite never sets it."""
    ready = os.environ.get("PIFI_TEST_HTML")
    if ready:
        return Path(ready).resolve()
    with shared_dir(tmp_path_factory, "book") as (out, ready):  # one build per test run
        if not ready:
            result = build_book(ROOT, out)
            assert result.returncode == 0, failure_report(result)
    return out / "_build" / "html"


@pytest.fixture(scope="session")
def pdf_dir(html_dir, tmp_path_factory) -> Path:
    """``appendix-{en,ko}.pdf`` printed once per session, as ``make pdf`` does, from the
    single-page build of the same (demo) book as ``html_dir``."""
    out = html_dir.parent.parent
    with shared_dir(tmp_path_factory, "pdf") as (_, ready):  # printed once per test run
        if not ready:
            print_pdfs(ROOT, out)
    return out / "_build" / "pdf"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def demo() -> pifi_ablation.Ablations:
    return pifi_ablation.load("demo")


@pytest.fixture(scope="session")
def seed_golden() -> dict[str, Any]:
    """The seed notebook's demonstration output, committed as data (tests/data/seed_golden.json,
    written by scripts/make_seed_golden.py), so the suite reads nothing outside the repository."""
    return json.loads(SEED_GOLDEN.read_text(encoding="utf-8"))
