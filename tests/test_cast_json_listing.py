"""CAST list pages whose items come from a JSON endpoint: the request, the paging, a bad answer."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import scrapy
from scrapy.http import HtmlResponse, TextResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from spiders.base import META
from spiders.cast import CastSpider

SHELL = (
    "<html><body><div id='list-box'></div>"
    "<script parseType=\"bulidstatic\" url=\"/api/unit/list.json\" querydata=\"{'unitId':'1207','webId':'8'}\">"
    "</script></body></html>"
)


@pytest.fixture
def spider():
    crawler = get_crawler(CastSpider, {"NEWSWATCH_MAX_PAGES": 3})
    crawler.stats = MemoryStatsCollector(crawler)
    return CastSpider.from_crawler(crawler)


def listing_response(spider, url, body, page=1, **extra):
    request = spider.listing_request(url, "fzlm/syzsxx", page)
    request.meta[META].update(extra)
    return HtmlResponse(url=url, body=body.encode(), encoding="utf-8", request=request)


def json_response(request, html: str | None, status=200, raw: str | None = None):
    body = raw if raw is not None else json.dumps({"code": 0, "data": {"html": html}})
    return TextResponse(
        url=request.url,
        body=body.encode(),
        encoding="utf-8",
        status=status,
        request=request,
        headers={"Content-Type": "application/json"},
    )


def items(n: int, start: int = 0) -> str:
    hrefs = (f"/fzlm/syzsxx/art/2025/art_{i:032x}.html" for i in range(start, start + n))
    return "<ul>" + "".join(f'<li><a href="{h}">Item</a><span>2025-01-01</span></li>' for h in hrefs) + "</ul>"


def test_the_shell_asks_the_endpoint_for_its_page(spider):
    shell = listing_response(spider, "https://english.cast.org.cn/fzlm/syzsxx/index.html", SHELL)
    (request,) = list(spider.parse(shell))
    url = urlsplit(request.url)
    assert (url.netloc, url.path) == ("english.cast.org.cn", "/api/unit/list.json")
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["unitId"] == "1207" and query["webId"] == "8"
    assert json.loads(query["paramJson"]) == {"pageNo": 1, "pageSize": spider.json_page_size}
    assert request.callback == spider.parse_json_listing
    assert request.meta[META]["page"] == 1 and request.meta[META]["json"]["url"].endswith("/api/unit/list.json")


def first_json_request(spider) -> scrapy.Request:
    shell = listing_response(spider, "https://english.cast.org.cn/fzlm/syzsxx/index.html", SHELL)
    return next(iter(spider.parse(shell)))


def test_a_full_page_is_followed_by_the_next_one(spider):
    request = first_json_request(spider)
    out = list(spider.parse_json_listing(json_response(request, items(spider.json_page_size))))
    articles = [r for r in out if r.meta[META]["role"] == "article"]
    listings = [r for r in out if r.meta[META]["role"] == "listing"]
    assert len(articles) == spider.json_page_size
    assert articles[0].url == "https://english.cast.org.cn/fzlm/syzsxx/art/2025/art_" + "0" * 32 + ".html"
    (nxt,) = listings
    assert json.loads(parse_qs(urlsplit(nxt.url).query)["paramJson"][0])["pageNo"] == 2
    assert nxt.meta[META]["page"] == 2 and nxt.callback == spider.parse_json_listing
    assert spider.crawler.stats.get_value("newswatch/listing/pages") == 1


def test_a_short_page_is_the_last(spider):
    request = first_json_request(spider)
    out = list(spider.parse_json_listing(json_response(request, items(3))))
    assert [r.meta[META]["role"] for r in out] == ["article"] * 3


def test_an_empty_page_after_a_full_one_ends_the_list_quietly(spider):
    request = first_json_request(spider)
    full = list(spider.parse_json_listing(json_response(request, items(spider.json_page_size))))
    second = next(r for r in full if r.meta[META]["role"] == "listing")
    assert list(spider.parse_json_listing(json_response(second, "<ul></ul>"))) == []
    assert spider.crawler.stats.get_value("newswatch/listing/empty") is None


def test_paging_stops_at_max_pages(spider):
    request = first_json_request(spider)
    for _ in range(3):
        out = list(spider.parse_json_listing(json_response(request, items(spider.json_page_size))))
        following = [r for r in out if r.meta[META]["role"] == "listing"]
        if not following:
            break
        request = following[0]
    assert request.meta[META]["page"] == 3
    assert spider.crawler.stats.get_value("newswatch/listing/truncated") == 1


@pytest.mark.parametrize("raw", ["<html>maintenance</html>", '{"code": 1, "msg": "error"}', '{"data": null}'])
def test_an_answer_without_a_list_counts_as_a_failed_listing(spider, raw):
    request = first_json_request(spider)
    assert list(spider.parse_json_listing(json_response(request, None, raw=raw))) == []
    assert spider.crawler.stats.get_value("newswatch/listing/failed") == 1


def test_a_column_page_without_the_script_is_read_as_html(spider):
    page = listing_response(
        spider,
        "https://english.cast.org.cn/col/col471/index.html",
        '<div class="list"><ul><li><a href="/art/2024/5/20/art_471_12345.html">A</a></li></ul></div>',
    )
    out = list(spider.parse(page))
    assert [r.url for r in out] == ["https://english.cast.org.cn/art/2024/5/20/art_471_12345.html"]


def test_pubdate_meta_gives_the_time():
    html = (
        '<html><head><meta name="PubDate" content="2025-03-04 09:30"></head><body><div class="article">'
        '<h1>T</h1><div class="info"><span>Date: 2025-03-04</span></div>'
        '<div id="zoom"><p>B</p></div></div></body></html>'
    )
    assert CastSpider.extract_html(html, "https://english.cast.org.cn/x")["published_raw"] == "2025-03-04 09:30"
