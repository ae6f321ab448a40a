"""Run outcome rules: when a crawl is clean, which missing items to recheck, which are removed."""

from __future__ import annotations

from dataclasses import dataclass

OK, PARTIAL, FAILED = "ok", "partial", "failed"


@dataclass(frozen=True, slots=True)
class CrawlFacts:
    """What a finished crawl observed, from its stats."""

    finish_reason: str
    listing_pages: int
    listing_failed: int
    listing_empty: int
    listing_blocked: int
    article_failed: int
    article_blocked: int
    store_errors: int = 0
    items_seen: int = 0  # extracted, or unchanged (304) since they were
    items_invalid: int = 0


def facts_from_stats(stats: dict, finish_reason: str) -> CrawlFacts:
    """Pick a crawl's facts out of Scrapy's stats (newswatch/<role>/<what> counters)."""
    get = lambda key: int(stats.get(f"newswatch/{key}", 0))  # noqa: E731
    return CrawlFacts(
        finish_reason=finish_reason,
        listing_pages=get("listing/pages"),
        listing_failed=get("listing/failed") + get("listing/not_html"),
        listing_empty=get("listing/empty"),
        listing_blocked=get("listing/blocked"),
        article_failed=get("article/failed"),
        article_blocked=get("article/blocked"),
        store_errors=get("store/errors"),
        items_seen=get("dates/parsed") + get("dates/unparsed") + get("dates/missing") + get("article/not_modified"),
        items_invalid=get("validate/invalid"),
    )


def run_status(facts: CrawlFacts) -> str:
    """ok, partial (some articles failed) or failed (a listing failed, was empty, or the crawl stopped).

    An empty listing on HTTP 200 is a failure, never "everything was removed"; so is a run where
    most extracted items broke the schema (a selector that no longer matches).
    """
    if (
        facts.finish_reason != "finished"
        or facts.listing_pages == 0
        or facts.listing_failed
        or facts.listing_empty
        or facts.listing_blocked
        or facts.store_errors
        or (facts.items_seen and 2 * facts.items_invalid > facts.items_seen)
    ):
        return FAILED
    if facts.article_failed or facts.article_blocked or facts.items_invalid:
        return PARTIAL  # an item dropped as invalid (an empty or binary page) is a page not stored
    return OK


def position_reached(position: tuple[str | None, int | None], reached: dict[str, int]) -> bool:
    """True when this crawl's listing got as deep as the page where the item was last seen."""
    listing, page = position
    if listing is None or page is None:
        return False
    return reached.get(listing, 0) >= page


def removals(status: str, gone_ids: set[str], active_ids: set[str]) -> list[str]:
    """Items to flag REMOVED: only after a clean crawl, only those whose page answered 404/410."""
    if status != OK:
        return []
    return sorted(gone_ids & active_ids)
