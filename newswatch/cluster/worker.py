"""One `newswatch worker` process: a crawl worker and a control worker on the shared queue.

The crawl worker runs up to ``concurrency`` crawls (queue ``crawl``); the control worker runs the
periodic dispatch and recovery (queue ``control``), so a worker busy crawling still dispatches
and still notices a dead neighbour. Both send heartbeats every ``heartbeat`` seconds; a worker
silent for ``stalled_after`` seconds is taken for dead and its crawls are queued again.
SIGTERM/SIGINT stop both: running crawls get SIGTERM (they close and record their runs), and
whatever is still running after the grace period is killed with its process group.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable
from typing import Any

from procrastinate.worker import Worker

from newswatch.cluster import HEARTBEAT, STALLED_AFTER, TICK, queue, registry, tasks
from newswatch.config import Config

logger = logging.getLogger(__name__)

CRAWL_QUEUE, CONTROL_QUEUE = tasks.CRAWL_QUEUE, tasks.CONTROL_QUEUE


def _register_periodic(tick: int) -> None:
    """Dispatch and recovery every ``tick`` seconds, each deferred once per tick across all workers."""
    registered = tasks.app.periodic_registry.periodic_tasks
    cron = f"* * * * * */{tick}"
    periodic: list[Any] = [tasks.dispatch, tasks.recover]  # a sync and an async task
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
        # A crawl queued again after its worker died, or freed by its site's lock, is not announced: poll each tick.
        "fetch_job_polling_interval": float(tick),
        "shutdown_graceful_timeout": tasks.STOP_GRACE + 3,
    }
    ids: list[int] = []
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
                        await asyncio.to_thread(registry.register, engine, worker_id, tasks.STATE.name, pid, q, conc)
                if on_ready is not None:
                    on_ready(ids)
                await asyncio.wait(running.values(), return_when=asyncio.FIRST_COMPLETED)
                stop()
                await asyncio.gather(*running.values(), return_exceptions=True)
                failed = [t.exception() for t in running.values() if t.exception() is not None]
                for exc in failed:
                    logger.error("worker stopped on an error: %s", exc)
                return 1 if failed else 0
    finally:
        for worker_id in ids:
            await asyncio.to_thread(registry.unregister, engine, worker_id)
        engine.dispose()


def run(config: Config, db: str, **options) -> int:
    """`newswatch worker`: serve until stopped."""
    return asyncio.run(serve(config, db, **options))
