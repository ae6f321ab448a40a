"""Event extraction beside the crawl: worker processes take the CPU-bound rules off the reactor's core.

Scrapy runs every pipeline on one thread; extraction and the text signature are pure functions of an
item's title and text, so they run in worker processes (NEWSWATCH_EVENT_WORKERS) while the crawl goes
on downloading and parsing. The workers talk to the crawl over pipes read and written by the crawl's
own event loop: no helper threads, so the reactor never waits for the GIL. One set of workers serves
every crawl of the process and starts (rules compiled, gazetteer loaded) as the first crawl is set up.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import contextlib
import fcntl
import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

from newswatch.event.worker import HEADER, analyse, analyse_many, frame, signature_text

#: Bytes a pipe to or from a worker holds (a batch of 64 articles is about 250 KB).
PIPE_SIZE = 1 << 20
#: Workers run at a lower priority: on a busy machine the crawl (and the sites' answers) come first.
NICENESS = 10
#: How a worker is started (after the Python interpreter running the crawl).
COMMAND = ("-m", "newswatch.event.worker")
#: The directory holding the newswatch package, for the workers' import path.
_ROOT = str(Path(__file__).resolve().parents[2])


class WorkersBroken(RuntimeError):
    """A worker process died (killed, out of memory): the items it held are extracted elsewhere."""


def default_workers() -> int:
    """One worker per spare core (none on a single core), at most four."""
    return max(0, min(4, (os.cpu_count() or 1) - 1))


def workers_for(settings) -> EventWorkers | None:
    """The shared workers of a crawl with these Scrapy settings; None when events are off or extracted in-process."""
    if not settings.getbool("NEWSWATCH_EVENTS", True):
        return None
    return EventWorkers.shared(settings.getint("NEWSWATCH_EVENT_WORKERS", default_workers()))


def _widen(fd: int) -> None:
    """Let a pipe hold a whole batch or answer (1 MiB on Linux, not 64 KiB), so neither side waits on the other."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except (AttributeError, OSError):  # not Linux, or above the system's pipe-max-size: the default will do
        pass


