"""Several machines on one PostgreSQL: `newswatch worker` dispatch, per-site locks and fail-over, for real.

Each test has a private schema (the queue's tables included, through the connection's search_path),
real workers in subprocesses and loopback sites; waits are on conditions with generous timeouts.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import PG_URL, require_pg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


@pytest.fixture
def cluster_db(pg_admin):
    """A migrated PostgreSQL database URL in a private schema (dropped afterwards)."""
    from sqlalchemy.engine import make_url

    from storage import open_store
    from storage.engine import normalise_url

    admin = require_pg(pg_admin)
    schema = f"nw_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(normalise_url(PG_URL)).update_query_dict({"options": f"-csearch_path={schema}"})
    url = url.render_as_string(hide_password=False)
    open_store(url).close()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


def _wait(predicate, timeout: float = 180, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _newswatch(db: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newswatch", "--db", db, *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )


def _site(root: Path, articles: int = 20, delay: float = 0.0) -> Path:
    """A generated CAE-style site (generic spider), every article answered after ``delay`` seconds."""
    from sitegen import generate

    generate(root, n_articles=articles)
    manifest = json.loads((root / "manifest.json").read_text())
    if delay:
        responses = {item["path"]: {"delay": delay} for item in manifest["items"]}
        (root / "v1" / "_responses.json").write_text(json.dumps(responses))
    return root


def _config(path: Path, sites: dict[str, str], cache: Path, **extra: str) -> Path:
    """A newswatch.toml with one daily generic site per (name, listing URL)."""
    settings = {"HTTPCACHE_DIR": str(cache), "AUTOTHROTTLE_ENABLED": "False", "LOG_LEVEL": "INFO", **extra}
    inline = ", ".join(f'{k} = "{v}"' for k, v in settings.items())
    text = '[scheduler]\nstagger = "0s"\n'
    for name, url in sites.items():
        text += f'\n[sites.{name}]\nurl = "{url}"\ninterval = "1d"\nsettings = {{ {inline} }}\n'
    path.write_text(text)
    return path


def _start_worker(db: str, config: Path, log: Path, *extra: str) -> subprocess.Popen:
    """A `newswatch worker` in its own process group, with fast heartbeats."""
    cmd = [sys.executable, "-m", "newswatch", "--db", db, "worker", "--config", str(config)]
    cmd += ["--heartbeat", "1", "--stalled-after", "4", "--tick", "1", *extra]
    return subprocess.Popen(cmd, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return proc.wait()


def _engine(db: str) -> sa.Engine:
    from storage.engine import create_engine

    return create_engine(db)


def _rows(db: str, sql: str, **params) -> list:
    engine = _engine(db)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).all()
    finally:
        engine.dispose()


def _children(pid: int) -> list[int]:
    """Pids whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _in_group(pgid: int) -> list[int]:
    """Live (not zombie) pids in process group ``pgid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


# -- one clear line for a database that cannot hold the queue; the schema applied once -------------------------


def test_worker_needs_postgresql(tmp_path):
    done = _newswatch(f"sqlite:///{tmp_path / 'nw.db'}", "worker", "--init")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs PostgreSQL" in lines[0] and "newswatch run" in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_workers_on_a_database_no_worker_used_says_so_and_creates_nothing(cluster_db):
    done = _newswatch(cluster_db, "workers")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "No workers have run on this database (start one with: newswatch worker)."
    assert _rows(cluster_db, "SELECT to_regclass('procrastinate_jobs')")[0][0] is None


def test_init_applies_the_queue_schema_once_in_the_databases_own_schema(cluster_db, pg_admin):
    from newswatch.cluster.queue import ensure_schema

    first = _newswatch(cluster_db, "worker", "--init")
    assert first.returncode == 0, first.stderr
    assert "task queue ready" in first.stdout
    again = _newswatch(cluster_db, "worker", "--init")
    assert again.returncode == 0, again.stderr
    assert ensure_schema(cluster_db) is False  # already there: nothing applied
    schema = cluster_db.rsplit("search_path%3D", 1)[-1].split("&")[0] if "%3D" in cluster_db else None
    schema = schema or cluster_db.rsplit("search_path=", 1)[-1]
    with pg_admin.connect() as conn:
        where = conn.execute(
            sa.text("SELECT table_schema FROM information_schema.tables WHERE table_name = 'procrastinate_jobs'")
        ).scalars()
        assert schema in set(where)


# -- dispatch: a due site is queued once however many dispatchers run --------------------------------------------


def _load(path: Path):
    from newswatch.config import load_config
    from newswatch.crawling.runner import site_names

    return load_config(path, site_names())


def _waiting_crawls(db: str) -> list[str]:
    rows = _rows(
        db, "SELECT args->>'site' FROM procrastinate_jobs WHERE task_name = 'newswatch.crawl' AND status = 'todo'"
    )
    return sorted(r[0] for r in rows)


def test_dispatch_queues_each_due_site_once_however_many_dispatchers_run(cluster_db, tmp_path):
    from newswatch.cluster import dispatch, queue, tasks

    path = tmp_path / "newswatch.toml"
    path.write_text(
        '[scheduler]\nstagger = "0s"\n'
        '[sites.alpha]\nurl = "http://127.0.0.1:9/a"\ninterval = "6h"\njitter = "10m"\n'
        '[sites.beta]\nurl = "http://127.0.0.1:9/b"\ncron = "0 */6 * * *"\n'
        '[sites.gamma]\nurl = "http://127.0.0.1:9/c"\ninterval = "1h"\nenabled = false\n'
    )
    config = _load(path)
    queue.ensure_schema(cluster_db)
    now = datetime(2026, 12, 3, 10, 7, tzinfo=UTC)
    queued: list[list[str]] = []
    with tasks.app.replace_connector(queue.connector(cluster_db)) as app, app.open():
        engines = [_engine(cluster_db) for _ in range(4)]
        start = threading.Barrier(len(engines))

        def run(engine):
            start.wait()
            queued.append(dispatch.dispatch(engine, config, now, tasks.queue_crawl))

        threads = [threading.Thread(target=run, args=(e,)) for e in engines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert sorted(s for q in queued for s in q) == ["alpha", "beta"]
        assert _waiting_crawls(cluster_db) == ["alpha", "beta"]
        due = dispatch.due_times(engines[0])
        assert set(due) == {"alpha", "beta"}  # a disabled site has no schedule
        assert now + timedelta(hours=6) - timedelta(minutes=10) <= due["alpha"] <= now + timedelta(hours=6, minutes=10)
        assert due["beta"] == datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
        # Not due again before its time; due again later while its first crawl still waits: not queued twice.
        assert dispatch.dispatch(engines[0], config, now + timedelta(minutes=1), tasks.queue_crawl) == []
        assert dispatch.dispatch(engines[0], config, now + timedelta(days=1), tasks.queue_crawl) == []
        assert _waiting_crawls(cluster_db) == ["alpha", "beta"]
        assert dispatch.due_times(engines[0])["beta"] == datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
        for engine in engines:
            engine.dispose()


def test_a_crawl_holding_a_sites_lock_keeps_the_sites_next_crawl_waiting(cluster_db):
    from newswatch.cluster import queue, tasks

    queue.ensure_schema(cluster_db)

    async def scenario():
        with tasks.app.replace_connector(queue.connector(cluster_db)) as app:
            async with app.open_async():
                manager = app.job_manager
                worker_id = await manager.register_worker()
                assert await tasks.queue_crawl_async("alpha") is True
                taken = await manager.fetch_job(queues=[tasks.CRAWL_QUEUE], worker_id=worker_id)
                assert taken.task_kwargs == {"site": "alpha"}
                # The site's next crawl can wait (one at most), but no worker can take it while the first runs.
                assert await tasks.queue_crawl_async("alpha") is True
                assert await tasks.queue_crawl_async("alpha") is False
                assert await tasks.queue_crawl_async("beta") is True
                other = await manager.fetch_job(queues=[tasks.CRAWL_QUEUE], worker_id=worker_id)
                assert other.task_kwargs == {"site": "beta"}
                assert await manager.fetch_job(queues=[tasks.CRAWL_QUEUE], worker_id=worker_id) is None
                await manager.finish_job(taken, status=tasks.queue_jobs.Status.SUCCEEDED, delete_job=False)
                second = await manager.fetch_job(queues=[tasks.CRAWL_QUEUE], worker_id=worker_id)
                assert second.task_kwargs == {"site": "alpha"} and second.id != taken.id

    asyncio.run(scenario())


# -- real workers: every site crawled once, a dead worker's crawl redone by another -------------------------------


def _runs(db: str, site: str | None = None) -> list:
    sql = "SELECT site, worker, status, finish_reason, new FROM runs" + (" WHERE site = :site" if site else "")
    return _rows(db, sql + " ORDER BY id", site=site)


def _new_flags(db: str) -> dict[str, int]:
    """NEW changes per item."""
    return dict(_rows(db, "SELECT item_id, count(*) FROM changes WHERE kind = 'new' GROUP BY item_id"))


def test_two_workers_crawl_each_due_site_once(cluster_db, tmp_path):
    from newswatch.fixtureserver import serve

    root = _site(tmp_path / "site", articles=5)
    listing = "/cae/html/en/col2003/column_2003_1.html"
    servers = [serve(root, host=f"127.0.0.{i + 2}") for i in range(3)]  # a host (so item ids) of its own each
    sites = {f"site{i}": f"{server.url}{listing}" for i, server in enumerate(servers)}
    config = _config(tmp_path / "newswatch.toml", sites, tmp_path / "cache")
    workers = [_start_worker(cluster_db, config, tmp_path / f"w{i}.log") for i in range(2)]
    try:
        _wait(lambda: sum(r[2] != "running" for r in _runs(cluster_db)) == 3, what="three finished runs")
        listed = json.loads(_newswatch(cluster_db, "workers", "--format", "json").stdout)
        assert {w["queue"] for w in listed["workers"]} == {"crawl", "control"}
        assert len({w["name"] for w in listed["workers"]}) == 2
    finally:
        codes = [_stop(w) for w in workers]
        for server in servers:
            server.stop()
    runs = _runs(cluster_db)
    assert sorted(r[0] for r in runs) == sorted(sites)  # once each: the next run is a day away
    assert all(r[2] == "ok" and r[4] == 5 for r in runs), runs
    assert {r[1] for r in runs} <= {f"{os.uname().nodename}:{w.pid}" for w in workers}
    assert set(_new_flags(cluster_db).values()) == {1} and len(_new_flags(cluster_db)) == 15
    assert codes == [0, 0], [(tmp_path / f"w{i}.log").read_text()[-2000:] for i in range(2)]
    assert _rows(cluster_db, "SELECT count(*) FROM cluster_workers")[0][0] == 0  # stopped cleanly, forgotten
    shown = _newswatch(cluster_db, "runs")
    assert "worker" in shown.stdout.splitlines()[1] and runs[0][1] in shown.stdout
    from fastapi.testclient import TestClient

    from newswatch.web import create_app

    with TestClient(create_app(cluster_db)) as client:
        page = client.get("/sites").text
    assert f"by {runs[0][1]}" in page  # the dashboard's sites page names the worker of the last run


def test_a_worker_killed_mid_crawl_has_its_site_crawled_by_another_and_leaves_no_crawl(
    cluster_db, tmp_path, site_server
):
    # Slow enough (5 s a page) to be still crawling however long the second worker takes to start;
    # prompt again once the first is killed.
    root = _site(tmp_path / "site", articles=20, delay=5.0)
    server = site_server(root)
    listing = f"{server.url}/cae/html/en/col2003/column_2003_1.html"
    config = _config(
        tmp_path / "newswatch.toml",
        {"slow": listing},
        tmp_path / "cache",
        CONCURRENT_REQUESTS="1",
        NEWSWATCH_EVENT_WORKERS="1",
    )
    first = _start_worker(cluster_db, config, tmp_path / "first.log")
    second = None
    try:
        name = f"{os.uname().nodename}:{first.pid}"
        _wait(lambda: [r for r in _runs(cluster_db, "slow") if r[1] == name and r[2] == "running"], what="the crawl")
        crawls = _wait(lambda: _children(first.pid), what="the crawl process")
        listed = json.loads(_newswatch(cluster_db, "workers", "--format", "json").stdout)
        assert [j["site"] for w in listed["workers"] if w["name"] == name for j in w["jobs"]] == ["slow"]
        second = _start_worker(cluster_db, config, tmp_path / "second.log")
        _wait(lambda: _rows(cluster_db, "SELECT count(*) FROM cluster_workers")[0][0] == 4, what="the second worker")
        assert [r[2] for r in _runs(cluster_db, "slow")] == ["running"]  # still mid-crawl when killed
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        (root / "v1" / "_responses.json").unlink()
        # The crawl (and its event worker, in its group) die with their worker: no orphan.
        for pid in crawls:
            _wait(lambda pid=pid: not _in_group(pid), timeout=60, what=f"the crawl group {pid} to die")
        other = f"{os.uname().nodename}:{second.pid}"
        _wait(lambda: [r for r in _runs(cluster_db, "slow") if r[1] == other and r[2] != "running"], what="the redo")
        _wait(lambda: all(r[2] != "running" for r in _runs(cluster_db, "slow")), timeout=60, what="the dead run closed")
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
        code = _stop(second) if second is not None else None
    runs = _runs(cluster_db, "slow")
    assert [(r[1], r[2], r[3]) for r in runs] == [(name, "failed", "interrupted"), (other, "ok", "finished")], runs
    flags = _new_flags(cluster_db)
    assert len(flags) == 20 and set(flags.values()) == {1}  # every item flagged once across both crawls
    assert code == 0, (tmp_path / "second.log").read_text()[-3000:]


def test_a_run_records_the_worker_that_ran_it(store):
    started = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    by_hand = store.begin_run("alpha", started)
    by_worker = store.begin_run("alpha", started + timedelta(minutes=1), worker="host-a:4242")
    assert {r.id: r.worker for r in store.runs(site="alpha")} == {by_hand: None, by_worker: "host-a:4242"}
    assert store.latest_runs()["alpha"].worker == "host-a:4242"


def test_sigterm_stops_a_worker_mid_crawl_with_the_run_recorded_and_no_crawl_left(cluster_db, tmp_path, site_server):
    server = site_server(_site(tmp_path / "site", articles=20, delay=0.5))
    config = _config(
        tmp_path / "newswatch.toml",
        {"slow": f"{server.url}/cae/html/en/col2003/column_2003_1.html"},
        tmp_path / "cache",
        CONCURRENT_REQUESTS="1",
    )
    worker = _start_worker(cluster_db, config, tmp_path / "worker.log")
    try:
        _wait(lambda: [r for r in _runs(cluster_db, "slow") if r[2] == "running"], what="the crawl")
        crawls = _wait(lambda: _children(worker.pid), what="the crawl process")
        code = _stop(worker)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    assert code == 0, (tmp_path / "worker.log").read_text()[-3000:]
    assert [(r[2], r[3]) for r in _runs(cluster_db, "slow")] == [("failed", "shutdown")]
    assert not any(_in_group(pid) for pid in crawls)
    assert _rows(cluster_db, "SELECT count(*) FROM cluster_workers")[0][0] == 0


def test_a_dead_workers_runs_are_interrupted_and_their_site_leases_released(cluster_db):
    from newswatch.cluster import queue, registry
    from storage import open_store
    from storage.holder import Holder

    queue.ensure_schema(cluster_db)
    engine = _engine(cluster_db)
    try:
        with engine.begin() as conn:
            live_id = conn.execute(sa.text("SELECT worker_id FROM procrastinate_register_worker_v1()")).scalar()
        lifelines = _Lifelines(cluster_db)
        lifelines.hold(live_id)
        registry.register(engine, live_id, "host-b:2", 2, "crawl", 1)
        registry.register(engine, live_id + 1000, "host-a:1", 1, "crawl", 1)  # no heartbeat at all: dead
        now = datetime.now(UTC)
        with open_store(cluster_db) as store:
            dead_crawl, live_crawl = Holder(4242, "host-a", 1.0), Holder(4343, "host-b", 1.0)
            assert store.acquire_site("alpha", dead_crawl, now) is None
            assert store.acquire_site("beta", live_crawl, now) is None
            dead_run = store.begin_run("alpha", now, dead_crawl, worker="host-a:1")
            live_run = store.begin_run("beta", now, live_crawl, worker="host-b:2")
        assert registry.interrupt_runs(engine, stalled_after=10) == 1
        with open_store(cluster_db) as store:
            runs = {r.id: (r.status, r.finish_reason) for r in store.runs()}
            assert runs == {dead_run: ("failed", "interrupted"), live_run: ("running", None)}
            assert set(store.site_leases()) == {"beta"}  # alpha can be crawled again at once, from any host
        assert registry.forget_workers(engine) == 1
        assert [v.name for v in registry.workers(engine)] == ["host-b:2"]
        lifelines.close()
    finally:
        engine.dispose()


# -- lifelines: a worker whose process died is dead at once; its crawl queued again and announced ----------------


class _Lifelines:
    """Workers' lifelines held by this test on connections of their own, as `newswatch worker` holds them."""

    def __init__(self, db: str):
        self.db, self.conns = db, {}

    def hold(self, worker_id: int) -> None:
        import psycopg

        from newswatch.cluster import queue, registry

        conn = psycopg.connect(queue.conninfo(self.db), autocommit=True)
        conn.execute(registry.HOLD_LIFELINE, (worker_id,))
        self.conns[worker_id] = conn

    def drop(self, worker_id: int) -> None:
        self.conns.pop(worker_id).close()  # as the kernel closes the socket of a killed process

    def close(self) -> None:
        for worker_id in list(self.conns):
            self.drop(worker_id)


