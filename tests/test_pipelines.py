"""Pipeline steps built as Scrapy builds them, on a raw item: clean → dates → fingerprint → dedupe → validate."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from pipelines.clean import CleanPipeline
from pipelines.dates import DatesPipeline
from pipelines.dedupe import DedupePipeline
from pipelines.fingerprint import FingerprintPipeline
from pipelines.validate import ValidatePipeline
from spiders.cae import CaeSpider

STEPS = (CleanPipeline, DatesPipeline, FingerprintPipeline, DedupePipeline, ValidatePipeline)


@pytest.fixture
def run():
    crawler = get_crawler(CaeSpider, {"EXTENSIONS": {}})
    crawler.spider = crawler._create_spider()
    crawler.stats.open_spider()
    steps = [build_from_crawler(step, crawler) for step in STEPS]

    def process(item):
        for step in steps:
            item = step.process_item(item)
        return item

    process.stats = crawler.stats
    return process


def _raw(**kw):
    item = {
        "site": "cae",
        "url": "https://en.cae.cn/cae/html/en/col2003/2023-06/25/20230625093015120_1.html?utm_source=x",
        "title": "  Global Engineering\u00a0Frontiers Forum ",
        "published_raw": "Published: Jun 25, 2023",
        "source": "CAE",
        "section": ["International Efforts"],
        "language": "en",
        "body": ["The forum opened in Beijing.", "Font size: BigMediumSmall", "  Experts from 20 countries attended. "],
        "images": [],
        "fetched_at": "2026-11-23T10:00:00+00:00",
        "extractor_version": "cae-1.core-1",
    }
    item.update(kw)
    return item


def test_a_raw_item_comes_out_clean_dated_fingerprinted_and_valid(run):
    item = run(_raw())
    assert item["title"] == "Global Engineering Frontiers Forum"
    assert item["body"] == "The forum opened in Beijing.\n\nExperts from 20 countries attended."
    assert item["published"] == "2023-06-25" and item["published_raw"] == "Published: Jun 25, 2023"
    assert item["canonical_url"].endswith("20230625093015120_1.html") and len(item["id"]) == 16
    assert len(item["content_hash"]) == 64 and item["event"] is None
    assert run.stats.get_value("newswatch/dates/parsed") == 1


def test_duplicate_within_a_run_is_dropped_with_its_reason(run):
    run(_raw())
    with pytest.raises(DropItem, match="duplicate of https://en.cae.cn/.*utm_source"):
        run(_raw(url="https://en.cae.cn/cae/html/en/col2003/2023-06/25/20230625093015120_1.html"))
    assert run.stats.get_value("newswatch/dedupe/dropped") == 1


def test_invalid_item_is_dropped_with_reason_and_counted_per_field(run):
    with pytest.raises(
        DropItem, match=r"invalid item .*: body: '' should be non-empty; title: None is not of type 'string'"
    ):
        run(_raw(title="   ", body=["Font size: BigMediumSmall"]))
    assert run.stats.get_value("newswatch/validate/invalid") == 1
    assert run.stats.get_value("newswatch/validate/invalid/title") == 1
    assert run.stats.get_value("newswatch/validate/invalid/body") == 1


def test_unparsable_date_is_kept_raw_never_invented(run):
    item = run(_raw(published_raw="Published: spring"))
    assert item["published"] is None and item["published_raw"] == "Published: spring"
    assert run.stats.get_value("newswatch/dates/unparsed") == 1


def test_a_run_counts_the_items_stored_not_those_that_failed_to_store(run):
    """When a batch cannot be written, its items are a store error, not "new" items of the run."""
    from newswatch.changes import Outcome
    from newswatch.crawling.session import CrawlSession
    from pipelines.store import StorePipeline

    class FullDisk:
        fail = True

        def save_items(self, run_id, writes):
            if self.fail:
                raise OSError("database or disk is full")

    crawler = get_crawler(CaeSpider, {"EXTENSIONS": {}, "NEWSWATCH_EVENTS": False, "NEWSWATCH_STORE_BATCH": 2})
    crawler.stats.open_spider()
    store = FullDisk()
    session = crawler.newswatch_session = CrawlSession(store=store, site="cae", run_id=1)
    pipeline = build_from_crawler(StorePipeline, crawler)
    items = [
        run(_raw(url=f"https://en.cae.cn/cae/html/en/col2003/2023-06/25/2023062509301512{i}_1.html")) for i in range(4)
    ]
    for item in items[:2]:
        session.outcomes[item["id"]] = Outcome("new")
        pipeline.process_item(item)
    assert session.counts["new"] == 0 and crawler.stats.get_value("newswatch/store/errors") == 1
    store.fail = False
    for item in items[2:]:
        session.outcomes[item["id"]] = Outcome("new")
        pipeline.process_item(item)
    assert session.counts["new"] == 2
