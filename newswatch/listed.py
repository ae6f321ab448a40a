"""What a listing page shows of each article (its title, its date), compared with the stored copy.

A listing is fetched on every run, so a title corrected there (or a date changed) is seen at once;
the article it points to is then due now, whatever its age. Pure functions over a parsel Selector.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from parsel import Selector

from newswatch.dates import parse_date
from newswatch.text import normalize_space

__all__ = ["Listed", "listed_entries", "listing_differs"]

#: Levels climbed from a link to the element holding its date (a <li>, a teaser <div>…).
_ENTRY_DEPTH = 3
#: Text pieces longer than this are prose (a summary), never a listing's date line.
_DATE_MAX_CHARS = 40
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
_ELLIPSIS = ("...", "…", "..")
#: A link text shorter than this ("More", "Read more", "详细") says nothing about the title.
_MIN_TITLE_CHARS = 12


@dataclass(frozen=True, slots=True)
class Listed:
    """An article as its listing shows it: the longest title text given, and the date beside it."""

    title: str | None = None
    date: str | None = None


def _key(text: str) -> str:
    """A title reduced to what a correction changes: no case, width or spacing differences."""
    return normalize_space(unicodedata.normalize("NFKC", text)).casefold()


def _truncated(text: str) -> tuple[str, bool]:
    for mark in _ELLIPSIS:
        if text.endswith(mark):
            return text[: -len(mark)].rstrip(), True
    return text, False


def titles_agree(listed: str, stored: str) -> bool:
    """True when the listing's title is the stored one, or a cut-off start of it ("A long ti…")."""
    shown, cut = _truncated(_key(listed))
    full = _key(stored)
    return shown == full or (cut and full.startswith(shown))


def _absolute(base_url: str, href: str) -> str:
    return urljoin(base_url, href.strip()).split("#", 1)[0]


def _entry(anchor: Selector, others: set[str], base_url: str) -> Selector:
    """The largest element around ``anchor`` (up to _ENTRY_DEPTH levels) linking to no other article."""
    entry = anchor
    for _ in range(_ENTRY_DEPTH):
        parent = entry.xpath("..")
        if not parent or parent[0].root.tag in ("body", "html"):
            break
        hrefs = {_absolute(base_url, h) for h in parent.xpath(".//a/@href").getall()}
        if hrefs & others:
            break
        entry = parent[0]
    return entry


def _date_near(entry: Selector) -> str | None:
    """The first short text outside the entry's links that reads as a full date (YYYY-MM-DD)."""
    for text in entry.xpath(".//text()[not(ancestor::a)][not(ancestor::script)][not(ancestor::style)]").getall():
        text = normalize_space(text)
        if not text or len(text) > _DATE_MAX_CHARS or not _YEAR.search(text):
            continue
        parsed = parse_date(text)
        if parsed:
            return parsed[:10]
    return None


def listed_entries(sel: Selector, base_url: str, urls: Iterable[str]) -> dict[str, Listed]:
    """For each article URL (``urls``) linked from the listing page at ``base_url``, what it shows of it."""
    wanted = set(urls)
    declared = sel.xpath("//base/@href").get()
    bases = dict.fromkeys([base_url, urljoin(base_url, declared.strip()) if declared else base_url])
    anchors: dict[str, list[Selector]] = {}
    resolved_by: dict[str, str] = {}
    for anchor in sel.xpath("//a[@href]"):
        for base in bases:  # links resolved against the page's URL or against its <base href>
            url = _absolute(base, anchor.attrib["href"])
            if url in wanted:
                anchors.setdefault(url, []).append(anchor)
                resolved_by.setdefault(url, base)
                break
    out = {}
    for url, found in anchors.items():
        texts = []
        for anchor in found:
            texts += [normalize_space(anchor.xpath("string()").get()), normalize_space(anchor.attrib.get("title"))]
        title = max(texts, key=len)
        entry = _entry(found[0], wanted - {url}, resolved_by[url])
        out[url] = Listed(title=title if len(title) >= _MIN_TITLE_CHARS else None, date=_date_near(entry))
    return out


def listing_differs(listed: Listed | None, title: str | None, published: str | None) -> list[str]:
    """The fields the listing shows differently from the stored copy ("title", "published").

    A field the listing or the stored copy lacks is not compared: no information, no alarm.
    """
    if listed is None:
        return []
    fields = []
    if listed.title and title and not titles_agree(listed.title, title):
        fields.append("title")
    if listed.date and published and listed.date != published[:10]:
        fields.append("published")
    return fields
