"""The store's generation: a cheap value that changes whenever any write to the database commits.

Read before a page's data, it keys caches of rendered pages and query results: data read after it
is at least that new, and the next write anywhere (a crawl, a review from another process, a
migration) gives the next read a new value, so a cached page is never served past a write.

- SQLite: ``PRAGMA data_version`` on a connection kept for it alone (it never writes). SQLite
  changes the value seen by a connection whenever another connection commits to the file.
- PostgreSQL: the current snapshot (``pg_current_snapshot()``: xmin, xmax and the transactions in
  progress), which changes whenever a transaction that wrote commits or aborts. It is the whole
  server's, so writes to other databases change it too: more misses, never a stale page.
- In-memory SQLite (each connection its own database): no generation, nothing is cached.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading

import sqlalchemy as sa


class Generation:
    """``current()``: the store's generation as text, or None when it cannot be told (no caching)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._lock = threading.Lock()
        self._sqlite: sqlite3.Connection | None = None
        self._closed = False
        self._prefix = ""
        database = engine.url.database or ""
        self.supported = self.dialect == "postgresql" or (
            self.dialect == "sqlite" and bool(database) and database != ":memory:" and "mode=memory" not in database
        )

    def current(self) -> str | None:
        if not self.supported:
            return None
        if self.dialect == "postgresql":
            with self.engine.connect() as conn:
                return str(conn.exec_driver_sql("SELECT pg_current_snapshot()::text").scalar())
        with self._lock:
            if self._closed:
                return None
            if self._sqlite is None:
                # a connection of its own, out of the pool (set up by the engine's hooks: autocommit),
                # that never runs anything but this pragma; its values mean something to it alone
                raw = self.engine.raw_connection()
                raw.detach()
                self._sqlite = raw.dbapi_connection  # type: ignore[assignment]
                self._prefix = secrets.token_hex(4) + ":"
            assert self._sqlite is not None
            return self._prefix + str(self._sqlite.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._sqlite is not None:
                self._sqlite.close()
                self._sqlite = None


__all__ = ["Generation"]
