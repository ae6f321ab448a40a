"""Revisit policy: recent articles every run, older ones in a rolling slice bounded in runs and in time."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from newswatch.demo import SITE
from newswatch.revisit import RevisitPolicy, full_recheck_due

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def test_recent_and_undated_articles_are_rechecked_every_run():
    policy = RevisitPolicy(recent_days=30, older_every=timedelta(days=7))
    assert policy.every_run("2026-11-01", NOW)  # recent
    assert policy.every_run(None, NOW)  # undated: always
    assert policy.every_run("not a date", NOW)
    assert not policy.every_run("2025-03-01", NOW)  # old
    assert not policy.every_run("2025-03-01T10:00:00+08:00", NOW)
    assert RevisitPolicy(older_every=timedelta(0)).every_run("2001-01-01", NOW)  # 0: everything every run


def simulate(policy, count, runs, gap, start=NOW, jitter=None):
    """Crawl ``runs`` times, ``gap`` apart; returns the ids rechecked per run and the checks' times."""
    checked = {f"item{i:03d}": start - timedelta(hours=1) for i in range(count)}  # all stored by one first crawl
    history, times = [], {key: [] for key in checked}
    now = start
    for run in range(runs):
        chosen = policy.rolling(checked, now, gap if run else None)
        assert len(chosen) == len(set(chosen))
        for key in chosen:
            checked[key] = now
            times[key].append(now)
        history.append(chosen)
        now += jitter(run) if jitter else gap
    return history, times


