"""Who organised the event: whole organisation names from organising phrases, with their roles.

"hosted by A, B and C", "co-organised by", "under the auspices of", "A hosted a roundtable",
"the federation held its General Assembly". A name is kept whole ("Northwest Institute …,
Chinese Academy of Sciences") and only if it is a known organisation or ends like one; what a
journal or a prize is "hosted by" is not the event's organiser.
"""

from __future__ import annotations

import re

from newswatch.event.entities import canonical_organisation, find_organisation
from newswatch.event.sentences import split_sentences

_ORGANISERS = [
    ("co-host", re.compile(r"\bco-?hosted\s+by\b|共同主办", re.I)),
    (
        "co-organiser",
        re.compile(
            r"\b(?:co-?organi[sz]ed|jointly\s+(?:organi[sz]ed|hosted|launched|convened)|co-?launched|"
            r"in\s+(?:collaboration|cooperation|partnership)\s+with|together\s+with|jointly\s+with)\s+(?:by\s+)?|协办",
            re.I,
        ),
    ),
    ("host", re.compile(r"\b(?:hosted|convened)\s+by\b|主办", re.I)),
    ("organiser", re.compile(r"\b(?:organi[sz]ed|arranged|run)\s+by\b|承办", re.I)),
    (
        "sponsor",
        re.compile(
            r"\b(?:sponsored|funded|financed)\s+by\b|\bwith\s+(?:the\s+)?(?:funding|financial support|financing)\s+"
            r"(?:from|of|by)\b|赞助",
            re.I,
        ),
    ),
    (
        "supporter",
        re.compile(
            r"\b(?:supported\s+by|under\s+the\s+(?:auspices|patronage)\s+of|with\s+(?:the\s+)?support\s+(?:of|from))\b|支持",
            re.I,
        ),
    ),
]
_ACTIVE = re.compile(
    r"^(?:(?:On|From|In|At|During|Today|Yesterday|Earlier|Last|This)\b[^,]{0,50},\s+|"
    r"[A-Z][^,\n]{1,40},\s*[^–—\n]{4,40}?\s*(?:--|–|—)\s+)?"
    r"(?P<orgs>(?:the\s+)?[A-Z][\w'’&().,-]*(?:\s+(?:and|&|of|for|the|in|[A-Z][\w'’&().-]*|\([A-Z][\w&.-]*\))){0,24})\s+"
    r"(?:(?P<adverb>today|yesterday|recently|also|successfully|jointly|together)\s+)?"
    r"(?P<verb>(?i:co-?hosted|hosted|co-?organi[sz]ed|organi[sz]ed|convened|sponsored|co-?hosts|hosts|organi[sz]es|"
    r"convenes|held|holds))\b(?!\s+by\b)(?P<rest>.{0,120})",
)
#: What a journal, a prize or a fund is "hosted by" is not the event's organiser.
_NOT_EVENT_SUBJECT = re.compile(
    r"\b(?:journal|magazine|newsletter|publication|book|report|prize|award|medal|fund|database|website|scholarship|"
    r"portal|platform|museum|collection|archive)s?\b[^.;]{0,30}?$",
    re.I,
)
#: An event noun after 'held' ('held its biennial General Assembly'): without one, 'held' says nothing of organising.
_EVENT_AFTER_HELD = re.compile(
    r"^\s+(?:its|their|a|an|the)\b[^.;]{0,80}?\b(?:Assembly|Congress|Meeting|Conference|Forum|Workshop|Symposium|"
    r"Seminar|Session|Summit|Roundtable|Round Table|Dialogue|Colloquium|Lecture|Ceremony|Training|Course|Webinar|"
    r"Festival|Week|Day)\b(?![^.;]{0,40}\b(?:Memorand|MoU|Agreement|Signing))",
    re.I,
)
#: Every phrase of a role holds one of its keys (lower-cased).
_ROLE_KEYS = {
    "co-host": ("hosted by", "共同主办"),
    "co-organiser": (
        "organi",
        "jointly",
        "launched",
        "collaboration",
        "cooperation",
        "partnership",
        "together with",
        "协办",
    ),
    "host": ("hosted by", "convened by", "主办"),
    "organiser": ("ed by", "run by", "承办"),
    "sponsor": ("sponsored", "funded", "financed", "funding", "financial support", "financing", "赞助"),
    "supporter": ("support", "auspices", "patronage", "支持"),
}
#: Every organiser phrase and active verb holds one of these: a sentence with none is skipped unscanned.
_ORGANISER_KEYS = (
    "host",
    "held",
    "holds",
    "launched",
    "organi",
    "conven",
    "arranged",
    "run by",
    "sponsor",
    "funded",
    "financed",
    "support",
    "auspices",
    "patronage",
    "collaboration",
    "together with",
    "jointly with",
    "cooperation",
    "partnership",
    "主办",
    "协办",
    "承办",
    "赞助",
    "支持",
)
_VERB_ROLE = {
    "co-hosted": "co-host",
    "co-organizes": "co-organiser",
    "co-organises": "co-organiser",
    "cohosted": "co-host",
    "co-hosts": "co-host",
    "cohosts": "co-host",
    "hosted": "host",
    "hosts": "host",
    "convened": "host",
    "convenes": "host",
    "co-organized": "co-organiser",
    "co-organised": "co-organiser",
    "coorganized": "co-organiser",
    "organized": "organiser",
    "organised": "organiser",
    "organizes": "organiser",
    "organises": "organiser",
    "sponsored": "sponsor",
    "held": "host",
    "holds": "host",
}


