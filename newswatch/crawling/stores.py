"""The database handles a crawl opens: one per use, or kept open across the crawls of a crawl host.

A `newswatch crawl` process opens the store a few times (leases, the run, the read-back) and closes
each one; a crawl host runs crawl after crawl, so there each database is opened (and its schema
checked) once and its connection pool stays up for the next crawl.
"""

from __future__ import annotations

from storage import Store, open_store, resolve_url

_kept: dict[str, Store] = {}
_keeping = False


def keep_open() -> None:
    """From now on, a store opened for a crawl stays open (one per database) until :func:`close_kept`."""
    global _keeping
    _keeping = True


def open_crawl_store(url: str | None) -> Store:
    """The store of the database at ``url`` for a crawl; give it back with :func:`release`."""
    if not _keeping:
        return open_store(url)
    key = resolve_url(url)
    store = _kept.get(key)
    if store is None:
        store = _kept[key] = open_store(key)
    return store


def release(store: Store) -> None:
    """Close a crawl's store, unless it is kept open for the next crawl."""
    if store not in _kept.values():
        store.close()


def close_kept() -> None:
    """Close the kept stores (the crawl host is ending)."""
    global _keeping
    _keeping = False
    while _kept:
        _kept.popitem()[1].close()
