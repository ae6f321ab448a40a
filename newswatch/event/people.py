"""Who took part: people with their titles, organisations and roles, from institutional prose.

Academy news lists people as "Name, Title of Org, Name, Title of Org … addressed the event",
"CAE President Li Xiaohong", "Prof. Chunli Bai, President of CAS and ANSO" or one per line as
"Chunli Bai|President of CAS and ANSO, China". The verb after a list gives everyone's role.
"""

from __future__ import annotations

import re
from functools import lru_cache

from newswatch.event.entities import canonical_organisation, find_organisation, person_key, strip_honorifics
from newswatch.event.roles import MENTIONED, role_of
from newswatch.event.sentences import split_sentences
from newswatch.event.titles import TITLE_START, TITLE_WORDS, after_name, last_body, title_org
from newswatch.event.where import country_code

#: Words that make a capitalised phrase a title or an organisation, never a name.
_NOT_NAME_WORDS = """
academy academies association alliance university institute council society organization organisation organizations
federation agency ministry committee foundation president vice chairman chair director director- general secretary
secretary-general general minister member members head dean professor chief executive deputy rector ambassador
commissioner officer fellow fellows former acting science sciences technology engineering national international
chinese china world forum workshop conference symposium meeting the of and for on in at with centre center
department office bureau school college programme program group division board nations united republic people's
party government embassy covid-19 during after before when while this that these he she they his her their it its we
our mr ms both all also leaders representatives speakers experts scientists guests delegates participants prize
award medal laureate nobel opening closing ceremony session panel keynote day week january february march april may
june july august september october november december monday tuesday wednesday thursday friday saturday sunday
laboratory lab hospital company corporation network initiative project summit congress assembly lecture seminar
dialogue training course delegation mou agreement memorandum understanding according however meanwhile moreover
"""
_NOT_NAME = frozenset(_NOT_NAME_WORDS.split())
_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĪİĶĽŁŃŇŌŐŒŘŚŞŠŢŤŪŮŰŲŹŻŽ"
_LO = "a-zß-öø-ÿāăąćčďđēėęěğīıķľłńňōőœřśşšţťūůűųźżž'’"
_NAME_TOKEN = (
    rf"(?:[{_UP}][{_LO}]+(?:[{_UP}][{_LO}]{{2,}})?(?:-[{_UP}a-z][{_LO}]+)?|[{_UP}]{{2,}}(?=\s+[{_UP}][{_LO}])|"
    rf"[{_UP}]\.)"
)
_NAME = re.compile(rf"^{_NAME_TOKEN}(?:\s+(?:van|von|de|da|del|di|bin|al|le|la)?\s*{_NAME_TOKEN}){{1,3}}$")
#: Two name tokens in a row: every way of naming a person needs them, so a sentence without is skipped.
#: (The first token's capital is factored out of its alternatives, so the scan skips to capitals: 2.5× faster.)
_TWO_TOKENS = re.compile(
    rf"[{_UP}](?:[{_LO}]+(?:[{_UP}][{_LO}]{{2,}})?(?:-[{_UP}a-z][{_LO}]+)?|[{_UP}]+(?=\s+[{_UP}][{_LO}])|\.)"
    rf"\s+(?:(?:van|von|de|da|del|di|bin|al|le|la)\s*)?{_NAME_TOKEN}"
)
_HONORIFIC_NAME = re.compile(
    rf"\b(?:Prof(?:essor)?|Dr|Academician|Mr|Ms|Mrs|H\.E)\.?\s+(?P<name>{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,3}})"
)
#: "CAE President Li Xiaohong", "ANSO Executive Director Prof. Jane Doe".
_PREFIXED = re.compile(
    rf"\b(?P<org>[A-ZÖÜİ][A-Za-zÖÜİ]{{1,9}}|its|his|her|their|(?<![a-z]\s)|(?:[A-Z][a-z]+\s+){{1,6}}(?:Academy|Association|Society|University|Agency|Council)(?:\s+of(?:\s+[A-Z][a-z]+)+)?)\s+"
    rf"(?P<title>{TITLE_WORDS})\s+(?:(?:Prof(?:essor)?|Dr|Academician)\.?\s+)?(?P<name>{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,2}})\b"
)
#: Every title _PREFIXED can match ends in one of these words: a sentence with none is not scanned for it.
_TITLE_HINT = re.compile(
    r"President|Chair|Director|Secretary|Minister|Rector|Dean|Head|Ambassador|Commissioner|"
    r"Member|Fellow|Professor|CEO|Provost|Chancellor|Governor|Mayor|Representative|Coordinator|"
    r"Officer|Treasurer|Academician|Chief|Leader"
)


