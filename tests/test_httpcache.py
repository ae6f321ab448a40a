"""The monitor's HTTP cache: revalidate every page, accept only a 304, never mask errors."""

from __future__ import annotations

import pickle
import sqlite3

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newswatch.crawling.httpcache import RevalidatePolicy
from newswatch.demo import SITE

URL = "http://127.0.0.1/a_1.html"


def _policy():
    return RevalidatePolicy(get_crawler(settings_dict={}).settings)


def _cached(**headers):
    return HtmlResponse(
        URL,
        body=b"<html></html>",
        headers={
            "ETag": '"abc"',
            "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT",
            "Cache-Control": "max-age=86400",
            **headers,
        },
    )


def test_even_a_fresh_looking_copy_is_revalidated_with_its_validators():
    request = Request(URL)
    assert _policy().is_cached_response_fresh(_cached(), request) is False
    assert request.headers[b"If-None-Match"] == b'"abc"'
    assert request.headers[b"If-Modified-Since"] == b"Wed, 01 Jan 2025 00:00:00 GMT"


def test_only_a_304_keeps_the_cached_copy_a_server_error_does_not():
    policy, request = _policy(), Request(URL)
    assert policy.is_cached_response_valid(_cached(), HtmlResponse(URL, status=304), request)
    for status in (200, 500, 503):
        assert not policy.is_cached_response_valid(_cached(), HtmlResponse(URL, status=status), request)


def test_cache_entries_do_not_grow_across_runs(crawler, site_server):
    server = site_server(SITE)
    for _ in range(3):
        crawler.crawl("cae", server.url, "NEWSWATCH_SECTIONS=col2003", check=True)
    assert sum(status == 304 for _, _, status in server.requests) >= 16
    with sqlite3.connect(crawler.cache / "cae.db") as db:
        entries = [pickle.loads(v) for k, v in db.execute("SELECT key, value FROM dict") if k.endswith(b"_data")]
    assert entries and all(entry["flags"].count("cached") <= 1 for entry in entries)
