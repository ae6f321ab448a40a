"""Extraction of saved pages: pick the site's spider by URL (else the generic one), then finish the item."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import parsel

from newswatch.errors import NotAPageError
from newswatch.process import finish_item
from newswatch.text import decode_html


def spider_for(url: str | None) -> Any:
    """The spider class whose article URLs match ``url``; the generic spider otherwise."""
    from newswatch.crawling.runner import spider_classes

    classes = spider_classes()
    if url:
        for name, cls in classes.items():
            if name != "generic" and cls.matches(url):
                return cls
    return classes["generic"]


_BINARY = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    """More than 1% control characters (other than whitespace): bytes, not a page."""
    sample = text[:65536]
    return len(_BINARY.findall(sample)) > len(sample) / 100


def extract_file(path: Path, url: str | None = None) -> dict:
    """The item newswatch would store for a saved page (``url`` defaults to the page's canonical link)."""
    body = path.read_bytes()
    if not body.strip():
        raise NotAPageError(f"{path}: empty file, not a saved page")
    html, _ = decode_html(body, None)
    if "<" not in html or _looks_binary(html):
        raise NotAPageError(f"{path}: not an HTML page")
    if url is None:
        sel = parsel.Selector(text=html)
        url = (
            sel.css('link[rel="canonical"]::attr(href)').get()
            or sel.css('meta[property="og:url"]::attr(content)').get()
            or path.resolve().as_uri()
        )
    fetched = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
    return extract_item(spider_for(url), html, url, fetched)


def extract_item(cls: Any, html: str, url: str, fetched_at: str | None = None) -> dict:
    """The item a spider class makes of a page's HTML, finished as the crawl pipelines do."""
    raw, fallback = cls.extract_html_fields(html, url)
    site = cls.name
    if site == "generic":
        from spiders.generic import site_name_for

        site = site_name_for(url)
    raw.update(url=url, site=site, fetched_at=fetched_at)
    if not raw.get("language"):
        raw["language"] = cls.language
    languages = tuple(filter(None, [raw.get("language")])) or None
    item = finish_item(raw, getattr(cls, "timezone", None), languages, getattr(cls, "day_first", None))
    item["extractor_version"] = cls.version_tag(fallback)
    return item
