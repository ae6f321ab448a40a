"""Titles and organisations of people: 'Vice President of CAE', 'Professor of History at the University of Graz'.

A title is split from its organisation; a field stays with the title ('Head of International
Affairs' of IVA); 'its President' is the president of the body named just before.
"""

from __future__ import annotations

import re

from newswatch.event.entities import canonical_organisation, find_organisation
from newswatch.event.where import country_code

TITLE_WORDS = (
    r"(?:Executive\s+|First\s+|Deputy\s+|Vice[\s-]+|Acting\s+|Former\s+|former\s+|Honorary\s+|Permanent\s+|Chief\s+|Senior\s+|Associate\s+|Assistant\s+)*"
    r"(?:President|Chairman|Chairwoman|Chairperson|Chair|Director[\s-]General|Director|Secretary[\s-]General|Secretary|"
    r"Minister|Rector|Dean|Head|Ambassador|Commissioner|Member|Fellow|Professor|CEO|Provost|Chancellor|Governor|"
    r"Mayor|Representative|Coordinator|Officer|Treasurer|Foreign\s+Secretary|Academician|Chief\s+Scientist|Leader)"
)
#: Staff titles that name a post without a rank ('Research Ecologist at the U.S. Forest Service').
_STAFF_WORDS = (
    r"(?:(?:Senior|Principal|Chief|Lead|Research|Programme|Program|Policy|Science|Postdoctoral|Associate|Assistant)\s+)*"
    r"(?:Scientist|Researcher|Investigator|Ecologist|Specialist|Lecturer|Engineer|Analyst|Adviser|Advisor|Manager|"
    r"Editor|Curator|Consultant|Economist|Physicist|Chemist|Biologist|Fellow|Officer|Attaché|Attache|Counsellor|"
    r"Counselor|Envoy|Consul)"
)
TITLE_START = re.compile(
    rf"^(?:the\s+|a\s+|an\s+)?(?:[A-Z][\w-]+['’]s\s+)?(?:{TITLE_WORDS}|{_STAFF_WORDS})\b|^(?:co-)?(?:founder|recipient|winner|laureate|member|head|professor|director|president|chair)\b",
    re.I,
)


def title_org(text: str) -> tuple[str | None, str | None]:
    """'Vice Chairman of the National Committee of … (CPPCC) and President of CAST' → (title, org)."""
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip(" ,;."), flags=re.I)
    text = re.sub(r"^[A-Z][\w-]+['’]s\s+(?=[A-Z])", "", text)  # "Senegal's Director of …"
    first = re.split(r"\s+and\s+(?=(?:the\s+)?" + TITLE_WORDS + r"\b)", text, maxsplit=1)[0]
    m = re.match(r"(?P<title>.+?)\s+(?P<prep>of|at|for|from)\s+(?P<org>.+)$", first)
    if m and TITLE_START.match(m["title"]):
        if re.search(r"\b(?:Prize|Award|Medal)\b", m["org"]):
            return first, None
        return _title_and_body(m["title"].strip(), _first_org(m["org"]), m["prep"])
    m = re.match(rf"(?P<org>[A-Z][\w&ÖÜİ'’.-]*(?:\s+[A-Z][\w'’.-]*)*)\s+(?P<title>{TITLE_WORDS})$", first)
    if m and find_organisation(m["org"]):
        return m["title"], canonical_organisation(m["org"])
    # "UNESCO Assistant Director-General for Natural Sciences": a body, then its title
    m = re.match(rf"(?P<org>[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){{0,3}}?)\s+(?P<title>(?:{TITLE_WORDS})\b.*)$", first)
    if m and (found := find_organisation(m["org"])):
        return m["title"], found.name
    if TITLE_START.match(first):
        return first, None
    return None, None


_FIELD_AT = re.compile(r"^(?:the\s+)?(?P<field>[^,]+?)\s+at\s+(?:the\s+)?(?P<org>[A-Z].+)$")
_FIELD_OF = re.compile(r"^(?:the\s+)?(?P<field>[A-Z][\w'’ -]+?)\s+of\s+(?:the\s+)?(?P<org>[A-Z].+)$")
_ORG_LIKE = re.compile(
    r"\b(?:Academy|Academies|University|Institute|Council|Society|Ministry|Agency|Foundation|Association|Commission|"
    r"Federation|Organi[sz]ation|Centre|Center|Committee|Office|Bureau|Board|Secretariat|Government|Province|"
    r"Network|Alliance|Union|Department|School|College|Laboratory|Programme|Program|Service|Authority|Administration|"
    r"Trust|Survey|Bank|Fund|Museum|Observatory|Hospital|Press|Company|Corporation|Group|Consortium|Initiative|"
    r"Universit\w+|Académie|Akademie|Academia|Secretariat|Embassy|Parliament|Senate|Court|Ordem|Ordre|Orden|Colegio|"
    r"Consejo|Conselho|Conseil|Instituto|Institut|Fundação|Fundación|Fondation|Sociedade|Sociedad|Société|Stiftung|"
    r"Centro|Agencia|Agence|Ministerio|Ministère|Istituto)\b"
)


