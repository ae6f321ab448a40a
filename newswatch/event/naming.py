"""The event's name and acronym: a proper name, a lower-case description, or none at all.

A name is a head noun (Forum, Workshop, meeting, ceremony …) with what comes before it (an
ordinal, qualifiers, a proper-noun span) and its complements ('on …', 'of the …') up to a clause
boundary: a verb, a comma, a date, a trailing 'in <place>'. A headline is not a name: a title
gives the name only where it names the event ('… Forum Held in Beijing'); a visit or a signing
that the text does not name has none.
"""

from __future__ import annotations

import calendar
import re

from newswatch.event.entities import find_organisation
from newswatch.event.naming_zh import cjk_name
from newswatch.event.sentences import split_sentences
from newswatch.event.what import _names, event_type
from newswatch.event.where import resolve

_MONTH_NAMES = " ".join(calendar.month_name[1:])
_MONTH_ABBREVIATIONS = " ".join([*calendar.month_abbr[1:], "Sept"])
_MONTH_WORDS = {*_MONTH_NAMES.split(), *_MONTH_ABBREVIATIONS.split()}
_DAYS = " ".join(calendar.day_name)
_LOWER_OK = {"of", "on", "for", "and", "the", "in", "to", "&", "-", "–"}
_DATE_AHEAD = re.compile(
    rf"(?:on\s+|from\s+|between\s+)?(?:the\s+)?(?:\d|(?:{'|'.join(_MONTH_NAMES.split())}|"
    rf"{'|'.join(_MONTH_ABBREVIATIONS.split())}|{'|'.join(_DAYS.split())})\b)"
)

# --- the proper name: capitalised words ending in a head noun --------------------------------------


_VENUE_AFTER = re.compile(
    r"(?:\s+(?:&|and)\s+[A-Z][\w-]*)?\s*(?:Center|Centre|Hall|Hotel|Building|Palace|Complex|Park|Auditorium|Room|Venue)\b"
)


_BODY_BEFORE = re.compile(
    r"\b(?:(?:organi[sz]ed|hosted|sponsored|supported|funded|convened|co-hosted|co-organi[sz]ed|backed)\s+by|"
    r"(?:partnership|cooperation|collaboration|together|jointly)\s+with|(?:support|auspices)\s+of)\s+(?:the\s+)?$",
    re.I,
)


_NOT_AN_EVENT = re.compile(
    r"(?<!Summer )(?<!Winter )(?<!Spring )(?<!Autumn )(?<!Training )(?<!Doctoral )(?<!Field )\bSchool\s+of\b|"
    r"\b(?:Medal|Prize|Award|Awards|Fellowship)(?:\s+\d{4})?$"
)


def _proper(text: str) -> tuple[str, str | None, int] | None:
    """The first proper event name of ``text``: (name, acronym, where it starts)."""
    for m in _names(text):
        end = _complete(text, m.start("name"), m.end("name"))
        if _VENUE_AFTER.match(text, end) or _VENUE_AFTER.match(text, m.end("name")):
            continue  # "the Beijing International Exhibition & Convention Center" is a place
        if _NOT_AN_EVENT.search(text[m.start("name") : end]):
            continue  # "Bloomberg School of Public Health" is a body; "the Carus Medal 2025" an award, not its ceremony
        if _BODY_BEFORE.search(text, max(0, m.start("name") - 60), m.start("name")):
            continue  # "in partnership with the World Economic Forum": a body that organises, not the event
        if m["acronym"] and end == m.end("name"):
            end = m.end()
        name = _tidy_name(text[m.start("name") : min(end, m.end("name")) if m["acronym"] else end])
        if name and len(name.split()) >= 2 and any(w[:1].isupper() for w in name.split()[:-1]):
            acronym = m["acronym"]
            if acronym is None:
                am = re.match(r"\s*\((?P<a>[A-Z][A-Za-z0-9&-]{1,12}(?:\s+\d{4})?)\)", text[end:])
                acronym = am["a"] if am else None
            at = text.find(name, m.start("name"))
            return name, acronym, at if at >= 0 else m.start("name")
    return None


