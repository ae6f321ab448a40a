"""Events step: the event an article reports (or null), extracted from its title and text."""

from itemadapter import ItemAdapter

from newswatch.event import extract_event
from pipelines.base import CrawlerPipeline


class EventsPipeline(CrawlerPipeline):
    def process_item(self, item):
        adapter = ItemAdapter(item)
        adapter["event"] = extract_event(adapter.get("title") or "", adapter.get("body") or "",
                                         adapter.get("published"), adapter.get("language"))
        self.crawler.stats.inc_value("newswatch/events/" + ("found" if adapter["event"] else "none"))
        return item
