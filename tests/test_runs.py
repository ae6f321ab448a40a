"""Run status and removal rules."""

from newswatch.runs import position_reached, removals, run_status
from newswatch.runstats import RunStats, read_stats


def _status(finish_reason="finished", **kw):
    return run_status(RunStats(**{"listing_pages": 3, **kw}), finish_reason)


def test_status():
    assert _status() == "ok"
    assert _status(article_failed=1) == "partial"
    # one bad page is not a broken layout, but a page not stored: the run is not clean
    assert _status(dated=8, invalid=1) == "partial"
    for bad in (
        {"listing_failed": 1},
        {"listing_not_html": 1},
        {"listing_empty": 1},
        {"listing_pages": 0},
        {"finish_reason": "shutdown"},
        {"listing_blocked": 1},
        {"store_errors": 2},
        {"dated": 8, "invalid": 5},
    ):
        assert _status(**bad) == "failed", bad


def test_one_reader_gives_status_and_health_the_same_counters():
    stats = read_stats(
        {
            "newswatch/listing/pages": 2,
            "newswatch/listing/failed": 1,
            "newswatch/listing/not_html": 1,
            "newswatch/article/failed": 3,
            "newswatch/dates/parsed": 5,
            "newswatch/dates/missing": 1,
            "newswatch/article/not_modified": 4,
        }
    )
    assert (stats.listing_pages, stats.listing_failed, stats.listing_not_html, stats.article_failed) == (2, 1, 1, 3)
    assert stats.items_seen == 10
    assert run_status(stats, "finished") == "failed"


def test_removals_only_after_clean_crawl_and_only_gone_pages():
    assert removals("ok", {"a", "b"}, {"a", "c"}) == ["a"]
    assert removals("partial", {"a"}, {"a"}) == []
    assert removals("failed", {"a"}, {"a"}) == []


def test_position_reached():
    assert position_reached(("col2003", 2), {"col2003": 2})
    assert not position_reached(("col2003", 3), {"col2003": 2})  # scrolled past the crawl's depth
    assert not position_reached(("col2061", 1), {"col2003": 5})
    assert not position_reached((None, None), {"col2003": 5})
