"""The part a person plays: host, speaker, visitor, signatory, awardee or attendee, from the words around them.

"presided over by X", "X and Y delivered keynote speeches", "the delegation met with X": the verb
after a list of people, or the phrase before it, gives the role; a person only thanked, elected
or remembered has none.
"""

from __future__ import annotations

import re

_ROLE_VERBS = [
    (
        "host",
        re.compile(
            r"\b(?:presided|chaired|hosted|moderated|welcomed|facilitated|met with|received the|receives|"
            r"gave a (?:warm )?welcome|opened the|was the host|as the host|co-chaired)\b",
            re.I,
        ),
    ),
    ("signatory", re.compile(r"\bsign(?:ed|ing)\b", re.I)),
    (
        "awardee",
        re.compile(r"\b(?:was|were)\s+(?:awarded|honou?red|presented with|elected)|\breceived the\b|\bwon the\b", re.I),
    ),
    ("visitor", re.compile(r"\b(?:led a|headed a|visited|paid a visit|delegation)\b", re.I)),
    (
        "speaker",
        re.compile(
            r"\b(?:addressed|spoke|speech|speeches|remarks|keynote|talk|talks|reported|introduced|shared|presented|"
            r"delivered|lecture|briefed|emphasi[sz]ed|stressed|pointed out|noted|said|expressed|called|proposed|"
            r"gave|made|talked|discussed|outlined|elaborated|explained|highlighted|give|gives|deliver|delivers|"
            r"speak|speaks|address|addresses|present|presents)\b",
            re.I,
        ),
    ),
    (
        "attendee",
        re.compile(r"\b(?:attended|were present|was present|participated|joined|took part|among the)\b", re.I),
    ),
]
_BY_ROLE = [
    (
        "host",
        re.compile(
            r"\b(?:presided over|chaired|moderated|hosted)\s+by\s*$|\bas\s+(?:the\s+)?(?:host|chair|moderator)\b", re.I
        ),
    ),
    (
        "speaker",
        re.compile(
            r"\b(?:emphasi[sz]ed|delivered|given|made|presented|stressed|addressed|lecture|speech|talk|"
            r"keynote|address|presentation|remarks)\s+by\s*$",
            re.I,
        ),
    ),
    ("awardee", re.compile(r"\b(?:awardees?|laureates?|recipients?|winners?)\s+(?:is|are|was|were|include)\b", re.I)),
    ("attendee", re.compile(r"\battended\s+by\s*$|\bin the presence of\s*$", re.I)),
    (
        "visitor",
        re.compile(r"\bled\s+by\s*$|\bdelegation\b[^.;]{0,30}\b(?:included|comprised|consisted of)\s*$", re.I),
    ),
    # dignitaries a visiting delegation met: the receiving side
    ("host", re.compile(r"\b(?:met|met with|was received by|were received by|called on)\s*$", re.I)),
    (
        "speaker",
        re.compile(r"\bspeakers\s+(?:also\s+)?(?:included|were)\s*$|\bamong the speakers (?:were|was)\s*$", re.I),
    ),
    ("visitor", re.compile(r"\bheaded\s+by\s*(?:(?:its|their)\s+)?$", re.I)),
    (
        "attendee",
        re.compile(r"\b(?:present|attending|in attendance)\b[^.;]{0,30}\b(?:were|was|included)\s*$", re.I),
    ),
    ("attendee", re.compile(r"\b(?:participants|guests|attendees)\s+(?:also\s+)?included\s*$", re.I)),
    ("signatory", re.compile(r"\bsigned\s+by\s*$", re.I)),
]


#: Words before a name that mention a person without them taking part.
MENTIONED = re.compile(
    r"\b(?:thank\w*|congratulat\w*|paid tribute to|pays tribute to|in memory of|the late|recalled|quoted|cited|"
    r"on behalf of|letter (?:from|of)|message from|sent by|appointed|elected|nominated|named)\b[^.;]{0,40}$",
    re.I,
)


def role_of(after: str, before: str = "") -> str | None:
    """The role a list of people plays, from the words after it (or 'presided over by' before it)."""
    for role, pattern in _BY_ROLE:
        if pattern.search(before):
            return role
    window = after[:120]
    best: tuple[int, str | None] = (len(window) + 1, None)
    for role, pattern in _ROLE_VERBS:
        m = pattern.search(window)
        if m and m.start() < best[0]:
            best = (m.start(), role)
    return best[1]


__all__ = ["MENTIONED", "role_of"]
