"""User-Agent naming newswatch and where to reach its operator (NEWSWATCH_CONTACT_URL)."""

from __future__ import annotations

from scrapy import signals
from scrapy.downloadermiddlewares.useragent import UserAgentMiddleware
from scrapy.settings import SETTINGS_PRIORITIES

from newswatch import __version__


def contact_user_agent(contact_url: str) -> str:
    """newswatch/<version> (+<contact URL>): sites can see who crawls them and how to object."""
    return f"newswatch/{__version__} (+{contact_url})"


class ContactUserAgentMiddleware(UserAgentMiddleware):
    """Scrapy's User-Agent middleware, its default built from NEWSWATCH_CONTACT_URL.

    A USER_AGENT set by the operator (command line, spider) is used as given.
    """

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if settings.getpriority("USER_AGENT") > SETTINGS_PRIORITIES["project"]:
            agent = settings["USER_AGENT"]
        else:
            agent = contact_user_agent(settings["NEWSWATCH_CONTACT_URL"])
        middleware = cls(agent)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware
