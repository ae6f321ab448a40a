"""Crawl hosts: crawl after crawl in one process gives exactly what separate `newswatch crawl` runs give.

A host (`newswatch crawl-host`, driven as `newswatch worker` drives it) and separate `newswatch crawl`
processes run the same sequence of crawls — two sites, each site again after it changed, and one
unchanged — on two fresh PostgreSQL schemas; every stored row (runs and their stats, items,
versions, changes, events) must match, as must the exit statuses.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import FIXTURE_SITES, PG_URL, require_pg

#: Columns that hold when or by which process something happened: they differ between any two runs.
WHEN_OR_WHO = {
    "started_at",
    "finished_at",
    "first_seen_at",
    "last_seen_at",
    "last_checked_at",
    "fetched_at",
    "detected_at",
    "pid",
    "host",
    "proc_started",
    "worker",
    "updated_at",
    "linked_at",
}
#: Tables whose rows are numbered as a crawl writes them: in the order its pages happened to arrive.
NUMBERED_AS_WRITTEN = ("item_versions", "changes")
#: Scrapy stats that measure time or this process's memory.
TIMING_STATS = (
    "start_time",
    "finish_time",
    "elapsed_time_seconds",
    "memusage/",
    "responses_per_minute",
    "items_per_minute",
)
TABLES = ("sites", "runs", "items", "item_versions", "changes", "events", "event_sources")
LISTING = "/cae/html/en/col2003/column_2003_1.html"


@pytest.fixture
def pg_schemas(pg_admin):
    """Fresh migrated PostgreSQL databases (private schemas, dropped afterwards), made on demand."""
    from sqlalchemy.engine import make_url

    from storage import open_store
    from storage.engine import normalise_url

    admin = require_pg(pg_admin)
    made = []

    def make() -> str:
        schema = f"nw_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        made.append(schema)
        url = make_url(normalise_url(PG_URL)).update_query_dict({"options": f"-csearch_path={schema}"})
        url = url.render_as_string(hide_password=False)
        open_store(url).close()
        return url

    yield make
    with admin.connect() as conn:
        for schema in made:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


def _snapshot(db: str) -> dict[str, list]:
    """Every row of the crawl's tables, without the columns that say when or by which process."""
    from storage.engine import create_engine

    engine = create_engine(db)
    metadata = sa.MetaData()
    out: dict[str, list] = {}
    try:
        with engine.connect() as conn:
            for name in TABLES:
                table = sa.Table(name, metadata, autoload_with=conn)
                skip = WHEN_OR_WHO | ({"id"} if name in NUMBERED_AS_WRITTEN else set())
                columns = [c for c in table.c if c.name not in skip]
                rows = [_steady(dict(row)) for row in conn.execute(sa.select(*columns)).mappings()]
                out[name] = sorted(rows, key=lambda row: json.dumps(row, sort_keys=True, default=repr))
    finally:
        engine.dispose()
    return out


def _steady(row: dict) -> dict:
    """A row without its times, its stored item's (``data``) included, and without timing stats."""
    stats = row.get("stats")
    if isinstance(stats, dict):
        row["stats"] = {k: v for k, v in stats.items() if not k.startswith(TIMING_STATS)}
    if isinstance(row.get("data"), dict):
        row["data"] = {k: v for k, v in row["data"].items() if k not in WHEN_OR_WHO}
    return row


def _differences(got: list[dict], expected: list[dict]) -> list:
    """(row, column, got, expected) wherever two snapshots of a table differ (the first few)."""
    if len(got) != len(expected):
        return [("rows", len(got), len(expected))]
    found = []
    for i, (a, b) in enumerate(zip(got, expected, strict=True)):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                if isinstance(a.get(key), dict) and isinstance(b.get(key), dict):
                    inner = {k for k in set(a[key]) | set(b[key]) if a[key].get(k) != b[key].get(k)}
                    found.append((i, key, {k: (a[key].get(k), b[key].get(k)) for k in sorted(inner)}))
                else:
                    found.append((i, key, a.get(key), b.get(key)))
    return found[:10]


def _steps(demo, oldnews, cache: Path) -> list[tuple[object, str, list[str]]]:
    """(server, version, `newswatch crawl` arguments): a spider site and a generic site, each changed."""
    common = ["-s", f"HTTPCACHE_DIR={cache}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSWATCH_EVENT_WORKERS=1"]
    cae = ["cae", "-s", f"NEWSWATCH_BASE_URL={demo.url}", "-s", "NEWSWATCH_SECTIONS=col2003", *common]
    generic = ["--url", f"{oldnews.url}{LISTING}", "--name", "oldnews", *common]
    return [
        (demo, "v1", cae),
        (oldnews, "v1", generic),
        (demo, "v2", cae),  # new, updated and removed items
        (demo, "v2", cae),  # the same site again
        (oldnews, "v2", generic),  # updated items on the other site
    ]