def _protect(text: str) -> str:
    """Keep 'ASEAN Committee on Science, Technology and Innovation (COSTI)' whole: the acronym spans the comma."""
    for m in re.finditer(r"\(([A-Z]{3,8})\)", text):
        words = list(re.finditer(r"[\w'’-]+", text[max(0, m.start() - 160) : m.start()]))
        offset, letters, start = max(0, m.start() - 160), m[1], None
        for word in reversed(words):  # spell the acronym backwards over the words' initials
            if word[0][0].upper() == letters[-1]:
                letters = letters[:-1]
                if not letters:
                    start = offset + word.start()
                    break
            elif word[0][0].isupper():
                break
        if start is not None and ", " in text[start : m.start()]:
            text = text[:start] + text[start : m.start()].replace(", ", "\u0001 ") + text[m.start() :]
    return text


def _split_orgs(text: str) -> list[str]:
    """'A, B and C' (parentheses respected, the list ends at a clause) → organisation names."""
    if "(" in text and "," in text:
        return [part.replace("\u0001", ",") for part in _split_plain(_protect(text))]
    return _split_plain(text)


def _split_plain(text: str) -> list[str]:
    text = re.split(
        r"\s+(?:was|were|is|are|will|on(?!\s+(?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun))[A-Z])|in\s+(?:[A-Z]|\d)|at|from|with|together|along|to|which|that|who|under|,\s+(?:and\s+)?(?:the\s+)?(?:forum|workshop|event|meeting|conference))\b|[.;:]\s",
        text + " ",
        maxsplit=1,
    )[0]
    parts: list[str] = []
    seps: list[str] = []
    depth, cur = 0, ""
    tokens = re.split(r"(\(|\)|,\s*(?:and\s+)?|\s+and\s+|\s+&\s+)", text)
    for tok in tokens:
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth = max(0, depth - 1)
        if depth == 0 and re.fullmatch(r",\s*(?:and\s+)?|\s+and\s+|\s+&\s+", tok or ""):
            parts.append(cur)
            seps.append(tok)
            cur = ""
        else:
            cur += tok or ""
    parts.append(cur)
    out, out_seps = [], []
    for i, part in enumerate(parts):
        part = part.strip(" ,")
        if not part:
            continue
        if not (part[:1].isupper() or part.lower().startswith("the ")):
            break
        out.append(part)
        out_seps.append(seps[i] if i < len(seps) else ", ")
    return _rejoin(out, out_seps)


