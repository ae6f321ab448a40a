"""Dedupe step: one item per stable id within a run; a re-post under a new URL keeps its item's id."""

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newswatch.crawling.monitor import session_of
from pipelines.base import CrawlerPipeline


class DedupePipeline(CrawlerPipeline):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.urls: dict[str, str] = {}

    def process_item(self, item):
        adapter = ItemAdapter(item)
        session = session_of(self.crawler)
        original = session.repost_of(adapter["id"], adapter["content_hash"])
        if original is not None:
            self.crawler.stats.inc_value("newswatch/dedupe/reposted")
            adapter["id"] = original
        first = self.urls.setdefault(adapter["id"], adapter["url"])
        if first != adapter["url"]:
            self.crawler.stats.inc_value("newswatch/dedupe/dropped")
            raise DropItem(f"duplicate of {first} (same canonical URL)")
        return item
