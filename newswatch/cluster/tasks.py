"""The cluster's tasks: dispatch (queue the due sites), crawl (one site, in a crawl host), recover.

Every crawl job of a site carries the site's ``lock`` (one crawl of it at a time across all
machines) and ``queueing_lock`` (at most one waiting). Dispatch is periodic: the queue defers it
once per tick however many workers run, and its lock keeps two from overlapping. Recovery is not a
queued job (a dead worker's job could hold its lock): every worker runs it, one at a time.
A crawl runs as `newswatch crawl` would, in one of the worker's crawl hosts
(newswatch.cluster.hosts): long-lived processes, each in its own process group, killed by the
kernel when their worker dies (``PR_SET_PDEATHSIG``). A worker killed with ``kill -9`` leaves no
crawl behind, and its job, found by the recovery (the worker's lifeline dropped), is queued again at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import procrastinate
from procrastinate import exceptions as queue_errors
from procrastinate import jobs as queue_jobs

from newswatch.cluster.hosts import CrawlHost, HostFailed, HostPool
from newswatch.config import Config, SiteConfig

logger = logging.getLogger(__name__)

CRAWL_TASK, DISPATCH_TASK = "newswatch.crawl", "newswatch.dispatch"
#: Crawls wait in one queue; dispatch in another, served by every worker's control side.
CRAWL_QUEUE, CONTROL_QUEUE = "crawl", "control"
#: Times a crawl whose worker died is queued again; a site that keeps killing its workers then waits for its next run.
MAX_REDOS = 3
#: Seconds a crawl gets to close cleanly (and record its run) after SIGTERM before its group is killed.
STOP_GRACE = 12

#: Procrastinate's app; `newswatch worker` puts the database's connector in place at start.
app = procrastinate.App(connector=procrastinate.PsycopgConnector())


@dataclass
class WorkerState:
    """What the tasks of this worker process need: config, database, its name, its crawls."""

    config: Config | None = None
    db: str | None = None
    name: str = ""
    engine: Any = None  # the worker's SQLAlchemy engine on the shared database, set at start
    stalled_after: float = 15.0
    children: set = field(default_factory=set)


STATE = WorkerState()
#: This worker's crawl hosts (`newswatch worker` sets their limits before it starts).
HOSTS = HostPool()


def crawl_lock(site: str) -> str:
    """The lock (and queueing lock) shared by every crawl job of ``site``."""
    return f"crawl:{site}"


def _crawl_job(site: str):
    return crawl.configure(queue=CRAWL_QUEUE, lock=crawl_lock(site), queueing_lock=crawl_lock(site))


def queue_crawl(site: str) -> bool:
    """Queue one crawl of ``site``; False when one is already waiting."""
    try:
        _crawl_job(site).defer(site=site)
    except queue_errors.AlreadyEnqueued:
        return False
    return True


async def queue_crawl_async(site: str) -> bool:
    """:func:`queue_crawl` from a coroutine."""
    try:
        await _crawl_job(site).defer_async(site=site)
    except queue_errors.AlreadyEnqueued:
        return False
    return True


def kill_group(proc, sig: int) -> None:
    """Send ``sig`` to a crawl's whole process group (its crawl host and the host's event workers)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


async def stop_crawl(host: CrawlHost, grace: float = STOP_GRACE) -> None:
    """SIGTERM a crawl host's group (Scrapy closes and records its run), SIGKILL it after ``grace``."""
    host.signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(host.proc.wait(), grace)
    except TimeoutError:
        logger.warning("crawl host %s did not stop within %ss; killing its group", host.pid, grace)
    await host.kill()


def time_limit(site: SiteConfig) -> float | None:
    """Seconds a crawl of ``site`` may run before its host is killed (NEWSWATCH_CRAWL_TIME_LIMIT); None: no limit."""
    from newswatch.crawling.runner import project_settings

    limit = project_settings(dict(site.settings)).getfloat("NEWSWATCH_CRAWL_TIME_LIMIT")
    return limit if limit > 0 else None


def _reap(db: str | None, site: str) -> None:
    """Record the run a killed crawl left "running" as failed (interrupted) now, not at the site's next crawl."""
    from storage import open_store

    with open_store(db) as store:
        store.reap_runs(site)


