"""The zygote of warm_kernels.py: import once, then fork a kernel per request.

``python warm_kernels_zygote.py SOCKET``.  It imports what every page's kernel imports (IPython's
kernel, pandas, matplotlib, this package) and loads the data source the pages read, then
listens on SOCKET.  Each request (a connection file, a directory, an environment) forks a
child that becomes an ordinary IPython kernel there; the child's pid goes back to the
launcher, and, when the child exits, its exit status.  On SIGTERM it ends the kernels still
running and exits.
"""

import contextlib
import gc
import json
import os
import select
import signal
import socket
import sys
from pathlib import Path


def _preload() -> None:
    # As ipykernel does before anything imports matplotlib.
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    import ipykernel.ipkernel
    import ipykernel.kernelapp
    import ipykernel.zmqshell
    import matplotlib.figure  # noqa: F401
    import matplotlib_inline.backend_inline  # noqa: F401
    import myst_nb.ext.glue  # noqa: F401  (nbformat, jsonschema: every page glues)
    import pandas as pd  # noqa: F401
    import PIL.PngImagePlugin  # noqa: F401  (the pages' PNGs)

    # What a kernel's start-up imports; pydevd's note that this Python has frozen modules is
    # about breakpoints, which a build never sets (a kernel's start-up kept it quiet too).
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    with contextlib.suppress(ImportError):
        import ipykernel.debugger  # noqa: F401
    # What each kernel's start-up imported itself (its debugger, history, completer and stored
    # magics, the asyncio loop's tornado glue), and the machine's addresses, which
    # jupyter_client looks up once per process (with psutil): a fifth of the CPU of a kernel's
    # start-up (about 0.013 s of 0.06 s), paid once here rather than once per page.
    with contextlib.suppress(ImportError):
        import faulthandler  # noqa: F401
        import sqlite3  # noqa: F401

        import IPython.core.completerlib
        import IPython.core.debugger
        import IPython.core.oinspect
        import IPython.extensions.storemagic
        import IPython.utils.wildcard  # noqa: F401
        import tornado.platform.asyncio  # noqa: F401
        from jupyter_client import localinterfaces

        localinterfaces.local_ips()

    # Whatever fails here is left to the page's kernel, which reports it as without the zygote.
    with contextlib.suppress(Exception):
        from pifi_ablation import figures, figures_ko, pages, pages_main, paths  # noqa: F401

        pages._load(paths.default_source())  # the pages' cache of the loaded data
        pages._findings(paths.default_source())  # and of the findings the pages glue
    with contextlib.suppress(Exception):  # apart: a template's error must not undo the data's preload
        from pifi_ablation import markup

        templates = markup._environment()  # Jinja2, and every HTML template compiled
        for template in sorted(markup.TEMPLATES.glob("*.html")):
            templates.get_template(template.name)


def _kernel(request: dict, listener: socket.socket, clients: dict) -> None:
    """In the forked child: become the page's kernel."""
    listener.close()
    for conn in clients.values():
        conn.close()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.chdir(request["cwd"])
    sys.path[0] = str(Path.cwd())  # as `python -m ipykernel_launcher` has it, not this script's folder
    os.environ.clear()
    os.environ.update(request["env"])
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    sys.argv = ["ipykernel_launcher", "-f", request["connection_file"]]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def main() -> None:
    socket_path = sys.argv[1]
    gc.disable()  # the imports make little garbage; collecting while they run is wasted time
    _preload()
    # What the zygote holds now lives as long as every kernel forked from it: out of the garbage
    # collector's sight, a kernel's collections no longer walk (and copy, page by page) the
    # inherited heap.  That was about 0.09 s of each page's kernel.
    gc.freeze()
    gc.enable()
    clients: dict[int, socket.socket] = {}

    def stop(signum, frame):
        for pid in list(clients):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    partial = socket_path + ".partial"
    listener.bind(partial)
    listener.listen(16)
    Path(partial).rename(socket_path)  # launchers connect only once it listens
    while True:
        # Every 10 ms: a page's kernel that exits is reported to its launcher that soon.
        ready, _, _ = select.select([listener], [], [], 0.01)
        if ready:
            conn, _ = listener.accept()
            request = json.loads(conn.makefile("r").readline())
            pid = os.fork()
            if pid == 0:
                try:
                    _kernel(request, listener, clients)
                finally:
                    os._exit(0)
            clients[pid] = conn
            conn.sendall(f"{pid}\n".encode())
        while clients:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            conn = clients.pop(pid, None)
            if conn is not None:
                with contextlib.suppress(OSError):
                    conn.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
                conn.close()


if __name__ == "__main__":
    main()
