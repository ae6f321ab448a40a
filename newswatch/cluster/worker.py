"""One `newswatch worker` process: a crawl worker and a control worker on the shared queue.

The crawl worker runs up to ``concurrency`` crawls (queue ``crawl``); the control worker runs the
periodic dispatch (queue ``control``), so a worker busy crawling still dispatches. Both send
heartbeats every ``heartbeat`` seconds, and the process holds their lifelines on a connection of
its own (see ``registry``). Every ``RECOVER_EVERY`` seconds the process checks that connection and
runs the recovery: a neighbour whose lifeline dropped, or silent for ``stalled_after`` seconds, is
taken for dead and its crawls are queued again at once. A worker that loses its own lifeline stops
(the others already take it for dead). SIGTERM/SIGINT stop both: running crawls get SIGTERM (they
close and record their runs), and whatever is still running after the grace period is killed with
its process group.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable
from typing import Any

from procrastinate.worker import Worker

from newswatch.cluster import HEARTBEAT, RECOVER_EVERY, STALLED_AFTER, TICK, queue, registry, tasks
from newswatch.config import Config

logger = logging.getLogger(__name__)

CRAWL_QUEUE, CONTROL_QUEUE = tasks.CRAWL_QUEUE, tasks.CONTROL_QUEUE
#: Rounds a crawl queued again by this worker's recovery is announced again while it waits.
REANNOUNCE = 30


def _register_periodic(tick: int) -> None:
    """Dispatch every ``tick`` seconds, deferred once per tick across all workers."""
    registered = tasks.app.periodic_registry.periodic_tasks
    cron = f"* * * * * */{tick}"
    periodic: list[Any] = [tasks.dispatch]
    for task in periodic:
        key = (task.name, "tick")
        if key in registered and registered[key].cron != cron:
            del registered[key]
        if key not in registered:
            tasks.app.periodic(cron=cron, periodic_id="tick", queue=CONTROL_QUEUE)(task)


async def _registered(worker: Worker, running: asyncio.Task) -> int | None:
    """The worker's queue id once it has registered (None if it stopped first)."""
    while worker.worker_id is None and not running.done():
        await asyncio.sleep(0.05)
    return worker.worker_id


async def lifeline(db: str):
    """A connection of this process's own, for its workers' lifelines (autocommit: session locks only)."""
    import psycopg

    return await psycopg.AsyncConnection.connect(queue.conninfo(db), autocommit=True, connect_timeout=10)


async def watch(line, stop: Callable[[], None], every: float = RECOVER_EVERY) -> None:
    """Every ``every`` s: check this process's lifeline (stop when it is lost), then run the recovery.

    The crawls it queued again are announced again each round while they wait (for at most
    ``REANNOUNCE`` rounds): an announcement can be missed by a worker that was fetching already.
    """
    import psycopg

    waiting: dict[int, int] = {}  # job id -> rounds left
    while True:
        await asyncio.sleep(every)
        try:
            await line.execute("SELECT 1")
        except psycopg.Error as exc:
            logger.error("lost the database connection holding this worker's lifeline (%s): stopping", exc)
            stop()
            return
        try:
            still = await tasks.announce_waiting(set(waiting))
            waiting = {job: left - 1 for job, left in waiting.items() if job in still and left > 1}
            waiting.update(dict.fromkeys(await tasks.recover(line), REANNOUNCE))
        except Exception:  # a database hiccup: the next round tries again
            logger.exception("recovery failed; trying again in %ss", every)


async def serve(
    config: Config,
    db: str,
    *,
    concurrency: int = 1,
    heartbeat: float = HEARTBEAT,
    stalled_after: float = STALLED_AFTER,
    tick: int = TICK,
    on_ready: Callable[[list[int]], None] | None = None,
) -> int:
    """Work until SIGTERM or SIGINT; returns the exit status."""
    from storage.engine import create_engine

    queue.ensure_schema(db)
    pid = os.getpid()
    engine = create_engine(db)
    tasks.STATE.config, tasks.STATE.db, tasks.STATE.engine = config, db, engine
    tasks.STATE.name, tasks.STATE.stalled_after = registry.worker_name(pid), stalled_after
    _register_periodic(tick)
    common: dict[str, Any] = {
        "wait": True,
        "install_signal_handlers": False,
        "update_heartbeat_interval": heartbeat,
        "stalled_worker_timeout": stalled_after,
        "delete_jobs": "successful",
        # A crawl freed by its site's lock is not announced (one queued again after its worker died is): poll.
        "fetch_job_polling_interval": float(tick),
        "shutdown_graceful_timeout": tasks.STOP_GRACE + 3,
    }
    ids: list[int] = []
    line = await lifeline(db)
    try:
        with tasks.app.replace_connector(queue.connector(db)) as app:
            async with app.open_async():
                workers = {
                    CRAWL_QUEUE: (Worker(app, queues=[CRAWL_QUEUE], name="crawl", concurrency=concurrency, **common)),
                    CONTROL_QUEUE: Worker(app, queues=[CONTROL_QUEUE], name="control", concurrency=1, **common),
                }
                running = {q: asyncio.create_task(w.run(), name=f"{q} worker") for q, w in workers.items()}

                def stop() -> None:
                    if all(w._stop_event.is_set() for w in workers.values()):
                        return
                    logger.info("stopping: %d crawl(s) running", len(tasks.STATE.children))
                    for proc in list(tasks.STATE.children):
                        tasks.kill_group(proc, signal.SIGTERM)
                    for worker in workers.values():
                        worker.stop()

                loop = asyncio.get_running_loop()
                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.add_signal_handler(sig, stop)
                for q, worker in workers.items():
                    worker_id = await _registered(worker, running[q])
                    if worker_id is not None:
                        ids.append(worker_id)
                        conc = concurrency if q == CRAWL_QUEUE else 1
                        await registry.hold_lifeline(line, worker_id)
                        await asyncio.to_thread(registry.register, engine, worker_id, tasks.STATE.name, pid, q, conc)
                watcher = asyncio.create_task(watch(line, stop), name="lifeline and recovery")
                if on_ready is not None:
                    on_ready(ids)
                await asyncio.wait([*running.values(), watcher], return_when=asyncio.FIRST_COMPLETED)
                lost = watcher.done()
                watcher.cancel()
                stop()
                await asyncio.gather(*running.values(), watcher, return_exceptions=True)
                failed = [t.exception() for t in running.values() if t.exception() is not None]
                for exc in failed:
                    logger.error("worker stopped on an error: %s", exc)
                return 1 if failed or lost else 0
    finally:
        for worker_id in ids:
            await asyncio.to_thread(registry.unregister, engine, worker_id)
        await line.close()  # the lifelines go last: a worker still registered is never taken for dead
        engine.dispose()


def run(config: Config, db: str, **options) -> int:
    """`newswatch worker`: serve until stopped."""
    return asyncio.run(serve(config, db, **options))