def _complete(text: str, start: int, end: int) -> int:
    """Where a name the pattern cut short really ends.

    'General Assembly of the' runs on over quoted or 'e-ASIA'-like words; 'Workshop on' runs on
    over a lower-case or quoted complement; 'Conference on Education, Accreditation and Mobility'
    over a list.
    """
    while re.search(r"\s(?:of|on|for|and|the|in)$", text[:end]):
        m = re.match(r"\s*(?:[“\"‘]?(?:[A-Z][\w'’&.-]*|[a-z]{1,3}-[A-Z][\w-]*)[”\"’]?\s*)+", text[end:])
        if not m or not m[0].strip():
            break
        end += len(m[0].rstrip())
        more = re.match(r"\s*(?:of|on|for|and|the|in)(?:\s+(?:of|on|for|and|the|in))*", text[end:])
        if not more:
            break
        end += more.end()
    end = len(text[:end].rstrip())
    if re.search(r"\s(?:of|on|for|and|the|in|to)$", text[:end]):
        end = text.rfind(" ", 0, end)
    if _ENDS_AT_HEAD.search(text[:end]) and (m := _COMPLEMENT_START.match(text, end)):
        end = max(end, _complement_end(text, m.end()))
    elif re.search(r"\s(?:on|of|for)\s", text[start:end]):
        lst = _LIST.match(text, end)
        if lst:
            end = lst.end()
    return end


_HEADS_LOWER = (
    r"general assembly|assembly|congress|plenary session|symposium|colloquium|workshop|hackathon|conference|summit|"
    r"convention|forum|dialogue|roundtable|round table|salon|lecture|webinar|seminar|training course|"
    r"training programme|training program|training workshop|summer school|winter school|"
    r"information day|info day|open day|side event|parallel event|satellite event|special session|ceremony|"
    r"celebration|festival|exhibition|competition|meeting|consultation"
)
_ENDS_AT_HEAD = re.compile(rf"\b(?:{_HEADS_LOWER})$", re.I)
#: A complement after a head noun: lower-case or quoted after a proper name, any case after a description.
_COMPLEMENT_START = re.compile(r"\s+(?:on|of|for|about|against|towards)\s+(?=[“\"‘]|(?:the\s+)?[a-z])")
_COMPLEMENT_ANY = re.compile(
    r"\s+(?:on|of|for|about|against|towards)\s+(?=[“\"‘]|(?:the\s+)?(?:[A-Za-z]|\d{4}\b|\d+(?:st|nd|rd|th)\b))"
)
_LIST = re.compile(
    r"(?:,\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})*,?\s+(?:and|&)\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3}"
)
#: Words that end a complement: verbs, clause openers, the prepositions of who, how and when.
_STOP = frozenset(
    re.findall(
        r"\S+",
        "was were is are be been will would shall has have had which that who whom whose where when while ended opened "
        "closed concluded began begun started took takes brought brings attracted gathered drew featured kicked "
        "wrapped organized organised hosted held co-hosted co-organized co-organised convened jointly "
        "sponsored supported funded chaired moderated attended marked saw with by at from under as during "
        "via through between among after before since until today yesterday tomorrow this last next "
        "themed entitled titled called aimed aiming bringing focusing including co-chaired gathers brings highlights "
        "explores focuses aims marks features attracts includes opens closes ends begins starts concludes wraps "
        "kicks returns celebrates welcomes showcases discusses seeks addresses draws unites",
    )
)
#: What follows a past tense rather than an adjective: "elected three", "discussed the", "reviewed its".
_AFTER_VERB = re.compile(
    r"\s+(?:a|an|the|its|their|his|her|\d|one|two|three|four|five|six|seven|eight|nine|ten|more|new|on|in|at|by|"
    r"to|with|over|how|ways|that)\b|\s*[,.;:]|\s*$"
)
_QUOTED = re.compile(r"[“\"‘][^”\"’]{1,120}[”\"’]")
_WORD = re.compile(r"[\w'’&.-]+(?:–[\w'’&.-]+)*")