_ORG_HEAD = re.compile(
    r"(?:Academy|Academies|Society|University|Institute|Council|Government|Office|Agency|Foundation|Center|Centre|"
    r"Ministry|Association|Alliance|Federation|Commission|Organi[sz]ation|Organi[sz]ations|Network|Programme|Program|"
    r"Union|Committee|Bureau|Secretariat|Department|Embassy|Bank|Fund|Group|Partnership|Sciences|Engineering|"
    r"School|College|Laboratory|Museum|Board|Observatory|Consortium|Initiative|Universiti|Universidad|Université|"
    r"Universität|Akademie|Académie|Academia|Commission|Service|Authority|Trust|Institution|Institutions|Societies|"
    r"Press|Company|Corporation|Hospital|Park|Administration|Chamber|Federation)\)?$|\)$|^[A-ZÖÜİ]{2,}[\w-]*$|[A-Z]{2,}$"
)


_ORG_WORD = re.compile(_ORG_HEAD.pattern.split(")\\)?$")[0].replace("(?:", "\\b(?:", 1) + ")\\b")


#: A unit of a larger body: "Northwest Institute of …, Chinese Academy of Sciences" is one name.
_UNIT = re.compile(
    r"^(?:the\s+)?(?:[\w'’&-]+\s+){0,6}(?:Institute|Centre|Center|Laboratory|Bureau|Department|School|College|Office|"
    r"Secretariat|Faculty|Division|Station|Observatory|Garden)\b",
    re.I,
)


def _rejoin(parts: list[str], seps: list[str]) -> list[str]:
    """Undo splits inside a name: a part that does not end like an organisation continues into the next,
    and a unit followed by its parent body ("Institute of …, Chinese Academy of Sciences") stays whole."""
    out: list[str] = []
    for i, part in enumerate(parts):
        both_named = bool(out and _ORG_WORD.search(part) and (_ORG_WORD.search(out[-1]) or _known_first(out[-1])))
        if out and not _ORG_HEAD.search(out[-1].strip()) and not both_named:
            out[-1] = f"{out[-1]}{seps[i - 1]}{part}"
        elif (
            out
            and seps[i - 1].strip() == ","
            and _UNIT.match(out[-1])
            and find_organisation(out[-1]) is None
            and find_organisation(part) is not None
        ):
            out[-1] = f"{out[-1]}, {part}"
        else:
            out.append(part)
    return out


def _known_first(name: str) -> bool:
    """'ISC Regional Focal Point …', 'UNESCO Regional Office …': a known body's acronym starts the name."""
    first = re.sub(r"^the\s+", "", name.strip(), flags=re.I).split(" ", 1)[0]
    return first.isupper() and len(first) > 1 and find_organisation(first) is not None


def _whole_name(name: str) -> bool:
    """A known organisation, or a name that ends like one ('… University', '… Academy of Sciences', 'NASAC')."""
    if find_organisation(name) is not None or (_known_first(name) and len(name.split()) > 1):
        return True
    if re.match(
        r"(?:the\s+)?(?:Universi\w+|Académie|Akademie|Academia|Accademia|Ordem|Ordre|Orden|Colegio|Colégio|Consejo|"
        r"Conselho|Conseil|Instituto|Institut|Fundação|Fundación|Fondation|Sociedade|Sociedad|Société|Stiftung|Centro|"
        r"Agencia|Agência|Agence|Ministerio|Ministère|Ministério|Kammer|Verein|Istituto)\s",
        name,
    ):
        return True
    if _EVENT_HEAD.search(name):
        return False
    return bool(_ORG_HEAD.search(name.strip()) or _ORG_OF.search(name))


#: "Ministry of Science and Technology of Viet Nam", "University of Cape Town": a head noun, then "of".
_ORG_OF = re.compile(_ORG_WORD.pattern + r"\s+(?:of|for|on)\s+")
#: A name ending in an event noun is an event, not its organiser ("Technology Innovation Forum").
_EVENT_HEAD = re.compile(r"\b(?:Forum|Conference|Symposium|Workshop|Summit|Meeting|Congress|Session|Dialogue)\)?$")