def _register_worker(db: str, engine, name: str, lifelines: _Lifelines | None) -> int:
    from newswatch.cluster import registry

    with engine.begin() as conn:
        worker_id = conn.execute(sa.text("SELECT worker_id FROM procrastinate_register_worker_v1()")).scalar()
    if lifelines is not None:
        lifelines.hold(worker_id)
    registry.register(engine, worker_id, name, int(name.rsplit(":", 1)[1]), "crawl", 1)
    return worker_id


def _listen(db: str, channel: str):
    import psycopg

    from newswatch.cluster import queue

    conn = psycopg.connect(queue.conninfo(db), autocommit=True)
    conn.execute(f'LISTEN "{channel}"')
    return conn


def test_a_worker_whose_lifeline_dropped_has_its_crawl_queued_again_and_announced_at_once(cluster_db):
    """No heartbeat has to go stale (stalled after an hour here) and no worker has to poll for the redo."""
    from newswatch.cluster import queue, registry, tasks

    queue.ensure_schema(cluster_db)
    engine = _engine(cluster_db)
    lifelines = _Lifelines(cluster_db)
    listener = _listen(cluster_db, f"procrastinate_queue_v1#{tasks.CRAWL_QUEUE}")
    tasks.STATE.engine, tasks.STATE.stalled_after = engine, 3600.0

    async def scenario():
        import psycopg

        with tasks.app.replace_connector(queue.connector(cluster_db)) as app:
            async with app.open_async():
                manager = app.job_manager
                dead = _register_worker(cluster_db, engine, "host-a:1", lifelines)
                live = _register_worker(cluster_db, engine, "host-b:2", lifelines)
                assert await tasks.queue_crawl_async("alpha") is True
                job = await manager.fetch_job(queues=[tasks.CRAWL_QUEUE], worker_id=dead)
                line = await psycopg.AsyncConnection.connect(queue.conninfo(cluster_db), autocommit=True)
                try:
                    assert await tasks.recover(line) == []  # both alive: nothing to do
                    list(listener.notifies(timeout=0.5))  # forget the insert's own announcement
                    lifelines.drop(dead)  # the server lets the lock go once it has seen the connection close
                    _wait(lambda: registry.dead_workers(engine, 3600.0) == [dead], what="the lifeline to drop")
                    assert await tasks.recover(line) == [job.id]
                finally:
                    await line.close()
                announced = [json.loads(n.payload) for n in listener.notifies(timeout=60, stop_after=1)]
                assert announced == [{"type": "job_inserted", "job_id": job.id}]
                # Announced again while it waits (a worker busy fetching may have missed it), not once taken.
                assert await tasks.announce_waiting({job.id}) == {job.id}
                announced = [json.loads(n.payload) for n in listener.notifies(timeout=60, stop_after=1)]
                assert announced == [{"type": "job_inserted", "job_id": job.id}]
                again = await manager.fetch_job(queues=[tasks.CRAWL_QUEUE], worker_id=live)
                assert (again.id, again.task_kwargs, again.attempts) == (job.id, {"site": "alpha"}, 1)
                assert await tasks.announce_waiting({job.id}) == set()
                assert _rows(cluster_db, "SELECT id FROM procrastinate_workers") == [(live,)]
                assert [v.name for v in registry.workers(engine)] == ["host-b:2"]

    try:
        asyncio.run(scenario())
    finally:
        lifelines.close()
        listener.close()
        engine.dispose()


