"""Event extraction beside the crawl: worker processes take the CPU-bound rules off the reactor's core.

Scrapy runs every pipeline on one thread; extraction and the text signature are pure functions of an
item's title and text, so they run in a process pool (NEWSWATCH_EVENT_WORKERS) while the crawl goes on
downloading and parsing. One pool serves every crawl of the process (the scheduler runs many) and is
warmed (rules compiled, gazetteer loaded) as soon as a crawl opens.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from newswatch.event.extract import extract_event

logger = logging.getLogger(__name__)


def default_workers() -> int:
    """One worker per spare core (none on a single core), at most four."""
    return max(0, min(4, (os.cpu_count() or 1) - 1))


def analyse(title: str, body: str, published: str | None, language: str | None) -> tuple[dict | None, bytes | None]:
    """The item's event and, when it reports one, the stored form of its text signature (for linking)."""
    event = extract_event(title, body, published, language)
    if event is None:
        return None, None
    from newswatch.event.linking import signature, to_bytes

    return event, to_bytes(signature(signature_text(title, body)))


def signature_text(title: str | None, body: str | None) -> str:
    """The text an item's signature is computed on (the same wherever it is computed)."""
    return f"{title or ''}\n{body or ''}"


def _warm() -> None:
    """Compile the rules and load the gazetteer and datasketch before the first article arrives."""
    analyse("Forum on Water Security held in Nairobi", "The forum was held in Nairobi, Kenya on 3 May 2024, "
            "attended by more than 100 experts from 12 countries.", "2024-05-04", "en")


class EventWorkers:
    """A process pool running :func:`analyse`; ``None`` from :meth:`shared` means extract in-process.

    Items travel in batches: a batch leaves once it holds ``MIN_BATCH`` items, once no item has come
    for ``QUIET`` seconds (the end of a crawl, a slow site) or once its first item has waited
    ``LINGER`` seconds; while ``depth`` batches are with the workers new items wait for the next one
    (at most ``MAX_BATCH``). Every task costs the crawl's own process threads, pickling and wake-ups:
    a task per item would cost it more than the extraction it hands off.
    """

    MIN_BATCH, MAX_BATCH, QUIET, LINGER = 32, 64, 0.02, 0.5

    _shared: EventWorkers | None = None
    _lock = threading.Lock()

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        self.broken = False
        self.depth = workers + 1
        self._pending: list[tuple[tuple, asyncio.Future]] = []
        #: When the oldest and the newest pending items came (time.monotonic()).
        self._first = self._last = 0.0
        self._in_flight = 0
        #: The pending items have waited long enough: they go with the next batch, however small.
        self._due = False
        self._timer: asyncio.TimerHandle | None = None
        self._timer_loop: asyncio.AbstractEventLoop | None = None
        self._guard = threading.Lock()

    @classmethod
    def shared(cls, workers: int) -> EventWorkers | None:
        """The process-wide pool of ``workers`` processes (created on first use), or None for none."""
        if workers <= 0:
            return None
        with cls._lock:
            if cls._shared is None or cls._shared.broken or cls._shared.workers != workers:
                if cls._shared is not None:
                    cls._shared.close()
                cls._shared = cls(workers)
            return cls._shared

    def warm(self) -> None:
        """Start the workers now, so their start-up overlaps the first downloads."""
        for _ in range(self.workers):
            self.pool.submit(_warm)

    async def analyse(self, title: str, body: str, published: str | None, language: str | None):
        """:func:`analyse` in a worker; raises BrokenProcessPool if the pool died (the caller falls back)."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        now = time.monotonic()
        with self._guard:
            if not self._pending:
                self._first = now
            self._last = now
            self._pending.append(((title, body, published, language), future))
            ready = self._in_flight < self.depth and len(self._pending) >= self.MIN_BATCH
            batch = self._take() if ready else None
        if batch:
            self._submit(batch)
        elif self._timer is None or self._timer.cancelled() or self._timer_loop is not loop:
            self._timer, self._timer_loop = loop.call_later(self.QUIET, self._check_wait), loop
        return await future

    def _check_wait(self) -> None:
        """Pending items have waited: send them if no item came for QUIET or the oldest waited LINGER."""
        self._timer = None
        now = time.monotonic()
        with self._guard:
            if not self._pending:
                return
            wake = min(self._last + self.QUIET, self._first + self.LINGER)
            if now < wake:  # items are still coming: look again later
                batch = None
            elif self._in_flight < self.depth:
                batch = self._take()
            else:  # the workers are busy: these go as soon as a batch returns
                batch, self._due = None, True
        if batch:
            self._submit(batch)
        elif now < wake:
            loop = asyncio.get_running_loop()
            self._timer, self._timer_loop = loop.call_later(wake - now, self._check_wait), loop

    def _take(self) -> list[tuple[tuple, asyncio.Future]]:
        """The next batch (called with the guard held); it counts as in flight until answered."""
        batch, self._pending = self._pending[: self.MAX_BATCH], self._pending[self.MAX_BATCH:]
        self._in_flight += 1
        self._due = bool(self._pending)  # what stays behind has waited at least as long
        return batch

    def _submit(self, batch: list[tuple[tuple, asyncio.Future]]) -> None:
        try:
            task = self.pool.submit(analyse_many, [args for args, _ in batch])
        except Exception as exc:  # noqa: BLE001  (a broken or closed pool: every item hears of it)
            self._answer(batch, None, exc)
            return
        task.add_done_callback(lambda done: self._done(batch, done))

    def _done(self, batch: list[tuple[tuple, asyncio.Future]], task: Future) -> None:
        """A batch came back (in the pool's thread): answer its items, send the next batch."""
        try:
            results, error = task.result(), None
        except BaseException as exc:  # noqa: BLE001  (a dead worker, a cancelled task)
            results, error = None, exc
        self._answer(batch, results, error)

    def _answer(self, batch: list[tuple[tuple, asyncio.Future]], results: list | None, error: BaseException | None) -> None:
        if isinstance(error, BrokenProcessPool):
            self.broken = True
        by_loop: dict[asyncio.AbstractEventLoop, list] = {}
        for i, (_, future) in enumerate(batch):
            outcome = results[i] if results is not None else (False, error)
            by_loop.setdefault(future.get_loop(), []).append((future, outcome))
        for loop, answers in by_loop.items():  # one wake-up of each waiting loop per batch
            try:
                loop.call_soon_threadsafe(_settle, answers)
            except RuntimeError:  # that event loop has closed: nobody waits for these any more
                pass
        with self._guard:
            self._in_flight -= 1
            ready = self._pending and (self._due or len(self._pending) >= self.MIN_BATCH)
            following = self._take() if ready else None
        if following:
            self._submit(following)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._guard:
            left, self._pending = self._pending, []
        self.pool.shutdown(wait=False, cancel_futures=True)
        if left:
            self._in_flight += 1  # answered below like a batch that came back
            self._answer(left, None, RuntimeError("event workers closed"))


def analyse_many(batch: list[tuple]) -> list[tuple[bool, object]]:
    """:func:`analyse` for each item of a batch: (True, result) or (False, the exception it raised)."""
    out: list[tuple[bool, object]] = []
    for args in batch:
        try:
            out.append((True, analyse(*args)))
        except Exception as exc:  # noqa: BLE001  (one bad article fails alone)
            out.append((False, exc))
    return out


def _settle(answers: list[tuple[asyncio.Future, tuple[bool, object]]]) -> None:
    for future, (ok, value) in answers:
        if future.done():  # cancelled meanwhile
            continue
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)


__all__ = ["EventWorkers", "analyse", "analyse_many", "default_workers", "signature_text"]
