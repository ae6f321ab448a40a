"""Run health (newswatch.health), operator alerts (newswatch.alerts) and `newswatch runs`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import click.testing
import pytest

import newswatch.commands.operate  # noqa: F401  (registers `runs` on the cli)
from newswatch.alerts import Alert, decide, decide_all
from newswatch.cli import cli
from newswatch.health import FAILING, classify, explain
from storage import RunRecord, open_store
from storage.holder import Holder

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)

# Stats as recorded by real crawls of the demo site (Scrapy 2.19) with one fault injected each;
# memory, timing, scheduler and cache counters left out.
ROBOTS_OK = {"robotstxt/request_count": 1, "robotstxt/response_count": 1, "robotstxt/response_status_count/200": 1}
STATS = {
    "ok": {  # first crawl: 2 listing pages, 8 new articles
        **ROBOTS_OK,
        "finish_reason": "finished",
        "downloader/response_count": 11,
        "downloader/response_status_count/200": 11,
        "response_received_count": 11,
        "item_scraped_count": 8,
        "newswatch/diff/new": 8,
        "newswatch/changes/new": 8,
        "newswatch/dates/parsed": 8,
        "newswatch/listing/pages": 2,
        "newswatch/listing/reached/col2003": 2,
        "newswatch/run/status": "ok",
    },
    "quiet": {  # recrawl: every article answered 304
        **ROBOTS_OK,
        "finish_reason": "finished",
        "downloader/response_count": 11,
        "downloader/response_status_count/200": 11,
        "response_received_count": 11,
        "newswatch/article/not_modified": 8,
        "newswatch/changes/unchanged": 8,
        "newswatch/changes/new": 0,
        "newswatch/listing/pages": 2,
        "newswatch/listing/reached/col2003": 2,
        "newswatch/run/status": "ok",
    },
    "dns": {
        "finish_reason": "finished",
        "robotstxt/request_count": 1,
        "downloader/exception_count": 6,
        "downloader/exception_type_count/scrapy.exceptions.CannotResolveHostError": 6,
        "robotstxt/exception_count/<class 'scrapy.exceptions.CannotResolveHostError'>": 1,
        "retry/count": 4,
        "retry/max_reached": 2,
        "retry/reason_count/scrapy.exceptions.CannotResolveHostError": 4,
        "newswatch/listing/failed": 1,
        "newswatch/run/status": "failed",
    },
    "timeout": {
        **ROBOTS_OK,
        "finish_reason": "finished",
        "downloader/exception_count": 3,
        "downloader/exception_type_count/scrapy.exceptions.DownloadTimeoutError": 3,
        "downloader/response_status_count/200": 1,
        "response_received_count": 1,
        "retry/count": 2,
        "retry/reason_count/scrapy.exceptions.DownloadTimeoutError": 2,
        "newswatch/listing/failed": 1,
        "newswatch/run/status": "failed",
    },
    "refused": {
        "finish_reason": "finished",
        "robotstxt/request_count": 1,
        "downloader/exception_count": 6,
        "downloader/exception_type_count/scrapy.exceptions.DownloadConnectionRefusedError": 6,
        "retry/count": 4,
        "newswatch/listing/failed": 1,
        "newswatch/run/status": "failed",
    },
    "503": {  # the first listing page answered 503 three times (two retries): pagination stops there
        **ROBOTS_OK,
        "finish_reason": "finished",
        "downloader/response_count": 4,
        "downloader/response_status_count/200": 1,
        "downloader/response_status_count/503": 3,
        "response_received_count": 2,
        "retry/count": 2,
        "retry/max_reached": 1,
        "retry/reason_count/503 Service Unavailable": 2,
        "newswatch/listing/failed": 1,
        "newswatch/run/status": "failed",
    },
    "403": {
        **ROBOTS_OK,
        "finish_reason": "finished",
        "downloader/response_count": 2,
        "downloader/response_status_count/200": 1,
        "downloader/response_status_count/403": 1,
        "response_received_count": 2,
        "newswatch/listing/blocked": 1,
        "newswatch/run/status": "failed",
    },
    "429": {
        **ROBOTS_OK,
        "finish_reason": "finished",
        "downloader/response_count": 4,
        "downloader/response_status_count/200": 1,
        "downloader/response_status_count/429": 3,
        "response_received_count": 2,
        "retry/count": 2,
        "retry/reason_count/429 Unknown Status": 2,
        "newswatch/listing/blocked": 1,
        "newswatch/run/status": "failed",
    },
    "robots": {  # robots.txt: Disallow: /cae/html/en/col2003/
        **ROBOTS_OK,
        "finish_reason": "finished",
        "downloader/exception_count": 1,
        "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest": 1,
        "downloader/response_status_count/200": 1,
        "response_received_count": 1,
        "robotstxt/forbidden": 1,
        "newswatch/listing/blocked": 1,
        "newswatch/run/status": "failed",
    },
    "empty": {  # the listing answered 200 with a page that has no article link
        **ROBOTS_OK,
        "finish_reason": "finished",
        "downloader/response_count": 2,
        "downloader/response_status_count/200": 2,
        "response_received_count": 2,
        "newswatch/listing/empty": 1,
        "newswatch/listing/pages": 1,
        "newswatch/listing/reached/col2003": 1,
        "newswatch/run/status": "failed",
    },
    "invalid": {  # article pages lost their title and body: every item dropped, yet the run is "ok"
        **ROBOTS_OK,
        "finish_reason": "finished",
        "downloader/response_count": 11,
        "downloader/response_status_count/200": 11,
        "response_received_count": 11,
        "item_dropped_count": 8,
        "item_dropped_reasons_count/DropItem": 8,
        "newswatch/dates/missing": 8,
        "newswatch/listing/pages": 2,
        "newswatch/listing/reached/col2003": 2,
        "newswatch/validate/invalid": 8,
        "newswatch/validate/invalid/body": 8,
        "newswatch/validate/invalid/title": 8,
        "newswatch/run/status": "ok",
    },
    "article503": {  # one article page answered 503 (and again when rechecked); listings fine
        **ROBOTS_OK,
        "finish_reason": "finished",
        "downloader/response_count": 16,
        "downloader/response_status_count/200": 10,
        "downloader/response_status_count/503": 6,
        "response_received_count": 12,
        "newswatch/article/failed": 2,
        "newswatch/article/not_modified": 7,
        "newswatch/changes/unchanged": 7,
        "newswatch/listing/pages": 2,
        "newswatch/recheck/requests": 1,
        "newswatch/run/status": "partial",
    },
}
#: The run counters that went with each crawl: status, pages, items, new, errors.
COUNTERS = {
    "ok": ("ok", 11, 8, 8, 0),
    "quiet": ("ok", 11, 8, 0, 0),
    "dns": ("failed", 0, 0, 0, 1),
    "timeout": ("failed", 1, 0, 0, 1),
    "refused": ("failed", 0, 0, 0, 1),
    "503": ("failed", 2, 0, 0, 1),
    "403": ("failed", 2, 0, 0, 1),
    "429": ("failed", 2, 0, 0, 1),
    "robots": ("failed", 1, 0, 0, 1),
    "empty": ("failed", 2, 0, 0, 1),
    "invalid": ("ok", 11, 0, 0, 0),
    "article503": ("partial", 12, 7, 0, 2),
}


def run(case: str = "quiet", *, site: str = "cae", n: int = 0, stats: dict | None = None, **fields) -> RunRecord:
    """A RunRecord of one of the recorded crawls, started ``n`` hours after T0."""
    status, pages, items, new, errors = COUNTERS[case]
    values = {
        "id": n + 1,
        "site": site,
        "started_at": T0 + timedelta(hours=n),
        "finished_at": T0 + timedelta(hours=n, minutes=2),
        "status": status,
        "finish_reason": "finished",
        "pages": pages,
        "items": items,
        "new": new,
        "updated": 0,
        "removed": 0,
        "reappeared": 0,
        "errors": errors,
        "stats": dict(STATS[case] if stats is None else stats),
    }
    values.update(fields)
    return RunRecord(**values)


# --- one test per cause ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case, health, explanation",
    [
        ("dns", "site_down", "1 listing page failed: DNS lookup failed"),
        ("timeout", "site_down", "1 listing page timed out"),
        ("refused", "site_down", "1 listing page failed: connection refused"),
        ("503", "site_down", "1 listing page answered 503"),
        ("403", "blocked", "1 listing page answered 403"),
        ("429", "blocked", "1 listing page answered 429 (rate limited)"),
        ("robots", "blocked", "robots.txt forbids 1 listing page"),
        ("empty", "layout_changed", "listing http 200 but no article links (1 of 1 listing page)"),
        ("invalid", "layout_changed", "8 of 8 extracted items dropped as invalid (body, title empty or invalid)"),
        ("quiet", "quiet", "nothing new (2 listing pages, 8 items seen)"),
        ("ok", "ok", "8 new"),
    ],
)
def test_each_recorded_crawl_has_its_health_and_explanation(case, health, explanation):
    record = run(case)
    assert classify(record) == health
    assert explain(record) == explanation


@pytest.mark.parametrize(
    "exception, cause",
    [
        ("twisted.internet.error.DNSLookupError", "DNS lookup failed"),
        ("twisted.internet.error.TimeoutError", "timed out"),
        ("twisted.internet.error.TCPTimedOutError", "timed out"),
        ("twisted.internet.error.ConnectionRefusedError", "connection refused"),
        ("twisted.web._newclient.ResponseNeverReceived", "connection failed"),
    ],
)
def test_twisted_download_errors_of_older_scrapy_are_site_down(exception, cause):
    stats = {
        "finish_reason": "finished",
        f"downloader/exception_type_count/{exception}": 9,
        "downloader/exception_count": 9,
        "newswatch/listing/failed": 3,
    }
    record = run("dns", stats=stats)
    assert classify(record) == "site_down"
    assert cause in explain(record) and "3 listing pages" in explain(record)


def test_several_listing_pages_answering_503():
    stats = {**STATS["503"], "newswatch/listing/failed": 3, "downloader/response_status_count/503": 9}
    assert explain(run("503", stats=stats)) == "3 listing pages answered 503"


def test_no_response_at_all_is_site_down():
    record = run("dns", stats={"finish_reason": "shutdown"}, finish_reason="shutdown")
    assert classify(record) == "site_down"
    assert explain(record) == "no response at all (crawl ended: shutdown)"
    assert classify(run("dns", stats={})) == "site_down"


def test_listing_moved_404_is_a_layout_change_not_an_outage():
    stats = {
        **ROBOTS_OK,
        "finish_reason": "finished",
        "downloader/response_status_count/404": 1,
        "response_received_count": 2,
        "newswatch/listing/failed": 1,
    }
    record = run("503", stats=stats)
    assert classify(record) == "layout_changed"
    assert explain(record) == "1 listing page answered 404"


def test_listing_that_is_not_html_is_a_layout_change():
    stats = {**STATS["quiet"], "newswatch/listing/not_html": 1, "newswatch/listing/pages": 1}
    assert classify(run("quiet", stats=stats)) == "layout_changed"
    assert "1 listing page not HTML" in explain(run("quiet", stats=stats))


def test_a_broken_selector_never_reads_as_removals():
    # Every item dropped as invalid, the run is still status "ok" with nothing flagged: only
    # health tells that the site's layout broke the extraction.
    record = run("invalid")
    assert record.status == "ok" and record.removed == 0
    assert classify(record) == "layout_changed" and classify(record) in FAILING


def test_invalid_items_count_only_when_over_half_of_those_extracted():
    half = {
        **STATS["ok"],
        "newswatch/diff/new": 4,
        "item_scraped_count": 4,
        "newswatch/validate/invalid": 4,
        "newswatch/validate/invalid/title": 4,
    }
    assert classify(run("ok", stats=half, new=4)) == "ok"
    assert explain(run("ok", stats=half, new=4)) == "4 new; 4 invalid items dropped"
    most = {
        **half,
        "newswatch/diff/new": 3,
        "item_scraped_count": 3,
        "newswatch/validate/invalid": 5,
        "newswatch/validate/invalid/title": 5,
    }
    assert classify(run("ok", stats=most, new=3)) == "layout_changed"
    assert explain(run("ok", stats=most, new=3)) == "5 of 8 extracted items dropped as invalid (title empty or invalid)"


def test_selectors_missing_a_field_on_most_pages_is_a_layout_change_naming_spider_and_field():
    stats = {
        **STATS["ok"],
        "newswatch/selectors/pages": 30,
        "newswatch/fallback/body": 27,
        "newswatch/fallback/date": 3,
    }
    record = run("ok", stats=stats, new=8)
    assert classify(record) == "layout_changed"
    assert explain(record) == (
        "cae: selectors for body missed on 27 of 30, for date on 3 of 30 articles; generic extraction used"
    )


def test_a_few_selector_misses_are_noted_on_a_healthy_run():
    stats = {**STATS["ok"], "newswatch/selectors/pages": 8, "newswatch/fallback/date": 4}
    record = run("ok", stats=stats, new=8, site="anso")
    assert classify(record) == "ok"
    assert explain(record) == "8 new; anso: selectors for date missed on 4 of 8 articles; generic extraction used"


def test_a_few_failed_articles_leave_a_healthy_run_healthy():
    record = run("article503")
    assert record.status == "partial"
    assert classify(record) == "quiet"
    assert explain(record) == "nothing new (2 listing pages, 7 items seen); 2 article pages failed"


def test_most_articles_failing_or_refused():
    down = {
        **STATS["quiet"],
        "newswatch/article/not_modified": 1,
        "newswatch/article/failed": 7,
        "downloader/exception_type_count/scrapy.exceptions.DownloadTimeoutError": 21,
    }
    assert classify(run("quiet", stats=down)) == "site_down"
    assert explain(run("quiet", stats=down)) == "7 of 8 article pages timed out"
    refused = {
        **STATS["quiet"],
        "newswatch/article/not_modified": 2,
        "newswatch/article/blocked": 6,
        "downloader/response_status_count/403": 6,
    }
    assert classify(run("quiet", stats=refused)) == "blocked"
    assert explain(run("quiet", stats=refused)) == "6 of 8 article pages refused: answered 403"


def test_ok_needs_a_change_of_any_kind():
    assert classify(run("quiet", removed=1)) == "ok"
    assert explain(run("quiet", removed=1)) == "1 removed"
    assert classify(run("quiet", updated=2, reappeared=1)) == "ok"
    assert explain(run("quiet", updated=2, reappeared=1)) == "2 updated, 1 reappeared"


def test_failing_set():
    assert {"site_down", "blocked", "layout_changed"} == FAILING


# --- precedence -------------------------------------------------------------------------------


def test_site_down_comes_before_blocked():
    stats = {**STATS["503"], "newswatch/listing/blocked": 1, "downloader/response_status_count/403": 1}
    assert classify(run("503", stats=stats)) == "site_down"


def test_blocked_comes_before_layout_changed():
    stats = {**STATS["empty"], "newswatch/listing/blocked": 1, "robotstxt/forbidden": 1}
    assert classify(run("empty", stats=stats)) == "blocked"


def test_layout_changed_comes_before_ok():
    stats = {**STATS["ok"], "newswatch/listing/empty": 1, "newswatch/listing/pages": 3}
    record = run("ok", stats=stats)
    assert record.new == 8 and classify(record) == "layout_changed"
    assert explain(record) == "listing http 200 but no article links (1 of 3 listing pages)"


def test_site_down_comes_before_ok():
    stats = {**STATS["ok"], "newswatch/listing/failed": 1, "downloader/response_status_count/502": 3}
    record = run("ok", stats=stats, status="failed")
    assert classify(record) == "site_down"
    assert explain(record) == "1 listing page answered 502"


def test_a_running_run_says_so():
    assert explain(run("quiet", stats={}, status="running", finished_at=None)) == "still running"


# --- alerts -----------------------------------------------------------------------------------


def history(*cases: str, site: str = "cae") -> list[RunRecord]:
    """Runs of one site, given oldest first, returned newest first as the store lists them."""
    return [run(case, site=site, n=i) for i, case in reversed(list(enumerate(cases)))]


def test_alert_exactly_when_the_streak_reaches_alert_after():
    assert decide(history("quiet", "503"), alert_after=3, remind_every=2) is None
    assert decide(history("quiet", "503", "503"), alert_after=3, remind_every=2) is None
    alert = decide(history("quiet", "503", "503", "503"), alert_after=3, remind_every=2)
    assert alert == Alert("alert", "cae", "site_down", 3, alert.message)
    assert alert.message == (
        "cae: site_down for 3 runs in a row (since 2026-11-02 07:00 UTC): 1 listing page answered 503"
    )


def test_reminders_every_remind_every_runs_and_nothing_in_between():
    kinds = []
    for streak in range(1, 10):
        alert = decide(history("ok", *["403"] * streak), alert_after=3, remind_every=2)
        kinds.append(alert and (alert.kind, alert.streak))
    assert kinds == [None, None, ("alert", 3), None, ("reminder", 5), None, ("reminder", 7), None, ("reminder", 9)]
    reminder = decide(history(*["403"] * 5), alert_after=3, remind_every=2)
    assert reminder.message.startswith("cae: still blocked after 5 runs")


def test_no_reminders_when_remind_every_is_zero():
    assert decide(history(*["503"] * 6), alert_after=3, remind_every=0) is None


def test_a_streak_of_mixed_failures_counts_as_one_and_names_the_newest():
    alert = decide(history("ok", "503", "403", "empty"), alert_after=3, remind_every=5)
    assert (alert.kind, alert.health, alert.streak) == ("alert", "layout_changed", 3)


def test_recovered_once_after_an_alerted_streak():
    runs = history("ok", "dns", "dns", "dns", "dns", "quiet")
    recovered = decide(runs, alert_after=3, remind_every=10)
    assert (recovered.kind, recovered.health, recovered.streak) == ("recovered", "quiet", 4)
    assert recovered.message.startswith("cae: recovered (quiet) after 4 failing runs (last: site_down)")
    assert decide(history("ok", "dns", "dns", "dns", "dns", "quiet", "ok"), alert_after=3, remind_every=10) is None


def test_no_recovery_message_after_a_streak_too_short_to_alert():
    assert decide(history("ok", "503", "503", "quiet"), alert_after=3, remind_every=1) is None


def test_a_restart_neither_repeats_nor_forgets():
    runs = history("ok", "503", "503", "503")
    assert decide(runs, 3, 2) == decide(list(runs), 3, 2)  # same history, same single decision
    assert decide(history("ok", "503", "503", "503", "503"), 3, 2) is None  # next run: no second alert


def test_running_runs_are_ignored():
    runs = history("ok", "503", "503", "503")
    in_progress = run("quiet", n=10, stats={}, status="running", finished_at=None)
    assert decide([in_progress, *runs], 3, 2).kind == "alert"


def test_killed_crawls_neither_extend_nor_break_a_streak():
    killed = [run("quiet", n=n, stats={}, status="failed", finish_reason="interrupted") for n in (5, 4)]
    runs = history("ok", "503", "503", "503")  # n = 0..3
    assert decide([*killed, *runs], 3, 2).kind == "alert"
    healthy = run("quiet", n=6)
    assert decide([healthy, *killed, *runs], 3, 2).kind == "recovered"
    assert classify(killed[0]) == "site_down"  # on its own, nothing answered
    # but a crawl killed before it recorded anything says nothing about the site: `runs` says what happened
    assert explain(killed[0]) == "interrupted: the crawl's process ended before it recorded the run"


def test_sites_are_judged_independently():
    cae = history("ok", "503", "503", "503", site="cae")
    anso = history("503", "503", "503", "quiet", site="anso")
    mixed = sorted(cae + anso, key=lambda r: r.started_at, reverse=True)
    alerts = decide_all(mixed, alert_after=3, remind_every=2)
    assert [(a.site, a.kind, a.health) for a in alerts] == [
        ("anso", "recovered", "quiet"),
        ("cae", "alert", "site_down"),
    ]
    assert decide_all(cae + history("quiet", "ok", site="anso"), 3, 2) == [decide(cae, 3, 2)]
    with pytest.raises(ValueError, match="one site"):
        decide(mixed, 3, 2)


def test_alert_after_must_be_positive():
    with pytest.raises(ValueError):
        decide(history("503"), alert_after=0, remind_every=1)
    assert decide([], alert_after=1, remind_every=1) is None


# --- newswatch runs -------------------------------------------------------------------------


@pytest.fixture
def runs_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    with open_store(url) as store:
        for i, (site, case) in enumerate([("cae", "ok"), ("anso", "robots"), ("cae", "503"), ("cae", "invalid")]):
            status, pages, items, new, errors = COUNTERS[case]
            run_id = store.begin_run(site, T0 + timedelta(hours=i))
            store.finish_run(
                run_id,
                finished_at=T0 + timedelta(hours=i, minutes=1),
                status=status,
                finish_reason="finished",
                pages=pages,
                items=items,
                new=new,
                errors=errors,
                stats=STATS[case],
            )
        # a crawl still running: this process holds the site's lease
        holder = Holder.current()
        store.acquire_site("anso", holder, T0 + timedelta(hours=9))
        store.begin_run("anso", T0 + timedelta(hours=9), holder)
    return url


def invoke(db: str, *args: str) -> click.testing.Result:
    result = click.testing.CliRunner().invoke(cli, ["--db", db, "runs", *args])
    assert result.exit_code == 0, result.output
    return result


def test_runs_json_lists_runs_newest_first_with_health(runs_db):
    rows = json.loads(invoke(runs_db, "--format", "json").output)
    assert [(r["site"], r["status"], r["health"]) for r in rows] == [
        ("anso", "running", None),
        ("cae", "ok", "layout_changed"),
        ("cae", "failed", "site_down"),
        ("anso", "failed", "blocked"),
        ("cae", "ok", "ok"),
    ]
    assert rows[0]["explanation"] == "still running"
    assert rows[2] == {
        "id": 3,
        "site": "cae",
        "started_at": "2026-11-02T08:00:00+00:00",
        "finished_at": "2026-11-02T08:01:00+00:00",
        "status": "failed",
        "finish_reason": "finished",
        "pages": 2,
        "items": 0,
        "new": 0,
        "updated": 0,
        "removed": 0,
        "reappeared": 0,
        "errors": 1,
        "fallback": {"pages": 0, "fields": {}},
        "health": "site_down",
        "explanation": "1 listing page answered 503",
        "worker": None,
    }


def test_runs_filters_by_site_and_limit(runs_db):
    rows = json.loads(invoke(runs_db, "--site", "cae", "--limit", "2", "--format", "json").output)
    assert [(r["site"], r["health"]) for r in rows] == [("cae", "layout_changed"), ("cae", "site_down")]


def test_runs_table(runs_db):
    out = " ".join(invoke(runs_db, "--site", "anso").output.replace("│", " ").split())  # unwrap cells
    assert "blocked: robots.txt forbids 1 listing page" in out
    assert "still running" in out
    assert invoke(runs_db, "--site", "nope").output == "No runs of nope.\n"
