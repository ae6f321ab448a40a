"""The event an article reports, as the schema's ``event`` object, or None when it reports none.

Precision over recall: a field the text does not state stays null (or an empty list).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from newswatch.event.entities import defined_acronyms, expand_acronym
from newswatch.event.naming import event_name
from newswatch.event.organisers import find_organisers_cjk
from newswatch.event.people import find_participants
from newswatch.event.sentences import about_another_edition, split_sentences
from newswatch.event.what import (
    event_mode,
    event_type,
    event_type_lower,
    find_attendance,
    find_organisers,
    mentions_mode,
    reports_no_event,
    type_pattern,
)
from newswatch.event.when import event_dates, find_dates, split_dateline
from newswatch.event.where import find_place, find_place_cjk, find_venue, resolve

_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGIT = re.compile(r"\d")
#: A sentence-case headline that says something was held ("TÜBİTAK and JSPS hold online information day").
_TITLE_VERB = re.compile(
    r"\b(?:holds?|held|hosts?|hosted|organi[sz]es?|organi[sz]ed|opens?|launch(?:es)?|celebrates?)\b", re.I
)
_HAPPENED = re.compile(
    r"\b(?:held|took place|opened|convened|kicked off|launched|hosted|organi[sz]ed|signed|visited|met|"
    r"took part|attended|was inaugurated|concluded|closed|started|began|celebrated|awarded|presented|welcomed|"
    r"delivered|gathered|received|will be held|will take place|is scheduled|to be held|will open|will convene|"
    r"will be hosted|will run|will hold|will host|ended|wrapped up)\b|举行|举办|召开|开幕|会见|签署|访问|启动",
    re.I,
)
_FUTURE = re.compile(
    r"\b(?:will be held|will take place|is scheduled|are scheduled|to be held|will open|will convene|will be hosted|"
    r"will run|upcoming|will hold|will host|will organi[sz]e)\b|将于",
    re.I,
)
#: Sentences that say how the event itself was held (a later "online meeting next year" does not count).
_FORMAT = re.compile(
    r"\b(?:was|were|is|are)\s+(?:held|conducted|organi[sz]ed|broadcast|streamed|run)|took place|format|"
    r"attended|participated|joined",
    re.I,
)


def _published(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _happened(sentence: str) -> bool:
    """The sentence says an event was held, opened, visited, signed …"""
    return bool(_HAPPENED.search(sentence))


def _candidates(title: str, sentences: list[str], kind: str) -> list[str]:
    """Sentences that may date or place the event: those saying it happened (naming it first), the lead, the title."""
    about = type_pattern(kind)
    happened = [s for s in sentences[:8] if _happened(s) and not about_another_edition(s)]
    named = [s for s in happened if about is not None and about.search(s)]
    return list(dict.fromkeys([*named, *happened, *sentences[:1], title]))


def _location(title: str, sentences: list[str], kind: str, chinese: bool, online: bool) -> dict | None:
    venue = None
    city = country = None
    candidates = _candidates(title, sentences[:6], kind)
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


def _dated_elsewhere(sentence: str, start: str, end: str | None, published: date | None, future: bool) -> bool:
    """True for a sentence whose every date lies outside the event's days (a sentence about another event)."""
    if not _DIGIT.search(sentence):
        return False
    spans = find_dates(sentence, published, future)
    first, last = date.fromisoformat(start) - timedelta(days=1), date.fromisoformat(end or start) + timedelta(days=1)
    return bool(spans) and all(span.end < first or span.start > last for span in spans)


def _own_sentences(
    sentences: list[str], kind: str, start: str, end: str | None, published: date | None, future: bool
) -> list[str]:
    """Sentences about the event: not those dated away from it, nor one that goes on about that other event
    ('… the Symposium on Neuroscience held in Shanghai on April 12-13 … More than 60 researchers took part in the
    symposium')."""
    own, elsewhere = [], False
    for sentence in sentences:
        if _dated_elsewhere(sentence, start, end, published, future):
            elsewhere = True
            continue
        other = event_type_lower(sentence) if elsewhere else None  # only asked after a sentence dated elsewhere
        if elsewhere and other is not None and other != kind:
            continue
        elsewhere = False
        own.append(sentence)
    return own


def extract_event(title: str, body: str, published: str | None = None, language: str | None = None) -> dict | None:
    """The event reported by an article, or None when it reports none (research, calls, obituaries)."""
    title = (title or "").strip()
    body = body or ""
    chinese = (language or "").startswith("zh") or bool(_CJK.search(title[:40]))
    sentences = split_sentences(body[:6000])
    lead = " ".join(sentences[:3])
    if reports_no_event(title, lead):
        return None
    happened = [s for s in sentences[:3] if _happened(s)]
    kind = (
        event_type(title)
        or next((k for k in map(event_type, happened) if k), None)
        or next((k for k in map(event_type_lower, happened[:2]) if k), None)
        or (event_type_lower(title) if _TITLE_VERB.search(title) else None)
    )
    if kind is None:
        return None
    name, acronym = event_name(title, body, kind)
    pub = _published(published)
    future = bool(_FUTURE.search(lead) or _FUTURE.search(title))
    # the dateline dates the report, not the event: its date counts only where the text says "today"
    dateline, first = split_dateline(sentences[0], pub) if sentences else (None, "")
    dated = [first, *sentences[1:]] if dateline is not None else sentences
    start, end = event_dates(_candidates(title, dated, kind), dated, pub, future, dateline)
    rest = sentences[4:]  # no sentence names a mode unless the rest taken together does (one look, not one each)
    said = [s for s in rest if mentions_mode(s) and _FORMAT.search(s)] if mentions_mode("\n".join(rest)) else []
    mode = event_mode("\n".join([title, *sentences[:4], *said]))
    location = _location(title, sentences, kind, chinese, mode == "online")
    # who organised, who took part and how many: not from sentences dated away from the event (another event)
    own = body if start is None else "\n".join(_own_sentences(sentences, kind, start, end, pub, future))
    event: dict[str, Any] = {
        "name": name,
        "acronym": acronym,
        "type": kind,
        "start": start,
        "end": end,
        "location": location,
        "mode": mode,
        "organisers": find_organisers_cjk(own) if chinese else find_organisers(title, own),
        "participants": [] if chinese else find_participants(own),
        "attendance": find_attendance(own),
    }
    defined = defined_acronyms(body[:6000]) if not chinese else {}
    if defined:
        for person in event["participants"]:
            person["organisation"] = expand_acronym(person["organisation"], defined)
        for organiser in event["organisers"]:
            organiser["name"] = expand_acronym(organiser["name"], defined)
    return event


__all__ = ["extract_event"]
