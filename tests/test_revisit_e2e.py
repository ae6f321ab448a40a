"""Edits of old articles are never missed: listing changes at once, body edits within a bounded number of runs.

End-to-end crawls of tests/fixtures/sites/oldnews (articles published 2019-2021; see its CHANGES.md)
with the default revisit policy: old articles rechecked a slice per run, within NEWSWATCH_REVISIT_WITHIN
runs (5), instead of every run.
"""

from __future__ import annotations

import math

import pytest
from conftest import FIXTURE_SITES

OLDNEWS = FIXTURE_SITES / "oldnews"
#: The defaults of a real deployment (the test crawler rechecks everything unless told otherwise).
ROLLING = ("NEWSWATCH_REVISIT_OLDER_HOURS=168", "NEWSWATCH_SECTIONS=col2003")
WITHIN = 5
KEYS = {
    "20211118093012457": "A",
    "20210609141508332": "B",
    "20210225101122904": "C",
    "20201203083045118": "D",
    "20200915152233761": "E",
    "20200622110401583": "F",
    "20200311094512220": "G",
    "20191128163020671": "H",
    "20190905102245337": "I",
    "20190617090833486": "J",
    "20190326144511902": "K",
    "20190114101501245": "L",
}


def key(url_or_path: str) -> str:
    return KEYS[url_or_path.rsplit("/", 1)[-1].removesuffix("_1.html")]


def articles_requested(server) -> list[str]:
    return sorted(key(path) for _, path, _ in server.requests if "column_" not in path and path.endswith("_1.html"))


def crawl(crawler, server, *extra: str, check: bool = True):
    """One crawl of the site with the rolling recheck; ``--full`` and -s settings in ``extra``."""
    flags = [x for x in extra if x.startswith("--")]
    settings = [x for x in extra if not x.startswith("--")]
    args = ["crawl", "cae", *flags, "-s", f"NEWSWATCH_BASE_URL={server.url}", "-s", f"HTTPCACHE_DIR={crawler.cache}"]
    for setting in ("AUTOTHROTTLE_ENABLED=False", "LOG_LEVEL=INFO", *ROLLING, *settings):
        args += ["-s", setting]
    server.clear_log()
    done = crawler.run(*args, check=check)
    with crawler.store() as store:
        run = store.runs(site="cae", limit=1)[0]
        flagged = sorted((key(c.url), c.kind, tuple(c.changed_fields)) for c in store.changes() if c.run_id == run.id)
    return run, flagged, articles_requested(server), done


@pytest.fixture
def oldnews(crawler, site_server):
    """The site served in v1 and crawled once: twelve old articles stored, then the site switched to v2."""
    server = site_server(OLDNEWS)
    run, flagged, requested, _ = crawl(crawler, server)
    assert run.status == "ok" and run.new == 12 and len(requested) == 12
    assert {kind for _, kind, _ in flagged} == {"new"}
    server.set_version("v2")
    return server


def test_title_corrected_on_the_listing_is_flagged_in_the_first_crawl_after(crawler, oldnews):
    run, flagged, requested, _ = crawl(crawler, oldnews)
    assert run.status == "ok"
    assert ("B", "updated", ("title",)) in flagged
    assert run.stats["newswatch/revisit/listing_changed"] == 1
    # B at once, plus this run's slice of the eleven others: a fifth of them, not all twelve.
    assert "B" in requested and len(requested) == 1 + math.ceil(11 / WITHIN)
    assert run.stats["newswatch/revisit/rolling"] == math.ceil(11 / WITHIN)
    assert run.stats["newswatch/revisit/not_due"] == 11 - math.ceil(11 / WITHIN)
    assert not [f for f in flagged if f[0] != "B" and f[0] != "H"]  # nothing else; cosmetic E and J never


