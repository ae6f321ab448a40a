"""What happened: the event's name, acronym and type, its mode, organisers and attendance.

An article whose title and lead name no forum, workshop, meeting, visit, signing, ceremony and
the like reports no event; research results and calls for nominations are recognised as such.
"""

from __future__ import annotations

import re

from newswatch.event.attendance import find_attendance
from newswatch.event.entities import find_organisation
from newswatch.event.organisers import find_organisers
from newswatch.event.where import resolve

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
    ("meeting", r"Meeting|Council Meeting|Board Meeting|Session|Consultation|Talks|Exchange|会谈|会见|座谈会"),
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
    r"\b(?:visits?|visited|visiting|delegation|receives?|received|met with|meets)\b|访问|会见|来访", re.I
)
_NO_EVENT = re.compile(
    r"\b(?:call for (?:nominations|applications|proposals|papers)|nominations? (?:are|is) (?:now )?open|"
    r"obituary|passed away|in memoriam|(?:researchers|scientists|team)\s+(?:have\s+)?(?:found|discovered|"
    r"developed|reveal)|"
    r"study (?:finds|shows|reveals)|published in (?:Nature|Science|Cell|the journal)|annual report|"
    r"appointed|appointment of|statement on|statement by|job opening|vacancy|征集|提名)\b",
    re.I,
)
_HEAD = "|".join(a for _, p in _TYPES for a in p.split("|") if a.isascii())
_NAME = re.compile(
    rf"(?:(?:the|The)\s+)?(?P<name>(?:(?:\d+(?:st|nd|rd|th)|First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|"
    rf"[A-Z][\w'’&.-]*|of|on|for|and|the|in|to|&|-|–|\d{{4}})\s+){{0,12}}?"
    rf"(?:{_HEAD})\b(?:\s+(?:{_HEAD})\b)*(?:\s+(?:of|on|for)\s+(?:the\s+)?(?:[A-Z][\w'’&.-]*|and|of|the|in|for|\d{{4}})"
    rf"(?:\s+(?:[A-Z][\w'’&.-]*|and|of|on|the|in|for|to|\d{{4}})\b)*)?(?:\s+\d{{4}})?)"
    rf"(?:\s*\((?P<acronym>[A-Z][A-Za-z0-9&-]{{1,12}}(?:\s+\d{{4}})?)\))?"
)
#: A head noun alone: the name pattern, costly to try at every position, starts its scan shortly before one.
_HEAD_WORD = re.compile(rf"\b(?:{_HEAD})")
_CJK_NAME = re.compile(
    r"(?:第[一二三四五六七八九十\d]+届)?[\u4e00-\u9fff“”\d—–·-]{2,30}?"
    r"(?:论坛|研讨会|会议|大会|讲座|培训班|工作坊|年会|峰会|会谈|座谈会|交流会|报告会|开幕式|颁奖典礼|仪式)"
)
_MONTH_NAMES = "January February March April May June July August September October November December"
_MONTH_ABBREVIATIONS = "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday"
_MONTH_WORDS = {*_MONTH_NAMES.split(), *_MONTH_ABBREVIATIONS.split()}
_LOWER_OK = {"of", "on", "for", "and", "the", "in", "to", "&", "-", "–"}

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


def event_name(title: str, body: str) -> tuple[str | None, str | None]:
    """The event's proper name and acronym, from the body's first mention or the title.

    A title that names the same event more fully ('WFEO General Assembly 2024' for the body's
    'General Assembly') gives the name.
    """
    found = [_first_name(text) for text in (body[:1500], title)]
    if found[0] and found[1] and found[0][0] != found[1][0] and found[0][0] in found[1][0]:
        return found[1][0], found[0][1] or found[1][1]
    for hit in found:
        if hit:
            return hit
    m = _CJK_NAME.search(body[:500]) or _CJK_NAME.search(title)
    if m:
        return m[0].strip("“”"), None
    return None, None


