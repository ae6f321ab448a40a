"""`newswatch run`: crawl each configured site on its schedule, each crawl in its own process.

APScheduler 3 with a persistent SQLAlchemy job store in the project's database: one job per site
(id ``crawl:<site>``, replaced on every start, so a restart never duplicates a job), at most one
instance per site, missed runs coalesced, and a thread pool capping simultaneous crawls. A crawl
is a ``newswatch crawl`` subprocess: Twisted's reactor cannot restart, and a crashing crawl must
not take the scheduler down. SIGTERM/SIGINT stop the scheduler and the running crawls, which
record their runs as they close. Each crawl leads its own process group (stopping it reaches its
event workers too) and asks for SIGTERM should the scheduler die (newswatch.lifetime), so a
scheduler killed with -9 orphans no crawl. A restarted scheduler records as interrupted only the
runs whose process is gone, crawls a site whose last run was interrupted again at once (staggered),
and retries soon a crawl refused because the site was still being crawled.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from newswatch.config import Config
from newswatch.crawling.ownruns import BUSY_EXIT
from newswatch.lifetime import ENV as DIE_WITH_ENV
from newswatch.schedule import JOB_PREFIX
from newswatch.schedule import job_id as schedule_job_id
from newswatch.triggers import trigger_for

logger = logging.getLogger(__name__)

DIGEST_JOB = "digest"
DIGEST_PERIODS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}
#: Seconds a crawl gets to close cleanly (and record its run) after SIGTERM before it is killed.
STOP_GRACE = 12
#: A crawl refused because its site was still being crawled is tried again this much later.
BUSY_RETRY = timedelta(seconds=30)
RETRY_PREFIX = "retry:"
#: Finish reasons of a run that was cut short (killed, stopped with its scheduler) rather than failing.
CUT_SHORT = frozenset({"interrupted", "shutdown"})


@dataclass
class _State:
    """What the job functions (run in the scheduler's threads) need: config, database, children."""

    config: Config | None = None
    db: str | None = None
    children: set = field(default_factory=set)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    scheduler: BackgroundScheduler | None = None


STATE = _State()


def stored_site(config: Config, name: str) -> str:
    """The name a site's runs are stored under: the spider's for a spider site, else its own."""
    site = config.sites[name]
    return site.spider or site.name


def crawl_job(name: str) -> None:
    """Job target: one crawl of one site in a subprocess, then its notifications."""
    config, db = STATE.config, STATE.db
    if config is None or STATE.stopping.is_set() or name not in config.sites:
        return
    cmd = [sys.executable, "-m", "newswatch", *(("--db", db) if db else ()), "crawl", *config.sites[name].crawl_args()]
    logger.info("crawl %s started", name)
    with STATE.lock:
        if STATE.stopping.is_set():
            return
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, DIE_WITH_ENV: str(os.getpid())},
            start_new_session=True,
        )
        STATE.children.add(proc)
    try:
        _, err = proc.communicate()
    finally:
        with STATE.lock:
            STATE.children.discard(proc)
    last = err.strip().splitlines()[-1:] if err and proc.returncode not in (0, 1) else []
    logger.info("crawl %s finished (exit %s)%s", name, proc.returncode, f": {last[0]}" if last else "")
    if STATE.stopping.is_set():
        return
    if proc.returncode == BUSY_EXIT:
        retry_soon(name)
        return
    after_crawl(config, db, name)


def retry_soon(name: str) -> None:
    """One extra crawl of the site BUSY_RETRY from now (its regular schedule is left as it is)."""
    scheduler = STATE.scheduler
    if scheduler is None:
        return
    try:
        scheduler.add_job(
            "newswatch.scheduler:crawl_job",
            "date",
            run_date=datetime.now(UTC) + BUSY_RETRY,
            args=[name],
            id=RETRY_PREFIX + name,
            name=f"retry {name}",
            replace_existing=True,
        )
    except Exception as exc:  # shutting down: the regular schedule will do
        logger.warning("could not schedule a retry of %s: %s", name, exc)


def after_crawl(config: Config, db: str | None, name: str) -> None:
    """Health alerts for operators and, per run, the change digest for analysts."""
    from newswatch.alerts import decide
    from newswatch.notify import Notifier
    from storage import open_store

    notifier = Notifier(config.notify.analysts, config.notify.operators)
    site = stored_site(config, name)
    try:
        with open_store(db) as store:
            runs = store.runs(site=site, limit=500)
            if not runs:
                return
            alert = decide(runs, config.health.alert_after, config.health.remind_every)
            changes = [c for c in store.changes(site=site, since=runs[0].started_at) if c.run_id == runs[0].id]
    except Exception as exc:  # the next run will try again; the scheduler must go on
        logger.error("after crawl %s: %s", name, exc)
        return
    if alert is not None:
        notifier.send_alert(alert)
    if config.notify.digest == "per_run" and changes:
        notifier.send_digest(changes, f"newswatch: {len(changes)} change(s) on {site}")