def test_body_edit_of_an_old_article_is_flagged_within_the_bound_and_once(crawler, oldnews):
    flagged_in, everything, requested_per_run = None, [], []
    for number in range(1, WITHIN + 1):
        run, flagged, requested, _ = crawl(crawler, oldnews)
        assert run.status == "ok" and run.removed == 0
        everything += flagged
        requested_per_run.append(requested)
        if number > 1:  # the slice was planned from the previous run's listing: requested as listings are read
            assert run.stats["newswatch/revisit/rolling_late"] == 0
        if ("H", "updated", ("body",)) in flagged:
            flagged_in = flagged_in or number
    assert flagged_in is not None and flagged_in <= WITHIN
    assert sorted(everything) == [("B", "updated", ("title",)), ("H", "updated", ("body",))]  # once each
    assert set().union(*map(set, requested_per_run)) == set(KEYS.values())  # every article rechecked
    slice_ = math.ceil(11 / WITHIN)
    assert [len(r) for r in requested_per_run][1:] == [math.ceil(12 / WITHIN)] * (WITHIN - 1)  # an even load
    assert len(requested_per_run[0]) == 1 + slice_
    with crawler.store() as store:
        known = store.known_items("cae").values()
        stale = [i for i in known if i.last_checked_at < run.started_at]
        assert all(i.last_seen_at > run.started_at for i in known)  # all seen listed by the last run
    assert len(stale) == 12 - math.ceil(12 / WITHIN)


def test_full_crawl_flags_the_body_edit_in_the_first_crawl_and_revalidates_cheaply(crawler, oldnews):
    run, flagged, requested, _ = crawl(crawler, oldnews, "--full")
    assert run.status == "ok" and run.stats["newswatch/revisit/full"] == 1
    assert requested == sorted(KEYS.values())
    assert flagged == [("B", "updated", ("title",)), ("H", "updated", ("body",))]  # cosmetic E, J not flagged
    again, flagged, requested, _ = crawl(crawler, oldnews, "--full")
    assert flagged == [] and requested == sorted(KEYS.values())
    assert again.stats["newswatch/article/not_modified"] == 12  # all 304: nothing extracted again
    assert "newswatch/dates/parsed" not in again.stats
    with crawler.store() as store:
        checked = {i.last_checked_at for i in store.known_items("cae").values()}
    last_checked = checked.pop()
    assert last_checked >= again.started_at
    shown = crawler.run("show", oldnews.url + "/cae/html/en/col2003/2019-11/28/20191128163020671_1.html", check=True)
    assert f"last checked {last_checked:%Y-%m-%d %H:%M}" in shown.stdout.splitlines()[2]


def test_failed_crawl_flags_no_removals_even_when_a_page_is_gone(crawler, oldnews):
    crawl(crawler, oldnews, "--full")
    oldnews.set_version("v3")
    run, flagged, requested, done = crawl(crawler, oldnews, "--full", "RETRY_TIMES=0", check=False)
    assert done.returncode == 1 and run.status == "failed"
    assert "D" in requested  # answered 404 while listed
    assert flagged == [] and run.removed == 0
    with crawler.store() as store:
        assert {key(i.url): i.status for i in store.known_items("cae").values()}["D"] == "active"
    run, flagged, _, _ = crawl(crawler, oldnews, "RETRY_TIMES=0", check=False)  # the rolling recheck alike
    assert run.status == "failed" and flagged == []


def test_full_every_makes_a_crawl_full_when_the_last_full_one_is_that_old(crawler, site_server):
    server = site_server(OLDNEWS)
    first, _, requested, _ = crawl(crawler, server, "NEWSWATCH_REVISIT_FULL_EVERY_HOURS=24")
    assert first.stats["newswatch/revisit/full"] == 1  # no full recheck yet: this one is
    second, _, requested, _ = crawl(crawler, server, "NEWSWATCH_REVISIT_FULL_EVERY_HOURS=24")
    assert "newswatch/revisit/full" not in second.stats and len(requested) == math.ceil(12 / WITHIN)
    third, _, requested, _ = crawl(crawler, server, "NEWSWATCH_REVISIT_FULL_EVERY_HOURS=0.0000001")
    assert third.stats["newswatch/revisit/full"] == 1 and len(requested) == 12
