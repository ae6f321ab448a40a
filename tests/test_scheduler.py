"""`newswatch run` against a local site: reruns, no overlap, changes flagged once, digests, SIGTERM, restart."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime

from newswatch.demo import SITE
from storage import open_store


def _config(tmp_path, site_url, hook_port, interval="4s"):
    path = tmp_path / "newswatch.toml"
    path.write_text(
        f"""
[scheduler]
max_concurrent = 1
stagger = "1s"
misfire_grace = "30s"

[health]
alert_after = 2
remind_every = 2

[notify]
analysts = ["json://127.0.0.1:{hook_port}/digest"]
operators = ["json://127.0.0.1:{hook_port}/alerts"]
digest = "per_run"

[sites.cae]
spider = "cae"
interval = "{interval}"
settings = {{ NEWSWATCH_BASE_URL = "{site_url}", NEWSWATCH_SECTIONS = "col2003", HTTPCACHE_DIR = "{tmp_path / "cache"}", AUTOTHROTTLE_ENABLED = "False", NEWSWATCH_REVISIT_OLDER_HOURS = "0" }}
""",
        "utf-8",
    )
    return path


def _start(db, config, log):
    return subprocess.Popen(
        [sys.executable, "-m", "newswatch", "--db", db, "run", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def _runs(db):
    with open_store(db) as store:
        return sorted(store.runs(site="cae"), key=lambda r: r.started_at)


def _wait(predicate, timeout=90, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(proc) -> float:
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()  # leave no scheduler behind, then fail
        raise
    return time.monotonic() - start


def test_scheduler_reruns_flags_changes_once_and_stops_cleanly(tmp_path, site_server, webhook):
    server = site_server(SITE)
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    config = _config(tmp_path, server.url, webhook.port)
    log = open(tmp_path / "run.log", "w")
    proc = _start(db, config, log)
    try:
        _wait(lambda: [r for r in _runs(db) if r.status != "running"], what="a first finished run")
        switched = datetime.now(UTC)
        server.set_version("v2")
        _wait(
            lambda: len([r for r in _runs(db) if r.started_at > switched and r.status != "running"]) >= 2,
            what="two runs after the change",
        )
    finally:
        took = _stop(proc)
    log.close()
    assert proc.returncode == 0, (tmp_path / "run.log").read_text()
    assert took < 20

    runs = _runs(db)
    assert len(runs) >= 3 and all(r.status in ("ok", "failed") for r in runs)
    assert [r.status for r in runs if r.finish_reason == "finished"] == ["ok"] * len(
        [r for r in runs if r.finish_reason == "finished"]
    )
    for before, after in zip(runs, runs[1:]):  # never two crawls of a site at once
        assert after.started_at >= before.finished_at
    with open_store(db) as store:
        flagged = [(c.kind, c.url.rsplit("/", 1)[-1]) for c in store.changes(site="cae")]
    assert len(flagged) == len(set(flagged)) == 8 + 5  # v1's eight new items, then v2's five changes, once each
    digests = [body for path, body in webhook.received if path == "/digest"]
    with_changes = [r for r in runs if r.new + r.updated + r.removed + r.reappeared]
    assert len(digests) == len(with_changes) >= 2  # one per run with changes, none for runs without
    assert "Asian Engineering Academies Discuss Urban Flood Resilience" in json.dumps(digests[1:])
    assert not [p for p, _ in webhook.received if p == "/alerts"]


def test_restart_keeps_one_job_per_site_and_crawls_a_cut_short_site_again_at_once(tmp_path, site_server, webhook):
    slow = tmp_path / "site"
    shutil.copytree(SITE / "v1", slow / "v1")  # the listing answers slowly: the crawl is still running when stopped
    (slow / "v1" / "_responses.json").write_text(json.dumps({"/cae/html/en/col2003/column_2003_2.html": {"delay": 8}}))
    server = site_server(slow)
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    config = _config(tmp_path, server.url, webhook.port, interval="1h")
    jobs = []
    for attempt in range(2):
        log = open(tmp_path / f"run{attempt}.log", "w")
        proc = _start(db, config, log)
        try:
            if attempt == 0:  # stopped while its first crawl runs
                _wait(lambda: any(r.status == "running" for r in _runs(db)) or None, what="a running crawl")
            else:  # the run was cut short: the restart crawls the site again now, not an hour later
                _wait(lambda: len(_runs(db)) == 2 and _runs(db)[-1].status != "running", what="a catch-up crawl")
        finally:
            took = _stop(proc)
        log.close()
        assert proc.returncode == 0 and took < 20, (tmp_path / f"run{attempt}.log").read_text()
        with sqlite3.connect(tmp_path / "nw.db") as conn:
            jobs.append(conn.execute("SELECT id, next_run_time FROM apscheduler_jobs").fetchall())
    assert [job_id for job_id, _ in jobs[0]] == [job_id for job_id, _ in jobs[1]] == ["crawl:cae"]
    assert jobs[0][0][1] > time.time() + 3000 and jobs[1][0][1] > time.time() + 3000  # then hourly again
    runs = _runs(db)
    assert [(r.status, r.finish_reason) for r in runs] == [("failed", "shutdown"), ("ok", "finished")]


def test_operators_are_alerted_after_failing_runs_and_told_of_recovery(tmp_path, site_server, webhook):
    root = tmp_path / "site"
    shutil.copytree(SITE / "v1", root / "v1")
    listing = "/cae/html/en/col2003/column_2003_1.html"
    (root / "v1" / "_responses.json").write_text(json.dumps({listing: {"status": 503}}))
    (root / "v2").mkdir()
    (root / "v2" / "_responses.json").write_text(json.dumps({listing: {"status": 200}}))
    server = site_server(root)
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    config = _config(tmp_path, server.url, webhook.port, interval="3s")
    config.write_text(
        config.read_text().replace(
            'NEWSWATCH_SECTIONS = "col2003"', 'NEWSWATCH_SECTIONS = "col2003", RETRY_TIMES = "0"'
        )
    )
    alerts = lambda: [body for path, body in webhook.received if path == "/alerts"]  # noqa: E731
    log = open(tmp_path / "run.log", "w")
    proc = _start(db, config, log)
    try:
        _wait(lambda: alerts(), what="an alert after two failing runs")
        assert len([r for r in _runs(db) if r.status == "failed"]) >= 2
        server.set_version("v2")
        _wait(lambda: len(alerts()) >= 2 and alerts()[-1].get("type") == "success", what="the recovery message")
    finally:
        _stop(proc)
    log.close()
    first, last = alerts()[0], alerts()[-1]
    assert first["type"] == "failure" and "cae" in first["title"] + first["message"]
    assert "site_down" in first["title"] + first["message"] or "503" in first["message"]
    assert "recover" in (last["title"] + last["message"]).lower()
    assert not [p for p, _ in webhook.received if p == "/digest"][1:]  # only the recovery run's new items


def test_periodic_digest_sends_the_periods_changes_and_nothing_when_there_are_none(tmp_path, webhook, monkeypatch):
    from datetime import timedelta

    from newswatch import scheduler
    from newswatch.config import load_config
    from storage import ItemWrite

    db = f"sqlite:///{tmp_path / 'nw.db'}"
    config = _config(tmp_path, "http://127.0.0.1:9", webhook.port)
    config.write_text(config.read_text().replace('digest = "per_run"', 'digest = "daily"'))
    monkeypatch.setattr(scheduler, "STATE", scheduler._State(config=load_config(config, ["cae", "anso"]), db=db))
    scheduler.digest_job(timedelta(days=1).total_seconds())
    assert webhook.received == []  # no changes: no message at all
    now = datetime.now(UTC)
    with open_store(db) as store:
        run = store.begin_run("cae", now)
        store.save_items(
            run,
            [
                ItemWrite(
                    item={
                        "id": "0123456789abcdef",
                        "site": "cae",
                        "url": "https://en.cae.cn/a_1.html",
                        "canonical_url": "https://en.cae.cn/a_1.html",
                        "title": "Forum held in Beijing",
                        "published": "2026-11-20",
                        "content_hash": "a" * 64,
                        "extractor_version": "cae-1.core-1",
                        "fetched_at": now.isoformat(),
                    },
                    kind="new",
                    at=now,
                )
            ],
        )
    scheduler.digest_job(timedelta(days=1).total_seconds())
    assert [path for path, _ in webhook.received] == ["/digest"]
    assert "Forum held in Beijing" in webhook.received[0][1]["message"]
