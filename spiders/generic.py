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
    name = "generic"
    language = None
    extractor_version = "1"
    live_checked = "generic extraction (trafilatura, htmldate, extruct)"

    def __init__(self, url: str | None = None, name: str | None = None, **kwargs):
        if not url:
            raise ValueError("the generic spider needs a listing URL: -a url=https://…")
        site = name or site_name_for(url)
        super().__init__(name=site, **kwargs)
        self.start_url = url
        self.base_url = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
        self.sections = {"news": "News"}
        self.institution = {"name": urlsplit(url).hostname, "acronym": None, "former_names": []}

    def listing_url(self, section: str, page: int) -> str:
        return self.start_url

    def article_links(self, response) -> list[str]:
        return article_links(response.selector, response.url)

    def next_page(self, response, section, page):
        return next_page(response.selector, response.url)

    def extract_response(self, response) -> dict:
        sel = self.selector(response)
        return self.extract_html(sel.get() if sel is not response.selector else response.text, response.url)

    @classmethod
    def extract_html(cls, html: str, url: str) -> dict:
        # Imported here: trafilatura and extruct take half a second to load, which every
        # site's crawl would pay when Scrapy's spider loader imports this module.
        from newswatch.generic import extract_article

        return extract_article(html, url)

    @classmethod
    def matches(cls, url: str) -> bool:
        return False
