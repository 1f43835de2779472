"""The order `make test` hands the test files to its workers (tests/conftest.py): longest first."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import LONGEST_FIRST

ROOT = Path(__file__).resolve().parents[1]


def test_every_file_named_longest_first_exists_once():
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)
    missing = [name for name in LONGEST_FIRST if not (ROOT / "tests" / name).is_file()]
    assert missing == [], "a renamed or removed test file would silently lose its place"


def test_make_test_keeps_that_order():
    """pytest-xdist orders the files by their number of tests unless told not to."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    parallel = re.search(r"^PYTEST_PARALLEL := (.*)$", makefile, re.MULTILINE)
    assert parallel, "the Makefile's parallel options"
    assert {"--dist", "loadfile", "--no-loadscope-reorder"} <= set(parallel.group(1).split())


def test_the_files_are_collected_longest_first(pytestconfig):
    order = [item.path.name for item in pytestconfig.pluginmanager.get_plugin("session").items
             if item.path.name in LONGEST_FIRST]
    firsts = list(dict.fromkeys(order))
    assert firsts == [name for name in LONGEST_FIRST if name in firsts]