def _split_top(text: str, sep: str = ",") -> list[str]:
    """Split on ``sep`` outside parentheses."""
    if "(" not in text and "[" not in text:
        return [p.strip() for p in text.split(sep)]
    parts: list[str] = []
    depth = 0
    cur: list[str] = []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts]


_LEADING_JOINER = re.compile(r"^(?:and|including|as well as|by|with|from|while|whereas|also)\s+", re.I)


@lru_cache(maxsize=8192)
def clean_name(text: str) -> str | None:
    """A person's name from a chunk ('and Prof. Chunli Bai' → 'Chunli Bai'), or None if it is not one."""
    text = _LEADING_JOINER.sub("", text.strip())
    text = strip_honorifics(text).strip(" .;:")
    if not _NAME.match(text):
        return None
    words = [w.lower().strip(".") for w in text.split()]
    # "Vice-President", "Director-General": a hyphenated title is title words, never a name
    parts = [p for w in words for p in w.split("-")]
    # "He Junke": the surname He, not the pronoun, when a single given name follows
    if len(words) == 2 and words[0] == "he":
        parts = parts[1:]
    if any(w in _NOT_NAME for w in parts) or TITLE_START.match(text.split()[-1]):
        return None
    if find_organisation(text) is not None:
        return None
    return text


_ABBREV = re.compile(r"\b(?:Prof|Dr|Mr|Ms|Mrs|St|No|H\.E|[A-Z])\.$")
_HONORIFIC_HINT = re.compile(r"Prof|Dr|Academician|Mr|Ms|H\.E")
_HONORIFIC_AND = re.compile(r",?\s+and\s+(?=(?:Prof(?:essor)?|Dr|Academician|Mr|Ms|Mrs|H\.E)\.?\s)")


def _sentences(text: str) -> list[str]:
    """Sentences (not broken after 'Prof.' or an initial), 'and Prof. X' read as a list separator."""
    return [_HONORIFIC_AND.sub(", ", s) if _HONORIFIC_HINT.search(s) else s for s in split_sentences(text)]


def _people_in_sentence(sentence: str) -> list[dict]:
    """People listed in one sentence with titles; the role from the verb that follows the list."""
    found: list[dict] = []
    chunks = _split_top(sentence)
    i = 0
    pos = 0
    offsets = []
    for chunk in chunks:
        idx = sentence.find(chunk, pos)
        offsets.append(idx)
        pos = idx + len(chunk)
    while i < len(chunks):
        chunk = chunks[i]
        name = clean_name(_tail_name(chunk))
        if name is None:
            i += 1
            continue
        before = sentence[: offsets[i] + len(chunk) - len(_tail_name(chunk))]
        titles: list[str] = []
        j = i + 1
        while j < len(chunks):
            nxt = chunks[j]
            head = _head_title(nxt)
            if head is None:
                break
            titles.append(head)
            if head != nxt:
                break
            j += 1
        if not titles and not _HONORIFIC_NAME.search(chunk) and not _listed(chunks, i):
            i += 1
            continue
        title, org = title_org(", ".join(titles)) if titles else (None, None)
        end = offsets[j - 1] + len(chunks[j - 1]) if titles else offsets[i] + len(chunk)
        found.append({"name": name, "title": title, "organisation": org, "role": None, "_end": end, "_before": before})
        i = j if titles else i + 1
    return found


