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
    outcomes: dict = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    _by_url: dict = field(default_factory=dict)

    def __post_init__(self):
        self._by_url = {k.url: k.id for k in self.known.values()}

    def id_for(self, url: str) -> str:
        """The item id for a fetched URL: the stored item's when known, else from the URL."""
        return self._by_url.get(url) or item_id(canonical_url(url))

    @staticmethod
    def of(crawler) -> "CrawlSession | None":
        return getattr(crawler, "newswatch_session", None)
