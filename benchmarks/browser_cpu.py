"""CPU and wall time of the browser tests' work, in Chromium's headless shell against the full
browser started headless, in one run.

The browser tests are most of `make test`'s time.  Both browsers run the same work, the one
``tests/test_browser_views.py`` does on a page: every page view of a few chapters (light and
dark, 1280 and 390 px, English and Korean) opened as the tests open it, a full-page screenshot,
axe-core's checks.  Each browser runs in a fresh interpreter, alternating, ``--repeat`` times;
CPU counts every process the browser started (this benchmark reaps them); the medians are
compared.  The baseline needs Debian's full browser (``apt-get install chromium``), which the
project itself no longer installs.

    make book && .venv/bin/python benchmarks/browser_cpu.py [--repeat 3] [--html _build/html]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import orphans  # benchmarks/orphans.py

ROOT = Path(__file__).resolve().parents[1]
FULL = Path("/usr/bin/chromium")
CHAPTERS = ("main_results", "intro", "sample_size")


def _work(executable: str, html: Path) -> None:
    """The tests' views of :data:`CHAPTERS` in the browser ``executable``."""
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "scripts")]
    import chromium
    from playwright.sync_api import sync_playwright

    import test_browser as tb

    handler = functools.partial(tb._QuietHandler, directory=str(html))
    httpd = tb._QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    server = f"http://127.0.0.1:{httpd.server_address[1]}"
    axe = tb.AXE.read_text(encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=[*chromium.ARGS, "--disable-quic"])
        for chapter in CHAPTERS:
            for theme in tb.THEMES:
                for width in tb.VIEWPORTS:
                    context = tb._new_context(browser, width, theme)
                    page = context.new_page()
                    for lang in tb.LANGS:
                        tb._open(page, f"{tb._url(server, chapter)}?lang={lang}")
                        page.screenshot(full_page=True)
                        tb._axe_violations(page, axe)
                    context.close()
        browser.close()
    httpd.shutdown()


def _timed(executable: Path, html: Path) -> tuple[float, float]:
    cpu, start = orphans.children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, __file__, "--worker", str(executable), "--html", str(html)], check=True)
    return time.perf_counter() - start, orphans.children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _work(args.worker, args.html)
        return
    sys.path.insert(0, str(ROOT / "scripts"))
    import chromium

    shell = chromium.executable()
    if not FULL.is_file():
        sys.exit(f"the baseline is Debian's full browser at {FULL}: apt-get install chromium")
    if not (args.html / "book" / "intro.html").is_file():
        sys.exit(f"no built book at {args.html}: run `make book` first")
    orphans.adopt("the browser's CPU")
    runs: dict[Path, list[tuple[float, float]]] = {FULL: [], shell: []}
    for _ in range(args.repeat):
        for executable in runs:
            runs[executable].append(_timed(executable, args.html))
    views = len(CHAPTERS) * 8
    print(f"{views} page views ({', '.join(CHAPTERS)}), median of {args.repeat}:")
    print(f"{'':34s} {'wall s':>7s} {'CPU s':>7s}")
    medians = {}
    for executable, timed in runs.items():
        medians[executable] = (statistics.median(w for w, _ in timed), statistics.median(c for _, c in timed))
        print(f"{executable!s:34s} {medians[executable][0]:7.2f} {medians[executable][1]:7.2f}")
    wall = medians[shell][0] / medians[FULL][0]
    cpu = medians[shell][1] / medians[FULL][1]
    print(f"headless shell / full browser: {wall:.2f} wall, {cpu:.2f} CPU")


if __name__ == "__main__":
    main()