async def _recover_until(line, predicate, timeout: float = 120) -> None:
    """Run the recovery on ``line`` until ``predicate()`` holds; fail after ``timeout`` seconds."""
    from newswatch.cluster import tasks

    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for the recovery"
        await tasks.recover(line)
        await asyncio.sleep(0.2)


def test_a_worker_killed_mid_recovery_blocks_no_recovery_and_its_dispatch_is_failed(cluster_db):
    """The recovery's lock dies with its holder's connection; a dead worker's dispatch no longer holds its lock."""
    import psycopg

    from newswatch.cluster import queue, tasks

    queue.ensure_schema(cluster_db)
    engine = _engine(cluster_db)
    lifelines = _Lifelines(cluster_db)
    tasks.STATE.engine, tasks.STATE.stalled_after = engine, 3600.0

    async def scenario():
        with tasks.app.replace_connector(queue.connector(cluster_db)) as app:
            async with app.open_async():
                manager = app.job_manager
                dead = _register_worker(cluster_db, engine, "host-a:1", lifelines)
                await tasks.dispatch.configure(queue=tasks.CONTROL_QUEUE).defer_async(timestamp=0)
                dispatching = await manager.fetch_job(queues=[tasks.CONTROL_QUEUE], worker_id=dead)
                assert dispatching.task_name == tasks.DISPATCH_TASK
                mid_recovery = await psycopg.AsyncConnection.connect(queue.conninfo(cluster_db), autocommit=True)
                line = await psycopg.AsyncConnection.connect(queue.conninfo(cluster_db), autocommit=True)
                try:
                    assert await tasks.recover(mid_recovery) == []  # holds the recovery's lock ...
                    from newswatch.cluster import registry

                    assert await registry.try_recovery(mid_recovery)
                    lifelines.drop(dead)
                    assert await tasks.recover(line) == []  # ... so another worker's recovery waits its turn
                    assert _rows(cluster_db, "SELECT status::text FROM procrastinate_jobs") == [("doing",)]
                    await mid_recovery.close()  # that worker dies mid-recovery: its lock goes with its connection
                    await _recover_until(
                        line, lambda: _rows(cluster_db, "SELECT status::text FROM procrastinate_jobs") == [("failed",)]
                    )  # a dispatch is failed, not queued again: the next tick's will do
                finally:
                    await line.close()
                    if not mid_recovery.closed:
                        await mid_recovery.close()

    try:
        asyncio.run(scenario())
    finally:
        lifelines.close()
        engine.dispose()


