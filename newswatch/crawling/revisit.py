"""The revisit policy applied to a crawl: which listed articles are requested this run, and when."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from newswatch.crawling.session import CrawlSession
from newswatch.listed import Listed, listing_differs
from newswatch.revisit import RevisitPolicy, full_recheck_due

logger = logging.getLogger(__name__)


def policy_from_settings(settings) -> RevisitPolicy:
    """NEWSWATCH_REVISIT_RECENT_DAYS, _OLDER_HOURS and _WITHIN as a RevisitPolicy."""
    return RevisitPolicy(
        recent_days=settings.getint("NEWSWATCH_REVISIT_RECENT_DAYS", 30),
        older_every=timedelta(hours=settings.getfloat("NEWSWATCH_REVISIT_OLDER_HOURS", 168)),
        within_runs=max(1, settings.getint("NEWSWATCH_REVISIT_WITHIN", 5)),
    )


class ArticleFilter:
    """Callable given to the spider: False for a listed article not requested from its listing.

    Such an article counts as seen (it is still listed), so it is never taken for removed. Older
    articles whose listing entry agrees with the stored copy are rechecked in a rolling slice:
    the slice is planned from the articles the previous run listed and requested as the listings
    are read (so its pages load beside the listings'); once the listings are done,
    :meth:`rolling_requests` adds whatever the slice over this run's listed articles still lacks.
    The spider consults this before building a request: a request dropped later costs far more.
    """

    def __init__(
        self,
        session: CrawlSession,
        policy: RevisitPolicy,
        stats,
        *,
        full: bool = False,
        gap: timedelta | None = None,
        now: datetime | None = None,
    ):
        self.session = session
        self.policy = policy
        self.stats = stats
        self.full = full
        self.gap = gap
        self.now = now or datetime.now(UTC)
        #: item id → (url, listing, page) of the older articles waiting for the rolling slice.
        self.waiting: dict[str, tuple[str, str | None, int | None]] = {}
        #: The slice planned before the listings are read, and those of it requested from them.
        self.planned: set[str] = set()
        self.rolled: set[str] = set()

    def plan(self, listed_since: datetime | None) -> None:
        """Plan the slice from the older articles listed since ``listed_since`` (the previous run's start)."""
        if self.full:
            return
        older = {
            known.id: self._checked(known)
            for known in self.session.known.values()
            if known.status == "active"
            and not self.policy.every_run(known.published, self.now)
            and (listed_since is None or known.last_seen_at >= listed_since)
        }
        self.planned = set(self.policy.rolling(older, self.now, self.gap))

    @staticmethod
    def _checked(known) -> datetime:
        return known.last_checked_at or known.last_seen_at

    @classmethod
    def for_crawl(cls, crawler, session: CrawlSession, store) -> ArticleFilter:
        """The filter of one crawl: settings, the site's previous run (pace) and last full recheck."""
        settings, now = crawler.settings, datetime.now(UTC)
        every = timedelta(hours=settings.getfloat("NEWSWATCH_REVISIT_FULL_EVERY_HOURS", 0))
        full = settings.getbool("NEWSWATCH_REVISIT_FULL", False) or (
            every > timedelta(0) and full_recheck_due(every, store.last_full_recheck(session.site), now)
        )
        previous = [r for r in store.runs(site=session.site, limit=2) if r.id != session.run_id][:1]
        gap = now - previous[0].started_at if previous else None
        if full:
            crawler.stats.set_value("newswatch/revisit/full", 1)
        article_filter = cls(session, policy_from_settings(settings), crawler.stats, full=full, gap=gap, now=now)
        article_filter.plan(previous[0].started_at if previous else None)
        return article_filter

    def __call__(self, url: str, listed: Listed | None = None, listing: str | None = None, page=None) -> bool:
        known = self.session.known.get(self.session.id_for(url))
        if known is None or known.status != "active" or self.full:
            return self._now(known)
        changed = listing_differs(listed, known.title, known.published)
        if changed:
            self.stats.inc_value("newswatch/revisit/listing_changed")
            logger.info("%s: the listing shows another %s; rechecking it now", url, " and ".join(changed))
            return self._now(known)
        if self.policy.every_run(known.published, self.now):
            return self._now(known)
        self.session.listed_fresh.add(known.id)
        if known.id in self.planned:
            self.rolled.add(known.id)
            return self._now(known)
        self.waiting.setdefault(known.id, (url, listing, page))
        return False

    def _now(self, known) -> bool:
        if known is not None:
            self.waiting.pop(known.id, None)
        return True

    def rolling_requests(self, spider) -> list:
        """Requests completing this run's slice (called once the listings are done).

        The slice is taken over every older article listed this run, least recently checked
        first; those of it not yet requested (listed now but not in the previous run) are.
        """
        known = self.session.known
        pool = {key: self._checked(known[key]) for key in (*self.waiting, *self.rolled)}
        extra = [key for key in self.policy.rolling(pool, self.now, self.gap) if key in self.waiting]
        self.stats.set_value("newswatch/revisit/rolling", len(self.rolled) + len(extra))
        self.stats.set_value("newswatch/revisit/rolling_late", len(extra))
        self.stats.set_value("newswatch/revisit/not_due", len(self.waiting) - len(extra))
        return [spider.article_request(*self.waiting.pop(key)) for key in extra]
