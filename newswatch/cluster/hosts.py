"""The crawl hosts of a worker: long-lived `newswatch crawl-host` processes, one per crawl slot.

A host loads Scrapy and newswatch once and runs the worker's crawls one after another
(newswatch.crawling.host): an unchanged site's check no longer pays for a new interpreter. Each
host leads its own process group (with its event workers) and is killed by the kernel when its
worker dies (``PR_SET_PDEATHSIG``). A crawl past its time limit gets its host's whole group
killed, and the next crawl a fresh host; a host is retired after ``max_crawls`` crawls or once
its memory passes ``max_memory`` (Celery's max-tasks-per-child and max-memory-per-child), so that
what a crawl leaks does not pile up. With ``max_crawls`` 1 every crawl has a fresh process.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import ctypes.util
import json
import logging
import os
import signal
import subprocess
import sys
from dataclasses import dataclass

logger = logging.getLogger(__name__)

#: The host's command (after the Python interpreter running the worker).
COMMAND = ("-m", "newswatch", "crawl-host")
#: Seconds a new host gets to load Scrapy and newswatch and say it is ready (a loaded machine is slow).
START_TIMEOUT = 180.0
#: Seconds a retired host gets to end on its own before its group is killed.
CLOSE_GRACE = 10.0
#: Longest result line read from a host.
MAX_LINE = 1 << 20
_PR_SET_PDEATHSIG = 1


class HostFailed(RuntimeError):
    """A crawl host died, broke its protocol, or was killed for running past a crawl's time limit."""


@dataclass(frozen=True)
class HostLimits:
    """When a worker retires a crawl host: after ``max_crawls`` crawls, or above ``max_memory`` bytes."""

    max_crawls: int = 100
    max_memory: int = 1024 * 1024 * 1024


def _die_with_parent():
    """A preexec function: the child gets SIGKILL when this process dies, even by ``kill -9``."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    prctl, parent = libc.prctl, os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the worker died before the death signal was armed
            os._exit(1)

    return preexec


def kill_group(pid: int, sig: int) -> None:
    """Send ``sig`` to the process group led by ``pid`` (a host and its event workers)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


class CrawlHost:
    """One crawl host process, as its worker drives it: a request line out, a result line back."""

    def __init__(self, proc: asyncio.subprocess.Process):
        self.proc = proc
        #: Crawls this host has run, and its memory after the last one (bytes), as it reported them.
        self.crawls = 0
        self.rss = 0

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None

    @classmethod
    async def start(cls, timeout: float = START_TIMEOUT) -> CrawlHost:
        """A new host, once it has loaded everything and said it is ready."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            *COMMAND,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=_die_with_parent(),
            limit=MAX_LINE,
        )
        host = cls(proc)
        try:
            ready = await asyncio.wait_for(host._read(), timeout)
        except BaseException:
            await host.kill()
            raise
        if "ready" not in ready:
            await host.kill()
            raise HostFailed(f"the crawl host said {ready!r} instead of being ready")
        logger.info("crawl host %s ready", host.pid)
        return host

    async def _read(self) -> dict:
        assert self.proc.stdout is not None
        line = await self.proc.stdout.readline()
        if not line:
            code = await self.proc.wait()
            raise HostFailed(f"the crawl host exited {code}")
        try:
            return json.loads(line)
        except ValueError:
            raise HostFailed(f"the crawl host wrote {line[:200]!r}") from None

    async def crawl(self, args: list[str], db: str | None, timeout: float | None) -> dict:
        """Run one `newswatch crawl ARGS` in the host; its result. HostFailed if the host died or was
        killed for running past ``timeout`` seconds (its group killed: the crawl and its workers)."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps({"args": args, "db": db}).encode() + b"\n")
            await self.proc.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            await self.kill()
            raise HostFailed("the crawl host is gone") from None
        try:
            result = await asyncio.wait_for(self._read(), timeout)
        except TimeoutError:
            await self.kill()
            raise HostFailed(f"the crawl ran past its time limit of {timeout:g}s: its crawl host was killed") from None
        except HostFailed:
            await self.kill()
            raise
        self.crawls, self.rss = int(result.get("crawls", self.crawls + 1)), int(result.get("rss", 0))
        if result.get("ending"):  # stopped by SIGTERM: it ends now
            await self.close()
        return result

    def signal(self, sig: int) -> None:
        """Signal the host's whole group (SIGTERM: stop the crawl, record its run, end)."""
        if self.alive:
            kill_group(self.pid, sig)

    async def kill(self) -> None:
        """Kill the host's group at once and reap the host."""
        kill_group(self.pid, signal.SIGKILL)
        await self.proc.wait()

    async def close(self, grace: float = CLOSE_GRACE) -> None:
        """End the host (its input closed, it ends on its own); kill its group after ``grace``."""
        if self.proc.stdin is not None and not self.proc.stdin.is_closing():
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), grace)
        except TimeoutError:
            logger.warning("crawl host %s did not end within %ss; killing it", self.pid, grace)
        kill_group(self.pid, signal.SIGKILL)  # whatever it left in its group
        await self.proc.wait()


class HostPool:
    """A worker's crawl hosts: a crawl takes an idle one (or starts one) and gives it back when done."""

    def __init__(self, limits: HostLimits | None = None):
        self.limits = limits or HostLimits()
        self.idle: list[CrawlHost] = []
        #: Every host started and not yet reaped (idle, crawling or retiring).
        self.hosts: set[CrawlHost] = set()
        self._retiring: set[asyncio.Task] = set()
        self._reaper = False

    async def take(self) -> CrawlHost:
        """An idle live host, else a new one."""
        while self.idle:
            host = self.idle.pop()
            if host.alive:
                return host
            self.hosts.discard(host)
        if not self._reaper:
            atexit.register(self.kill_all)  # when the worker ends, whatever way it ends
            self._reaper = True
        host = await CrawlHost.start()
        self.hosts.add(host)
        return host

    def give_back(self, host: CrawlHost) -> None:
        """Keep the host for the next crawl, or retire it (worn out, or ended)."""
        if not host.alive:
            self.hosts.discard(host)
            return
        if host.crawls < self.limits.max_crawls and host.rss <= self.limits.max_memory:
            self.idle.append(host)
            return
        logger.info("crawl host %s retired after %d crawl(s), %d MiB", host.pid, host.crawls, host.rss >> 20)
        task = asyncio.get_running_loop().create_task(host.close())
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)
        task.add_done_callback(lambda _: self.hosts.discard(host))

    def kill_all(self) -> None:
        """Kill every host's group (the worker is ending: none is crawling any more)."""
        for host in list(self.hosts):
            host.signal(signal.SIGKILL)
        self.hosts.clear()
        self.idle.clear()
