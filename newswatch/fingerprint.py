"""Identity and content fingerprints: a stable id per article, a hash of what matters in it."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

from newswatch.text import comparable

#: Fields whose content makes a new version; other fields (fetch time, position) never do.
HASHED_FIELDS = ("title", "published", "source", "body")
_TRACKING = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "fbclid", "gclid", "spm")


def canonical_url(url: str, declared: str | None = None) -> str:
    """The canonical form of an article URL: a same-site rel=canonical wins, tracking removed."""
    if (
        declared
        and declared.startswith(("http://", "https://"))
        and urlsplit(declared).hostname == urlsplit(url).hostname
    ):
        url = declared
    url = url_query_cleaner(url, _TRACKING, remove=True, keep_fragments=False)
    return canonicalize_url(url, keep_fragments=False)


def item_id(canonical: str) -> str:
    """A stable 16-hex id from the canonical URL; the scheme is ignored (http→https moves)."""
    parts = urlsplit(canonical)
    key = f"{(parts.hostname or '').removeprefix('www.')}{parts.path}?{parts.query}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def content_hash(item: dict) -> str:
    """SHA-256 over the whitespace-normalised fields that matter (HASHED_FIELDS)."""
    payload = {f: comparable(item.get(f)) for f in HASHED_FIELDS}
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(data).hexdigest()
