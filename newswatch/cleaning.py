"""Raw item → clean item: normalised text fields, clean body, every schema field present."""

from __future__ import annotations

import re
from typing import Any

from w3lib.url import safe_url_string

from newswatch.text import clean_body, clean_paragraphs, normalize_space

TEXT_FIELDS = ("title", "published_raw", "source", "summary")
DEFAULTS: dict[str, Any] = {
    "canonical_url": None,
    "title": None,
    "published": None,
    "published_raw": None,
    "source": None,
    "section": [],
    "language": None,
    "summary": None,
    "body": "",
    "images": [],
    "event": None,
}


_HTTP_URL = re.compile(r"https?://[^\s]+")
_URL_MAX = 4096


def image_url(url: str | None) -> str | None:
    """An image URL as a request would send it (spaces and other unsafe characters percent-encoded),
    or None when it cannot be one: a bad image URL loses the image, never the article."""
    if not url:
        return None
    try:
        url = safe_url_string(url.strip())
    except ValueError:  # a broken IPv6 host, an impossible port, an IDNA label too long
        return None
    return url if len(url) <= _URL_MAX and _HTTP_URL.fullmatch(url) else None


def clean_item(raw: dict) -> dict:
    """A copy of ``raw`` with whitespace and boilerplate removed; missing fields get their empty value."""
    item = {**DEFAULTS, **raw}
    for field in TEXT_FIELDS:
        item[field] = normalize_space(item[field]) or None
    item["section"] = clean_paragraphs(list(item["section"] or []))
    item["body"] = clean_body(item["body"])
    seen, images = set(), []
    for image in item["images"] or []:
        url = image_url(image.get("url"))
        if url and url not in seen:
            seen.add(url)
            images.append({"url": url, "caption": normalize_space(image.get("caption")) or None})
    item["images"] = images
    if item["language"]:
        item["language"] = item["language"].strip().lower().replace("_", "-") or None
    return item
