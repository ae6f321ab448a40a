"""What the parts of the store share: its error, and the connection state each part works on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa


class StoreError(Exception):
    """A database cannot be opened or used; the message is one line, safe to show."""


class StoreBase:
    """The state :class:`storage.sql.Store` sets up for itself and its parts (events, reviews, search)."""

    #: Engine for reads.
    engine: sa.Engine
    #: The same engine for writes: on SQLite a write transaction takes the write lock when it begins.
    _writer: sa.Engine
    #: "sqlite" or "postgresql".
    dialect: str
    #: The database URL with its password masked, for messages.
    url: str
    #: The dialect's INSERT construct (it knows ON CONFLICT).
    _insert: Callable[..., Any]

    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""
        self.engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
