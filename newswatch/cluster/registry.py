"""Who works: the queue's workers beside their host and process, and the runs of workers that died.

The queue knows a worker by id and heartbeat only; ``cluster_workers`` adds the name (host:pid) a
run records, so `newswatch workers` can say which machine runs what, and the runs of a worker that
stopped sending heartbeats are closed as failed (interrupted) instead of staying "running".
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from newswatch.cluster.tasks import CRAWL_TASK
from storage import tables as t

_STALE = "SELECT id FROM procrastinate_workers WHERE last_heartbeat >= NOW() - make_interval(secs => :secs)"


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


def interrupt_runs(engine: sa.Engine, stalled_after: float) -> int:
    """Close the "running" runs of workers gone or silent for ``stalled_after`` s as failed (interrupted).

    Their crawls died with them: the site leases those crawls held are released too, so that the
    redo on another machine is not refused until the lease expires.
    """
    live = sa.text(_STALE).bindparams(secs=stalled_after).columns(id=sa.BigInteger)
    dead = sa.select(t.cluster_workers.c.name).where(t.cluster_workers.c.id.not_in(sa.select(live.subquery().c.id)))
    r = t.runs.c
    with engine.begin() as conn:
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


def forget_workers(engine: sa.Engine) -> int:
    """Drop the names of workers the queue no longer knows (pruned after their heartbeats stopped)."""
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