def _first_name(text: str) -> tuple[str, str | None] | None:
    for m in _names(text):
        name = _tidy_name(_complete(m["name"], text, m.end("name")))
        if name and len(name.split()) >= 2 and any(w[:1].isupper() for w in name.split()[:-1]):
            acronym = m["acronym"]
            if acronym is None:
                am = re.match(r"\s*\((?P<a>[A-Z][A-Za-z0-9&-]{1,12}(?:\s+\d{4})?)\)", text[m.end() :])
                acronym = am["a"] if am else None
            return name, acronym
    return None


def _names(text: str):
    """``_NAME.finditer(text)``, from a little before the first head noun (no name starts farther back)."""
    head = _HEAD_WORD.search(text)
    return _NAME.finditer(text, max(0, head.start() - 400)) if head else iter(())


_NAME_RUNS_ON = re.compile(r"^\s*[“\"‘]?(?:[A-Z][\w'’&.-]*|[a-z]{1,3}-[A-Z][\w-]*)[”\"’]?")


def _complete(name: str, text: str, end: int) -> str:
    """A name the pattern left at 'General Assembly of the' runs on over quoted or 'e-ASIA'-like words."""
    while re.search(r"\s(?:of|on|for|and|the|in)$", name):
        m = re.match(r"\s*(?:[“\"‘]?(?:[A-Z][\w'’&.-]*|[a-z]{1,3}-[A-Z][\w-]*)[”\"’]?\s*)+", text[end:])
        if not m or not m[0].strip():
            break
        name = f"{name} {m[0].strip()}"
        end += m.end()
        more = re.match(r"(?:of|on|for|and|the|in)(?:\s+(?:of|on|for|and|the|in))*", text[end:].lstrip())
        if not more:
            break
        name = f"{name} {more[0]}"
        end += len(text[end:]) - len(text[end:].lstrip()) + more.end()
    return name


#: Headline verbs around a name: "X Holds Workshop on Y", "Forum on Y Held in Beijing".
_VERB_AFTER = re.compile(
    r"\s+(?:Held|Holds|Hosts|Hosted|Opens|Opened|Concludes|Concluded|Closes|Closed|Kicks|Kicked|Marks|Meets|Met|"
    r"Takes|Took|Launched|Launches|Convened|Convenes|Begins|Began|Starts|Started|Successfully|Will|Is|Was|Are|Were|"
    r"Sign|Signs|Signed|Renew|Renews|Visits|Visited|to\s+(?:be|Be)|Underway|Wraps)\b.*$"
)
_VERB_BEFORE = re.compile(r"^.*?\b(?:Holds|Hosts|Convenes|Organi[sz]es|Launches|Opens|Co-hosts|Celebrates)\s+")


def _tidy_name(name: str) -> str | None:
    name = _VERB_AFTER.sub("", _VERB_BEFORE.sub("", name))
    name = re.split(r"\s+[–—-]\s+", name)[-1]  # "November 2023 – The Award Ceremony …": a dateline, then the name
    while re.search(r"\s(?:of|on|for|and|the|in|to)$", name):
        name = re.sub(r"\s+\S+$", "", name)
    # "2023 General Assembly of the Federation in Prague": the place is where, not what
    m = re.search(r"\s+in\s+(?P<place>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)$", name)
    if m and resolve(m["place"], None) != (None, None):
        name = name[: m.start()]
    while re.search(r"\s(?:of|on|for|and|the|in|to)$", name):
        name = re.sub(r"\s+\S+$", "", name)
    words = name.split()
    while words and (
        words[0] in _LOWER_OK
        or words[0] in ("On", "In", "At", "During", "After", "As", "From")
        or words[0].rstrip(".,") in _MONTH_WORDS
        or words[0].lower() == "the"
    ):
        words = words[1:]
    if (
        words
        and find_organisation(words[0]) is not None
        and len(words) > 3
        and words[1] in ("Co-hosts", "Hosts", "Holds", "Organizes")
    ):
        words = words[2:]
    return " ".join(words) or None


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
    "event_name",
    "event_type",
    "event_type_lower",
    "find_attendance",
    "find_organisers",
    "mentions_mode",
    "reports_no_event",
    "type_pattern",
]
