"""Crawls under faults, end to end: concurrent crawls, kill -9, read-only database, double Ctrl-C, encodings.

Each test runs `newswatch crawl` in subprocesses against the demo site served from 127.0.0.1, and
waits on conditions (a run recorded, a log line written), never on fixed sleeps.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from newswatch.demo import SITE
from storage import open_store

SECTION = "col2003"
ARTICLES = "cae/html/en/col2003"
#: The second listing page answers this late: a crawl is still running while a test acts on it.
SLOW_LISTING = "/cae/html/en/col2003/column_2003_2.html"


def demo_site(tmp_path: Path, responses: dict | None = None) -> Path:
    """A copy of the demo site's first version, with ``_responses.json`` overrides."""
    root = tmp_path / "site"
    shutil.copytree(SITE / "v1", root / "v1")
    if responses:
        (root / "v1" / "_responses.json").write_text(json.dumps(responses), "utf-8")
    return root


def article_files(root: Path) -> list[Path]:
    return sorted((root / "v1" / ARTICLES).glob("*/*/*.html"))


def crawl_args(db: str, cache: Path, base_url: str, *extra: str) -> list[str]:
    settings = [
        f"NEWSWATCH_BASE_URL={base_url}",
        f"NEWSWATCH_SECTIONS={SECTION}",
        f"HTTPCACHE_DIR={cache}",
        "AUTOTHROTTLE_ENABLED=False",
        "NEWSWATCH_REVISIT_OLDER_HOURS=0",
        "LOG_LEVEL=INFO",
        *extra,
    ]
    return [sys.executable, "-m", "newswatch", "--db", db, "crawl", "cae", *(x for s in settings for x in ("-s", s))]


def runs(db: str) -> list:
    with open_store(db) as store:
        return sorted(store.runs(site="cae"), key=lambda r: r.id)


def wait_for(predicate, what: str, timeout: float = 120):
    """Poll ``predicate`` until it returns something true; fail after ``timeout`` (a generous bound)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def running_run(db: str):
    """The run recorded "running", once there is one."""
    return next((r for r in runs(db) if r.status == "running"), None)


def flagged(db: str) -> list[tuple[str, str, int]]:
    with open_store(db) as store:
        return sorted((c.item_id, c.kind, c.version) for c in store.changes(site="cae"))


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


# 1. concurrent crawls ------------------------------------------------------------------------------


def test_a_second_crawl_of_a_site_being_crawled_is_refused_and_nothing_is_flagged_twice(
    store_url, tmp_path, site_server
):
    server = site_server(demo_site(tmp_path, {SLOW_LISTING: {"delay": 3}}))
    first = subprocess.Popen(
        crawl_args(store_url, tmp_path / "cache", server.url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        held = wait_for(lambda: running_run(store_url), "the first crawl's run")
        second = subprocess.run(
            crawl_args(store_url, tmp_path / "cache", server.url), capture_output=True, text=True, timeout=300
        )
        _, err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
    assert second.returncode == 75 and second.stdout == "", second.stderr[-2000:]  # not the other crawl's result
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and "cae is already being crawled" in lines[0] and f"pid {first.pid}" in lines[0], lines
    assert first.returncode == 0, err[-2000:]
    assert [(r.id, r.status) for r in runs(store_url)] == [(held.id, "ok")]  # the refused crawl made no run
    changes = flagged(store_url)
    assert len(changes) == 8 and len({item for item, _, _ in changes}) == 8
    assert {kind for _, kind, _ in changes} == {"new"}


def test_one_of_two_crawls_taking_a_site_at_once_wins(store_url):
    """Check-and-take is one transaction: of processes racing for a lease, exactly one gets it."""
    code = (
        "import sys; from datetime import UTC, datetime; from storage import open_store; "
        "from storage.holder import Holder\n"
        "with open_store(sys.argv[1]) as s:\n"
        "    print('won' if s.acquire_site('cae', Holder.current(), datetime.now(UTC)) is None else 'lost')\n"
        "    sys.stdin.read()\n"  # hold the lease (stay alive) until told to end
    )
    open_store(store_url).close()  # migrated once, before the race
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", code, store_url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    try:
        results = sorted(r.stdout.readline().strip() for r in racers)
    finally:
        for r in racers:
            r.stdin.close()
            r.wait(timeout=60)
    assert results == ["lost", "lost", "lost", "won"]


def test_crawls_sharing_an_http_cache_file_do_not_lock_each_other_out(tmp_path):
    """Two writers on one SQLite cache file, interleaved: neither waits on the other's open transaction."""
    from newswatch.crawling import sqlitedbm

    path = str(tmp_path / "generic.db")
    one, two = sqlitedbm.open(path, "c"), sqlitedbm.open(path, "c")
    one._cx.execute("PRAGMA busy_timeout = 200")
    two._cx.execute("PRAGMA busy_timeout = 200")
    for i in range(50):
        one[f"a{i}"] = b"x" * 1000
        two[f"b{i}"] = b"y" * 1000
    assert len(one) == len(two) == 100
    one.close()
    two.close()


