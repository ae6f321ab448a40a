"""A dbm-style module on SQLite for Scrapy's DBM cache storage (HTTPCACHE_DBM_MODULE).

Python 3.13 ships this as dbm.sqlite3; older Pythons built without gdbm only have dbm.dumb,
which reopens its files on every write. One SQLite file per site, commits batched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, MutableMapping

error = (sqlite3.Error,)
COMMIT_EVERY = 500


class Database(MutableMapping):
    """bytes/str keys → bytes values in one SQLite table; writes commit every COMMIT_EVERY and on close."""

    def __init__(self, path: str, flag: str = "c"):
        if flag not in ("r", "w", "c", "n"):
            raise ValueError(f"flag must be one of r, w, c, n, not {flag!r}")
        uri = f"file:{path}?mode={'ro' if flag == 'r' else ('rw' if flag == 'w' else 'rwc')}"
        self._cx = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30, check_same_thread=False)
        if flag != "r":
            self._cx.execute("PRAGMA journal_mode=WAL")
            self._cx.execute("PRAGMA synchronous=NORMAL")
            self._cx.execute("CREATE TABLE IF NOT EXISTS dict (key BLOB PRIMARY KEY, value BLOB NOT NULL)")
            if flag == "n":
                self._cx.execute("DELETE FROM dict")
        self._pending = 0

    @staticmethod
    def _key(key) -> bytes:
        return key.encode("utf-8") if isinstance(key, str) else bytes(key)

    def __getitem__(self, key) -> bytes:
        row = self._cx.execute("SELECT value FROM dict WHERE key = ?", (self._key(key),)).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0]

    def __contains__(self, key) -> bool:
        return self._cx.execute("SELECT 1 FROM dict WHERE key = ?", (self._key(key),)).fetchone() is not None

    def __setitem__(self, key, value) -> None:
        if isinstance(value, str):
            value = value.encode("utf-8")
        if not self._cx.in_transaction:
            self._cx.execute("BEGIN")
        self._cx.execute("INSERT OR REPLACE INTO dict (key, value) VALUES (?, ?)", (self._key(key), value))
        self._pending += 1
        if self._pending >= COMMIT_EVERY:
            self.sync()

    def __delitem__(self, key) -> None:
        if self._cx.execute("DELETE FROM dict WHERE key = ?", (self._key(key),)).rowcount == 0:
            raise KeyError(key)

    def __iter__(self) -> Iterator[bytes]:
        return (row[0] for row in self._cx.execute("SELECT key FROM dict").fetchall())

    def __len__(self) -> int:
        return self._cx.execute("SELECT count(*) FROM dict").fetchone()[0]

    def sync(self) -> None:
        """Commit pending writes."""
        if self._cx.in_transaction:
            self._cx.execute("COMMIT")
        self._pending = 0

    def close(self) -> None:
        self.sync()
        self._cx.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open(file: str, flag: str = "r", mode: int = 0o666) -> Database:
    """Open a cache database like dbm.open (``mode`` is accepted for compatibility)."""
    return Database(str(file), flag)
