"""CAS and CAST spiders: listing numbering, the seed story, and a crawl of each saved site.

Every field of every saved article is checked in tests/test_sites.py with the other site spiders.
"""

from __future__ import annotations

import pytest
from test_sites import _expected, extract

from spiders.cas import CasSpider
from spiders.cast import CastSpider
from spiders.cast_zh import CastZhSpider

SPIDERS = {"cas": CasSpider, "cast": CastSpider, "cast_zh": CastZhSpider}


def test_cas_listing_urls_follow_trs_numbering():
    spider = CasSpider()
    assert spider.listing_url("news", 1) == "https://english.cas.cn/newsroom/news/index.shtml"
    assert spider.listing_url("news", 2) == "https://english.cas.cn/newsroom/news/index_1.shtml"


def test_cast_listing_urls():
    spider = CastSpider()
    assert spider.listing_url("col471", 1) == "https://english.cast.org.cn/col/col471/index.html"
    assert spider.listing_url("col471", 2) == "https://english.cast.org.cn/col/col471/index_2.html"


def test_cas_seed_story_is_the_forum_of_the_cae_seed():
    """The CAS fixture retells the forum of the CAE seed article: same date, hosts and theme."""
    item = extract("cas", "/newsroom/news/202011/t20201109_262145.shtml")
    assert "BAI Chunli" in item["body"] and "November 8, 2020" in item["body"]
    assert "Trust, Cooperation, Development" in item["body"]
    assert item["published"] == "2020-11-09T10:12:00+08:00" and item["source"] == "CAS"


#: Listing pages of each saved site and the listing depth reached per section (pagination followed).
LISTINGS = {
    "cas": (8, {"news": 2, "headlines": 1, "research-news": 2, "cas-in-media": 3}),
    "cast": (3, {"col471": 2, "fzlm/syzsxx": 1}),
    "cast_zh": (2, {"xw/tzgg/ZH": 1, "xw/MTBD": 1}),
}


@pytest.mark.parametrize("site", sorted(SPIDERS))
def test_crawl_stores_every_article(site, crawler, site_server):
    """A crawl of the saved site follows the pagination and stores every article with its title."""
    server = site_server(site)
    done = crawler.crawl(site, server.url, check=True)
    expected = _expected(site)
    with crawler.store() as store:
        run = store.runs(site=site, limit=1)[0]
        assert run.status == "ok", done.stderr[-3000:]
        assert run.new == len(expected) and run.errors == 0
        pages, reached = LISTINGS[site]
        assert run.stats["newswatch/listing/pages"] == pages
        assert {k: run.stats[f"newswatch/listing/reached/{k}"] for k in reached} == reached
        for exp in expected:
            item = store.find_item(server.url + exp["url_path"])
            assert item is not None, exp["url_path"]
            assert item.title == exp["title"]
            assert item.site == site
