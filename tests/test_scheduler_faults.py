"""`newswatch run` killed with -9 while its crawl runs: the crawl dies with it, and a restart catches up."""

from __future__ import annotations

import signal
import subprocess
import sys

import psutil

from tests.test_crawl_faults import SLOW_LISTING, demo_site, gone, runs, wait_for
from tests.test_scheduler import _config, _stop


def _start(db, config, log):
    return subprocess.Popen(
        [sys.executable, "-m", "newswatch", "--db", db, "run", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def test_a_scheduler_killed_with_minus_9_takes_its_crawl_with_it_and_a_restart_crawls_again_at_once(
    tmp_path, site_server, webhook
):
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    server = site_server(demo_site(tmp_path, {SLOW_LISTING: {"delay": 30}}))
    config = _config(tmp_path, server.url, webhook.port, interval="1h")
    with (tmp_path / "first.log").open("w") as log:
        scheduler = _start(db, config, log)
        try:
            run = wait_for(lambda: next((r for r in runs(db) if r.status == "running"), None), "a running crawl")
            wait_for(lambda: any("_1.html" in path for _, path, _ in server.requests), "articles fetched")
        finally:
            scheduler.send_signal(signal.SIGKILL)
            scheduler.wait(timeout=60)
    assert run.pid and run.pid != scheduler.pid
    wait_for(lambda: gone(run.pid), f"the crawl (pid {run.pid}) to end with its scheduler")
    # the crawl closed on its parent's death: its run is not left "running"
    wait_for(lambda: runs(db)[0].status != "running", "the crawl's run recorded")
    assert (runs(db)[0].status, runs(db)[0].finish_reason) in (("failed", "shutdown"), ("failed", "interrupted"))

    server.site.root.joinpath("v1", "_responses.json").unlink()  # the site answers promptly again
    with (tmp_path / "second.log").open("w") as log:
        scheduler = _start(db, config, log)
        try:  # an hour's interval, but the last run was cut short: crawled again now
            wait_for(lambda: len(runs(db)) == 2 and runs(db)[1].status != "running", "the catch-up crawl")
        finally:
            _stop(scheduler)
    assert [r.status for r in runs(db)] == ["failed", "ok"]


def test_a_restarted_scheduler_leaves_a_live_run_alone_and_records_a_dead_one(tmp_path):
    """Only runs whose process is gone are marked interrupted; a crawl still alive keeps its run."""
    from datetime import UTC, datetime

    from newswatch.scheduler import mark_interrupted
    from storage import open_store
    from storage.holder import Holder

    db = f"sqlite:///{tmp_path / 'nw.db'}"
    sleeper = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        # the sleeper's identity, as its own process would record it
        live = Holder(sleeper.pid, Holder.current().host, psutil.Process(sleeper.pid).create_time())
        with open_store(db) as store:
            now = datetime.now(UTC)
            assert store.acquire_site("cae", live, now) is None
            run_id = store.begin_run("cae", now, live)
        assert mark_interrupted(db) == 0
        assert [r.status for r in runs(db)] == ["running"]
        with open_store(db) as store:  # a second crawl is refused while the sleeper lives
            assert store.acquire_site("cae", Holder.current(), datetime.now(UTC)).holder.pid == sleeper.pid
    finally:
        sleeper.stdin.close()
        sleeper.wait(timeout=60)
    assert mark_interrupted(db) == 1
    assert [(r.id, r.status, r.finish_reason) for r in runs(db)] == [(run_id, "failed", "interrupted")]