@app.task(name=CRAWL_TASK, pass_context=True)
async def crawl(context, site: str) -> int:
    """Crawl one configured site in one of this worker's crawl hosts, as `newswatch crawl` would; its exit
    status (0 ok, 1 failed run). A crawl whose host died or ran past its time limit fails the job."""
    from newswatch.scheduler import after_crawl, stored_site

    config, db = STATE.config, STATE.db
    if config is None or site not in config.sites:
        raise LookupError(f"site {site} is not in this worker's configuration; give every worker the same config")
    args = [*config.sites[site].crawl_args(), "-s", f"NEWSWATCH_WORKER={STATE.name}"]
    limit = time_limit(config.sites[site])
    logger.info("crawl %s started (job %s)", site, context.job.id)
    host = await HOSTS.take()
    STATE.children.add(host)
    try:
        result = await host.crawl(args, db, limit)
    except asyncio.CancelledError:
        await stop_crawl(host)
        raise
    except HostFailed as exc:
        await asyncio.to_thread(_reap, db, stored_site(config, site))
        raise RuntimeError(f"crawl {site} failed: {exc}") from None
    finally:
        STATE.children.discard(host)
        HOSTS.give_back(host)
    code = int(result["exit"])
    for problem in result.get("problems") or []:
        logger.error("crawl %s: %s", site, problem)
    logger.info("crawl %s finished (exit %s, crawl host %s)", site, code, host.pid)
    if code not in (0, 1):
        raise RuntimeError(f"crawl {site} exited {code}: {result.get('error') or 'no message'}")
    await asyncio.to_thread(after_crawl, config, db, site)
    return code


@app.task(name=DISPATCH_TASK, lock=DISPATCH_TASK, queueing_lock=DISPATCH_TASK)
def dispatch(timestamp: int) -> list[str]:
    """Queue the crawl of every site that is due (runs in a thread; deferring goes through the loop)."""
    from newswatch.cluster.dispatch import dispatch as dispatch_due

    if STATE.config is None:
        return []
    return dispatch_due(STATE.engine, STATE.config, datetime.now(UTC), queue_crawl)


def _job_inserted(job_id: int) -> str:
    return json.dumps({"type": "job_inserted", "job_id": job_id})


async def _announce(queue: str, job_ids: list[int]) -> None:
    """Tell the workers listening on ``queue`` that these jobs are waiting, as a new job's insert does.

    The queue announces inserted jobs only: a job put back to "todo" would otherwise wait for each
    worker's next poll.
    """
    for job_id in job_ids:
        for channel in (f"procrastinate_queue_v1#{queue}", "procrastinate_any_queue_v1"):
            await app.connector.execute_query_async(
                "SELECT pg_notify(%(channel)s, %(payload)s)", channel=channel, payload=_job_inserted(job_id)
            )


async def announce_waiting(job_ids: set[int]) -> set[int]:
    """Announce again those of ``job_ids`` still waiting; the ones announced.

    A worker clears its wake-up flag after each fetch, so an announcement that lands while it is
    already fetching (its poll) is lost: the redo would wait for its next poll. Repeating it each
    second while the job waits costs a notification.
    """
    if not job_ids:
        return set()
    rows = await app.connector.execute_query_all_async(
        "SELECT id, queue_name FROM procrastinate_jobs WHERE id = ANY(%(ids)s) AND status = 'todo'",
        ids=sorted(job_ids),
    )
    waiting = {row["id"] for row in rows}
    for queue in {row["queue_name"] for row in rows}:
        await _announce(queue, sorted(row["id"] for row in rows if row["queue_name"] == queue))
    return waiting


async def recover(lifeline) -> list[int]:
    """Queue again the crawls of dead workers at once and announce them; the ids of those jobs.

    A worker is dead when its lifeline dropped (its process is gone) or it sent no heartbeat for
    ``STATE.stalled_after`` s. Every worker runs this every second on its ``lifeline`` connection
    (the recovery's lock there keeps it to one at a time, and dies with its holder: a worker killed
    mid-recovery blocks nobody). Its runs are closed (their site leases released) first; its other
    jobs (a dispatch) are failed: the next tick does them again.
    """
    from newswatch.cluster import registry

    if not await registry.try_recovery(lifeline):
        return []
    try:
        engine, manager, stalled_after = STATE.engine, app.job_manager, STATE.stalled_after
        dead = await asyncio.to_thread(registry.dead_workers, engine, stalled_after)
        orphans = await asyncio.to_thread(registry.orphaned_jobs, engine, dead)
        if not dead and not orphans:
            return []
        await asyncio.to_thread(registry.interrupt_runs, engine, stalled_after)
        retried: list[int] = []
        for row in orphans:
            job = queue_jobs.Job.from_row(row)
            try:
                if job.task_name != CRAWL_TASK or job.attempts >= MAX_REDOS:  # periodic (next tick), or given up
                    await manager.finish_job(job, status=queue_jobs.Status.FAILED, delete_job=False)
                    continue
                try:
                    await manager.retry_job(job)
                except queue_errors.UniqueViolation:  # a crawl of the site is already waiting: it will do
                    await manager.finish_job(job, status=queue_jobs.Status.FAILED, delete_job=False)
                    continue
            except queue_errors.ConnectorException as exc:  # finished meanwhile: nothing to recover
                logger.info("job %s not recovered: %s", job.id, exc)
                continue
            logger.warning("crawl %s of a dead worker queued again (job %s)", job.task_kwargs.get("site"), job.id)
            retried.append(row["id"])
        await _announce(CRAWL_QUEUE, retried)
        await asyncio.to_thread(registry.drop_workers, engine, dead)
        return retried
    finally:
        await registry.end_recovery(lifeline)
