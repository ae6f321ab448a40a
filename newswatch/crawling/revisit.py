"""The revisit policy applied to a crawl: which listed articles are requested this run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newswatch.crawling.session import CrawlSession
from newswatch.revisit import RevisitPolicy


def policy_from_settings(settings) -> RevisitPolicy:
    """NEWSWATCH_REVISIT_RECENT_DAYS and NEWSWATCH_REVISIT_OLDER_HOURS as a RevisitPolicy."""
    return RevisitPolicy(
        recent_days=settings.getint("NEWSWATCH_REVISIT_RECENT_DAYS", 30),
        older_every=timedelta(hours=settings.getfloat("NEWSWATCH_REVISIT_OLDER_HOURS", 168)),
    )


class ArticleFilter:
    """Callable given to the spider: False for a listed article whose stored copy stands this run.

    Such an article counts as seen (it is still listed), so it is never taken for removed. The
    spider consults this before building a request: a request dropped later costs far more.
    """

    def __init__(self, session: CrawlSession, policy: RevisitPolicy, stats):
        self.session = session
        self.policy = policy
        self.stats = stats
        self.now = datetime.now(UTC)

    def __call__(self, url: str) -> bool:
        known = self.session.known.get(self.session.id_for(url))
        if known is None or known.status != "active" or self.policy.due(known.published, known.last_seen_at, self.now):
            return True
        self.session.listed_fresh.add(known.id)
        self.stats.inc_value("newswatch/revisit/not_due")
        return False
