"""Events step: the event an article reports (or null), extracted from its title and text.

Extraction runs in worker processes when there are spare cores (NEWSWATCH_EVENT_WORKERS), so the
crawl keeps downloading and parsing meanwhile; the text signature used for linking comes back with it.
"""

import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from newswatch.crawling.session import CrawlSession
from newswatch.event import extract_event
from newswatch.event.workers import workers_for
from pipelines.base import CrawlerPipeline

logger = logging.getLogger(__name__)


class EventsPipeline(CrawlerPipeline):
    def __init__(self, crawler):
        if not crawler.settings.getbool("NEWSWATCH_EVENTS", True):
            raise NotConfigured("NEWSWATCH_EVENTS is off")
        super().__init__(crawler)
        self.text_max = crawler.settings.getint("NEWSWATCH_EVENT_TEXT_MAX", 20_000)
        self.workers = workers_for(crawler.settings)
        if self.workers is not None:  # usually started already (run_crawls), else now
            self.workers.warm()

    async def process_item(self, item):
        adapter = ItemAdapter(item)
        args = (
            adapter.get("title") or "",
            (adapter.get("body") or "")[: self.text_max],  # an event is told in the lead, not page 40
            adapter.get("published"),
            adapter.get("language"),
        )
        event, sig = None, None
        workers = self.workers
        if workers is not None:
            try:
                event, sig = await workers.analyse(*args)
            except Exception as exc:  # a worker died (killed, out of memory): carry on in this process
                if not workers.broken:
                    raise
                if self.workers is workers:  # the first of the items that were waiting says so
                    logger.warning("event workers stopped (%s); extracting events in the crawl process", exc)
                    self.crawler.stats.inc_value("newswatch/events/worker_errors")
                    self.workers = None
                event = extract_event(*args)
        else:
            event = extract_event(*args)
        adapter["event"] = event
        session = CrawlSession.of(self.crawler)
        if session is not None and sig is not None:
            session.signatures[adapter["url"]] = sig
        self.crawler.stats.inc_value("newswatch/events/" + ("found" if event else "none"))
        return item
