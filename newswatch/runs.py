"""Run outcome rules: when a crawl is clean, which missing items to recheck, which are removed."""

from __future__ import annotations

from newswatch.runstats import RunStats

OK, PARTIAL, FAILED = "ok", "partial", "failed"


def run_status(stats: RunStats, finish_reason: str) -> str:
    """ok, partial (some articles failed) or failed (a listing failed, was empty, or the crawl stopped).

    An empty listing on HTTP 200 is a failure, never "everything was removed"; so is a run where
    most extracted items broke the schema (a selector that no longer matches).
    """
    if (
        finish_reason != "finished"
        or stats.listing_pages == 0
        or stats.listing_failed
        or stats.listing_not_html
        or stats.listing_empty
        or stats.listing_blocked
        or stats.store_errors
        or (stats.items_seen and 2 * stats.invalid > stats.items_seen)
    ):
        return FAILED
    if stats.article_failed or stats.article_blocked or stats.invalid:
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
