"""APScheduler triggers for configured sites, and when each site would next be crawled."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from newswatch.config import SiteConfig, format_duration


def trigger_for(site: SiteConfig, start: datetime | None = None) -> BaseTrigger:
    """The site's trigger, in UTC, with its jitter.

    ``start`` is the first fire time of an interval trigger (APScheduler's default: one interval
    from now) and the earliest fire time of a cron trigger.
    """
    jitter = int(site.jitter.total_seconds()) or None
    if site.cron is not None:
        # CronTrigger.from_crontab's field mapping, plus the jitter and start it does not take
        minute, hour, day, month, day_of_week = site.cron.split()
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=day_of_week,
            start_date=start,
            timezone="UTC",
            jitter=jitter,
        )
    if site.interval is None:
        raise ValueError(f"site {site.name} has neither an interval nor a cron expression")
    return IntervalTrigger(seconds=int(site.interval.total_seconds()), jitter=jitter, start_date=start, timezone="UTC")


def next_run(site: SiteConfig, now: datetime) -> datetime | None:
    """When the site would next be crawled if scheduled at ``now`` (UTC); None if it is disabled."""
    if not site.enabled:
        return None
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    now = now.astimezone(UTC)
    start = now + site.interval if site.interval is not None and site.cron is None else None
    when = trigger_for(site, start=start).get_next_fire_time(None, now)
    return when.astimezone(UTC) if when else None


def describe(site: SiteConfig) -> str:
    """The schedule in words: 'every 6h ±10m' or 'cron 0 */6 * * *'."""
    if site.cron is not None or site.interval is None:
        text = f"cron {site.cron}"
    else:
        text = f"every {format_duration(site.interval)}"
    return f"{text} ±{format_duration(site.jitter)}" if site.jitter else text
