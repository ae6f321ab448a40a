"""Dates step: the raw publication date parsed to ISO 8601 with the site's UTC offset; never invented."""

import logging

from itemadapter import ItemAdapter

from newswatch.dates import parse_date
from pipelines.base import CrawlerPipeline

logger = logging.getLogger(__name__)


class DatesPipeline(CrawlerPipeline):
    def process_item(self, item):
        adapter = ItemAdapter(item)
        raw = adapter.get("published_raw")
        spider = self.crawler.spider
        languages = tuple(filter(None, [adapter.get("language"), getattr(spider, "language", None)])) or None
        tz, day_first = getattr(spider, "timezone", None), getattr(spider, "day_first", None)
        adapter["published"] = parse_date(raw, tz, languages, day_first) if raw else None
        what = "parsed" if adapter["published"] else ("unparsed" if raw else "missing")
        self.crawler.stats.inc_value(f"newswatch/dates/{what}")
        if what == "unparsed":
            logger.warning("unparsed date %r on %s", raw, adapter.get("url"))
        return item