# 2. kill -9 ---------------------------------------------------------------------------------------


def test_a_crawl_killed_with_minus_9_is_recorded_interrupted_and_the_next_crawl_runs(tmp_path, site_server):
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    server = site_server(demo_site(tmp_path, {SLOW_LISTING: {"delay": 30}}))
    killed = subprocess.Popen(
        crawl_args(db, tmp_path / "cache", server.url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(lambda: running_run(db), "the crawl's run")
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=60)
    listed = subprocess.run(
        [sys.executable, "-m", "newswatch", "--db", db, "runs", "--format", "json"], capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    assert runs(db)[0].pid == killed.pid and runs(db)[0].host  # what the next crawl checks
    assert [(r["status"], r["finish_reason"]) for r in json.loads(listed.stdout)] == [("failed", "interrupted")]
    server.site.root.joinpath("v1", "_responses.json").unlink()  # the site answers promptly again
    again = subprocess.run(crawl_args(db, tmp_path / "cache", server.url), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert [(r.status, r.finish_reason) for r in runs(db)] == [("failed", "interrupted"), ("ok", "finished")]


# 3. crawl reports its own run, true exit codes ------------------------------------------------------


def test_a_crawl_on_a_read_only_database_says_so_in_one_line_and_fails(tmp_path, site_server):
    path = tmp_path / "nw.db"
    db = f"sqlite:///{path}"
    server = site_server(demo_site(tmp_path))
    first = subprocess.run(crawl_args(db, tmp_path / "cache", server.url), capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr[-2000:]
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    done = subprocess.run(
        crawl_args(read_only, tmp_path / "cache", server.url), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stdout == ""  # not the earlier run's "ok … 8 new"
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "readonly database" in lines[0], lines
    assert [r.status for r in runs(db)] == ["ok"]


def test_a_double_ctrl_c_ends_the_crawl_with_its_run_failed_and_a_non_zero_exit(tmp_path, site_server):
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    server = site_server(demo_site(tmp_path, {SLOW_LISTING: {"delay": 30}}))
    log = tmp_path / "crawl.log"
    with log.open("w") as err:
        proc = subprocess.Popen(crawl_args(db, tmp_path / "cache", server.url), stdout=subprocess.PIPE, stderr=err)
        try:
            wait_for(lambda: running_run(db), "the crawl's run")
            proc.send_signal(signal.SIGINT)
            wait_for(lambda: "shutting down gracefully" in log.read_text(), "the first Ctrl-C taken")
            proc.send_signal(signal.SIGINT)
            out, _ = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
    text = log.read_text()
    assert proc.returncode not in (0, None)
    assert "Traceback" not in text, text[-3000:]
    [run] = runs(db)
    assert run.status == "failed" and run.pid == proc.pid
    assert "running" not in out.decode()


# 7. encodings -------------------------------------------------------------------------------------


def test_pages_mis_declared_as_utf8_are_decoded_as_cp1252_or_gb18030_and_not_flagged_updated(tmp_path, site_server):
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    root = demo_site(tmp_path)
    latin, chinese = article_files(root)[:2]
    html = latin.read_text("utf-8")
    title = html.split('<h1 class="title">', 1)[1].split("</h1>", 1)[0]
    latin.write_bytes(html.replace(title, "Académie’s “Café Forum” on Bridges").encode("cp1252"))
    html = chinese.read_text("utf-8").replace('lang="en"', 'lang="zh-CN"')
    title = html.split('<h1 class="title">', 1)[1].split("</h1>", 1)[0]
    chinese.write_bytes(html.replace(title, "中国工程院召开桥梁健康监测研讨会").encode("gb18030"))
    server = site_server(root)
    for attempt in range(2):
        done = subprocess.run(crawl_args(db, tmp_path / "cache", server.url), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        if attempt == 0:  # the second crawl fetches every page again, without the cache
            shutil.rmtree(tmp_path / "cache")
    with open_store(db) as store:
        titles = {store.find_item(server.url + "/" + str(p.relative_to(root / "v1"))).title for p in (latin, chinese)}
    assert titles == {"Académie’s “Café Forum” on Bridges", "中国工程院召开桥梁健康监测研讨会"}
    assert {kind for _, kind, _ in flagged(db)} == {"new"}
    assert [r.updated for r in runs(db)] == [0, 0]