def digest_job(period_seconds: float) -> None:
    """Job target: the changes of the last period, all sites, to the analysts (nothing if none)."""
    from newswatch.notify import Notifier
    from storage import open_store

    config, db = STATE.config, STATE.db
    if config is None:
        return
    since = datetime.now(UTC) - timedelta(seconds=period_seconds)
    with open_store(db) as store:
        changes = store.changes(since=since)
    if changes:
        Notifier(config.notify.analysts, config.notify.operators).send_digest(
            changes, f"newswatch: {len(changes)} change(s) since {since:%Y-%m-%d %H:%M} UTC"
        )


def mark_interrupted(db: str | None) -> int:
    """Runs left "running" by crawls whose owner is gone are recorded as failed (interrupted).

    The database may be shared: a run of a live process on this host (a crawl that outlived an
    earlier scheduler, another `newswatch run` or `newswatch crawl`), of a `newswatch worker` that
    is alive (lifeline held, heartbeats fresh), or of another host's crawl still renewing its site
    lease is left alone.
    """
    from storage import open_store

    with open_store(db) as store:
        workers = None
        if store.dialect == "postgresql":
            from newswatch.cluster import STALLED_AFTER, registry

            workers = registry.worker_liveness(store.engine, STALLED_AFTER)
        return len(store.reap_runs(workers=workers))


def cut_short_sites(config: Config, db: str | None) -> set[str]:
    """Configured sites whose newest run was cut short (killed, or stopped with its scheduler)."""
    from storage import open_store

    with open_store(db) as store:
        latest = store.latest_runs()
    out = set()
    for name in config.sites:
        run = latest.get(stored_site(config, name))
        if run is not None and run.status == "failed" and run.finish_reason in CUT_SHORT:
            out.add(name)
    return out


def build_scheduler(
    config: Config, db_url: str, catch_up: frozenset[str] | set[str] = frozenset()
) -> BackgroundScheduler:
    """A paused scheduler on the database's job store, with one job per enabled site.

    Sites in ``catch_up`` (their last run was cut short) are crawled at once, staggered, rather
    than at their stored next run time.
    """
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=db_url)},
        executors={"default": ThreadPoolExecutor(config.scheduler.max_concurrent)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": int(config.scheduler.misfire_grace.total_seconds()),
        },
        timezone=UTC,
    )
    scheduler.start(paused=True)
    now = datetime.now(UTC)
    existing = {job.id: job for job in scheduler.get_jobs()}
    wanted = [site for site in config.sites.values() if site.enabled]
    for rank, site in enumerate(wanted):
        job_id = schedule_job_id(site.name)
        previous = existing.get(job_id)
        first = now + config.scheduler.stagger * rank
        # Keep a future run time; a run missed while stopped is caught up, staggered.
        if (
            site.name not in catch_up
            and previous is not None
            and previous.next_run_time
            and previous.next_run_time > first
        ):
            first = previous.next_run_time
        scheduler.add_job(
            "newswatch.scheduler:crawl_job",
            trigger=trigger_for(site),
            args=[site.name],
            id=job_id,
            name=f"crawl {site.name}",
            replace_existing=True,
            next_run_time=first,
        )
    for job_id in existing:
        if job_id.startswith((JOB_PREFIX, RETRY_PREFIX)) and job_id.split(":", 1)[1] not in {s.name for s in wanted}:
            scheduler.remove_job(job_id)
    period = DIGEST_PERIODS.get(config.notify.digest)
    if period is not None:
        scheduler.add_job(
            "newswatch.scheduler:digest_job",
            IntervalTrigger(seconds=period.total_seconds()),
            args=[period.total_seconds()],
            id=DIGEST_JOB,
            replace_existing=True,
        )
    elif DIGEST_JOB in existing:
        scheduler.remove_job(DIGEST_JOB)
    return scheduler


def stop_children(grace: float = STOP_GRACE) -> None:
    """SIGTERM every running crawl (Scrapy closes cleanly and records the run), kill stragglers."""
    with STATE.lock:
        STATE.stopping.set()
        children = list(STATE.children)
    for proc in children:
        _signal_group(proc, signal.SIGTERM)
    for proc in children:
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            logger.warning("crawl pid %s did not stop within %ss; killing it", proc.pid, grace)
            _signal_group(proc, signal.SIGKILL)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    """Signal a crawl's process group (the crawl and its event workers)."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def run(config: Config, db_url: str, on_ready=None) -> int:
    """Run until SIGTERM or SIGINT; returns the exit status."""
    STATE.config, STATE.db = config, db_url
    STATE.stopping.clear()
    interrupted = mark_interrupted(db_url)
    if interrupted:
        logger.warning("%d run(s) left running by crawls that are gone recorded as interrupted", interrupted)
    catch_up = cut_short_sites(config, db_url)
    if catch_up:
        logger.info("crawling again now (last run cut short): %s", ", ".join(sorted(catch_up)))
    # The handler only records the signal: taking a lock in it (Event.set) could deadlock with
    # the main thread, which the signal interrupts wherever it is.
    received: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: received.append(signum))
    scheduler = STATE.scheduler = build_scheduler(config, db_url, catch_up)
    scheduler.resume()
    if on_ready is not None:
        on_ready(scheduler)
    while not received:
        time.sleep(0.2)
    logger.info("stopping: %d crawl(s) running", len(STATE.children))
    scheduler.shutdown(wait=False)
    stop_children()
    return 0