def test_newswatch_run_starting_on_a_shared_database_interrupts_only_the_runs_whose_owner_is_gone(cluster_db):
    """A live local process's run, a live worker's run (on another host, lease or not) are left alone.

    Closed: a dead worker's run, a run of this host whose process is gone, and another host's run whose
    site lease lost its lock (its connection closed), however fresh its heartbeat.
    """
    import psutil

    from newswatch.cluster import queue, registry
    from newswatch.scheduler import mark_interrupted
    from storage import open_store
    from storage import tables as t
    from storage.holder import Holder

    queue.ensure_schema(cluster_db)
    engine = _engine(cluster_db)
    lifelines = _Lifelines(cluster_db)
    sleeper = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        _register_worker(cluster_db, engine, "host-b:2", lifelines)  # alive: lifeline held, heartbeat fresh
        dead = _register_worker(cluster_db, engine, "host-c:3", lifelines)
        lifelines.drop(dead)  # its process died
        _wait(lambda: registry.dead_workers(engine, 3600.0) == [dead], what="the lifeline to drop")
        here = Holder.current().host
        now = datetime.now(UTC)
        long_ago = now - timedelta(hours=1)
        with open_store(cluster_db) as store:
            local_live = store.begin_run(
                "alpha", now, Holder(sleeper.pid, here, psutil.Process(sleeper.pid).create_time())
            )  # no lease: a crawl of this host that is still running
            worker_live = store.begin_run("beta", now, Holder(4242, "host-b", 1.0), worker="host-b:2")
            worker_dead = store.begin_run("gamma", now, Holder(4343, "host-c", 1.0), worker="host-c:3")
            remote = Holder(4444, "host-d", 1.0)
            with engine.begin() as conn:  # a lease row whose holder's connection (so its lock) is gone
                conn.execute(
                    sa.insert(t.site_locks).values(
                        site="delta",
                        owner=remote.key(),
                        pid=4444,
                        host="host-d",
                        proc_started=1.0,
                        acquired_at=long_ago,
                        heartbeat_at=now,
                    )
                )
            remote_silent = store.begin_run("delta", long_ago, remote)
            local_gone = store.begin_run("epsilon", now, Holder(2**22 + 7, here, 1.0))  # no such process
        assert mark_interrupted(cluster_db) == 3
        with open_store(cluster_db) as store:
            status = {r.id: (r.status, r.finish_reason) for r in store.runs()}
        assert status == {
            local_live: ("running", None),
            worker_live: ("running", None),
            worker_dead: ("failed", "interrupted"),
            remote_silent: ("failed", "interrupted"),
            local_gone: ("failed", "interrupted"),
        }
    finally:
        sleeper.stdin.close()
        sleeper.wait(timeout=60)
        lifelines.close()
        engine.dispose()


