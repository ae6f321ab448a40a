"""Revisit policy: which listed articles to re-request (conditionally) on this run.

Listings are fetched on every run and what they show is compared with the stored copy (see
newswatch.listed); recent articles are rechecked every run; older ones a slice per run, least
recently checked first, so that each is rechecked within ``within_runs`` runs and at least once per
``older_every`` however often the site is crawled, with about the same number of pages every run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True, slots=True)
class RevisitPolicy:
    """Recent (or undated) articles every run; older ones in a rolling slice (see :meth:`rolling`)."""

    recent_days: int = 30
    older_every: timedelta = timedelta(days=7)
    within_runs: int = 5

    def every_run(self, published: str | None, now: datetime) -> bool:
        """True for an article rechecked on every run: recent, undated, or everything (older_every 0)."""
        if self.older_every <= timedelta(0) or not published:
            return True
        try:
            day = date.fromisoformat(published[:10])
        except ValueError:
            return True
        return (now.date() - day).days <= self.recent_days

    def rolling(self, last_checked: Mapping[str, datetime], now: datetime, gap: timedelta | None) -> list[str]:
        """The older articles (id → when last checked) to recheck this run, least recently checked first.

        The slice is large enough for every one to come round within ``within_runs`` runs and, at
        the pace of the last run (``gap`` since it started), within ``older_every``; any article
        that would pass ``older_every`` before the next run is added, so the bound holds even when
        runs become rarer.
        """
        if not last_checked:
            return []
        order = sorted(last_checked, key=lambda key: (last_checked[key], key))
        if self.older_every <= timedelta(0):
            return order
        runs = max(1, self.within_runs)
        if gap is not None and gap > timedelta(0):  # runs that fit in older_every at this pace
            runs = max(1, min(runs, math.floor(self.older_every / gap)))
        count = math.ceil(len(order) / runs)
        horizon = now + (gap if gap is not None and gap > timedelta(0) else timedelta(0)) - self.older_every
        return order[:count] + [key for key in order[count:] if last_checked[key] <= horizon]


def full_recheck_due(every: timedelta, last_full: datetime | None, now: datetime) -> bool:
    """True when a full recheck is due: one every ``every`` (never when ``every`` is zero)."""
    if every <= timedelta(0):
        return False
    return last_full is None or now - last_full >= every
