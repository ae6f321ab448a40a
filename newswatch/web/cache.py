"""Rendered pages and query results kept per process, keyed by the store's generation.

Every cached value is filed under the generation (:mod:`storage.generation`) read before its data,
so the first request after any write (a crawl, a review from this or another process) misses and
rebuilds: a page is never served stale. A page is kept with a placeholder where the reader's CSRF
token goes, and served with a strong ``ETag`` (its bytes' digest, and the token's) so that a
client that has it gets ``304 Not Modified`` on ``If-None-Match``.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

#: Entries kept per process (pages and query results together); the least recently used go first.
CACHE_ENTRIES = 512
#: Pages that may be cached by a browser or feed reader, which must ask (If-None-Match) before reuse.
CACHE_CONTROL = "private, no-cache"


class GenerationCache:
    """A bounded LRU map of ``(generation, key)`` to values; entries of older generations are dropped."""

    def __init__(self, size: int = CACHE_ENTRIES) -> None:
        self.size = max(size, 1)
        self._entries: OrderedDict[tuple[str, Hashable], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._latest: str | None = None
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, generation: str | None, key: Hashable) -> Any:
        """The value kept for ``key`` at this generation, or None."""
        if generation is None:
            return None
        with self._lock:
            if generation != self._latest:  # the store was written: what was kept is of no more use
                self._latest = generation
                self._entries = OrderedDict((k, v) for k, v in self._entries.items() if k[0] == generation)
            value = self._entries.get((generation, key))
            if value is None:
                self.misses += 1
                return None
            self.hits += 1
            self._entries.move_to_end((generation, key))
            return value

    def put(self, generation: str | None, key: Hashable, value: Any) -> None:
        if generation is None or value is None:
            return
        with self._lock:
            self._entries[(generation, key)] = value
            self._entries.move_to_end((generation, key))
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def value(self, generation: str | None, key: Hashable, build: Callable[[], Any]) -> Any:
        """The value for ``key`` at this generation, built (and kept) when missing."""
        found = self.get(generation, key)
        if found is None:
            found = build()
            self.put(generation, key, found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


@dataclass(frozen=True)
class CachedPage:
    """A response body as rendered, with ``csrf_mark`` where each reader's own CSRF token goes.

    A page with a mark gives its reader a CSRF token (its cookie's, or a new one set as a cookie)
    even when no form shows it, as every dashboard page does.
    """

    body: bytes
    media_type: str
    digest: str
    csrf_mark: bytes | None = None

    @classmethod
    def of(cls, body: bytes, media_type: str, csrf_mark: str | None = None) -> CachedPage:
        return cls(body, media_type, hashlib.sha256(body).hexdigest()[:32], csrf_mark.encode() if csrf_mark else None)

    def response(self, request: Request) -> Response:
        """The page for this request (its CSRF token filled in), or 304 when the client has it."""
        body, etag = self.body, self.digest
        if self.csrf_mark is not None:
            token = request.app.state.guard.csrf_for(request)
            if self.csrf_mark in body:
                body = body.replace(self.csrf_mark, token.encode())
            etag += "-" + hashlib.sha256(token.encode()).hexdigest()[:16]
        headers = {"ETag": f'"{etag}"', "Cache-Control": CACHE_CONTROL}
        if etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=self.media_type, headers=headers)


def etag_matches(header: str | None, etag: str) -> bool:
    """True when an If-None-Match header names ``etag`` (or is ``*``); weak tags compare equal too."""
    if not header:
        return False
    for candidate in header.split(","):
        tag = candidate.strip()
        if tag == "*":
            return True
        tag = tag.removeprefix("W/")
        if tag == f'"{etag}"':
            return True
    return False


def new_csrf_mark() -> str:
    """A placeholder for CSRF tokens in kept pages: random, so no scraped text can contain it."""
    return "csrf-mark-" + secrets.token_hex(16)


def generation_of(request: Request) -> str | None:
    """The store's generation, read once per request, before any of the request's data."""
    try:
        return request.state.generation
    except AttributeError:
        request.state.generation = request.app.state.generation.current()
        return request.state.generation


def cached_page(request: Request, key: Hashable, build: Callable[[], CachedPage]) -> Response:
    """The page ``key`` of the app's cache at the store's current generation, built when missing."""
    page = request.app.state.cache.value(generation_of(request), ("page", key), build)
    return page.response(request)


def cached_value(request: Request, key: Hashable, build: Callable[[], Any]) -> Any:
    """A query result of the app's cache at the store's current generation, built when missing."""
    return request.app.state.cache.value(generation_of(request), ("value", key), build)


__all__ = [
    "CACHE_CONTROL",
    "CACHE_ENTRIES",
    "CachedPage",
    "GenerationCache",
    "cached_page",
    "cached_value",
    "etag_matches",
    "generation_of",
    "new_csrf_mark",
]
