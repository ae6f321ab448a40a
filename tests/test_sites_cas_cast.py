"""CAS and CAST spiders: every field of every saved article, and a crawl of each saved site.

Field checks follow tests/test_sites.py: tests/fixtures/sites/<site>/expected/*.json give, per
article, the extraction the spider must produce.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newswatch.process import finish_item
from newswatch.text import decode_html
from spiders.cas import CasSpider
from spiders.cast import CastSpider

SITES = Path(__file__).parent / "fixtures" / "sites"
SPIDERS = {"cas": CasSpider, "cast": CastSpider}
FIELDS = ("title", "published_raw", "published", "source", "section", "language", "body_starts", "body_ends",
          "paragraphs", "images", "boilerplate")
CHROME = ("Font size", "BigMediumSmall", "Share to", "Views:", "Copyright", "Contact Us", "Home",
          "Visits:", "Page views", "Print", "Hot News")


def _expected(site: str) -> list[dict]:
    return [json.loads(p.read_text("utf-8")) for p in sorted((SITES / site / "expected").glob("*.json"))]


def _cases():
    for site in SPIDERS:
        for expected in _expected(site):
            for field in FIELDS:
                if field in expected or field == "boilerplate":
                    yield pytest.param(site, expected, field, id=f"{site}:{Path(expected['url_path']).name}:{field}")


def extract(site: str, url_path: str) -> dict:
    """Extract a saved page the way a crawl does (site extraction, then the pure pipeline steps)."""
    spider = SPIDERS[site]
    html, _ = decode_html((SITES / site / "v1" / url_path.lstrip("/")).read_bytes(), None)
    url = spider.base_url + url_path
    raw = spider.extract_html(html, url)
    raw["url"] = url
    raw["language"] = raw.get("language") or spider.language
    return finish_item(raw, spider.timezone, (raw["language"],))


@pytest.mark.parametrize("site, expected, field", list(_cases()))
def test_field(site, expected, field):
    item = extract(site, expected["url_path"])
    body = item["body"]
    if field == "body_starts":
        assert body.startswith(expected[field])
    elif field == "body_ends":
        assert body.endswith(expected[field])
    elif field == "paragraphs":
        assert len(body.split("\n\n")) == expected[field]
    elif field == "images":
        base = SPIDERS[site].base_url
        assert [i["url"] for i in item["images"]] == [base + p for p in expected[field]]
    elif field == "boilerplate":
        for chrome in CHROME:
            assert chrome not in body, chrome
    else:
        assert item[field] == expected[field]


@pytest.mark.parametrize("site", sorted(SPIDERS))
def test_every_article_matches_the_spider_and_has_expectations(site):
    """Each saved article URL is recognised as this site's article, and each has an expected file."""
    spider = SPIDERS[site]
    pages = {"/" + p.relative_to(SITES / site / "v1").as_posix() for p in (SITES / site / "v1").rglob("*")
             if p.is_file() and not p.name.startswith(("_", "index", "robots"))}
    assert pages == {e["url_path"] for e in _expected(site)}
    assert all(spider.matches(spider.base_url + p) for p in pages)
    assert not spider.matches(spider.base_url + "/")


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
LISTINGS = {"cas": (3, {"news": 2, "research_news": 1}), "cast": (2, {"col471": 2})}


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
