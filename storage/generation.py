"""The store's generation: a cheap value that changes whenever any write to the database commits.

Read before a page's data, it keys caches of rendered pages and query results: data read after it
is at least that new, and the next write anywhere (a crawl, a review from another process, a
migration) gives the next read a new value, so a cached page is never served past a write.

- SQLite: ``PRAGMA data_version``, which changes for a connection whenever another connection
  commits to the file. It is asked on connections kept for it (they never write), one per request
  at a time; the first read on each connection to see its value change moves the process's own
  counter on: that counter is the generation, the same for every thread.
- PostgreSQL: the current snapshot (``pg_current_snapshot()``: xmin, xmax and the transactions in
  progress), which changes whenever a transaction that wrote commits or aborts. It is the whole
  server's, so writes to other databases change it too: more misses, never a stale page.
- In-memory SQLite (each connection its own database): no generation, nothing is cached.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from typing import Any

import sqlalchemy as sa


class Generation:
    """``current()``: the store's generation as text, or None when it cannot be told (no caching).

    Read on connections of its own, out of the engine's pool (opened by the engine, so with its
    settings; in autocommit): on SQLite as many as there are reads at once (a file handle each, no
    lock held while asking), on PostgreSQL one per process, taken in turns (a server connection per
    thread would double their number). A connection that fails is closed and that read answers
    None; the next read opens another.
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._lock = threading.Lock()  # guards the list of opened connections and the counter
        self._turn = threading.Lock()  # PostgreSQL's one connection, used in turns
        self._idle: queue.SimpleQueue[list[Any]] = queue.SimpleQueue()  # SQLite: [connection, value last seen]
        self._opened: list[Any] = []
        self._closed = False
        self._counter = 0
        self._pg: Any = None
        database = engine.url.database or ""
        self.supported = self.dialect == "postgresql" or (
            self.dialect == "sqlite" and bool(database) and database != ":memory:" and "mode=memory" not in database
        )

    def current(self) -> str | None:
        if not self.supported or self._closed:
            return None
        if self.dialect == "postgresql":
            with self._turn:
                self._pg = self._pg or self._open()
                if self._pg is None:
                    return None
                value = self._ask(self._pg, "SELECT pg_current_snapshot()::text")
                if value is None:
                    self._pg = None
                return value
        try:
            held = self._idle.get_nowait()
        except queue.Empty:
            held = [self._open(), None]
            if held[0] is None:
                return None
        value = self._ask(held[0], "PRAGMA data_version")
        if value is None:
            return None
        if value != held[1]:  # a commit since this connection last looked (or its first look)
            held[1] = value
            with self._lock:
                self._counter += 1
        generation = str(self._counter)
        self._idle.put(held)
        return generation

    def _open(self) -> Any:
        """A new connection out of the pool, or None when the database cannot be reached."""
        try:
            raw = self.engine.raw_connection()
        except sa.exc.SQLAlchemyError:
            return None
        raw.detach()
        dbapi = raw.dbapi_connection
        if self.dialect == "postgresql":
            dbapi.autocommit = True  # type: ignore[union-attr]  # never left idle in a transaction
        with self._lock:
            self._opened.append(dbapi)
        return dbapi

    def _ask(self, conn: Any, query: str) -> str | None:
        """The query's one value as text, or None (and the connection closed) when it fails."""
        try:
            cursor = conn.cursor()
            try:
                cursor.execute(query)
                return str(cursor.fetchone()[0])
            finally:
                cursor.close()
        except Exception:
            with self._lock:
                if conn in self._opened:
                    self._opened.remove(conn)
            with contextlib.suppress(Exception):
                conn.close()
            return None

    def close(self) -> None:
        """Close every connection opened here; ``current()`` answers None from now on."""
        with self._lock:
            self._closed = True
            opened, self._opened = self._opened, []
        for conn in opened:
            with contextlib.suppress(Exception):
                conn.close()


__all__ = ["Generation"]
