"""Extraction of saved pages: pick the site's spider by URL (else the generic one), then finish the item."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import click
import parsel

from newswatch.process import finish_item
from newswatch.text import decode_html


def spider_for(url: str | None):
    """The spider class whose article URLs match ``url``; the generic spider otherwise."""
    from newswatch.crawling.runner import spider_classes

    classes = spider_classes()
    if url:
        for name, cls in classes.items():
            if name != "generic" and cls.matches(url):
                return cls
    return classes["generic"]


def extract_file(path: Path, url: str | None = None) -> dict:
    """The item newswatch would store for a saved page (``url`` defaults to the page's canonical link)."""
    body = path.read_bytes()
    if not body.strip():
        raise click.ClickException(f"{path}: empty file, not a saved page")
    html, _ = decode_html(body, None)
    if "<" not in html:
        raise click.ClickException(f"{path}: not an HTML page")
    if url is None:
        sel = parsel.Selector(text=html)
        url = (sel.css('link[rel="canonical"]::attr(href)').get() or sel.css('meta[property="og:url"]::attr(content)').get()
               or path.resolve().as_uri())
    cls = spider_for(url)
    raw = cls.extract_html(html, url)
    raw.update(url=url, site=cls.name if cls.name != "generic" else None,
               fetched_at=datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat(timespec="seconds"))
    if cls.name == "generic":
        from spiders.generic import site_name_for

        raw["site"] = site_name_for(url)
    if not raw.get("language"):
        raw["language"] = cls.language
    item = finish_item(raw, getattr(cls, "timezone", None), tuple(filter(None, [raw.get("language")])) or None)
    item["extractor_version"] = cls.version_tag()
    return item
