"""The benchmarks' reaper: count the CPU and memory of processes that outlive their parents.

A book build's figure versions are drawn by children of the pages' kernels that outlive them
(``pifi_ablation.pages.save_phone_layout``), and a browser's helpers outlive the processes that
started them.  Orphans are reaped by init, and ``RUSAGE_CHILDREN`` leaves them out, unless the
benchmark makes itself their reaper (Linux's ``PR_SET_CHILD_SUBREAPER``) and reaps them before it
reads its children's usage.  Used by ``build_vs_seed.py``, ``browser_cpu.py`` and ``scale.py``.
"""

from __future__ import annotations

import os
import resource
import sys

_PR_SET_CHILD_SUBREAPER = 36


def adopt(what: str) -> None:
    """Become the reaper of this process's orphaned descendants, or exit saying that ``what``
    cannot be measured without it."""
    import ctypes

    if ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit(f"cannot measure {what}: prctl(PR_SET_CHILD_SUBREAPER) failed (this benchmark needs Linux)")


def reap() -> None:
    """Wait for every orphan that has exited, so that its usage counts among the children's."""
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def children_cpu() -> float:
    """User and system CPU seconds of every child this process has reaped, orphans included."""
    reap()
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime
