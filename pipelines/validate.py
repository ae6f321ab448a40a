"""Validate step: every item must match the published JSON Schema, or it is dropped with the reason."""

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newswatch.schema import validation_errors
from pipelines.base import CrawlerPipeline


class ValidatePipeline(CrawlerPipeline):
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
