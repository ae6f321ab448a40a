"""A child process that dies with its parent: Linux's parent-death signal, asked for through the environment.

`newswatch run` starts each crawl with NEWSWATCH_DIE_WITH set to its own pid. The crawl asks the
kernel (prctl PR_SET_PDEATHSIG) for SIGTERM when its parent dies, so a scheduler killed with -9
leaves no crawl behind: SIGTERM lets Scrapy close the crawl and record its run. The parent's pid is
compared afterwards, in case the parent died before the request was made.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

ENV = "NEWSWATCH_DIE_WITH"
PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int, sig: int = signal.SIGTERM) -> bool:
    """Ask for ``sig`` when the parent (pid ``parent``) dies; False where the system has no such request."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        return False
    if os.getppid() != parent:  # the parent is already gone
        os.kill(os.getpid(), sig)
    return True


def die_with_parent_if_asked() -> None:
    """Honour NEWSWATCH_DIE_WITH=<parent pid> (set by the scheduler for its crawls), then forget it."""
    value = os.environ.pop(ENV, "")
    if value.isdigit():
        die_with_parent(int(value))
