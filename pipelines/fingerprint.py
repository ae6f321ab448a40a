"""Fingerprint step: canonical URL, stable id, content hash."""

from itemadapter import ItemAdapter

from newswatch.crawling.monitor import session_of
from newswatch.fingerprint import canonical_url, content_hash, item_id
from pipelines.base import CrawlerPipeline


class FingerprintPipeline(CrawlerPipeline):
    def process_item(self, item):
        adapter = ItemAdapter(item)
        adapter["canonical_url"] = canonical_url(adapter["url"], adapter.get("canonical_url"))
        adapter["id"] = item_id(adapter["canonical_url"])
        adapter["content_hash"] = content_hash(dict(adapter))
        session_of(self.crawler).seen.add(adapter["id"])
        return item
