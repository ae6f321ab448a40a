"""Persistent storage for newswatch: SQLite by default, PostgreSQL when shared.

Use :func:`open_store` to get a migrated :class:`Store`.
"""

from __future__ import annotations

import os

from .base import StoreError
from .engine import DEFAULT_URL
from .records import (
    ChangeRecord,
    EventLink,
    EventRecord,
    EventSignature,
    EventSource,
    ItemWrite,
    KnownItem,
    RunRecord,
    SiteRecord,
    StoredItem,
    VersionRecord,
)
from .sql import Store

ENV_VAR = "NEWSWATCH_DB"


def resolve_url(url: str | None = None) -> str:
    """The URL to use: the argument, else $NEWSWATCH_DB, else :data:`DEFAULT_URL`."""
    if url:
        return url
    return os.environ.get(ENV_VAR) or DEFAULT_URL


def open_store(url: str | None = None, pool_size: int | None = None) -> Store:
    """Open the database at ``url`` (a SQLAlchemy URL or a SQLite file path), migrated to head.

    ``pool_size``: connections kept open for reuse (a server sizes it to its threads). Raises
    :class:`StoreError` with a one-line message if it cannot be opened.
    """
    store = Store(resolve_url(url), pool_size=pool_size)
    try:
        store.upgrade()
    except BaseException:
        store.close()
        raise
    return store


__all__ = [
    "DEFAULT_URL",
    "ENV_VAR",
    "ChangeRecord",
    "EventLink",
    "EventRecord",
    "EventSignature",
    "EventSource",
    "ItemWrite",
    "KnownItem",
    "RunRecord",
    "SiteRecord",
    "Store",
    "StoreError",
    "StoredItem",
    "VersionRecord",
    "open_store",
    "resolve_url",
]
