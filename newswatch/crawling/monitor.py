"""MonitorExtension: opens a run, rechecks missing items, decides removals, records the run."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from newswatch.crawling import META
from newswatch.crawling.revisit import ArticleFilter, policy_from_settings
from newswatch.crawling.session import CrawlSession
from newswatch.runs import facts_from_stats, position_reached, removals, run_status
from storage import SiteRecord, open_store

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class MonitorExtension:
    """The crawl's bookkeeping around the spider; the rules live in newswatch.runs."""

    def __init__(self, crawler, store):
        self.crawler = crawler
        self.store = store
        self.recheck = crawler.settings.getbool("NEWSWATCH_RECHECK_MISSING", True)
        self._idle_done = False

    @classmethod
    def from_crawler(cls, crawler):
        store = open_store(crawler.settings.get("NEWSWATCH_DB"))
        ext = cls(crawler, store)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        return ext

    def item_error(self, item, response, spider, failure):
        """A pipeline raised: the item was not stored, so the run is not clean (partial)."""
        self.crawler.stats.inc_value("newswatch/article/failed")

    def spider_opened(self, spider):
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
        run_id = self.store.begin_run(spider.name, _now(), self.crawler.settings.get("NEWSWATCH_WORKER"))
        session = CrawlSession(
            store=self.store, site=spider.name, run_id=run_id, known=self.store.known_items(spider.name)
        )
        self.crawler.newswatch_session = session
        spider.article_filter = ArticleFilter(session, policy_from_settings(self.crawler.settings), self.crawler.stats)
        self.crawler.stats.set_value("newswatch/run/id", run_id)

    def response_received(self, response, request, spider):
        info = request.meta.get(META) or {}
        session = CrawlSession.of(self.crawler)
        if info.get("role") != "article" or session is None:
            return
        if response.status in (404, 410):
            session.gone_urls.add(response.url)
        elif "cached" in response.flags and not info.get("refetch"):
            session.unchanged_urls.add(response.url)
            self.crawler.stats.inc_value("newswatch/article/not_modified")

    def spider_idle(self, spider):
        """Once the listings are done: refetch what a 304 can't vouch for, recheck missing items."""
        session = CrawlSession.of(self.crawler)
        if self._idle_done or session is None or not hasattr(spider, "article_request"):
            return
        self._idle_done = True
        requests = []
        for url in sorted(session.unchanged_urls):
            known = session.known.get(session.id_for(url))
            if known is None or known.status == "removed":
                req = spider.article_request(url, None, None, refetch=True)
                req.meta["dont_cache"] = True
                requests.append(req)
        stats = self.crawler.stats.get_stats()
        if self.recheck and run_status(facts_from_stats(stats, "finished")) != "failed":
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
        session = CrawlSession.of(self.crawler)
        if session is None:
            self.store.close()
            return
        now = _now()
        stats = self.crawler.stats
        status = run_status(facts_from_stats(stats.get_stats(), reason))
        active = {k.id for k in session.known.values() if k.status == "active"}
        unchanged = sorted({session.id_for(u) for u in session.unchanged_urls} & active)
        gone = {session.id_for(u) for u in session.gone_urls}
        removed = removals(status, gone, active)
        try:
            self.store.touch_items(session.run_id, unchanged, now)
            self.store.mark_removed(session.run_id, removed, now)
        except Exception:
            logger.exception("could not record removals and unchanged items")
            status = "failed"
        counts = session.counts
        counts["removed"] = len(removed)
        counts["unchanged"] += len(unchanged)
        for kind in ("new", "updated", "removed", "reappeared", "unchanged", "rebaselined"):
            stats.set_value(f"newswatch/changes/{kind}", counts.get(kind, 0))
        stats.set_value("newswatch/run/status", status)
        values = stats.get_stats()
        errors = sum(
            int(v)
            for k, v in values.items()
            if k.startswith("newswatch/") and k.endswith(("/failed", "/blocked", "/errors", "/empty"))
        )
        self.store.finish_run(
            session.run_id,
            finished_at=now,
            status=status,
            finish_reason=reason,
            pages=int(values.get("response_received_count", 0)),
            items=counts.get("new", 0)
            + counts.get("updated", 0)
            + counts.get("unchanged", 0)
            + counts.get("reappeared", 0)
            + counts.get("rebaselined", 0),
            new=counts.get("new", 0),
            updated=counts.get("updated", 0),
            removed=len(removed),
            reappeared=counts.get("reappeared", 0),
            errors=errors,
            stats={k: v for k, v in values.items() if isinstance(v, (int, float, str))},
        )
        if gone and status != "ok":
            logger.warning("%d page(s) answered 404/410 but the crawl was %s: no removals flagged", len(gone), status)
        self.store.close()
