"""Generic spider for a site with no spider yet: `newswatch crawl --url LISTING [--name NAME]`.

Article links and pagination ("Next", rel=next, ?page=2, /page/2/) come from newswatch.listing;
title, date and body from trafilatura, htmldate and extruct (newswatch.generic).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from newswatch.listing import article_links, next_page
from spiders.base import NewsSpider


def site_name_for(url: str) -> str:
    """A site name from a URL's host: https://www.example.org/news → example_org."""
    host = (urlsplit(url).hostname or "site").removeprefix("www.")
    return re.sub(r"[^a-z0-9]+", "_", host.lower()).strip("_") or "site"


class GenericSpider(NewsSpider):
    """A listing URL crawled with generic extraction.

    Used as is by `newswatch crawl --url`; a subclass that sets ``name``, ``institution`` and
    ``start_url`` is a site watched without selectors of its own (its ``live_checked`` says so).
    """

    name = "generic"
    language = None
    extractor_version = "2"  # 2: dates and source from the page's info line, kept out of the body
    live_checked = "generic extraction (trafilatura, htmldate, extruct)"
    generic_fallback = False  # no selectors of its own: everything is the generic extraction
    #: The news listing a subclass watches; `--url` gives it for the plain generic spider.
    start_url: str | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.start_url:  # the site's origin, shown by `newswatch sites` before any crawl
            parts = urlsplit(cls.start_url)
            cls.base_url = f"{parts.scheme}://{parts.netloc}"

    def __init__(self, url: str | None = None, name: str | None = None, **kwargs):
        url = url or self.start_url
        if not url:
            raise ValueError("the generic spider needs a listing URL: -a url=https://…")
        base = kwargs.pop("base_url", None)
        if base and self.start_url and url == self.start_url:  # NEWSWATCH_BASE_URL: serve from a mirror
            parts = urlsplit(url)
            url = base.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")
        site = name or (self.name if type(self) is not GenericSpider else site_name_for(url))
        super().__init__(name=site, **kwargs)
        self.start_url = url
        self.base_url = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
        self.sections = {"news": "News"}
        if not self.institution:
            self.institution = {"name": urlsplit(url).hostname, "acronym": None, "former_names": []}

    def listing_url(self, section: str, page: int) -> str:
        return self.start_url

    def article_links(self, response) -> list[str]:
        return article_links(response.selector, response.url)

    def next_page(self, response, section, page):
        return next_page(response.selector, response.url)

    def extract_fields(self, response) -> tuple[dict, list[str]]:
        sel = self.selector(response)
        return self.extract_html(sel.get() if sel is not response.selector else response.text, response.url), []

    @classmethod
    def extract_html_fields(cls, html: str, url: str) -> tuple[dict, list[str]]:
        # Imported here: trafilatura and extruct take half a second to load, which every
        # site's crawl would pay when Scrapy's spider loader imports this module.
        from newswatch.generic import extract_article

        return extract_article(html, url, day_first=cls.day_first), []

    @classmethod
    def matches(cls, url: str) -> bool:
        """A subclass matches its site's pages (by host); the plain generic spider matches none."""
        if not cls.start_url:
            return False
        host = lambda u: (urlsplit(u).hostname or "").removeprefix("www.")  # noqa: E731
        return host(url) == host(cls.start_url)