def test_the_site_lease_of_a_crawl_killed_on_another_host_is_free_at_once(cluster_db):
    """The lease's advisory lock dies with its holder's connection: no lease time to live to wait out."""
    from storage import open_store
    from storage.holder import Holder

    holder = (
        "import sys, time\n"
        "from datetime import UTC, datetime\n"
        "from storage import open_store\n"
        "from storage.holder import Holder\n"
        "store = open_store(sys.argv[1])\n"
        "assert store.acquire_site('alpha', Holder(4242, 'host-a', 1.0), datetime.now(UTC)) is None\n"
        "print('held', flush=True)\n"
        "time.sleep(3600)\n"
    )
    crawl = subprocess.Popen(
        [sys.executable, "-c", holder, cluster_db], stdout=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True
    )
    try:
        assert crawl.stdout.readline().strip() == "held"
        with open_store(cluster_db) as store:
            busy = store.acquire_site("alpha", Holder.current(), datetime.now(UTC))
            assert busy is not None and (busy.holder.pid, busy.holder.host) == (4242, "host-a")
            assert store.held_sites() == {"alpha"}
            run = store.begin_run("alpha", datetime.now(UTC), Holder(4242, "host-a", 1.0))
            assert store.dead_runs() == []  # its holder is alive, on another host
        os.killpg(crawl.pid, signal.SIGKILL)
        crawl.wait(timeout=60)
        with open_store(cluster_db) as store:  # the lease row is still there, its heartbeat fresh: yet free
            _wait(lambda: store.held_sites() == set(), what="the server to see the connection closed")
            assert store.dead_runs() == [run]
            assert store.acquire_site("alpha", Holder.current(), datetime.now(UTC)) is None
            assert store.held_sites() == {"alpha"}
            store.release_site("alpha", Holder.current())
            assert store.held_sites() == set() and store.site_leases() == {}
    finally:
        if crawl.poll() is None:
            os.killpg(crawl.pid, signal.SIGKILL)
        crawl.wait(timeout=60)


