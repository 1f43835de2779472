"""Launch one page's kernel by asking the zygote for it (see warm_kernels.py).

Run as ``python -I -S warm_kernels_launch.py CONNECTION_FILE SOCKET PYTHON``: it starts in a few
milliseconds, sends the zygote the connection file, its working directory and environment,
then stays alive until the forked kernel exits (passing on the signals the kernel manager
sends), so the kernel manager sees an ordinary kernel process.  Without a zygote it becomes
the ordinary kernel (``PYTHON -m ipykernel_launcher -f CONNECTION_FILE``).
"""

import contextlib
import json
import os
import signal
import socket
import sys
import time

PATIENCE = 60.0  # seconds to wait for the zygote's imports before running a kernel of its own


def _ordinary(connection_file: str, python: str) -> None:
    os.execv(python, [python, "-m", "ipykernel_launcher", "-f", connection_file])


def main() -> None:
    connection_file, socket_path, python = sys.argv[1:4]
    deadline = time.monotonic() + PATIENCE
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    while True:
        try:
            sock.connect(socket_path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() > deadline:
                _ordinary(connection_file, python)
            time.sleep(0.02)
    request = {"connection_file": connection_file, "cwd": os.getcwd(),  # noqa: PTH109
               "env": dict(os.environ)}
    sock.sendall(json.dumps(request).encode() + b"\n")
    reader = sock.makefile("r")
    line = reader.readline()
    if not line:  # the zygote went away before forking
        _ordinary(connection_file, python)
    pid = int(line)

    def forward(signum, frame):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    status = reader.readline()  # the kernel's exit status, when it exits
    sys.exit(int(status) if status.strip() else 1)


if __name__ == "__main__":
    main()