def _complement_end(text: str, pos: int) -> int:
    """End of a complement starting at ``pos`` ('protecting science systems in times of conflict, …')."""
    end = pos
    words = 0
    while words < 16:
        gap = re.match(r"\s*", text[end:]).end()  # type: ignore[union-attr]
        here = end + gap
        q = _QUOTED.match(text, here)
        if q:
            end = q.end()
            words += 1
            continue
        w = _WORD.match(text, here)
        if not w or (gap == 0 and end != pos):
            break
        word = w[0].rstrip(".")
        if word.lower() in _STOP or re.fullmatch(r"\d{1,2}|-|–", word):
            break
        if word.endswith("ed") and _AFTER_VERB.match(text, w.end()):
            break
        if word.lower() in ("on", "in", "at") and _DATE_AHEAD.match(text, w.end() + 1):
            break
        if word in _MONTH_WORDS:
            break
        end = here + len(word)
        words += 1
        if w[0].endswith("."):
            break
    phrase = text[pos:end]
    # a trailing place is where, not what: "… on data stewardship in Accra"
    m = re.search(r"\s+(?:in|at)\s+(?:the\s+)?(?P<place>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)$", phrase)
    if m and resolve(m["place"], None) != (None, None):
        end = pos + m.start()
    while re.search(r"\s(?:of|on|for|and|the|in|to|a|an)$", text[pos - 1 : end]):
        end = text.rfind(" ", pos, end) if text.rfind(" ", pos, end) > pos else pos
    return end


#: Headline verbs around a name: "X Holds Workshop on Y", "Forum on Y Held in Beijing".
_VERB_AFTER = re.compile(
    r"\s+(?:Held|Holds|Hosts|Hosted|Opens|Opened|Concludes|Concluded|Closes|Closed|Kicks|Kicked|Marks|Meets|Met|"
    r"Takes|Took|Launched|Launches|Convened|Convenes|Begins|Began|Starts|Started|Successfully|Will|Is|Was|Are|Were|"
    r"Sign|Signs|Signed|Renew|Renews|Visits|Visited|to\s+(?:be|Be)|Underway|Wraps)\b.*$"
)
_DATED = re.compile(rf"\s+(?:on|in|from|at)\s+(?:{'|'.join(sorted(_MONTH_WORDS))}|{'|'.join(_DAYS.split())})\b.*$")
_VERB_BEFORE = re.compile(
    r"^.*?\b(?:Holds|Hosts|Convenes|Organi[sz]es|Co-organi[sz]es|Launches|Opens|Co-hosts|Celebrates|"
    r"Gathers?|Attends?|Joins|Discuss(?:es)?|Explores?|Meets|Addresses|Participates?|Speaks|"
    r"Welcomes)\s+(?:(?:at|in|for|to|with)\s+)?"
)
#: "The ANSO-hosted International Workshop": who hosted it is not its name.
_HOSTED_BY = re.compile(r"^[\w-]+-(?:hosted|organi[sz]ed|sponsored|led|backed|funded|supported)\s+", re.I)


def _tidy_name(name: str) -> str | None:
    name = _VERB_AFTER.sub("", _VERB_BEFORE.sub("", name))
    name = _DATED.sub("", name)  # "Symposium on November 14-16": the date is when, not what
    name = re.split(r"\s+[–—-]\s+", name)[-1]  # "November 2023 – The Award Ceremony …": a dateline, then the name
    # "The Academy of Sciences Malaysia’s Science Outlook Forum": the host's possessive is not the name
    name = re.split(r"(?<=\w)['’]s\s+(?=[A-Z0-9])", name)[-1]
    name = _HOSTED_BY.sub("", name)
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


# --- a lower-case description: "a regional training course on ocean literacy for teachers" ----------

_DESCRIBED = re.compile(
    rf"(?:\b(?P<det>[Aa]n?|[Tt]he|its|their)\s+|(?<![\w-])(?P<owner>[A-Z][\w&-]*)['’]s\s+)"
    rf"(?P<host>(?:[A-Z][A-Z&-]+\s+){{0,2}})(?P<mods>(?:(?:[a-z][\w-]*|\d+(?:st|nd|rd|th)|(?:19|20)\d\d)\s+){{0,3}}?)(?P<head>{_HEADS_LOWER})s?\b"
    r"(?P<aside>(?:\s+(?:in|at)\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})?)"
)
#: A title set off by commas after the head noun: "a workshop, Harnessing Genomic Surveillance for …, on June 3".
_APPOSITIVE = re.compile(
    r",\s+(?P<t>[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|of|for|and|in|on|the|to|a|an)){2,14}),\s+"
    r"(?:on|in|at|from|was|were|held|which|organi[sz]ed|co-organi[sz]ed|hosted)\b"
)
#: Modifiers that say how long or how well, not what: "a two-day workshop", "the successfully held forum".
_NOT_A_MODIFIER = re.compile(
    r"^(?:\w+-(?:day|days|week|weeks|month|hour)|week-long|day-long|\w+ly|held|recent|said|same|above|latter|"
    r"former|this|that|such|which|each|every|another|other|whole|entire|following|upcoming|first-ever|so-called)$"
)


