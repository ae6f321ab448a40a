"""MonitorExtension: opens a run, rechecks missing items, decides removals, records the run."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from newswatch.crawling import META
from newswatch.crawling.revisit import ArticleFilter
from newswatch.crawling.session import CrawlSession
from newswatch.crawling.stores import open_crawl_store, release
from newswatch.runs import position_reached, removals, run_status
from newswatch.runstats import read_stats
from storage import SiteRecord
from storage.holder import Holder

logger = logging.getLogger(__name__)
#: Counters that are errors: failed, blocked or empty pages, store errors, items dropped as invalid.
ERROR_SUFFIXES = ("/failed", "/blocked", "/errors", "/empty", "/invalid")


def _now() -> datetime:
    return datetime.now(UTC)


def monitor_of(crawler) -> MonitorExtension:
    """The crawl's MonitorExtension; RuntimeError when it is not enabled (the pipelines need its session)."""
    monitor = crawler.get_extension(MonitorExtension)
    if monitor is None:
        raise RuntimeError("newswatch's pipelines need newswatch.crawling.monitor.MonitorExtension in EXTENSIONS")
    return monitor


def session_of(crawler) -> CrawlSession:
    """The crawl's session, owned by its MonitorExtension; RuntimeError when no run was opened."""
    session = monitor_of(crawler).session
    if session is None:
        raise RuntimeError("no crawl session: the site's run was not opened")
    return session


def _close(crawler, spider, reason: str) -> None:
    """Close the spider with ``reason`` (the engine's API changed in Scrapy 2.14)."""
    engine = crawler.engine
    if hasattr(engine, "close_spider_async"):
        deferred_from_coro(engine.close_spider_async(reason=reason))
    else:
        engine.close_spider(spider, reason)


