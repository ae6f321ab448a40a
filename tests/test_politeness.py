"""Politeness defaults: robots.txt, AutoThrottle, per-domain concurrency, a User-Agent with a contact URL."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.misc import build_from_crawler

from newswatch.crawling.runner import project_settings
from newswatch.crawling.useragent import ContactUserAgentMiddleware
from spiders.cae import CaeSpider


def _agent(overrides: dict) -> str:
    """The User-Agent sent with newswatch's settings and ``overrides`` given as `-s` does."""
    crawler = Crawler(CaeSpider, project_settings(overrides))
    middleware = build_from_crawler(ContactUserAgentMiddleware, crawler)
    request = Request("https://en.cae.cn/")
    middleware.process_request(request)
    return request.headers[b"User-Agent"].decode()


def test_user_agent_names_newswatch_and_the_operators_contact_url():
    assert _agent({}).startswith("newswatch/") and "(+https://" in _agent({})
    assert _agent({"NEWSWATCH_CONTACT_URL": "https://academy-watch.example/contact"}).endswith(
        "(+https://academy-watch.example/contact)"
    )
    assert _agent({"USER_AGENT": "my-own-agent/1.0"}) == "my-own-agent/1.0"


def test_polite_defaults():
    settings = project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert 0 < settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 8
    assert not settings.getbool("TELNETCONSOLE_ENABLED") and not settings.getbool("REMOTE_CONTROL_ENABLED")
