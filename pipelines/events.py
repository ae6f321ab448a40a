"""Events step: the event an article reports (or null), extracted from its title and text."""

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from newswatch.event import extract_event
from pipelines.base import CrawlerPipeline


class EventsPipeline(CrawlerPipeline):
    def __init__(self, crawler):
        if not crawler.settings.getbool("NEWSWATCH_EVENTS", True):
            raise NotConfigured("NEWSWATCH_EVENTS is off")
        super().__init__(crawler)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        adapter["event"] = extract_event(adapter.get("title") or "", adapter.get("body") or "",
                                         adapter.get("published"), adapter.get("language"))
        self.crawler.stats.inc_value("newswatch/events/" + ("found" if adapter["event"] else "none"))
        return item
