"""Raw item → clean item: normalised text fields, clean body, every schema field present."""

from __future__ import annotations

from typing import Any

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


def clean_item(raw: dict) -> dict:
    """A copy of ``raw`` with whitespace and boilerplate removed; missing fields get their empty value."""
    item = {**DEFAULTS, **raw}
    for field in TEXT_FIELDS:
        item[field] = normalize_space(item[field]) or None
    item["section"] = clean_paragraphs(list(item["section"] or []))
    item["body"] = clean_body(item["body"])
    seen, images = set(), []
    for image in item["images"] or []:
        if image.get("url") and image["url"] not in seen:
            seen.add(image["url"])
            images.append({"url": image["url"], "caption": normalize_space(image.get("caption")) or None})
    item["images"] = images
    if item["language"]:
        item["language"] = item["language"].strip().lower().replace("_", "-") or None
    return item
