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
from concurrent.futures import ProcessPoolExecutor
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
    """A process pool running :func:`analyse`; ``None`` from :meth:`shared` means extract in-process."""

    _shared: EventWorkers | None = None
    _lock = threading.Lock()

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        self.broken = False

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
        try:
            return await asyncio.wrap_future(self.pool.submit(analyse, title, body, published, language))
        except BrokenProcessPool:
            self.broken = True
            raise

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


__all__ = ["EventWorkers", "analyse", "default_workers", "signature_text"]