class _Worker:
    """One worker process and its pipes, driven by the event loop's reader and writer callbacks."""

    def __init__(self, owner: EventWorkers):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (_ROOT, os.environ.get("PYTHONPATH")) if p)}
        self.owner = owner
        self.process = subprocess.Popen(
            [sys.executable, *COMMAND, "--nice", str(NICENESS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        assert self.process.stdout is not None and self.process.stdin is not None  # both are pipes
        self.inbox, self.outbox = self.process.stdout.fileno(), self.process.stdin.fileno()
        for fd in (self.inbox, self.outbox):
            os.set_blocking(fd, False)
            _widen(fd)
        #: Batches sent and not yet answered, oldest first (a worker answers in order).
        self.batches: collections.deque[list] = collections.deque()
        self.received = bytearray()
        self.unsent = bytearray()
        self.loop: asyncio.AbstractEventLoop | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Read (and write) this worker's pipes in ``loop``."""
        if self.loop is loop:
            return
        self.detach()
        self.loop = loop
        loop.add_reader(self.inbox, self._readable)
        if self.unsent:
            loop.add_writer(self.outbox, self._writable)

    def detach(self) -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.remove_reader(self.inbox)
            self.loop.remove_writer(self.outbox)
        self.loop = None

    def send(self, batch: list) -> None:
        self.batches.append(batch)
        was_idle = not self.unsent
        self.unsent += frame([args for args, _ in batch])
        if was_idle:
            self._writable()

    def _writable(self) -> None:
        try:
            written = os.write(self.outbox, self.unsent)
        except BlockingIOError:
            written = 0
        except OSError as exc:  # the worker is gone
            self.owner._lost(self, exc)
            return
        del self.unsent[:written]
        if self.loop is None:  # detached meanwhile
            return
        if self.unsent:
            self.loop.add_writer(self.outbox, self._writable)
        else:
            self.loop.remove_writer(self.outbox)

    def _readable(self) -> None:
        try:
            chunk = os.read(self.inbox, PIPE_SIZE)
        except BlockingIOError:
            return
        except OSError as exc:
            self.owner._lost(self, exc)
            return
        if not chunk:
            self.owner._lost(self, EOFError("the worker exited"))
            return
        self.received += chunk
        while True:
            try:
                answered = self._next_answer()
            except Exception as exc:
                self.owner._lost(self, exc)
                return
            if answered is None:
                break
            self.owner._answer(*answered, None)
        self.owner._dispatch()

    def _next_answer(self) -> tuple[list, list] | None:
        """The oldest batch and its results once its answer has arrived whole, else None."""
        if len(self.received) < HEADER.size:
            return None
        size = HEADER.unpack_from(self.received)[0]
        if len(self.received) < HEADER.size + size:
            return None
        results = pickle.loads(self.received[HEADER.size : HEADER.size + size])
        if not self.batches or not isinstance(results, list) or len(results) != len(self.batches[0]):
            raise ValueError("an answer that matches no batch")
        del self.received[: HEADER.size + size]
        return self.batches.popleft(), results

    def stop(self, wait: bool = True) -> None:
        """Close the pipes (the worker exits at the end of its input) and reap the process."""
        self.detach()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        if not wait:
            return
        try:
            self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class EventWorkers:
    """Worker processes running :func:`analyse`; ``None`` from :meth:`shared` means extract in-process.

    Items travel in batches: a batch leaves once it holds ``MIN_BATCH`` items, once no item has come
    for ``QUIET`` seconds (the end of a crawl, a slow site) or once its first item has waited
    ``LINGER`` seconds, to a worker holding fewer than ``DEPTH`` batches (so it never waits for the
    next); otherwise items wait for the next answer (at most ``MAX_BATCH`` go together). Every batch
    costs the crawl's process a pickling and a wake-up: a batch per item would cost more than the
    extraction it hands off.
    """

    MIN_BATCH, MAX_BATCH, QUIET, LINGER, DEPTH = 32, 64, 0.02, 0.5, 2

    _shared: EventWorkers | None = None
    _lock = threading.Lock()

    def __init__(self, workers: int):
        self.workers = workers
        self.broken = False
        self._procs: list[_Worker] = []
        self._pending: list[tuple[tuple, asyncio.Future]] = []
        #: When the oldest and the newest pending items came (time.monotonic()).
        self._first = self._last = 0.0
        #: The pending items have waited long enough: they go with the next batch, however small.
        self._due = False
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Batches sent so far (operators' and tests' view of the batching).
        self.batches_sent = 0

    @classmethod
    def shared(cls, workers: int) -> EventWorkers | None:
        """The process-wide set of ``workers`` processes (created on first use), or None for none."""
        if workers <= 0:
            return None
        with cls._lock:
            if cls._shared is None or cls._shared.broken or cls._shared.workers != workers:
                if cls._shared is None:
                    atexit.register(cls._close_shared)
                else:
                    cls._shared.close()
                cls._shared = cls(workers)
            return cls._shared

    @classmethod
    def _close_shared(cls) -> None:
        """At exit: the workers end with their input, and are reaped (their CPU time counts as the crawl's)."""
        if cls._shared is not None:
            cls._shared.close()

    def warm(self) -> None:
        """Start the workers now, so their start-up overlaps the first downloads."""
        if not self._procs and not self.broken:
            try:
                self._procs = [_Worker(self) for _ in range(self.workers)]
            except OSError as exc:
                self.broken = True
                raise WorkersBroken(f"could not start event workers: {exc}") from exc

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self._procs]

    def _attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Drive the workers from ``loop`` (a new loop drops what an earlier, finished one left)."""
        self.warm()
        if self._loop is loop:
            return
        self._loop = loop
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._pending = [(args, f) for args, f in self._pending if f.get_loop() is loop]
        for worker in self._procs:
            worker.attach(loop)

    async def analyse(self, title: str, body: str, published: str | None, language: str | None):
        """:func:`analyse` in a worker; raises WorkersBroken if a worker died (the caller falls back)."""
        if self.broken:
            raise WorkersBroken("event workers stopped")
        loop = asyncio.get_running_loop()
        self._attach(loop)
        future = loop.create_future()
        now = time.monotonic()
        if not self._pending:
            self._first = now
        self._last = now
        self._pending.append(((title, body, published, language), future))
        if len(self._pending) >= self.MIN_BATCH:
            self._dispatch()
        if self._pending and self._timer is None:
            self._timer = loop.call_later(self.QUIET, self._check_wait)
        return await future

    def _check_wait(self) -> None:
        """Pending items have waited: they are due if no item came for QUIET or the oldest waited LINGER."""
        self._timer = None
        if not self._pending:
            return
        wake = min(self._last + self.QUIET, self._first + self.LINGER)
        now = time.monotonic()
        if now >= wake:
            self._due = True
            self._dispatch()
        if self._pending and self._timer is None and self._loop is not None:
            self._timer = self._loop.call_later(max(wake - now, self.QUIET), self._check_wait)

    def _dispatch(self) -> None:
        """Send batches to the least busy workers while there are items ready and room for them."""
        while self._pending and (self._due or len(self._pending) >= self.MIN_BATCH) and not self.broken:
            worker = min(self._procs, key=lambda w: len(w.batches))
            if len(worker.batches) >= self.DEPTH:
                return
            batch, self._pending = self._pending[: self.MAX_BATCH], self._pending[self.MAX_BATCH :]
            self._due = bool(self._pending)  # what stays behind has waited at least as long
            if self._pending:
                self._first = time.monotonic()
            self.batches_sent += 1
            worker.send(batch)

    @staticmethod
    def _answer(batch: list[tuple[tuple, asyncio.Future]], results: list | None, error: BaseException | None) -> None:
        for i, (_, future) in enumerate(batch):
            if future.done() or future.get_loop().is_closed():  # cancelled meanwhile, or nobody waits any more
                continue
            ok, value = results[i] if results is not None else (False, error)
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value if isinstance(value, BaseException) else WorkersBroken(repr(value)))

    def _lost(self, worker: _Worker, exc: BaseException) -> None:
        """A worker died: every item it held or that waits hears so, and callers fall back."""
        if self.broken:
            return
        self.broken = True
        error = WorkersBroken(f"an event worker stopped ({exc})")
        left, self._pending = self._pending, []
        for w in self._procs:
            while w.batches:
                self._answer(w.batches.popleft(), None, error)
        self._answer(left, None, error)
        self.close()

    def close(self, wait: bool = True) -> None:
        """Stop the workers; items still waiting are told so (a later item starts them again)."""
        if self._timer is not None and self._loop is not None and not self._loop.is_closed():
            self._timer.cancel()
        self._timer, self._loop = None, None
        procs, self._procs = self._procs, []
        error = WorkersBroken("event workers closed")
        for worker in procs:
            while worker.batches:
                self._answer(worker.batches.popleft(), None, error)
            worker.stop(wait)
        left, self._pending = self._pending, []
        self._answer(left, None, error)


__all__ = [
    "EventWorkers",
    "WorkersBroken",
    "analyse",
    "analyse_many",
    "default_workers",
    "signature_text",
    "workers_for",
]
