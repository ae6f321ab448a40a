"""Who works: the queue's workers beside their host and process, which are dead, and their runs.

The queue knows a worker by id and heartbeat only; ``cluster_workers`` adds the name (host:pid) a
run records, so `newswatch workers` can say which machine runs what. A registered worker also holds
a *lifeline*: a session advisory lock on a connection of its own, which PostgreSQL drops the moment
that connection closes, so a worker process that dies (``kill -9``, a crash) is known dead at once,
on any machine, without waiting for its heartbeats to go stale. Heartbeats remain the fallback for a
machine that vanishes without closing its connections (power loss, network cut). The runs of a dead
worker are closed as failed (interrupted) instead of staying "running".
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from newswatch.cluster.tasks import CRAWL_TASK
from storage import tables as t

#: First keys of the advisory locks: a worker's lifeline, and the recovery (one worker at a time runs
#: it). The second key hashes the schema in, so that several newswatch schemas share one database.
LIFELINE_LOCK, RECOVERY_LOCK = 0x6E776C66, 0x6E777263
LIFELINE_KEY = "hashtext(current_schema() || ':' || {id})"
RECOVERY_KEY = "hashtext(current_schema())"

# Queue workers taken for dead: silent for :secs, or registered (lifeline taken) with no lifeline held now.
_DEAD = f"""
SELECT w.id FROM procrastinate_workers w
 WHERE w.last_heartbeat < now() - make_interval(secs => :secs)
    OR (EXISTS (SELECT 1 FROM cluster_workers c WHERE c.id = w.id)
        AND NOT EXISTS (
            SELECT 1 FROM pg_locks l
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND l.classid = {LIFELINE_LOCK}::oid AND l.objid = ({LIFELINE_KEY.format(id="w.id")})::oid))
"""


def worker_name(pid: int) -> str:
    """The name runs record for the worker process ``pid`` on this machine."""
    return f"{socket.gethostname()}:{pid}"


def register(engine: sa.Engine, worker_id: int, name: str, pid: int, queue: str, concurrency: int) -> None:
    """Record a started worker (of one queue) under its queue id."""
    with engine.begin() as conn:
        conn.execute(
            sa.insert(t.cluster_workers).values(
                id=worker_id,
                name=name,
                host=socket.gethostname(),
                pid=pid,
                queue=queue,
                concurrency=concurrency,
                started_at=datetime.now(UTC),
            )
        )


def unregister(engine: sa.Engine, worker_id: int) -> None:
    """Forget a worker that stopped cleanly."""
    with engine.begin() as conn:
        conn.execute(sa.delete(t.cluster_workers).where(t.cluster_workers.c.id == worker_id))


#: Takes the lifeline of the worker id given as its one parameter, for the connection's life.
HOLD_LIFELINE = f"SELECT pg_advisory_lock({LIFELINE_LOCK}, {LIFELINE_KEY.format(id='%s')})"


async def hold_lifeline(conn, worker_id: int) -> None:
    """Take the lifeline of ``worker_id`` on ``conn`` (an async psycopg connection kept open for the worker's life)."""
    await conn.execute(HOLD_LIFELINE, (worker_id,))


async def try_recovery(conn) -> bool:
    """Take the recovery's lock on ``conn`` unless another worker runs the recovery now."""
    row = await (await conn.execute(f"SELECT pg_try_advisory_lock({RECOVERY_LOCK}, {RECOVERY_KEY})")).fetchone()
    return bool(row and row[0])


async def end_recovery(conn) -> None:
    await conn.execute(f"SELECT pg_advisory_unlock({RECOVERY_LOCK}, {RECOVERY_KEY})")


def dead_workers(engine: sa.Engine, stalled_after: float) -> list[int]:
    """Queue ids of the workers taken for dead: lifeline dropped, or no heartbeat for ``stalled_after`` s."""
    with engine.connect() as conn:
        return list(conn.execute(sa.text(_DEAD), {"secs": stalled_after}).scalars())


def _liveness(conn: sa.Connection, stalled_after: float) -> dict[str, bool]:
    """Each registered worker name: alive (every queue id it runs known to the queue and not dead) or not."""
    dead = set(conn.execute(sa.text(_DEAD), {"secs": stalled_after}).scalars())
    known = set(conn.execute(sa.text("SELECT id FROM procrastinate_workers")).scalars())
    names: dict[str, bool] = {}
    for worker_id, name in conn.execute(sa.select(t.cluster_workers.c.id, t.cluster_workers.c.name)):
        names[name] = names.get(name, True) and worker_id in known and worker_id not in dead
    return names


def worker_liveness(engine: sa.Engine, stalled_after: float) -> dict[str, bool] | None:
    """Registered worker names, alive or not, for judging their runs; None where no worker ever ran."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        if conn.execute(sa.text("SELECT to_regclass('procrastinate_workers')")).scalar() is None:
            return None
        return _liveness(conn, stalled_after)


def interrupt_runs(engine: sa.Engine, stalled_after: float) -> int:
    """Close the "running" runs of dead workers (see :func:`dead_workers`) as failed (interrupted).

    Their crawls died with them: the site leases those crawls held are released too, so that the
    redo on another machine is not refused until the lease expires.
    """
    r = t.runs.c
    with engine.begin() as conn:
        dead = [name for name, alive in _liveness(conn, stalled_after).items() if not alive]
        runs = conn.execute(
            sa.select(r.id, r.site, r.pid, r.host).where(r.status == "running", r.worker.in_(dead))
        ).all()
        for run in runs:
            lock = t.site_locks.c
            if run.pid is not None:
                conn.execute(
                    sa.delete(t.site_locks).where(lock.site == run.site, lock.pid == run.pid, lock.host == run.host)
                )
            conn.execute(
                sa.update(t.runs)
                .where(r.id == run.id, r.status == "running")
                .values(status="failed", finish_reason="interrupted", finished_at=datetime.now(UTC))
            )
    return len(runs)


def orphaned_jobs(engine: sa.Engine, dead: list[int]) -> list[dict]:
    """The jobs still "doing" of the ``dead`` workers (or of workers already pruned), as the queue's rows."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT id, status::text AS status, task_name, priority, lock, queueing_lock, args, scheduled_at, "
                "queue_name, attempts, worker_id FROM procrastinate_jobs "
                "WHERE status = 'doing' AND (worker_id IS NULL OR worker_id = ANY(:dead)) ORDER BY id"
            ),
            {"dead": list(dead)},
        ).mappings()
        return [dict(row) for row in rows]


