"""Dedupe step: one item per stable id within a run (same article reached by several URLs)."""

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem


class DedupePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.urls: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        first = self.urls.setdefault(adapter["id"], adapter["url"])
        if first != adapter["url"]:
            self.crawler.stats.inc_value("newswatch/dedupe/dropped")
            raise DropItem(f"duplicate of {first} (same canonical URL)")
        return item
