"""The build's process freezes what it has loaded out of the garbage collector's sight
(book/_ext/lean_gc.py): at set-up, once the configuration is read, and once the pages are read."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


class _App:
    def __init__(self) -> None:
        self.events: dict[str, object] = {}

    def connect(self, event: str, callback: object, priority: int = 500) -> None:
        self.events[event] = callback


def test_the_build_freezes_what_it_has_loaded():
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        import lean_gc
    finally:
        sys.path.pop(0)
    threshold = gc.get_threshold()
    gc.unfreeze()
    try:
        app = _App()
        lean_gc.setup(app)
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the modules imported so far
        assert gc.get_threshold()[0] == lean_gc.YOUNG_THRESHOLD
        assert set(app.events) == {"config-inited", "env-updated"}
        kept = [[n] for n in range(1000)]  # made after the set-up, as a page's environment is
        assert {id(o) for o in kept} <= {id(o) for o in gc.get_objects()}  # still in sight
        app.events["env-updated"](app, None)
        # Frozen: out of every generation the collector walks.  (Not the freeze count, which
        # also falls whenever a frozen object is freed by its reference count: that made this
        # test fail now and then.)
        assert not {id(o) for o in kept} & {id(o) for o in gc.get_objects()}
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_the_book_loads_it():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["local_extensions"]["lean_gc"] == "book/_ext"