class MonitorExtension:
    """The crawl's bookkeeping around the spider; the rules live in newswatch.runs."""

    def __init__(self, crawler, store):
        self.crawler = crawler
        self.store = store
        self.recheck = crawler.settings.getbool("NEWSWATCH_RECHECK_MISSING")
        self.heartbeat_every = crawler.settings.getfloat("NEWSWATCH_LEASE_HEARTBEAT")
        self.holder = Holder.current()
        self.site: str | None = None
        #: The crawl's shared state, from spider_opened on (None when the site's run was not opened).
        self.session: CrawlSession | None = None
        #: Which articles this run fetches (the revisit policy), from spider_opened on.
        self.article_filter: ArticleFilter | None = None
        self._heartbeat: task.LoopingCall | None = None
        self._idle_done = False

    @classmethod
    def from_crawler(cls, crawler):
        store = open_crawl_store(crawler.settings.get("NEWSWATCH_DB"))
        ext = cls(crawler, store)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        crawler.signals.connect(ext.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def request_dropped(self, request, spider):
        """A redirect back to a URL of its own chain (a loop, dropped as a duplicate) is a failed page.

        Without this the page would vanish silently; a redirect to a page fetched by another link
        (an alias) stays a silent duplicate.
        """
        chain = request.meta.get("redirect_urls") or []
        if request.url in chain:
            role = (request.meta.get(META) or {}).get("role", "other")
            self.crawler.stats.inc_value(f"newswatch/{role}/failed")
            logger.error("%s %s failed: redirect loop (back to %s)", role, chain[0], request.url)

    def item_error(self, item, response, spider, failure):
        """A pipeline raised: the item was not stored, so the run is not clean (partial)."""
        self.crawler.stats.inc_value("newswatch/article/failed")

    def item_scraped(self, item, response, spider):
        """An item went through every step: its page was checked this run."""
        session = self.session
        if session is not None and item.get("id"):
            session.checked.add(item["id"])

    def spider_opened(self, spider):
        # The site's lease (already taken by `newswatch crawl`; taken here for any other caller).
        busy = self.store.acquire_site(spider.name, self.holder, _now())
        if busy is not None:
            logger.error(
                "%s is being crawled by pid %s on %s: not crawled", spider.name, busy.holder.pid, busy.holder.host
            )
            _close(self.crawler, spider, "site_busy")
            return
        self.site = spider.name
        self.store.reap_runs(spider.name)  # runs of the site left by crawls that are gone
        inst = getattr(spider, "institution", {}) or {}
        aliases = [a for a in [inst.get("acronym"), *inst.get("former_names", [])] if a]
        self.store.upsert_site(
            SiteRecord(
                name=spider.name,
                title=inst.get("name") or spider.name,
                base_url=getattr(spider, "base_url", ""),
                aliases=aliases,
                live_checked=getattr(spider, "live_checked", None),
            )
        )
        run_id = self.store.begin_run(spider.name, _now(), self.holder, self.crawler.settings.get("NEWSWATCH_WORKER"))
        session = CrawlSession(
            store=self.store, site=spider.name, run_id=run_id, known=self.store.known_items(spider.name)
        )
        self.session = session
        self.article_filter = ArticleFilter.for_crawl(self.crawler, session, self.store)
        self.crawler.stats.set_value("newswatch/run/id", run_id)
        self._heartbeat = task.LoopingCall(self.beat, spider)
        self._heartbeat.start(self.heartbeat_every, now=False)

    def beat(self, spider):
        """Renew the site's lease; a crawl whose lease was taken over stops (its run fails)."""
        try:
            held = self.store.heartbeat_site(spider.name, self.holder, _now())
        except Exception as exc:  # a database hiccup: the next beat tries again
            logger.warning("could not renew the crawl lease of %s: %s", spider.name, " ".join(str(exc).split())[:200])
            return
        if not held:
            logger.error("the crawl lease of %s was taken over: stopping", spider.name)
            _close(self.crawler, spider, "lease_lost")

    def response_received(self, response, request, spider):
        info = request.meta.get(META) or {}
        session = self.session
        if info.get("role") != "article" or session is None:
            return
        if response.status in (404, 410):
            session.gone_urls.add(response.url)
        elif "cached" in response.flags and not info.get("refetch"):
            session.unchanged_urls.add(response.url)
            self.crawler.stats.inc_value("newswatch/article/not_modified")

    def spider_idle(self, spider):
        """Once the listings are done: refetch what a 304 can't vouch for, recheck missing items."""
        session = self.session
        if self._idle_done or session is None or not hasattr(spider, "article_request"):
            return
        self._idle_done = True
        requests = self.article_filter.rolling_requests(spider) if self.article_filter else []
        for url in sorted(session.unchanged_urls):
            known = session.known.get(session.id_for(url))
            if known is None or known.status == "removed":
                req = spider.article_request(url, None, None, refetch=True)
                req.meta["dont_cache"] = True
                requests.append(req)
        stats = self.crawler.stats.get_stats()
        if self.recheck and run_status(read_stats(stats), "finished") != "failed":
            reached = {
                k.removeprefix("newswatch/listing/reached/"): v
                for k, v in stats.items()
                if k.startswith("newswatch/listing/reached/")
            }
            accounted = (
                session.seen
                | session.listed_fresh
                | {session.id_for(u) for u in session.unchanged_urls | session.gone_urls}
            )
            for known in session.known.values():
                if (
                    known.status == "active"
                    and known.id not in accounted
                    and position_reached((known.listing, known.page), reached)
                ):
                    requests.append(spider.article_request(known.url, known.listing, known.page, recheck=True))
        for req in requests:
            self.crawler.engine.crawl(req)
        if requests:
            self.crawler.stats.set_value("newswatch/recheck/requests", len(requests))
            raise DontCloseSpider

    def spider_closed(self, spider, reason):
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        try:
            session = self.session
            if session is not None:
                self.record_run(session, reason)
        finally:
            if self.site is not None:
                try:
                    self.store.release_site(self.site, self.holder)
                except Exception as exc:  # the lease lapses once this process is gone
                    logger.error("could not release the crawl lease of %s: %s", self.site, _one_line(exc))
            release(self.store)

    def record_run(self, session, reason) -> None:
        """Unchanged and removed items, then the run's status and counters; errors in one log line."""
        now = _now()
        stats = self.crawler.stats
        status = run_status(read_stats(stats.get_stats()), reason)
        active = {k.id for k in session.known.values() if k.status == "active"}
        unchanged = sorted({session.id_for(u) for u in session.unchanged_urls} & active)
        gone = {session.id_for(u) for u in session.gone_urls}
        removed = removals(status, gone, active)
        try:
            self.store.touch_items(session.run_id, sorted(set(unchanged) | (session.listed_fresh & active)), now)
            if not stats.get_value("newswatch/store/errors"):
                self.store.mark_checked(sorted(session.checked | set(unchanged)), now)
            self.store.mark_removed(session.run_id, removed, now)
        except Exception as exc:
            logger.error("could not record removals and unchanged items: %s", _one_line(exc))
            status, removed, unchanged = "failed", [], []
        counts = session.counts
        counts["removed"] = len(removed)
        counts["unchanged"] += len(unchanged)
        for kind in ("new", "updated", "removed", "reappeared", "unchanged", "rebaselined"):
            stats.set_value(f"newswatch/changes/{kind}", counts.get(kind, 0))
        stats.set_value("newswatch/run/status", status)
        values = stats.get_stats()
        try:
            self.store.finish_run(
                session.run_id,
                finished_at=now,
                status=status,
                finish_reason=reason,
                pages=int(values.get("response_received_count", 0)),
                items=sum(counts.get(k, 0) for k in ("new", "updated", "unchanged", "reappeared", "rebaselined")),
                new=counts.get("new", 0),
                updated=counts.get("updated", 0),
                removed=len(removed),
                reappeared=counts.get("reappeared", 0),
                errors=error_count(values),
                stats={k: v for k, v in values.items() if isinstance(v, (int, float, str))},
            )
        except Exception as exc:
            logger.error("could not record run %s of %s: %s", session.run_id, session.site, _one_line(exc))
            return
        if gone and status != "ok":
            logger.warning("%d page(s) answered 404/410 but the crawl was %s: no removals flagged", len(gone), status)


def error_count(stats: dict) -> int:
    """Pages and items that went wrong, each counted once (newswatch/<role>/<what> counters)."""
    return sum(int(v) for k, v in stats.items() if k.startswith("newswatch/") and k.endswith(ERROR_SUFFIXES))


def _one_line(exc: BaseException) -> str:
    """An exception as one short line (drivers add SQL and links on further lines)."""
    orig = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    return (lines[0] if lines else type(orig).__name__)[:300]
