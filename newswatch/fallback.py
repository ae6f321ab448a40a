"""Field-level fallback: what a site's selectors miss on a page comes from the generic extraction.

A site's selectors are written against the markup known when its spider was written; after a
redesign they find nothing. An item is then never stored with the field empty: the title, body
or date comes from trafilatura, htmldate and extruct (newswatch.generic), and the item says
which fields did (``version_tag``), so the crawl counts them and a redesign re-baselines its
items instead of flagging them as updated.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from newswatch.dates import parse_date

#: Fields a site's selectors must fill, by the name stats and health use for them.
FIELDS = {"title": "title", "body": "body", "date": "published_raw"}
#: Fewer words than this from the generic extraction are no article body (a breadcrumb, a heading).
MIN_BODY_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”’)]*)(?:\s|$)|[。！？]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
#: Fields also taken from the generic extraction, without counting, once a page fell back.
_ALSO = ("source", "summary", "section", "images", "canonical_url")


def _empty(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not any(str(v).strip() for v in value)
    return value is None


def missed(raw: dict, tz: str | None = None, day_first: bool | None = None) -> list[str]:
    """The fields (title, body, date) the selectors left empty; a date that does not parse is missed too."""
    out = [name for name in ("title", "body") if _empty(raw.get(name))]
    date = raw.get("published_raw")
    languages = (raw["language"],) if raw.get("language") else None
    if _empty(date) or not parse_date(date, tz, languages, day_first):
        out.append("date")
    return out


def fill_missing(
    raw: dict,
    html: str | Callable[[], str],
    url: str,
    tz: str | None = None,
    day_first: bool | None = None,
) -> list[str]:
    """Fill the fields ``raw`` misses from the generic extraction of the page; returns their names.

    ``html`` may be a callable, so a page whose selectors found everything is never serialised.
    The names returned are those the selectors missed, whether or not the generic extraction
    found a value (an item still missing a required field is then dropped by validation).
    """
    names = missed(raw, tz, day_first)
    if not names:
        return []
    from newswatch.generic import extract_article  # trafilatura loads slowly: only when needed

    generic = extract_article(html() if callable(html) else html, url, day_first=day_first)
    generic["body"] = _article_text(generic.get("body"), raw.get("title") or generic.get("title"))
    for name in names:
        key = FIELDS[name]
        if not _empty(generic.get(key)):
            raw[key] = generic[key]
    for key in _ALSO:
        if _empty(raw.get(key)) and not _empty(generic.get(key)):
            raw[key] = generic[key]
    return names


def _article_text(body: str | None, title: str | None) -> str:
    """The generic body without lines repeating the title, or "" when what is left is no article's
    text: too short, or without a sentence (a page with an empty article yields its breadcrumbs,
    headings and info line)."""
    folded = (title or "").strip().casefold()
    kept = [p for p in (body or "").split("\n\n") if p.strip() and p.strip().casefold() != folded]
    text = "\n\n".join(kept)
    return text if _words(text) >= MIN_BODY_WORDS and _SENTENCE_END.search(text) else ""


def _words(text: str) -> float:
    """Words of a text, a CJK character counting half a word."""
    cjk = len(_CJK.findall(text))
    return len(_CJK.sub(" ", text).split()) + cjk / 2


def version_suffix(names: list[str]) -> str:
    """The extractor-version mark of fields that came from the generic extraction ("+generic:body,date")."""
    return f"+generic:{','.join(sorted(names))}" if names else ""


def field_origins(cls, html: str, url: str) -> dict[str, str]:
    """Per raw field of a site's page: "selectors" when the spider's selectors filled it, "generic"
    when the fallback did, "" when neither (what `newswatch check --live` counts)."""
    import parsel

    raw = cls.extract_page(parsel.Selector(text=html, base_url=url), url)
    by_selectors = {key for key, value in raw.items() if not _empty(value)}
    names = fill_missing(raw, html, url, cls.timezone, cls.day_first) if cls.generic_fallback else []
    if "date" in names:
        by_selectors.discard("published_raw")  # present but unreadable
    return {
        key: "selectors" if key in by_selectors else ("generic" if not _empty(value) else "")
        for key, value in raw.items()
    }
