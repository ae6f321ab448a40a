"""Dedupe step: one item per stable id within a run (same article reached by several URLs)."""

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from pipelines.base import CrawlerPipeline


class DedupePipeline(CrawlerPipeline):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.urls: dict[str, str] = {}

    def process_item(self, item):
        adapter = ItemAdapter(item)
        first = self.urls.setdefault(adapter["id"], adapter["url"])
        if first != adapter["url"]:
            self.crawler.stats.inc_value("newswatch/dedupe/dropped")
            raise DropItem(f"duplicate of {first} (same canonical URL)")
        return item