# -- crawl hosts: kept warm between crawls, retired after N crawls, killed with a crawl that hangs ------------------


def _run_pids(db: str) -> list[tuple[str, str, str | None, int]]:
    return [tuple(r) for r in _rows(db, "SELECT site, status, finish_reason, pid FROM runs ORDER BY id")]


def test_a_worker_runs_its_crawls_in_one_warm_host_and_retires_it_after_its_crawls(cluster_db, tmp_path):
    from newswatch.fixtureserver import serve

    root = _site(tmp_path / "site", articles=3)
    listing = "/cae/html/en/col2003/column_2003_1.html"
    servers = [serve(root, host=f"127.0.0.{i + 2}") for i in range(3)]
    sites = {f"site{i}": f"{server.url}{listing}" for i, server in enumerate(servers)}
    config = _config(tmp_path / "newswatch.toml", sites, tmp_path / "cache", NEWSWATCH_EVENT_WORKERS="1")
    worker = _start_worker(cluster_db, config, tmp_path / "worker.log", "--max-crawls-per-host", "2")
    try:
        _wait(lambda: sum(r[1] != "running" for r in _run_pids(cluster_db)) == 3, what="three finished runs")
        runs = _run_pids(cluster_db)
        first, second = runs[0][3], runs[2][3]
        _wait(lambda: not _in_group(first), timeout=60, what="the retired host and its event worker to end")
        assert second in _children(worker.pid)  # the fresh host waits for the next crawl
        code = _stop(worker)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        for server in servers:
            server.stop()
    assert [r[1] for r in runs] == ["ok", "ok", "ok"], runs
    assert runs[0][3] == runs[1][3] != runs[2][3]  # two crawls in one host, then a fresh one
    assert worker.pid not in {r[3] for r in runs}
    assert code == 0, (tmp_path / "worker.log").read_text()[-3000:]
    assert not _in_group(second)  # no host outlives its worker


