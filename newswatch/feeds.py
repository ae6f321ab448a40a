"""Atom feeds of flagged changes (feedgen): one entry per change, its id stable per item version.

An entry's id names the item, the version and the kind (``tag:newswatch,2026:item/ID/v3/updated``), so
a feed reader shows an item again when a new version of it is flagged. Removals and reappearances
can repeat at one version, so theirs also name the change. Content is plain text: scraped text
never becomes markup, and only http(s) URLs become links.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote

from feedgen.feed import FeedGenerator

from newswatch.changes import TEXT_FIELDS, render_word_diff
from storage.records import ChangeRecord

TAG = "tag:newswatch,2026:"
FEED_SIZE = 100
#: The feed's date when it has no entries: fixed, so an empty feed does not change between requests.
EMPTY_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_LIMIT = 4000


def xml_text(value: object) -> str:
    """Text with the characters XML cannot carry removed (scraped pages hold a few)."""
    return _NOT_XML.sub("", "" if value is None else str(value))


def entry_id(change: ChangeRecord) -> str:
    """The entry's stable id: item, version and kind (and, for removals and reappearances, the change)."""
    tail = f"/{change.id}" if change.kind in ("removed", "reappeared") else ""
    return f"{TAG}item/{quote(change.item_id, safe='')}/v{change.version or 0}/{change.kind}{tail}"


def _http(url: str | None) -> str | None:
    from newswatch.web.security import http_url

    return http_url(url)


def entry_text(change: ChangeRecord) -> str:
    """What the entry says: the kind, site and URL, then the changed fields with word diffs."""
    lines = [f"{change.kind} on {change.site}: {change.title or change.url}", change.url]
    if change.changed_fields:
        lines.append("changed: " + ", ".join(change.changed_fields))
    for name, diff in (change.diff or {}).items():
        if name in TEXT_FIELDS and isinstance(diff, dict) and "words" in diff:
            lines += ["", f"{name}:", render_word_diff(diff["words"])]
        elif isinstance(diff, dict):
            lines += ["", f"{name}: {diff.get('old')!r} → {diff.get('new')!r}"]
    text = "\n".join(lines)
    return text if len(text) <= _TEXT_LIMIT else text[:_TEXT_LIMIT] + " …"


def atom_feed(
    changes: list[ChangeRecord], *, feed_id: str, title: str, self_url: str, home_url: str, item_url=None
) -> bytes:
    """The Atom document for these changes (newest first); ``item_url(change)`` links the dashboard."""
    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(xml_text(title))
    fg.author({"name": "newswatch"})
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=home_url, rel="alternate", type="text/html")
    fg.generator("newswatch")
    fg.updated(max((c.detected_at for c in changes), default=EMPTY_UPDATED))
    for change in changes[:FEED_SIZE]:
        entry = fg.add_entry(order="append")
        entry.id(entry_id(change))
        entry.title(xml_text(f"[{change.kind}] {change.title or change.url}"))
        entry.updated(change.detected_at)
        entry.published(change.detected_at)
        dashboard = item_url(change) if item_url is not None else None
        text = entry_text(change) + (f"\n\nversions and diff: {dashboard}" if dashboard else "")
        entry.content(xml_text(text), type="text")
        entry.category(term=change.kind, label=change.kind)
        # One link, rel=alternate (feedgen 1.0 drops the rel/type of entry links): the article when
        # its URL is http(s), else the item's page on the dashboard.
        link = _http(change.url) or dashboard
        if link:
            entry.link(href=link)
    return fg.atom_str(pretty=True)


__all__ = ["EMPTY_UPDATED", "FEED_SIZE", "atom_feed", "entry_id", "entry_text", "xml_text"]