_TAIL_NAME = re.compile(
    rf"(?:(?:Prof(?:essor)?|Dr|Academician|Mr|Ms|Mrs|H\.E)\.?\s+)*{_NAME_TOKEN}"
    rf"(?:\s+(?:(?:van|von|de|da|del|di|dos|bin|al|le|la)\s+)?{_NAME_TOKEN}){{1,3}}$"
)
_CAPITAL = re.compile(rf"[{_UP}]")
_BEFORE_TAIL_NAME = re.compile(r"\b(?:by|and|including|with|as|while|from|,)\s+$|^\W*$")


@lru_cache(maxsize=8192)
def _tail_name(chunk: str) -> str:
    """The name at the end of a chunk: 'hosted by Prof. Chunli Bai' → 'Prof. Chunli Bai'."""
    # a name starts with a capital: only there is the (end-anchored, costly) pattern tried, leftmost first
    m = next(filter(None, (_TAIL_NAME.match(chunk, c.start()) for c in _CAPITAL.finditer(chunk))), None)
    if m and (m.start() == 0 or _BEFORE_TAIL_NAME.search(chunk[: m.start()])):
        return m[0]
    return chunk


def _head_title(chunk: str) -> str | None:
    """The title at the start of a chunk: 'President of CAE addressed the event' → 'President of CAE'."""
    if not (TITLE_START.match(chunk) or re.match(r"^(?:the\s+)?[A-Z][\w'’.()&-]*(?:\s+[\w'’.()&-]+)*$", chunk)):
        return None
    # a bare organisation continuing a title ("Scientific and Cultural Organization (UNESCO)")
    if (
        not TITLE_START.match(chunk)
        and not re.search(r"\b(?:of|for)\b", chunk)
        and not re.search(
            r"\b(?:Organi[sz]ation|Academy|Council|Agency|Foundation|Society|University)\b|\([A-Z]", chunk
        )
    ):
        return None
    m = _VERB_TAIL.search(chunk)
    return chunk[: m.start()].strip() if m else chunk


def _listed(chunks: list[str], i: int) -> bool:
    """A bare name in a list of bare names ('including Hou Jianguo, Zhang Bo and Guo Huadong')."""
    window = chunks[max(0, i - 1) : i + 2]
    return sum(1 for c in window if clean_name(_tail_name(c)) or _and_names(c)) >= 2 or bool(
        re.search(r"\bincluding\s+", chunks[i])
    )


_VERB_TAIL = re.compile(
    r"\s+(?:addressed|delivered|attended|gave|spoke|presided|chaired|reported|introduced|shared|expressed|said|"
    r"signed|visited|led|met|made|were|was|also|respectively|welcomed|stressed|emphasi[sz]ed|noted|pointed|"
    r"presented|called|talked|highlighted|took|joined|participated|facilitated|hosted|received|discussed|held|will)\b.*$",
    re.S,
)


_AND = re.compile(r"\s+and\s+")


def _and_names(chunk: str) -> list[str]:
    """'Pu Muming and Guo Huadong attended the forum' → both names."""
    if "and" not in chunk:  # no pair to name
        return []
    parts = _AND.split(_VERB_TAIL.sub("", chunk))
    if len(parts) < 2:
        return []
    names = [clean_name(_tail_name(p)) for p in parts]
    return [n for n in names if n] if all(names) else []


def _pipe_people(text: str) -> list[dict]:
    """'Chunli Bai|President of CAS and ANSO, China' lines."""
    out: list[dict] = []
    if "|" not in text:
        return out
    for m in re.finditer(r"(?m)^\s*(?:\d+\.\s*)?(?P<name>[^|\n]{3,60})\|(?P<title>[^|\n]+)$", text):
        name = clean_name(m["name"].strip(" ."))
        if name:
            title, org = title_org(
                re.sub(r",\s*(?:the\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\.?\s*$", "", m["title"].strip())
            )
            out.append({"name": name, "title": title, "organisation": org, "role": "speaker"})
    return out


