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
kernel itself, so a build never depends on this shortcut.  A build with no saved environment
(a cold one: every page executes) starts the zygote as soon as the configuration is read, so
that its imports overlap Sphinx's start-up; an unchanged rebuild executes nothing and starts
no zygote.  The zygote and any kernel left over stop when the build ends.

Each page's kernel also starts and stops without idling: jupyter_client's client, once the
kernel has answered, listens to a quiet IOPub channel for 0.2 s before the first cell, and its
manager checks ten times a second whether a stopped kernel has exited.  :class:`QuickClient`
and :class:`QuickManager` skip the first (the messages of the start-up are read, not waited
for; the cells' own messages are told apart by their parent) and check every 5 ms, and the
build hands them to nbclient for its pages (:func:`_quick_kernels`).  A third of each page's
kernel time was this waiting.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty
from types import ModuleType

from jupyter_client import AsyncKernelManager
from jupyter_client.asynchronous import AsyncKernelClient
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from traitlets import default

HERE = Path(__file__).resolve().parent
_STATE: dict[str, object] = {}


def stop() -> None:
    """Stop the zygote and its kernels, and undo what :func:`start` set."""
    zygote = _STATE.pop("zygote", None)
    if isinstance(zygote, subprocess.Popen):
        if zygote.poll() is None:
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
    executor = _STATE.pop("executor", None)
    if executor is not None:
        _executor_module().executenb = executor


class QuickClient(AsyncKernelClient):
    """A kernel client that, once the kernel answers, starts at once (see the module's text)."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """As jupyter_client's: ask for the kernel's info until it answers on the shell channel
        and the IOPub channel is connected; then read the start-up's messages that are there,
        without waiting 0.2 s for more."""
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                pass
            else:
                if reply["msg_type"] == "kernel_info_reply":
                    try:  # the kernel's IOPub status for this request: the channel is connected
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(reply)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                break


class QuickManager(AsyncKernelManager):
    """A kernel manager whose clients are :class:`QuickClient` and that sees a stopped kernel's
    exit within 5 ms."""

    @default("client_factory")
    def _quick_client(self) -> type:
        return QuickClient

    async def _async_finish_shutdown(self, waittime: float | None = None, pollinterval: float = 0.1,
                                     restart: bool = False) -> None:
        await super()._async_finish_shutdown(waittime, 0.005, restart)


def _executor_module() -> ModuleType:
    """jupyter_cache's executor module, whose ``executenb`` MyST-NB's executions call."""
    import jupyter_cache.executors.utils

    return jupyter_cache.executors.utils


def _quick_kernels() -> None:
    """Have MyST-NB's executor (jupyter_cache's ``single_nb_execution``, which calls nbclient's
    ``execute``) run the pages with :class:`QuickManager`, for this build only."""
    import functools

    import nbclient

    module = _executor_module()
    _STATE["executor"] = module.executenb
    module.executenb = functools.partial(nbclient.execute, kernel_manager_class=QuickManager)


def _start(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if docnames:
        _launch(app)


def _start_cold(app: Sphinx, config: Config) -> None:
    if not (Path(app.doctreedir) / "environment.pickle").is_file():
        _launch(app)


def _launch(app: Sphinx) -> None:
    if app.config["nb_execution_mode"] not in ("off", "cache"):
        start()


def start() -> None:
    """Start the zygote, and have this process's notebook executions (MyST-NB's, through
    jupyter_cache) use its kernels and :class:`QuickManager` until :func:`stop`."""
    if "zygote" in _STATE or not hasattr(os, "fork"):
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
    _quick_kernels()
    _STATE["zygote"] = subprocess.Popen(
        [sys.executable, str(HERE / "warm_kernels_zygote.py"), str(socket_path)],
        stdin=subprocess.DEVNULL)
    _STATE["jupyter_path"] = os.environ.get("JUPYTER_PATH", "")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(root), os.environ.get("JUPYTER_PATH"))
                                                 if p)
    atexit.register(stop)


def _finished(app: Sphinx, exception: Exception | None) -> None:
    stop()


def _after_reading(app: Sphinx, env: BuildEnvironment) -> None:
    # Every page has executed: the zygote frees its memory while the pages are written (the
    # build waits for it at its end, stop).
    zygote = _STATE.get("zygote")
    if isinstance(zygote, subprocess.Popen) and zygote.poll() is None:
        zygote.terminate()


def setup(app: Sphinx) -> dict[str, object]:
    # A cold build: before the other extensions' own start-up work (data_tags loads the data).
    app.connect("config-inited", _start_cold, priority=100)
    # After rebuild_fingerprint (priority 500), which decides which pages are out of date.
    app.connect("env-before-read-docs", _start, priority=900)
    app.connect("env-updated", _after_reading)
    app.connect("build-finished", _finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
