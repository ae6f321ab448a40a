"""`newswatch run`: crawl each configured site on its schedule, each crawl in its own process.

APScheduler 3 with a persistent SQLAlchemy job store in the project's database: one job per site
(id ``crawl:<site>``, replaced on every start, so a restart never duplicates a job), at most one
instance per site, missed runs coalesced, and a thread pool capping simultaneous crawls. A crawl
is a ``newswatch crawl`` subprocess: Twisted's reactor cannot restart, and a crashing crawl must
not take the scheduler down. SIGTERM/SIGINT stop the scheduler and the running crawls, which
record their runs as they close.
"""

from __future__ import annotations

import logging
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
from newswatch.schedule import JOB_PREFIX
from newswatch.schedule import job_id as schedule_job_id
from newswatch.triggers import trigger_for

logger = logging.getLogger(__name__)

DIGEST_JOB = "digest"
DIGEST_PERIODS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}
#: Seconds a crawl gets to close cleanly (and record its run) after SIGTERM before it is killed.
STOP_GRACE = 12


@dataclass
class _State:
    """What the job functions (run in the scheduler's threads) need: config, database, children."""

    config: Config | None = None
    db: str | None = None
    children: set = field(default_factory=set)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


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
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        STATE.children.add(proc)
    try:
        _, err = proc.communicate()
    finally:
        with STATE.lock:
            STATE.children.discard(proc)
    last = err.strip().splitlines()[-1:] if err and proc.returncode not in (0, 1) else []
    logger.info("crawl %s finished (exit %s)%s", name, proc.returncode, f": {last[0]}" if last else "")
    if not STATE.stopping.is_set():
        after_crawl(config, db, name)


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
    """Runs left "running" by a scheduler that died are recorded as failed (interrupted)."""
    from storage import open_store

    now = datetime.now(UTC)
    with open_store(db) as store:
        stale = [r for r in store.runs() if r.status == "running"]
        for run in stale:
            store.finish_run(run.id, finished_at=now, status="failed", finish_reason="interrupted", stats=run.stats)
    return len(stale)


def build_scheduler(config: Config, db_url: str) -> BackgroundScheduler:
    """A paused scheduler on the database's job store, with one job per enabled site."""
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
        if previous is not None and previous.next_run_time and previous.next_run_time > first:
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
        if job_id.startswith(JOB_PREFIX) and job_id[len(JOB_PREFIX) :] not in {s.name for s in wanted}:
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
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in children:
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            logger.warning("crawl pid %s did not stop within %ss; killing it", proc.pid, grace)
            proc.kill()


def run(config: Config, db_url: str, on_ready=None) -> int:
    """Run until SIGTERM or SIGINT; returns the exit status."""
    STATE.config, STATE.db = config, db_url
    STATE.stopping.clear()
    interrupted = mark_interrupted(db_url)
    if interrupted:
        logger.warning("%d run(s) left running by an earlier scheduler recorded as interrupted", interrupted)
    # The handler only records the signal: taking a lock in it (Event.set) could deadlock with
    # the main thread, which the signal interrupts wherever it is.
    received: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: received.append(signum))
    scheduler = build_scheduler(config, db_url)
    scheduler.resume()
    if on_ready is not None:
        on_ready(scheduler)
    while not received:
        time.sleep(0.2)
    logger.info("stopping: %d crawl(s) running", len(STATE.children))
    scheduler.shutdown(wait=False)
    stop_children()
    return 0
