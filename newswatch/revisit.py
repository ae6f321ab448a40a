"""Revisit policy: which listed articles to re-request (conditionally) on this run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True, slots=True)
class RevisitPolicy:
    """Recent articles are rechecked for edits every run, older ones once per ``older_every``.

    Listing pages are always fetched, and an article missing from its listing is always
    rechecked, so new items and removals are never delayed by this policy, only edits to old
    articles (which academies rarely make) are seen later.
    """

    recent_days: int = 30
    older_every: timedelta = timedelta(days=7)

    def due(self, published: str | None, last_checked: datetime, now: datetime) -> bool:
        """True when an article published on ``published`` and last checked then is due again."""
        if self.older_every <= timedelta(0) or not published:
            return True
        try:
            day = date.fromisoformat(published[:10])
        except ValueError:
            return True
        if (now.date() - day).days <= self.recent_days:
            return True
        return now - last_checked >= self.older_every
