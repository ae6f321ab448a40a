"""What happened: the event's name, acronym and type, its mode, organisers and attendance.

An article whose title and lead name no forum, workshop, meeting, visit, signing, ceremony and
the like reports no event; research results and calls for nominations are recognised as such.
"""

from __future__ import annotations

import re

from newswatch.event.attendance import find_attendance
from newswatch.event.organisers import find_organisers

#: Head nouns → event type, most specific first.
_TYPES = [
    ("assembly", r"General Assembly|Assembly|Congress|Plenary Session|Annual Meeting of Members|大会"),
    ("symposium", r"Symposium|Colloquium|研讨会"),
    ("workshop", r"Workshop|Hackathon|工作坊"),
    ("conference", r"Conference|Summit|Congress|Convention|会议"),
    ("forum", r"Forum|Dialogue|Roundtable|Round Table|Salon|论坛"),
    ("lecture", r"Lecture|Lecture Series|Talk|Webinar|Seminar|Colloquia|讲座|报告会"),
    ("training", r"Training Course|Training Program(?:me)?|Training|Course|School|Bootcamp|培训班|培训"),
    ("ceremony", r"Ceremony|Inauguration|Launch|Opening|Celebration|仪式|启动"),
    ("award", r"Award|Awards|Prize|Medal"),
    ("other", r"Day|Week|Festival|Expo|Exhibition|Fair|Open Day|Hackathon|Competition"),
    ("meeting", r"Meeting|Council Meeting|Board Meeting|Session|Consultation|Talks|Exchange|会谈|会见|座谈会|年会"),
]


def _type_pattern(alternatives: str) -> re.Pattern:
    """English head nouns as whole words, Chinese ones anywhere (no word boundaries in Chinese)."""
    latin = [a for a in alternatives.split("|") if a.isascii()]
    cjk = [a for a in alternatives.split("|") if not a.isascii()]
    parts = [rf"\b(?:{'|'.join(latin)})\b"] if latin else []
    return re.compile("|".join(parts + cjk))


_TYPE_OF = {t: _type_pattern(p) for t, p in _TYPES}
_SIGNING = re.compile(
    r"\bsign(?:s|ed|ing)?\b.{0,60}\b(?:MoU|Memorandum|Agreement|Letter of Intent|Declaration|Accord|Protocol)|签署|"
    r"签约",
    re.I,
)
_VISIT = re.compile(
    # a body that "meets in Lagos" holds a meeting; it does not visit
    r"\b(?:visits?|visited|visiting|delegation|receives?|received|met with|meets(?!\s+(?:in|at|online|virtually)\b))\b|"
    r"访问|会见|来访",
    re.I,
)
_NO_EVENT = re.compile(
    r"\b(?:call for (?:nominations|applications|proposals|papers)|nominations? (?:are|is) (?:now )?open|"
    r"obituary|passed away|in memoriam|(?:researchers|scientists|team)\s+(?:have\s+)?(?:found|discovered|"
    r"developed|reveal)|"
    r"study (?:finds|shows|reveals)|published in (?:Nature|Science|Cell|the journal)|annual report|"
    r"appointed|appointment of|statement on|statement by|job opening|vacancy|征集|提名)\b",
    re.I,
)
#: Lower-case ordinals of an edition: "the second World Forum".
_ORDINALS = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|"
    "fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
)
_HEAD = "|".join(a for _, p in _TYPES for a in p.split("|") if a.isascii())
_NAME = re.compile(
    rf"(?:(?:the|The)\s+)?(?P<name>(?:(?:\d+(?:st|nd|rd|th)|{_ORDINALS}|First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|"
    rf"[A-Z][\w'’&.–-]*|of|on|for|and|the|in|to|&|-|–|\d{{4}})\s+){{0,12}}?"
    rf"(?:{_HEAD})\b(?:\s+(?:{_HEAD})\b)*(?:\s+(?:of|on|for)\s+(?:the\s+)?(?:[A-Z][\w'’&.-]*|and|of|the|in|for|\d{{4}})"
    rf"(?:\s+(?:[A-Z][\w'’&.-]*|and|of|on|the|in|for|to|\d{{4}})\b)*)?(?:\s+\d{{4}})?)"
    rf"(?:\s*\((?P<acronym>[A-Z][A-Za-z0-9&-]{{1,12}}(?:\s+\d{{4}})?)\))?"
)
#: A head noun alone: the name pattern, costly to try at every position, starts its scan shortly before one.
_HEAD_WORD = re.compile(rf"\b(?:{_HEAD})")