def test_a_host_crawls_exactly_as_separate_crawl_commands(pg_schemas, site_server, tmp_path):
    from newswatch.cluster.hosts import CrawlHost
    from newswatch.demo import SITE
    from storage import open_store
    from storage.holder import Holder

    demo, oldnews = site_server(SITE), site_server(FIXTURE_SITES / "oldnews")
    alone_db, hosted_db = pg_schemas(), pg_schemas()

    alone = []
    for server, version, args in _steps(demo, oldnews, tmp_path / "alone-cache"):
        server.set_version(version)
        done = subprocess.run(
            [sys.executable, "-m", "newswatch", "--db", alone_db, "crawl", *args],
            capture_output=True,
            text=True,
            timeout=300,
        )
        alone.append(done.returncode)

    async def hosted() -> tuple[list[dict], list[int], list[int], int]:
        host = await CrawlHost.start()
        results, pids = [], set()
        try:
            for server, version, args in _steps(demo, oldnews, tmp_path / "hosted-cache"):
                server.set_version(version)
                results.append(await host.crawl(args, hosted_db, timeout=None))
                pids.add(host.pid)
            # A request `newswatch crawl` refuses is refused alike, and the host serves on.
            refused = await host.crawl(["nosuch"], hosted_db, timeout=None)
            with open_store(hosted_db) as store:  # a site another live process is crawling
                assert store.acquire_site("cae", Holder.current(), datetime.now(UTC)) is None
            busy = await host.crawl(_steps(demo, oldnews, tmp_path / "hosted-cache")[0][2], hosted_db, timeout=None)
            return results, sorted(pids), [refused["exit"], busy["exit"]], host.pid
        finally:
            await host.close()
            assert not host.alive

    results, pids, refusals, pid = asyncio.run(hosted())
    assert len(pids) == 1 and pid != os.getpid()  # one host ran every crawl
    assert [r["exit"] for r in results] == alone == [0, 0, 0, 0, 0]
    assert [r["crawls"] for r in results] == [1, 2, 3, 4, 5]
    assert [r["runs"] for r in results] == [[1], [2], [3], [4], [5]]
    assert refusals == [2, 75]

    expected, got = _snapshot(alone_db), _snapshot(hosted_db)
    kinds = [(c["run_id"], c["kind"]) for c in expected["changes"]]
    assert {"new", "updated", "removed"} <= {k for _, k in kinds}  # the sequence flags every kind it can
    for table in TABLES:
        assert got[table] == expected[table], (table, _differences(got[table], expected[table]))


def test_a_host_answers_each_bad_request_with_one_line_and_serves_on():
    from newswatch.crawling.host import Host

    sent: list[dict] = []
    stop = lambda: sent.append({"stop": 1})  # noqa: E731
    host = Host(lambda args, db: pytest.fail("no plan for a bad request"), sent.append, stop)
    host.request(b"not json")
    host.request(b'{"db": "x"}')
    host.request(json.dumps({"args": [1, 2], "db": None}).encode()[:5])
    assert [m["exit"] for m in sent] == [2, 2, 2]
    assert all(m["error"].startswith("not a crawl request") for m in sent)
    host.terminate()  # idle: it ends at once
    assert sent[-1] == {"stop": 1} and host.ending


class _FakeHost:
    def __init__(self, crawls: int, rss: int, alive: bool = True):
        self.crawls, self.rss, self.alive, self.pid, self.closed = crawls, rss, alive, 0, False

    async def close(self) -> None:
        self.closed = True


def test_a_host_is_kept_until_it_has_run_its_crawls_or_grown_past_its_memory():
    from newswatch.cluster.hosts import HostLimits, HostPool

    async def scenario():
        pool = HostPool(HostLimits(max_crawls=3, max_memory=100))
        fresh, worn, fat, dead = _FakeHost(2, 100), _FakeHost(3, 10), _FakeHost(1, 101), _FakeHost(1, 1, alive=False)
        pool.hosts |= {fresh, worn, fat, dead}
        for host in (fresh, worn, fat, dead):
            pool.give_back(host)
        await asyncio.gather(*pool._retiring)
        return pool, (fresh, worn, fat, dead)

    pool, (fresh, worn, fat, dead) = asyncio.run(scenario())
    assert pool.idle == [fresh]
    assert (worn.closed, fat.closed, fresh.closed, dead.closed) == (True, True, False, False)
    assert pool.hosts == {fresh}