def find_participants(text: str) -> list[dict]:
    """Everyone named as taking part, in order of mention, each person once."""
    people: list[dict] = []
    seen: dict[str, dict] = {}
    for sentence in _sentences(text):
        if not _TWO_TOKENS.search(sentence):
            continue
        listed = _people_in_sentence(sentence)
        for names in (_and_names(c) for c in _split_top(sentence)):
            for bare in names:
                if all(person_key(p["name"]) != person_key(bare) for p in listed):
                    idx = sentence.find(bare)
                    listed.append(
                        {
                            "name": bare,
                            "title": None,
                            "organisation": None,
                            "role": None,
                            "_end": idx + len(bare),
                            "_before": sentence[:idx],
                        }
                    )
        for m in _PREFIXED.finditer(sentence) if _TITLE_HINT.search(sentence) else ():
            body = find_organisation(m["org"]) if m["org"] else None
            name = clean_name(m["name"])
            if name and (body or m["org"] in ("its", "his", "her", "their", "")) and not _has(listed, name):
                own = body.name if body else last_body(sentence[: m.start()]) if m["org"] in ("its", "their") else None
                listed.append(
                    {
                        "name": name,
                        "title": m["title"],
                        "organisation": own,
                        "role": None,
                        "_end": m.end(),
                        "_before": sentence[: m.start()],
                    }
                )
        for m in _HONORIFIC_NAME.finditer(sentence) if _HONORIFIC_HINT.search(sentence) else ():
            name = clean_name(m["name"])
            if name and not _has(listed, name):
                om = re.match(
                    r"\s+(?:of|from)\s+(?:the\s+)?(?P<org>[A-Z][\w'’&-]*(?:\s+(?:of|for|and|the|[A-Z][\w'’&-]*))*)",
                    sentence[m.end() :],
                )
                # "Ms. Aigerim Sultanova from Kazakhstan": a country is where she is from, not her organisation
                org = canonical_organisation(om["org"]) if om and not country_code(om["org"]) else None
                title, org = after_name(sentence[m.end() :], org)
                listed.append(
                    {
                        "name": name,
                        "title": title,
                        "organisation": org,
                        "role": None,
                        "_end": m.end(),
                        "_before": sentence[: m.start()],
                    }
                )
        if not listed:
            continue
        listed.sort(key=lambda p: p["_end"])
        last_end = max((p["_end"] for p in listed), default=0)
        group_role = role_of(sentence[last_end:])
        by_roles = [role_of("", p["_before"][-60:]) for p in listed]
        sentence_by = next((r for r in by_roles if r), None)
        for person, by_role in zip(listed, by_roles, strict=True):
            end = person.pop("_end")
            before = person.pop("_before")
            if MENTIONED.search(before[-80:]):
                person["role"] = None  # thanked or remembered, not taking part (unless said elsewhere)
            else:
                person["role"] = by_role or group_role or sentence_by or role_of(sentence[end:])
            _merge(people, seen, person)
    for person in _pipe_people(text):
        _merge(people, seen, person)
    return [p for p in people if p["role"] is not None]


def _has(listed: list[dict], name: str) -> bool:
    key = person_key(name)
    return any(person_key(p["name"]) == key for p in listed)


def _merge(people: list[dict], seen: dict[str, dict], person: dict) -> None:
    """Keep one entry per person, filling in a title, organisation or role found later."""
    key = person_key(person["name"])
    # one letter off ("Palittapingarnpim" / "Palittapongarnpim") is a spelling slip, not another person
    key = next((k for k in seen if len(k) == len(key) and sum(a != b for a, b in zip(k, key, strict=True)) <= 1), key)
    if key in seen:
        known = seen[key]
        for field in ("title", "organisation", "role"):
            if not known.get(field) and person.get(field):
                known[field] = person[field]
        return
    # A later bare surname ("Bai emphasised") is the same person, not a new one.
    seen[key] = person
    people.append(person)


__all__ = ["clean_name", "find_participants", "role_of"]