def _described(text: str, proper_only: bool) -> tuple[str, int] | None:
    """The first event described in lower case, with its complement: (description, where it starts).

    A bare back-reference ('The forum, co-hosted by …') describes nothing; with ``proper_only``
    only a description around a proper name counts ('the signing ceremony of the X Agreement').
    """
    for m in _DESCRIBED.finditer(text):
        if m.start() and text[m.start() - 1] in "-–":
            continue
        mods = [w for w in m["mods"].split() if not _NOT_A_MODIFIER.match(w)]
        if m["host"] and not all(find_organisation(w) for w in m["host"].split()):
            continue  # "the ANSO training course on …": the host's acronym is not the name, other capitals may be
        if any(w in _STOP or w in _LOWER_OK or w in ("a", "an") for w in mods) or (
            mods and mods[-1] in ("press", "news", "video", "tele", "telephone")
        ):
            continue
        end = m.end("head") + (1 if text[m.end("head") : m.end("head") + 1] == "s" else 0)
        aside = m["aside"]
        if aside and resolve(re.sub(r"^\s+(?:in|at)\s+(?:the\s+)?", "", aside), None) == (None, None):
            aside = ""
        start_c = m.end("head") + len(aside) if aside else end
        titled = _APPOSITIVE.match(text, end)
        if titled and not proper_only and not re.search(r"\b(?:Dr|Prof|Mr|Ms|Mrs|University|Academy)\b", titled["t"]):
            return titled["t"], m.start()
        c = _COMPLEMENT_ANY.match(text, start_c)
        if c and re.match(r"(?:the\s+)?(?:theme|topic|subject)\b", text[c.end() :]):
            c = None
        complement = ""
        if c:
            c_start = c.end()
            c_end = _complement_end(text, c_start)
            if c_end > c_start:
                complement = text[start_c:c_end].strip()
        proper = bool(re.search(r"\b[A-Z]", complement))
        if proper_only and not proper:
            continue
        if not complement and not (mods and re.search(r"\bday$", m["head"])):
            continue
        head = text[m.start("head") : end]
        if c and re.fullmatch(r"opening|closing|inaugural", " ".join(mods)) and m["head"] in ("ceremony", "session"):
            inner = _described(text[c.start() : c.start() + len(complement) + 1], proper_only)
            if inner and inner[1] == text[c.start() : c.start() + len(complement) + 1].find(" the ") + 1:
                return inner[0], c.start() + inner[1]
        described = " ".join([*mods, head, *([complement] if complement else [])])
        if not mods and not m["host"] and m["det"] in ("the", "The") and not proper:
            return None  # "The forum on green mining, co-hosted by …" refers back to a name (the title's)
        return described, m.start()
    return None


#: A bigger event in whose frame the reported one was held.
_FRAME = re.compile(
    r"\b(?:on|at)\s+the\s+(?:sidelines|margins?)\s+of\s+(?:the\s+)?$|\b(?:within|in|under)\s+the\s+framework\s+of\s+"
    r"(?:the\s+)?$|\bas\s+(?:a\s+)?part\s+of\s+(?:the\s+)?$",
    re.I,
)

#: A gathering that wraps another one's name and is an event of its own.
_OWN_EVENT = re.compile(r"^(?:follow-up|preparatory|side|satellite|pre-\w+|post-\w+|consultation)\b", re.I)

_ENTITLED = re.compile(r"\b(?:entitled|titled|called|named)\s+[“\"‘](?P<name>[^”\"’]{3,120})[”\"’]")


