"""The one way this project starts a browser: Debian's Chromium, driven by the pinned Playwright.

Used by ``make_pdf.py`` (which prints the PDFs) and by the browser tests
(tests/test_browser.py, tests/test_serve.py), so they run the same browser with the same
settings.  Playwright never downloads a browser here: ``make setup`` installs Debian's
(scripts/system-packages.txt).

The browser is Chromium's headless shell (Debian's ``chromium-headless-shell``: the same
Blink, layout, fonts and printing as ``chromium``, of the same version, without the desktop
browser around them), which is what Playwright itself runs for headless work.  The browser
tests are most of the test suite's time, and the shell does their work with about a third
less CPU than the full browser started headless (benchmarks/browser_cpu.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from playwright.sync_api import Browser, Playwright

CHROMIUM = Path("/usr/bin/chromium-headless-shell")
# What every caller needs: headless in a container without a GPU (as root, where Chromium's
# sandbox cannot start), and offline: no request leaves for Google's services (updates, sync).
ARGS = ("--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync")


class ChromiumMissing(FileNotFoundError):
    """Debian's Chromium is not installed."""


def executable() -> Path:
    """The browser's path, or :class:`ChromiumMissing` saying how to install it."""
    if not CHROMIUM.is_file():
        raise ChromiumMissing(f"Debian's chromium-headless-shell is needed at {CHROMIUM} "
                              "(make setup installs it)")
    return CHROMIUM


def launch(playwright: Playwright, extra_args: Iterable[str] = ()) -> Browser:
    """A headless Chromium with :data:`ARGS` and the caller's own ``extra_args``."""
    return playwright.chromium.launch(executable_path=str(executable()), args=[*ARGS, *extra_args])