@pytest.mark.parametrize("count", [1, 4, 12, 97, 1500])
def test_every_old_article_comes_round_within_the_bound_in_runs_with_an_even_load(count):
    policy = RevisitPolicy(older_every=timedelta(days=7), within_runs=5)
    history, _ = simulate(policy, count, runs=20, gap=timedelta(hours=1))
    for start in range(0, 16):  # any 5 consecutive runs recheck every article
        assert set().union(*history[start : start + 5]) == {f"item{i:03d}" for i in range(count)}
    sizes = [len(h) for h in history]
    assert max(sizes) == min(sizes) == -(-count // 5)  # the same slice every run


def test_rare_runs_still_recheck_every_article_within_the_hours_with_an_even_load():
    """Runs two days apart: five runs would be ten days, so the slice grows to keep seven days."""
    policy = RevisitPolicy(older_every=timedelta(days=7), within_runs=5)
    history, times = simulate(policy, 100, runs=30, gap=timedelta(days=2))
    for stamps in times.values():
        assert stamps, "every article is rechecked"
        assert all(b - a <= timedelta(days=7) for a, b in itertools.pairwise(stamps))
    sizes = [len(h) for h in history[1:]]  # the first run has no pace to go by
    assert max(sizes) - min(sizes) <= 2 and max(sizes) <= 34  # a third each run (3 runs fit in 7 days), no wave


def test_a_run_much_later_than_usual_rechecks_what_would_pass_the_hours():
    policy = RevisitPolicy(older_every=timedelta(hours=24), within_runs=5)
    pace = [timedelta(hours=1)] * 10 + [timedelta(days=3)] + [timedelta(hours=1)] * 5
    history, _ = simulate(policy, 50, runs=16, gap=None, jitter=lambda run: pace[run])
    assert len(history[11]) == 50  # three days without a run: everything is overdue, all rechecked now


def test_articles_unchecked_for_longer_than_the_hours_are_all_rechecked():
    checked = {f"item{i}": NOW - timedelta(days=8 + i) for i in range(10)} | {"fresh": NOW - timedelta(hours=2)}
    chosen = RevisitPolicy(older_every=timedelta(days=7), within_runs=5).rolling(checked, NOW, timedelta(hours=1))
    assert chosen == [f"item{i}" for i in reversed(range(10))]  # overdue, oldest first; "fresh" waits


def test_zero_hours_rechecks_everything_and_no_candidates_nothing():
    assert RevisitPolicy(older_every=timedelta(0)).rolling({"b": NOW, "a": NOW}, NOW, None) == ["a", "b"]
    assert RevisitPolicy().rolling({}, NOW, timedelta(hours=1)) == []


def test_least_recently_checked_first():
    checked = {"new": NOW - timedelta(hours=1), "old": NOW - timedelta(days=3), "mid": NOW - timedelta(days=1)}
    assert RevisitPolicy(within_runs=3).rolling(checked, NOW, timedelta(minutes=10)) == ["old"]
    assert RevisitPolicy(within_runs=2).rolling(checked, NOW, timedelta(minutes=10)) == ["old", "mid"]


def test_full_recheck_due():
    week = timedelta(days=7)
    assert full_recheck_due(week, None, NOW)
    assert not full_recheck_due(week, NOW - timedelta(days=6), NOW)
    assert full_recheck_due(week, NOW - week, NOW)
    assert not full_recheck_due(timedelta(0), None, NOW)


def test_second_crawl_rechecks_a_slice_of_old_articles_and_every_listing_and_recent_one(crawler, site_server):
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
    recent = ["20261027093512345_1.html", "20261015101233418_1.html", "20260930150812064_1.html"]
    recent.append("20260918092547733_1.html")
    old = {"20260902113405291_1.html", "20260820164118502_1.html", "20260805140327816_1.html"}
    old.add("20260721085956147_1.html")
    assert set(recent) <= set(articles) and len(articles) == len(recent) + 1  # one old one: ceil(4 / 5)
    assert (set(articles) - set(recent)) <= old
    with crawler.store() as store:
        run = store.runs(site="cae", limit=1)[0]
        assert run.status == "ok" and (run.new, run.updated, run.removed) == (0, 0, 0)
        assert run.stats["newswatch/revisit/rolling"] == 1 and run.stats["newswatch/revisit/not_due"] == 3
        assert "newswatch/revisit/listing_changed" not in run.stats
        assert store.changes(site="cae", kinds=["removed"]) == []
        checked = {i.url.rsplit("/", 1)[-1]: i.last_checked_at for i in map(store.get_item, _ids(store))}
    assert len({checked[name] for name in recent}) == 1  # all checked by the second run
    assert sum(checked[name] == checked[recent[0]] for name in old) == 1
    assert "Crawl summary" in done.stdout


def _ids(store):
    return list(store.known_items("cae"))


class Stats(dict):
    def inc_value(self, key, count=1):
        self[key] = self.get(key, 0) + count

    def set_value(self, key, value):
        self[key] = value


class Spider:
    @staticmethod
    def article_request(url, listing, page):
        return (url, listing, page)


def article_filter(full=False, items=12):
    from newswatch.crawling.revisit import ArticleFilter
    from newswatch.crawling.session import CrawlSession
    from storage import KnownItem

    previous_run = NOW - timedelta(hours=6)
    known = {
        f"id{n:02d}": KnownItem(
            id=f"id{n:02d}",
            url=f"https://example.org/n/{n}",
            content_hash="h",
            extractor_version="1",
            status="active",
            listing="news",
            page=1,
            last_seen_at=previous_run + timedelta(minutes=1) if n else NOW - timedelta(days=3),  # id00: not listed
            published="2020-01-01" if n < items - 1 else "2026-11-20",  # the last one is recent
            title=f"Old news number {n}",
            last_checked_at=NOW - timedelta(days=1 if n else 5, minutes=n),  # higher n: longer ago; id00 longest
        )
        for n in range(items)
    }
    session = CrawlSession(store=None, site="s", run_id=2, known=known)
    found = ArticleFilter(session, RevisitPolicy(within_runs=5), Stats(), full=full, gap=timedelta(hours=6), now=NOW)
    found.plan(previous_run)
    return found


def test_the_slice_is_planned_from_the_previous_listing_and_completed_after_the_listings():
    from newswatch.listed import Listed

    found = article_filter()
    # Ten older articles listed last run (id01-id10): two planned, the least recently checked.
    assert found.planned == {"id10", "id09"}
    asked = {n: found(f"https://example.org/n/{n}", Listed(f"Old news number {n}", "2020-01-01")) for n in range(12)}
    assert [n for n, wanted in asked.items() if wanted] == [9, 10, 11]  # the planned two and the recent one
    late = found.rolling_requests(Spider())
    # id00 came back to the listing, checked longest ago of all listed: the slice over this run's
    # eleven older ones (three) takes it too, after the listings.
    assert late == [("https://example.org/n/0", None, None)]
    assert (found.stats["newswatch/revisit/rolling"], found.stats["newswatch/revisit/rolling_late"]) == (3, 1)
    assert found.stats["newswatch/revisit/not_due"] == 8
    assert found.session.listed_fresh == {f"id{n:02d}" for n in range(11)}  # listed: never taken for removed


def test_a_listing_entry_that_differs_makes_an_old_article_due_now_and_full_makes_all():
    from newswatch.listed import Listed

    found = article_filter()
    assert found("https://example.org/n/3", Listed("Old news number 3 (corrected)", "2020-01-01"))
    assert found("https://example.org/n/4", Listed("Old news number 4", "2020-01-02"))
    assert not found("https://example.org/n/5", Listed("OLD NEWS NUMBER 5", "2020-01-01"))  # case only
    assert not found("https://example.org/n/6", Listed("Old news num...", None))  # cut, no date
    assert found.stats["newswatch/revisit/listing_changed"] == 2
    assert found("https://example.org/n/99")  # never seen: new
    full = article_filter(full=True)
    assert full.planned == set()
    assert all(full(f"https://example.org/n/{n}", None) for n in range(12))
    assert full.rolling_requests(Spider()) == []
