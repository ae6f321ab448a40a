"""Validate step: every item must match the published JSON Schema, or it is dropped with the reason."""

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newswatch.schema import validation_errors


class ValidatePipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        errors = validation_errors(dict(adapter))
        if errors:
            stats = self.crawler.stats
            stats.inc_value("newswatch/validate/invalid")
            for error in errors:
                stats.inc_value(f"newswatch/validate/invalid/{error.split(':', 1)[0]}")
            raise DropItem(f"invalid item {adapter.get('url')}: {'; '.join(errors)}")
        return item
