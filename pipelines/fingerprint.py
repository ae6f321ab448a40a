"""Fingerprint step: canonical URL, stable id, content hash."""

from itemadapter import ItemAdapter

from newswatch.crawling.session import CrawlSession
from newswatch.fingerprint import canonical_url, content_hash, item_id
from pipelines.base import CrawlerPipeline


class FingerprintPipeline(CrawlerPipeline):
    def process_item(self, item):
        adapter = ItemAdapter(item)
        adapter["canonical_url"] = canonical_url(adapter["url"], adapter.get("canonical_url"))
        adapter["id"] = item_id(adapter["canonical_url"])
        adapter["content_hash"] = content_hash(dict(adapter))
        session = CrawlSession.of(self.crawler)
        if session is not None:
            session.seen.add(adapter["id"])
        return item
