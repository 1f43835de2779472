"""Warm kernels: every page's Jupyter kernel is forked from one process that has already
imported the kernel, pandas, matplotlib and this package and loaded the data.

A cold build executes a dozen pages, and each page's kernel used to start Python, import
IPython's kernel, pandas, matplotlib and the package, and load the data source before its
first line ran: about as much CPU as the pages' own work (``benchmarks/profile_build.py``).
This extension starts, when a build has pages to execute, one *zygote* process
(``warm_kernels_zygote.py``) that does all of that once, and points the ``python3`` kernel
spec (through ``JUPYTER_PATH``, for this build only) at a tiny launcher
(``warm_kernels_launch.py``) that asks the zygote for a kernel: the zygote forks, and the
child becomes an ordinary IPython kernel on the connection file MyST-NB gave, in the
page's directory and with the environment the launcher was started with.  The kernel is
the same program as before, in the same state a fresh one would reach on the same imports;
only the start-up is shared.

If the zygote cannot start (or the platform cannot fork), the launcher runs the ordinary
kernel itself, so a build never depends on this shortcut.  An unchanged rebuild executes
nothing and starts no zygote.  The zygote and any kernel left over stop when the build ends.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

HERE = Path(__file__).resolve().parent
_STATE: dict[str, object] = {}


def _stop() -> None:
    zygote = _STATE.pop("zygote", None)
    if isinstance(zygote, subprocess.Popen) and zygote.poll() is None:
        zygote.terminate()  # it ends the kernels it forked that are still running
        try:
            zygote.wait(timeout=10)
        except subprocess.TimeoutExpired:
            zygote.kill()
    folder = _STATE.pop("folder", None)
    if isinstance(folder, tempfile.TemporaryDirectory):
        folder.cleanup()
    previous = _STATE.pop("jupyter_path", None)
    if previous is not None:
        if previous == "":
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = str(previous)


def _start(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if not docnames or "zygote" in _STATE or not hasattr(os, "fork"):
        return
    if app.config["nb_execution_mode"] in ("off", "cache"):
        return
    # The socket's path must be short (108 bytes), so the folder is a fresh one in /tmp.
    folder = tempfile.TemporaryDirectory(prefix="pifi-kernels-")
    root = Path(folder.name)
    socket_path = root / "zygote.sock"
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-I", "-S", str(HERE / "warm_kernels_launch.py"), "{connection_file}",
                 str(socket_path), sys.executable],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "metadata": {"debugger": False},
    }), encoding="utf-8")
    _STATE["folder"] = folder
    _STATE["zygote"] = subprocess.Popen(
        [sys.executable, str(HERE / "warm_kernels_zygote.py"), str(socket_path)],
        stdin=subprocess.DEVNULL)
    _STATE["jupyter_path"] = os.environ.get("JUPYTER_PATH", "")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(root), os.environ.get("JUPYTER_PATH"))
                                                 if p)
    atexit.register(_stop)


def _finished(app: Sphinx, exception: Exception | None) -> None:
    _stop()


def _after_reading(app: Sphinx, env: BuildEnvironment) -> None:
    _stop()  # every page has executed: free the zygote's memory before writing


def setup(app: Sphinx) -> dict[str, object]:
    # After rebuild_fingerprint (priority 500), which decides which pages are out of date.
    app.connect("env-before-read-docs", _start, priority=900)
    app.connect("env-updated", _after_reading)
    app.connect("build-finished", _finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
