"""The event an article reports, as the schema's ``event`` object, or None when it reports none.

Precision over recall: a field the text does not state stays null (or an empty list).
"""

from __future__ import annotations

import re
from datetime import date

from newswatch.event.people import find_participants
from newswatch.event.what import (
    event_mode,
    event_name,
    event_type,
    find_attendance,
    find_organisers,
    mentions_mode,
    reports_no_event,
)
from newswatch.event.when import find_dates
from newswatch.event.where import find_place, find_place_cjk, find_venue, resolve

_CJK = re.compile(r"[\u4e00-\u9fff]")
_HAPPENED = re.compile(
    r"\b(?:held|took place|opened|convened|kicked off|launched|hosted|organi[sz]ed|signed|visited|met|"
    r"took part|attended|was inaugurated|concluded|closed|started|began|celebrated|awarded|presented|welcomed|"
    r"delivered|gathered|received|will be held|will take place|is scheduled|to be held|will open|will convene|"
    r"will be hosted|will run)\b|举行|举办|召开|开幕|会见|签署|访问|启动",
    re.I,
)
_FUTURE = re.compile(
    r"\b(?:will be held|will take place|is scheduled|are scheduled|to be held|will open|will convene|will be hosted|will run|upcoming)\b|将于",
    re.I,
)
#: Sentences that say how the event itself was held (a later "online meeting next year" does not count).
_FORMAT = re.compile(
    r"\b(?:was|were|is|are)\s+(?:held|conducted|organi[sz]ed|broadcast|streamed|run)|took place|format|"
    r"attended|participated|joined",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?。])\s+|\n+")


def _published(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _event_dates(
    title: str, sentences: list[str], published: date | None, future: bool
) -> tuple[str | None, str | None]:
    """The event's dates: in the first sentence saying it happened, else the dateline, else the title."""
    ordered = [s for s in sentences[:8] if _HAPPENED.search(s)] + sentences[:1] + [title]
    for sentence in ordered:
        spans = find_dates(sentence, published, future)
        if spans:
            start, end = spans[0].start, spans[0].end
            # "held on November 8 … From November 8 to 9, parallel sessions were held": the event runs on.
            for later in sentences:
                for span in find_dates(later, published, future):
                    if span.start == start and span.end > end:
                        end = span.end
            return start.isoformat(), end.isoformat()
    return None, None


def _location(title: str, sentences: list[str], chinese: bool, online: bool) -> dict | None:
    venue = None
    city = country = None
    candidates = [s for s in sentences[:6] if _HAPPENED.search(s)] + sentences[:1] + [title]
    for i, sentence in enumerate(candidates):
        venue = venue or find_venue(sentence)
        if chinese:
            city, country, _ = find_place_cjk(sentence)
        else:
            city, country, _ = find_place(sentence, dateline=i >= len(candidates) - 2 or sentence is sentences[0])
        if city or country:
            break
    if not (city or country) and venue and not chinese:
        for n in (2, 1):
            city, country = resolve(" ".join(venue.split()[-n:]), None)
            if city:
                break
    if online:
        return None
    if not (venue or city or country):
        return None
    return {"venue": venue, "city": city, "country": country}


def extract_event(title: str, body: str, published: str | None = None, language: str | None = None) -> dict | None:
    """The event reported by an article, or None when it reports none (research, calls, obituaries)."""
    title = (title or "").strip()
    body = body or ""
    chinese = (language or "").startswith("zh") or bool(_CJK.search(title[:40]))
    sentences = [s.strip() for s in _SENTENCE.split(body[:6000]) if s.strip()]
    lead = " ".join(sentences[:3])
    if reports_no_event(title, lead):
        return None
    kind = event_type(title) or next(
        (event_type(s) for s in sentences[:3] if _HAPPENED.search(s) and event_type(s)), None
    )
    if kind is None:
        return None
    name, acronym = event_name(title, body)
    if name is None or (kind in ("visit", "signing") and event_type(name) not in (kind, None)):
        name = title
    pub = _published(published)
    future = bool(_FUTURE.search(lead))
    start, end = _event_dates(title, sentences, pub, future)
    said = [s for s in sentences[4:] if mentions_mode(s) and _FORMAT.search(s)]
    mode = event_mode("\n".join([title, *sentences[:4], *said]))
    location = _location(title, sentences, chinese, mode == "online")
    event = {
        "name": name,
        "acronym": acronym,
        "type": kind,
        "start": start,
        "end": end,
        "location": location,
        "mode": mode,
        "organisers": [] if chinese else find_organisers(title, body),
        "participants": [] if chinese else find_participants(body),
        "attendance": find_attendance(body),
    }
    return event


__all__ = ["extract_event"]
