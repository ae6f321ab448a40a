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
