"""Run status and removal rules."""

from newswatch.runs import CrawlFacts, facts_from_stats, position_reached, removals, run_status


def _facts(**kw):
    base = dict(
        finish_reason="finished",
        listing_pages=3,
        listing_failed=0,
        listing_empty=0,
        listing_blocked=0,
        article_failed=0,
        article_blocked=0,
    )
    base.update(kw)
    return CrawlFacts(**base)


def test_status():
    assert run_status(_facts()) == "ok"
    assert run_status(_facts(article_failed=1)) == "partial"
    # one bad page is not a broken layout, but a page not stored: the run is not clean
    assert run_status(_facts(items_seen=8, items_invalid=1)) == "partial"
    for bad in (
        {"listing_failed": 1},
        {"listing_empty": 1},
        {"listing_pages": 0},
        {"finish_reason": "shutdown"},
        {"listing_blocked": 1},
        {"store_errors": 2},
        {"items_seen": 8, "items_invalid": 5},
    ):
        assert run_status(_facts(**bad)) == "failed", bad


def test_facts_from_stats():
    facts = facts_from_stats(
        {
            "newswatch/listing/pages": 2,
            "newswatch/listing/failed": 1,
            "newswatch/listing/not_html": 1,
            "newswatch/article/failed": 3,
        },
        "finished",
    )
    assert (facts.listing_pages, facts.listing_failed, facts.article_failed) == (2, 2, 3)


def test_removals_only_after_clean_crawl_and_only_gone_pages():
    assert removals("ok", {"a", "b"}, {"a", "c"}) == ["a"]
    assert removals("partial", {"a"}, {"a"}) == []
    assert removals("failed", {"a"}, {"a"}) == []


def test_position_reached():
    assert position_reached(("col2003", 2), {"col2003": 2})
    assert not position_reached(("col2003", 3), {"col2003": 2})  # scrolled past the crawl's depth
    assert not position_reached(("col2061", 1), {"col2003": 5})
    assert not position_reached((None, None), {"col2003": 5})
