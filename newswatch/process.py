"""The pure part of the item pipeline in one call, for saved pages (`newswatch extract`)."""

from __future__ import annotations

from newswatch.cleaning import clean_item
from newswatch.dates import parse_date
from newswatch.event import extract_event
from newswatch.fingerprint import canonical_url, content_hash, item_id


def finish_item(
    raw: dict, tz: str | None = None, languages: tuple[str, ...] | None = None, day_first: bool | None = None
) -> dict:
    """Clean, date, extract the event and fingerprint a raw item exactly as the crawl pipelines do."""
    item = clean_item(raw)
    raw_date = item["published_raw"]
    item["published"] = parse_date(raw_date, tz, languages, day_first) if raw_date else None
    item["event"] = extract_event(
        item.get("title") or "", item.get("body") or "", item["published"], item.get("language")
    )
    item["canonical_url"] = canonical_url(item["url"], item.get("canonical_url"))
    item["id"] = item_id(item["canonical_url"])
    item["content_hash"] = content_hash(item)
    return item
