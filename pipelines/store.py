"""Store step: items, versions and changes written in batches (NEWSWATCH_STORE_BATCH per transaction)."""

import logging
from datetime import datetime, timezone

from itemadapter import ItemAdapter

from newswatch.crawling.session import CrawlSession
from storage import ItemWrite

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler, batch_size: int):
        self.crawler = crawler
        self.batch_size = batch_size
        self.pending: list[ItemWrite] = []

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.getint("NEWSWATCH_STORE_BATCH", 200))

    def process_item(self, item):
        session = CrawlSession.of(self.crawler)
        if session is None:
            return item
        adapter = ItemAdapter(item)
        outcome = session.outcomes.pop(adapter["id"])
        session.counts[outcome.kind] += 1
        self.pending.append(ItemWrite(item=dict(adapter), kind=outcome.kind, at=datetime.now(timezone.utc),
                                      changed_fields=list(outcome.changed_fields), diff=outcome.diff))
        if len(self.pending) >= self.batch_size:
            self.flush(session)
        return item

    def flush(self, session) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        try:
            session.store.save_items(session.run_id, batch)
        except Exception as exc:
            self.crawler.stats.inc_value("newswatch/store/errors")
            logger.error("could not store %d items: %s", len(batch), exc)

    def close_spider(self):
        session = CrawlSession.of(self.crawler)
        if session is not None:
            self.flush(session)