def test_a_hanging_crawl_is_killed_with_its_host_and_the_worker_serves_on(cluster_db, tmp_path):
    from newswatch.fixtureserver import serve

    listing = "/cae/html/en/col2003/column_2003_1.html"
    hanging = _site(tmp_path / "hanging", articles=3)
    (hanging / "v1" / "_responses.json").write_text(json.dumps({listing: {"delay": 3600}}))
    servers = [serve(hanging, host="127.0.0.2"), serve(_site(tmp_path / "fine", articles=3), host="127.0.0.3")]
    common = f'HTTPCACHE_DIR = "{tmp_path / "cache"}", AUTOTHROTTLE_ENABLED = "False", ROBOTSTXT_OBEY = "False"'
    config = tmp_path / "newswatch.toml"
    config.write_text(  # the hanging site is due first; only it has a short time limit
        '[scheduler]\nstagger = "1s"\n'
        f'[sites.hang]\nurl = "{servers[0].url}{listing}"\ninterval = "1d"\n'
        f'settings = {{ {common}, NEWSWATCH_CRAWL_TIME_LIMIT = "3" }}\n'
        f'[sites.fine]\nurl = "{servers[1].url}{listing}"\ninterval = "1d"\nsettings = {{ {common} }}\n'
    )
    worker = _start_worker(cluster_db, config, tmp_path / "worker.log")
    try:
        _wait(lambda: [r for r in _run_pids(cluster_db) if r[0] == "fine" and r[1] != "running"], what="the fine site")
        runs = {r[0]: r for r in _run_pids(cluster_db)}
        assert worker.poll() is None
        jobs = dict(
            _rows(
                cluster_db,
                "SELECT args->>'site', status::text FROM procrastinate_jobs WHERE task_name = 'newswatch.crawl'",
            )
        )
        code = _stop(worker)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        for server in servers:
            server.stop()
    log = (tmp_path / "worker.log").read_text()
    assert runs["hang"][1:3] == ("failed", "interrupted"), runs  # recorded at once, not at the site's next crawl
    assert runs["fine"][1] == "ok" and runs["fine"][3] != runs["hang"][3], runs  # a fresh host took over
    assert not _in_group(runs["hang"][3])  # the hanging host's whole group was killed
    assert jobs.get("hang") == "failed", jobs
    assert "ran past its time limit of 3s" in log
    assert code == 0, log[-3000:]
