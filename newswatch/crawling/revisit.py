"""RevisitMiddleware: article requests the revisit policy says are not due are not sent."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from scrapy.exceptions import IgnoreRequest

from newswatch.crawling.session import CrawlSession
from newswatch.revisit import RevisitPolicy

META = "newswatch"


class NotDue(IgnoreRequest):
    """The article was checked recently enough; its stored copy stands for this run."""


class RevisitMiddleware:
    """Downloader middleware over RevisitPolicy: a listed article not due is counted as seen.

    A downloader middleware (not a spider middleware) so that the common case, a request that
    is due, costs one dictionary lookup on Scrapy's synchronous path.
    """

    def __init__(self, crawler, policy: RevisitPolicy):
        self.crawler = crawler
        self.policy = policy

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        policy = RevisitPolicy(recent_days=settings.getint("NEWSWATCH_REVISIT_RECENT_DAYS", 30),
                               older_every=timedelta(hours=settings.getfloat("NEWSWATCH_REVISIT_OLDER_HOURS", 168)))
        return cls(crawler, policy)

    def process_request(self, request):
        info = request.meta.get(META)
        session = CrawlSession.of(self.crawler)
        if session is None or not info or info.get("role") != "article" or info.get("recheck") or info.get("refetch"):
            return None
        known = session.known.get(session.id_for(request.url))
        if known is None or known.status != "active":
            return None
        if self.policy.due(known.published, known.last_seen_at, datetime.now(timezone.utc)):
            return None
        session.listed_fresh.add(known.id)
        self.crawler.stats.inc_value("newswatch/revisit/not_due")
        raise NotDue(f"not due for a recheck: {request.url}")