def _title_and_body(title: str, org: str, prep: str = "of") -> tuple[str, str | None]:
    """'Professor' + 'Biophysics at ETH Zurich' → ('Professor of Biophysics', 'ETH Zurich');
    'Head' + 'International Affairs of IVA' → ('Head of International Affairs', IVA);
    'Vice Minister' + 'Science and Technology of Viet Nam' → ('Vice Minister', 'Ministry of …')."""
    m = _FIELD_AT.match(org)
    if m and not _ORG_LIKE.search(m["field"]):
        return f"{title} {prep} {m['field']}", canonical_organisation(m["org"])
    m = _FIELD_OF.match(org)
    if m and not _ORG_LIKE.search(m["field"]) and (find_organisation(m["org"]) or _ORG_LIKE.search(m["org"])):
        return f"{title} {prep} {m['field']}", canonical_organisation(m["org"])
    if re.search(r"\bMinister$", title) and not _ORG_LIKE.search(org):
        return title, f"Ministry of {org}"
    if not (_ORG_LIKE.search(org) or find_organisation(org) or re.search(r"\b[A-Z]{2,}\b", org) or country_code(org)):
        return f"{title} {prep} {org}", None  # "Director of Secondary Education": a field, not a body
    return title, canonical_organisation(org)


def _first_org(text: str) -> str:
    """'Chinese Academy of Sciences (CAS) and the Alliance … (ANSO)' → the first organisation."""
    text = re.sub(r",?\s*\((?:the\s+)?(?:United States|China|Brazil|Thailand|Chile|Japan|Russia|UK|USA)\)$", "", text)
    if find_organisation(text) is not None and " and " not in text:
        return text
    for m in re.finditer(r"\s+(?:and|&)\s+(?:the\s+)?", text):
        head = text[: m.start()]
        if find_organisation(head) is not None or head.endswith(")") or re.fullmatch(r"[A-ZÖÜİ]{2,}", head):
            return head
    return text


_BODY_RUN = re.compile(
    r"(?:[A-Z][\w'’&-]*\s+){0,6}(?:Academy|Association|Society|University|Agency|Council|Institute|Foundation|"
    r"Federation|Organi[sz]ation|Commission|Ministry)(?:\s+(?:of|for)(?:\s+(?:the|and|[A-Z][\w'’&-]*))+)?"
)
_AFFILIATION = re.compile(r"\s*\((?P<org>[^()]{2,80})\)")
_TITLE_CHUNK = re.compile(
    r",\s+(?P<chunk>[^,;()]+?(?:,\s+[A-Z][^,;()]*?)?)(?=,\s*(?:who|and|,)|\s+who\b|;|,?\s*$|\.\s*$)"
)


def last_body(text: str) -> str | None:
    """The organisation 'its' refers to: the last one named before it ('a delegation of the MTA led by its …')."""
    acronyms = re.findall(r"\(([A-Z][A-Za-z&-]{1,11})\)", text)
    if acronyms:
        known = find_organisation(acronyms[-1])
        run = list(_BODY_RUN.finditer(text))
        if run and text.find(f"({acronyms[-1]})") > run[-1].start():
            return canonical_organisation(run[-1][0])
        if known:
            return known.name
    run = list(_BODY_RUN.finditer(text))
    return canonical_organisation(run[-1][0]) if run else None


def after_name(after: str, org: str | None) -> tuple[str | None, str | None]:
    """Title and organisation written after a name: '(University of X)' or ', Professor of Y at Z, who …'."""
    m = _AFFILIATION.match(after)
    if m and (find_organisation(m["org"]) or _ORG_LIKE.search(m["org"])):
        return None, canonical_organisation(m["org"])
    m = _TITLE_CHUNK.match(after)
    if m and org is None:
        title, body = title_org(m["chunk"])
        if title:
            return title, body
    return None, org


__all__ = ["TITLE_START", "TITLE_WORDS", "after_name", "last_body", "title_org"]