def _active_role(m: re.Match) -> str:
    """'A and B jointly organized' → co-organiser; 'A hosted' → host."""
    role = _VERB_ROLE.get(m["verb"].lower(), "host")
    if m["adverb"] in ("jointly", "together") and not role.startswith("co-"):
        return {"host": "co-host", "organiser": "co-organiser"}.get(role, role)
    return role


def find_organisers(title: str, text: str) -> list[dict]:
    """Organisations with their roles ("hosted by A, B and C", "under the auspices of", "X Co-hosts …")."""
    found: list[dict] = []
    seen: set[str] = set()

    def add(name: str, role: str) -> None:
        name = canonical_organisation(name.strip(" ,.;"))
        key = name.casefold()
        if len(name) < 2 or key in seen or not name[:1].isupper():
            return
        if re.search(r"\b(?:President|Director|Minister|Prof|Dr)\b", name) or not _whole_name(name):
            return
        seen.add(key)
        found.append({"name": name, "role": role})

    m = _ACTIVE.match(title)
    if m:
        for org in _split_orgs(m["orgs"]):
            add(org, _active_role(m))
    # Only the keys the whole text holds can be in one of its sentences: each sentence looks for those alone.
    low_text = text.lower()
    keys = [key for key in _ORGANISER_KEYS if key in low_text]
    role_keys = {role: [key for key in role_keys if key in low_text] for role, role_keys in _ROLE_KEYS.items()}
    for sentence in split_sentences(text) if keys else ():
        low = sentence.lower()
        if not any(key in low for key in keys):
            continue
        for role, pattern in _ORGANISERS:
            if not any(key in low for key in role_keys[role]):  # a cheap look before the pattern's scan
                continue
            for m in pattern.finditer(sentence):
                if _NOT_EVENT_SUBJECT.search(sentence, max(0, m.start() - 40), m.start()):
                    continue
                for org in _split_orgs(sentence[m.end() :].lstrip()):
                    add(org, role)
        m = _ACTIVE.match(sentence)
        if m and m["verb"].lower() in ("held", "holds") and not _EVENT_AFTER_HELD.match(m["rest"]):
            m = None
        if m and re.search(
            r"\b(?:Academy|University|Council|Society|Institute|Alliance|Association|[A-Z]{3,})\b", m["orgs"]
        ):
            for org in _split_orgs(m["orgs"]):
                add(org, _active_role(m))
    return found


#: "由中国工程院、广东省人民政府共同主办", "中国工程院战略咨询中心承办": organisations, then their role.
_CJK_ROLE = re.compile(
    r"(?:由)?(?P<orgs>[\u4e00-\u9fff“”、和与及（）()]{2,60}?)(?P<role>共同主办|联合主办|主办|承办|协办|支持)"
)
_CJK_ROLES = {
    "共同主办": "co-host",
    "联合主办": "co-host",
    "主办": "host",
    "承办": "organiser",
    "协办": "co-organiser",
    "支持": "supporter",
}
#: How Chinese organisation names end.
_CJK_ORG_END = re.compile(
    r"(?:院|大学|学院|协会|学会|科协|中心|研究所|委员会|部|局|厅|政府|基金会|联盟|组织|联合会|办公室|秘书处|集团|公司|网络)$"
)


def find_organisers_cjk(text: str) -> list[dict]:
    """Organisers of a Chinese article ('论坛由中国工程院主办，…战略咨询中心承办')."""
    found: list[dict] = []
    seen: set[str] = set()
    for sentence in re.split(r"[。；！？\n]", text[:3000]):
        for part in re.split(r"[，,]", sentence):
            m = _CJK_ROLE.search(part)
            if not m:
                continue
            orgs = m["orgs"]
            if "由" in orgs:
                orgs = orgs.rsplit("由", 1)[1]
            for org in re.split(r"[、和与及]", orgs):
                org = org.strip("“”")
                known = find_organisation(org)
                if known is None and not _CJK_ORG_END.search(org):
                    continue
                name = known.name if known else org
                if name not in seen:
                    seen.add(name)
                    found.append({"name": name, "role": _CJK_ROLES[m["role"]]})
    return found


__all__ = ["find_organisers", "find_organisers_cjk"]