_HYBRID = re.compile(
    r"\b(?:both\s+online\s+and\s+(?:offline|in[- ]person|on[- ]site)|both\s+(?:offline|in[- ]person|"
    r"on[- ]site)\s+and\s+online|"
    r"online\s+and\s+offline|offline\s+and\s+online|hybrid|in[- ]person\s+and\s+(?:online|virtual(?:ly)?)|"
    r"(?:online|virtual(?:ly)?)\s+and\s+in[- ]person|on-?site\s+and\s+online|in person and via|mixed format)\b|"
    r"线上线下相结合|线上线下结合|线上与线下",
    re.I,
)
_ONLINE = re.compile(
    r"\b(?:held\s+(?:online|virtually)|took\s+place\s+(?:online|virtually)|online\s+(?:event|meeting|workshop|forum|"
    r"seminar|conference|symposium|lecture|training|ceremony)|virtual\s+(?:event|meeting|workshop|forum|seminar|conference|"
    r"symposium|lecture|ceremony|format)|(?:video|tele)[- ]?conferenc\w*|videolink|video link|via\s+(?:Zoom|Teams|"
    r"Microsoft Teams|Webex|Tencent Meeting|VooV|video)|webinar|in\s+(?:an?\s+)?(?:online|virtual)\s+(?:format|"
    r"form|mode)|"
    r"through\s+online\s+channels|was\s+(?:held|conducted|organi[sz]ed)\s+online)\b|视频会议|线上举行|线上方式|网络会议|云端",
    re.I,
)
_STREAMED = re.compile(
    r"\b(?:(?:live-?)?streamed|broadcast\s+live|webcast)\s+(?:live\s+)?(?:online|on\s+(?:YouTube|the\s+(?:web|internet)))|"
    r"\blive-?streamed\b",
    re.I,
)
#: Every hybrid or online phrase above holds one of these (lower-cased): text with none is in person.
_MODE_KEYS = (
    "online",
    "offline",
    "virtual",
    "hybrid",
    "person",
    "site",
    "mixed format",
    "video",
    "teleconf",
    "tele-conf",
    "tele conf",
    "zoom",
    "teams",
    "webex",
    "tencent",
    "voov",
    "webinar",
    "stream",
    "webcast",
    "broadcast",
    "线上",
    "视频会议",
    "网络会议",
    "云端",
)


def event_type(text: str) -> str | None:
    """The type named in a title or sentence, or None."""
    if _SIGNING.search(text):
        return "signing"
    best: tuple[int, str | None] = (len(text) + 1, None)
    for kind, pattern in _TYPE_OF.items():
        for m in pattern.finditer(text):
            # The head noun that ends the event's name wins: "Award Ceremony" is a ceremony.
            if m.start() < best[0] or (
                kind != best[1] and text[m.start() : m.start() + 1].isupper() and m.start() <= best[0] + 12
            ):
                best = (m.start(), kind)
            break
    if best[1] is None and _VISIT.search(text):
        return "visit"
    if best[1] is None:
        return None
    return _last_head(text) or best[1]


def _last_head(text: str) -> str | None:
    """The type of the head noun ending the first event name in text ('… Award Ceremony' → ceremony)."""
    m = _NAME.search(text)
    if not m:
        return None
    name = re.split(
        r"\s+(?:in|at|during|within|under|on the sidelines of)\s+(?:the\s+)?(?=[A-Z0-9])", m["name"], maxsplit=1
    )[0]
    heads = [(mm.end(), kind) for kind, pattern in _TYPE_OF.items() for mm in pattern.finditer(name)]
    if not heads:
        return None
    end = max(e for e, _ in heads)
    order = [k for k, _ in _TYPES]
    return min((kind for e, kind in heads if e == end), key=order.index)


#: Event nouns common enough to trust in lower case, in a lead sentence that says the event happened.
_LOWER_TYPES = [
    ("workshop", re.compile(r"\b(?:workshop|hackathon)s?\b", re.I)),
    ("symposium", re.compile(r"\b(?:symposium|colloquium)\b", re.I)),
    ("training", re.compile(r"\btraining (?:course|programme|program|workshop|session)s?\b|\bsummer school\b", re.I)),
    ("conference", re.compile(r"\b(?:conference|summit)\b", re.I)),
    ("forum", re.compile(r"\b(?:forum|roundtable|round table|dialogue)\b", re.I)),
    ("lecture", re.compile(r"\b(?:lecture|webinar|seminar)\b", re.I)),
    ("ceremony", re.compile(r"\b(?:ceremony)\b", re.I)),
    (
        "meeting",
        re.compile(r"\b(?:discussion|annual|general|board|council|expert|follow-up|coordination) meetings?\b", re.I),
    ),
    ("other", re.compile(r"\b(?:information|info|open|science|engineering) days?\b|\b(?:exhibition|festival)\b", re.I)),
]


def event_type_lower(text: str) -> str | None:
    """The type of a lower-case event noun ('a regional training course … ended today'), the earliest one."""
    best: tuple[int, str | None] = (len(text) + 1, None)
    for kind, pattern in _LOWER_TYPES:
        m = pattern.search(text)
        if m and m.start() < best[0]:
            best = (m.start(), kind)
    return best[1]


def type_pattern(kind: str) -> re.Pattern | None:
    """The head nouns of an event type ('forum' → Forum, Dialogue, Roundtable …), None for visits and signings."""
    return _TYPE_OF.get(kind)


def reports_no_event(title: str, lead: str) -> bool:
    """True for research results, calls, obituaries and statements (unless the title names an event)."""
    return bool(
        _NO_EVENT.search(title)
        or re.search(r"\bstatement\b", title, re.I)
        or (_NO_EVENT.search(lead[:300]) and event_type(title) is None)
    )


def _names(text: str):
    """``_NAME.finditer(text)``, from a little before the first head noun (no name starts farther back)."""
    head = _HEAD_WORD.search(text)
    return _NAME.finditer(text, max(0, head.start() - 400)) if head else iter(())


def event_mode(text: str) -> str:
    """hybrid, online, else in_person."""
    if _HYBRID.search(text):
        return "hybrid"
    if _ONLINE.search(text):
        return "online"
    if _STREAMED.search(text):  # an event held in person and streamed is held both ways
        return "hybrid"
    return "in_person"


def mentions_mode(text: str) -> bool:
    """False when ``text`` cannot say the event was online or hybrid (a cheap test before the patterns)."""
    low = text.lower()
    return any(key in low for key in _MODE_KEYS)


__all__ = [
    "event_mode",
    "event_type",
    "event_type_lower",
    "find_attendance",
    "find_organisers",
    "mentions_mode",
    "reports_no_event",
    "type_pattern",
]
