"""The schedule in the database: which sites are due, queued once each however many workers dispatch.

``site_schedule`` holds each enabled site's next due time. A dispatch locks the due rows
(``FOR UPDATE SKIP LOCKED``: a second dispatch at the same moment skips them), queues each site's
crawl through ``queue_crawl`` — whose queueing lock keeps at most one crawl of a site waiting —
and moves the row to the site's next fire time from now (interval, cron and jitter as
`newswatch run` has them; a run missed while no worker ran is caught up once, not once per
missed period).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from newswatch.config import Config
from newswatch.triggers import next_run
from storage import tables as t

logger = logging.getLogger(__name__)


def sync_schedule(conn: sa.Connection, config: Config, now: datetime) -> None:
    """Give each enabled site a row (new ones due now, staggered as `newswatch run` does); drop the others."""
    enabled = [site.name for site in config.sites.values() if site.enabled]
    known = set(conn.execute(sa.select(t.site_schedule.c.site)).scalars())
    fresh = [name for name in enabled if name not in known]
    if fresh:
        insert = pg_insert(t.site_schedule).on_conflict_do_nothing(index_elements=["site"])
        conn.execute(
            insert,
            [{"site": name, "next_run_at": now + config.scheduler.stagger * rank} for rank, name in enumerate(fresh)],
        )
    gone = known - set(enabled)
    if gone:
        conn.execute(sa.delete(t.site_schedule).where(t.site_schedule.c.site.in_(gone)))


def dispatch(engine: sa.Engine, config: Config, now: datetime, queue_crawl: Callable[[str], bool]) -> list[str]:
    """Queue every due site's crawl once and move it to its next due time; the sites queued now.

    ``queue_crawl(site)`` returns False when a crawl of the site is already waiting (queueing lock).
    """
    queued = []
    with engine.begin() as conn:
        sync_schedule(conn, config, now)
    with engine.begin() as conn:
        rows = conn.execute(
            sa.select(t.site_schedule.c.site)
            .where(t.site_schedule.c.next_run_at <= now)
            .order_by(t.site_schedule.c.next_run_at)
            .with_for_update(skip_locked=True)
        ).scalars()
        for name in list(rows):
            site = config.sites.get(name)
            if site is None or not site.enabled:
                continue
            if queue_crawl(name):
                queued.append(name)
            else:
                logger.info("crawl %s is already waiting; not queued again", name)
            conn.execute(
                sa.update(t.site_schedule)
                .where(t.site_schedule.c.site == name)
                .values(next_run_at=next_run(site, now), last_queued_at=now)
            )
    return queued


def due_times(engine: sa.Engine) -> dict[str, datetime]:
    """Each scheduled site's next due time."""
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(t.site_schedule.c.site, t.site_schedule.c.next_run_at)).all())