def _entitled(text: str) -> tuple[str, int] | None:
    """'a workshop entitled “Ethics of Neurotechnology”': the quoted title is the name."""
    m = _ENTITLED.search(text)
    if (
        m
        and len(m["name"].split()) >= 2
        and re.search(rf"\b(?:{_HEADS_LOWER})s?\W+[^.]{{0,30}}$", text[: m.start()], re.I)
    ):
        return m["name"].strip(), m.start()
    return None


_VISIT_OF = re.compile(r"\b[Tt]he\s+(?P<head>visit\s+(?:of|by)\s+)(?=(?:the\s+|a\s+)?[A-Z])")


def _visit_phrase(text: str) -> str | None:
    """'the visit of the IVA delegation to CAE': the text's own name for a visit that has no proper one."""
    for m in _VISIT_OF.finditer(text):
        end = _complement_end(text, m.end())
        phrase = text[m.start("head") : end]
        if re.search(r"\sto\s+(?:the\s+)?[A-Z]", phrase):
            return phrase
    return None


# --- the choice -----------------------------------------------------------------------------------


def event_name(title: str, body: str, kind: str | None = None) -> tuple[str | None, str | None]:
    """The event's name and acronym: the body's first naming of it, else the title's; (None, None) for none.

    A title that names the same event more fully ('WFEO General Assembly 2024' for the body's
    'General Assembly') gives the name. A visit or a signing is named only by a proper name or a
    description around one ('the signing ceremony of the X Agreement').
    """
    lead = body[:1500]
    sentences = split_sentences(lead)
    last = sentences[min(2, len(sentences) - 1)] if sentences else ""
    opening = lead[: lead.find(last) + len(last)] if last and lead.find(last) >= 0 else lead
    plain = kind in ("visit", "signing")
    proper = _proper(lead)
    frame = _FRAME.search(lead[: proper[2]]) if proper else None
    if proper and frame and frame.end() == proper[2]:
        # "On the sidelines of the UN Ocean Conference, ANSO held a side event on …": the frame is not the event
        rest = proper[2] + len(proper[0])
        later = _proper(lead[rest:])
        inner = _described(opening[rest:], plain)
        if inner and (later is None or inner[1] < later[2]):
            return inner[0], None
        if later:
            return later[0], later[1]
    described = _described(opening, proper_only=plain)
    entitled = _entitled(opening)
    in_title = _proper(title)
    if proper and plain and event_type(proper[0]) not in (kind, None):
        proper = None  # another event the visitors attended
    # "the opening ceremony of the 2024 Forum" is the Forum; "a follow-up meeting of the Conference"
    # and "the award ceremony of the Prize" are events of their own
    if (
        proper
        and described
        and described[1] <= proper[2] < described[1] + len(described[0]) + 15
        and event_type(proper[0]) not in ("award", None)
        and not _OWN_EVENT.search(described[0])
    ):
        described = None
    # "Prof. X gave a lecture on Y at the 2024 Forum on Z": the Forum is the event
    if proper and described and described[1] < proper[2]:
        between = lead[described[1] + len(described[0]) : proper[2]]
        if re.fullmatch(r"[^.;]{0,40}?\b(?:at|during)\s+(?:the\s+)?(?:\d{4}\s+)?", between) and event_type(
            proper[0]
        ) not in (
            "award",
            None,
        ):
            described = None
    first = min(
        (
            c
            for c in (
                entitled and (entitled[0], None, entitled[1]),
                proper,
                described and (described[0], None, described[1]),
            )
            if c
        ),
        key=lambda c: c[2],
        default=None,
    )
    if first is proper and proper is not None:
        extra = in_title[0].replace(proper[0], " ").split() if in_title else []
        if in_title and in_title[0] != proper[0] and proper[0] in in_title[0] and not any(w.islower() for w in extra):
            return in_title[0], proper[1] or in_title[1]
        return proper[0], proper[1]
    if first is not None:
        if in_title and in_title[0].lower() == first[0].lower():
            return in_title[0], in_title[1]  # the title writes the same name with its capitals
        return first[0], None
    if kind == "visit":
        return _visit_phrase(lead), None
    if in_title and not (plain and event_type(in_title[0]) not in (kind, None)):
        return in_title[0], in_title[1]
    found = cjk_name(body[:500]) or cjk_name(title)
    if found:
        return found, None
    return None, None


__all__ = ["event_name"]
