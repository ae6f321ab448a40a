"""CrawlSession: the state one crawl shares between the monitor extension and the pipelines."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from newswatch.fingerprint import canonical_url, item_id


@dataclass
class CrawlSession:
    """Store handle, run id, the site's stored items and what this crawl has seen of them."""

    store: object
    site: str
    run_id: int
    known: dict = field(default_factory=dict)
    seen: set = field(default_factory=set)
    unchanged_urls: set = field(default_factory=set)
    gone_urls: set = field(default_factory=set)
    listed_fresh: set = field(default_factory=set)
    #: Ids of the items whose page this crawl fetched and stored (the 304s are in unchanged_urls).
    checked: set = field(default_factory=set)
    outcomes: dict = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    #: Text signatures computed beside the events (item URL → stored form), taken by the store's linking.
    signatures: dict = field(default_factory=dict)
    _by_url: dict = field(default_factory=dict)
    _by_hash: dict | None = None

    def __post_init__(self):
        self._by_url = {k.url: k.id for k in self.known.values()}

    def repost_of(self, item_id_: str, content_hash: str) -> str | None:
        """The stored item a new URL re-posts (same content hash, same site), else None.

        Sites move old items into new columns under new URLs; such a copy is the same item.
        """
        if item_id_ in self.known:
            return None
        if self._by_hash is None:
            self._by_hash = {}
            for known in sorted(self.known.values(), key=lambda k: k.last_seen_at):
                self._by_hash[known.content_hash] = known.id
        found = self._by_hash.get(content_hash)
        return found if found != item_id_ else None

    def id_for(self, url: str) -> str:
        """The item id for a fetched URL: the stored item's when known, else from the URL."""
        return self._by_url.get(url) or item_id(canonical_url(url))

    @staticmethod
    def of(crawler) -> CrawlSession | None:
        return getattr(crawler, "newswatch_session", None)
