"""`newswatch run` on a 10 s interval: an old article's body edit is flagged within the rolling recheck's bound."""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

from conftest import FIXTURE_SITES

from storage import open_store

WITHIN = 3
EDITED = "20191128163020671_1.html"  # H, published 2019: its body changes in v2


def _config(tmp_path, site_url):
    path = tmp_path / "newswatch.toml"
    settings = {
        "NEWSWATCH_BASE_URL": site_url,
        "NEWSWATCH_SECTIONS": "col2003",
        "HTTPCACHE_DIR": str(tmp_path / "cache"),
        "AUTOTHROTTLE_ENABLED": "False",
        "NEWSWATCH_REVISIT_WITHIN": str(WITHIN),
    }
    table = ", ".join(f'{k} = "{v}"' for k, v in settings.items())
    path.write_text(
        f"""
[scheduler]
max_concurrent = 1
stagger = "1s"
misfire_grace = "30s"

[sites.cae]
spider = "cae"
interval = "10s"
settings = {{ {table} }}
""",
        "utf-8",
    )
    return path


def _runs(db):
    with open_store(db) as store:
        return sorted(store.runs(site="cae"), key=lambda r: r.started_at)


def _flag_run(db):
    """The run that flagged the edited article, if one has."""
    with open_store(db) as store:
        found = [c for c in store.changes(site="cae", kinds=["updated"]) if c.url.endswith(EDITED)]
    return found[0].run_id if found else None


def _wait(predicate, timeout=240, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_scheduled_site_gets_an_old_articles_edit_flagged_within_the_bound(tmp_path, site_server):
    server = site_server(FIXTURE_SITES / "oldnews")
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    log = open(tmp_path / "run.log", "w")  # noqa: SIM115 (closed once the scheduler has stopped)
    proc = subprocess.Popen(
        [sys.executable, "-m", "newswatch", "--db", db, "run", "--config", str(_config(tmp_path, server.url))],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        _wait(lambda: [r for r in _runs(db) if r.status != "running"], what="a first finished run")
        switched = datetime.now(UTC)
        server.set_version("v2")
        done_after = lambda: [r for r in _runs(db) if r.started_at > switched and r.status != "running"]  # noqa: E731
        _wait(lambda: _flag_run(db) or len(done_after()) >= WITHIN + 1, what="the edit flagged or the bound passed")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        log.close()
    assert proc.returncode == 0, (tmp_path / "run.log").read_text()

    runs = _runs(db)
    flag_run = _flag_run(db)
    assert flag_run is not None, "the edit of the old article was never flagged"
    after = [r.id for r in runs if r.started_at > switched]
    assert flag_run not in after or after.index(flag_run) < WITHIN  # within NEWSWATCH_REVISIT_WITHIN runs
    for before, later in itertools.pairwise(runs):  # never two crawls of the site at once
        assert before.finished_at is not None and later.started_at >= before.finished_at
    finished = [r for r in runs if r.finish_reason == "finished"]
    assert finished and all(r.status == "ok" for r in finished)
    assert all(r.stats.get("newswatch/revisit/rolling", 0) <= -(-12 // WITHIN) for r in finished)  # an even slice
    with open_store(db) as store:
        edits = [c for c in store.changes(site="cae", kinds=["updated"]) if c.url.endswith(EDITED)]
    assert len(edits) == 1 and edits[0].changed_fields == ["body"]  # flagged once
