"""Live preview for the authors: rebuild the book on every change and reload the browser.

    make serve                 # http://127.0.0.1:8000/ (SERVE_PORT=8001 make serve for another)

sphinx-autobuild (pinned) does the watching, serving and reloading; what it runs on a
change is ``jupyter-book build``, exactly as ``make book`` does (warnings reported as
errors, the page kept going), because a Jupyter Book 1 project has no ``conf.py`` for
sphinx-build to read.  The book's own freshness rules apply unchanged
(``book/_ext/rebuild_fingerprint.py``): a changed chapter re-executes that chapter, a change to
the package's code or to the data source re-executes every page, and nothing else runs
twice.  Watched: the whole project (chapters, ``_config.yml``, ``_toc.yml``, ``src/``,
``results/``) and the folder ``PIFI_ABLATION_SOURCE`` names, if it is elsewhere.  The
preview builds into ``_build/serve/``, apart from ``make book``'s ``_build/html``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn
from sphinx_autobuild.filter import IgnoreFilter
from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
from sphinx_autobuild.server import RebuildServer
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, WebSocketRoute
from starlette.staticfiles import StaticFiles

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "serve"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
# Not inputs of the book: the environment, outputs, tests, tools' caches and editors' files.
IGNORED = [".git", ".venv", "_build", "tests", "benchmarks", "paper", "figures", ".ci",
           ".github", ".pytest_cache", ".ruff_cache"]
IGNORED_PATTERNS = [r"/__pycache__/", r"\.egg-info/", r"/\.ipynb_checkpoints/", r"~$", r"\.sw[px]$",
                    r"/\.#", r"\.pyc$"]


class BookBuilder:
    """What runs on every change: ``jupyter-book build`` into ``_build/serve``."""

    def __init__(self, root: Path, out: Path) -> None:
        self.command = [str(JUPYTER_BOOK), "build", str(root), "--path-output", str(out),
                        "--warningiserror", "--nitpick", "--keep-going"]

    def __call__(self, *, changed_paths: Sequence[Path]) -> None:
        if changed_paths:
            print("changed: " + ", ".join(str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)
                                          for p in changed_paths[:5]), flush=True)
        result = subprocess.run(self.command, check=False)
        if result.returncode != 0:
            print("The build reported problems (above); the page shows what it could build.",
                  flush=True)


def watched_paths(root: Path) -> list[Path]:
    """The project, and the data source's folder where it lies outside the project."""
    paths = [root]
    source = os.environ.get("PIFI_ABLATION_SOURCE", "")
    if source and source != "demo":
        folder = Path(source).resolve()
        if folder.is_dir() and not folder.is_relative_to(root):
            paths.append(folder)
    return paths


def app(root: Path, out: Path, builder: BookBuilder, url_host: str) -> Starlette:
    """The preview server: the built HTML with a reload script, and the watcher behind it."""
    ignore = IgnoreFilter([root / name for name in IGNORED], IGNORED_PATTERNS)
    watcher = RebuildServer(watched_paths(root), ignore, change_callback=builder)
    html = out / "_build" / "html"
    html.mkdir(parents=True, exist_ok=True)
    return Starlette(
        routes=[WebSocketRoute("/websocket-reload", watcher, name="reload"),
                Mount("/", app=StaticFiles(directory=html, html=True), name="static")],
        middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=url_host)],
        lifespan=watcher.lifespan,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    url_host = f"{args.host}:{args.port}"
    builder = BookBuilder(ROOT, OUT)
    server = app(ROOT, OUT, builder, url_host)
    print("building the book once before serving it", flush=True)
    builder(changed_paths=())
    print(f"serving on http://{url_host}/ (Ctrl+C stops)", flush=True)
    uvicorn.run(server, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
