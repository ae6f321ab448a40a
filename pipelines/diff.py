"""Diff step: compare with the stored copy (NEW, UPDATED with fields and word diff, UNCHANGED…)."""

from itemadapter import ItemAdapter

from newswatch.changes import Outcome, compare
from newswatch.crawling.monitor import session_of
from pipelines.base import CrawlerPipeline


class DiffPipeline(CrawlerPipeline):
    def process_item(self, item):
        session = session_of(self.crawler)
        adapter = ItemAdapter(item)
        known = session.known.get(adapter["id"])
        if known is None:
            outcome = Outcome("new")
        elif (
            known.status == "active"
            and known.content_hash == adapter["content_hash"]
            and known.extractor_version == adapter["extractor_version"]
        ):
            outcome = Outcome("unchanged")  # the common case needs no database read
        else:
            stored = session.store.get_item(adapter["id"])
            outcome = compare(stored.data if stored else None, known.status, dict(adapter))
        session.outcomes[adapter["id"]] = outcome
        self.crawler.stats.inc_value(f"newswatch/diff/{outcome.kind}")
        return item
