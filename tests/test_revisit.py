"""Revisit policy: listings every run, recent articles every run, older ones once per interval."""

from datetime import UTC, date, datetime, timedelta

from newswatch.demo import SITE
from newswatch.revisit import RevisitPolicy

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def test_recent_undated_and_stale_articles_are_due():
    policy = RevisitPolicy(recent_days=30, older_every=timedelta(days=7))
    checked_now = NOW - timedelta(minutes=5)
    assert policy.due("2026-11-01", checked_now, NOW)  # recent
    assert policy.due(None, checked_now, NOW)  # undated: always
    assert not policy.due("2025-03-01", checked_now, NOW)  # old, checked minutes ago
    assert policy.due("2025-03-01", NOW - timedelta(days=8), NOW)  # old, checked over a week ago
    assert policy.due("2025-03-01T10:00:00+08:00", NOW - timedelta(days=7), NOW)
    assert RevisitPolicy(older_every=timedelta(0)).due("2001-01-01", checked_now, NOW)


def test_second_crawl_skips_old_articles_but_not_listings_or_recent_ones(crawler, site_server):
    """Demo v1: with 'recent' reaching back to 2026-09-10, F A B C are recent; D E G H are old."""
    server = site_server(SITE)
    recent_days = (date.today() - date(2026, 9, 10)).days
    policy = (
        f"NEWSWATCH_REVISIT_RECENT_DAYS={recent_days}",
        "NEWSWATCH_REVISIT_OLDER_HOURS=168",
        "NEWSWATCH_SECTIONS=col2003",
    )
    crawler.crawl("cae", server.url, *policy, check=True)
    server.clear_log()
    done = crawler.crawl("cae", server.url, *policy, check=True)
    paths = [path for _, path, _ in server.requests]
    assert sum("column_2003_" in p for p in paths) == 2  # both listing pages, every run
    articles = sorted(p.rsplit("/", 1)[-1] for p in paths if "column_" not in p and p.endswith(".html"))
    assert articles == sorted(
        ["20261027093512345_1.html", "20261015101233418_1.html", "20260930150812064_1.html", "20260918092547733_1.html"]
    )
    with crawler.store() as store:
        run = store.runs(site="cae", limit=1)[0]
        assert run.status == "ok" and (run.new, run.updated, run.removed) == (0, 0, 0)
        assert run.stats["newswatch/revisit/not_due"] == 4
        assert store.changes(site="cae", kinds=["removed"]) == []
    assert "Crawl summary" in done.stdout
