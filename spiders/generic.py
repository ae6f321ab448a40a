"""Generic spider for a site with no spider yet: `newswatch crawl --url LISTING [--name NAME]`.

Article links and pagination ("Next", rel=next, ?page=2, /page/2/) come from newswatch.listing;
title, date and body from trafilatura, htmldate and extruct (newswatch.generic).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from newswatch.inputs import site_name_problem
from newswatch.listing import article_links, next_page
from spiders.base import NewsSpider


def site_name_for(url: str) -> str:
    """A site name from a URL's host: https://www.example.org/news → example_org, 127.0.0.1 → site_127_0_0_1."""
    host = (urlsplit(url).hostname or "site").removeprefix("www.")
    name = re.sub(r"[^a-z0-9]+", "_", host.lower()).strip("_") or "site"
    return name if name[0].isalpha() else f"site_{name}"


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
    #: A site with several news listings: section key → listing URL (the first is ``start_url``).
    listings: dict[str, str] = {}
    # ``article_path``, when a subclass declares it, is matched against the path plus "?query"
    # (when there is one): links outside page chrome that it accepts are articles too, beside
    # those the generic link discovery finds (shapes it would miss: "/?p=123", a sibling folder).

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.listings:
            cls.start_url = next(iter(cls.listings.values()))
            cls.sections = {key: key.replace("-", " ").capitalize() for key in cls.listings}
        if cls.start_url:  # the site's origin, shown by `newswatch sites` before any crawl
            parts = urlsplit(cls.start_url)
            cls.base_url = f"{parts.scheme}://{parts.netloc}"

    def __init__(self, url: str | None = None, name: str | None = None, **kwargs):
        url = url or self.start_url
        if not url:
            raise ValueError("the generic spider needs a listing URL: -a url=https://…")
        base = kwargs.pop("base_url", None)
        self._mirror = base.rstrip("/") if base and self.start_url and url == self.start_url else None
        url = self._mirrored(url)  # NEWSWATCH_BASE_URL: serve from a mirror
        site = name or (self.name if type(self) is not GenericSpider else site_name_for(url))
        if site_name_problem(site):  # the name becomes a cache file and a database key: never a path
            raise ValueError(site_name_problem(site))
        super().__init__(name=site, **kwargs)
        self.start_url = url
        self.base_url = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
        if not type(self).listings:
            self.sections = {"news": "News"}
        known = self.article_path != NewsSpider.article_path
        self._accept = re.compile(self.article_path).search if known else None
        if not self.institution:
            self.institution = {"name": urlsplit(url).hostname, "acronym": None, "former_names": []}

    def _mirrored(self, url: str) -> str:
        """A URL of the site on the mirror given by NEWSWATCH_BASE_URL (unchanged without one)."""
        if not self._mirror:
            return url
        parts = urlsplit(url)
        return self._mirror + parts.path + (f"?{parts.query}" if parts.query else "")

    def listing_url(self, section: str, page: int) -> str:
        listings = type(self).listings
        return self._mirrored(listings[section]) if listings else self.start_url or ""

    def is_article_url(self, url: str) -> bool:
        """True when ``url`` has the shape of one of the site's articles (``article_path``)."""
        parts = urlsplit(url)
        return bool(self._accept and self._accept(parts.path + (f"?{parts.query}" if parts.query else "")))

    def article_links(self, response) -> list[str]:
        found = article_links(response.selector, response.url)
        if self._accept:
            seen = set(found)
            found += [u for u in article_links(response.selector, response.url, self.is_article_url) if u not in seen]
        return found

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