def drop_workers(engine: sa.Engine, dead: list[int]) -> int:
    """Remove dead workers from the queue (their jobs' worker becomes NULL) and their names."""
    if not dead:
        return 0
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM procrastinate_workers WHERE id = ANY(:dead)"), {"dead": list(dead)})
    return forget_workers(engine)


def forget_workers(engine: sa.Engine) -> int:
    """Drop the names of workers the queue no longer knows (stopped, or removed as dead)."""
    known = sa.text("SELECT id FROM procrastinate_workers").columns(id=sa.BigInteger).subquery()
    with engine.begin() as conn:
        return conn.execute(
            sa.delete(t.cluster_workers).where(t.cluster_workers.c.id.not_in(sa.select(known.c.id)))
        ).rowcount


@dataclass(frozen=True)
class WorkerView:
    """A live worker as `newswatch workers` shows it."""

    id: int
    name: str | None
    queue: str | None
    concurrency: int | None
    started_at: datetime | None
    last_heartbeat: datetime
    jobs: list[tuple[str, datetime | None]]


def workers(engine: sa.Engine) -> list[WorkerView] | None:
    """The workers the queue knows, with the sites they crawl now (and since when); None without a queue.

    Only crawls are listed: dispatch and recovery come and go every tick.
    """
    with engine.connect() as conn:
        if conn.execute(sa.text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            return None
        rows = conn.execute(
            sa.text(
                "SELECT w.id, w.last_heartbeat, c.name, c.queue, c.concurrency, c.started_at "
                "FROM procrastinate_workers w LEFT JOIN cluster_workers c ON c.id = w.id ORDER BY w.id"
            )
        ).all()
        jobs = conn.execute(
            sa.text(
                "SELECT j.worker_id, j.args->>'site' AS site, j.task_name, "
                "(SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id AND e.type = 'started') "
                "FROM procrastinate_jobs j WHERE j.status = 'doing' AND j.worker_id IS NOT NULL "
                "AND j.task_name = :crawl ORDER BY j.id"
            ),
            {"crawl": CRAWL_TASK},
        ).all()
    by_worker: dict[int, list] = {}
    for worker_id, site, task, started in jobs:
        by_worker.setdefault(worker_id, []).append((site or task, started))
    return [WorkerView(r[0], r[2], r[3], r[4], r[5], r[1], by_worker.get(r[0], [])) for r in rows]


def queue_counts(engine: sa.Engine) -> dict[str, int]:
    """Crawl jobs by status (todo, doing, …)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT status::text, count(*) FROM procrastinate_jobs WHERE task_name = :t GROUP BY 1"),
            {"t": CRAWL_TASK},
        ).all()
    return dict(rows)
