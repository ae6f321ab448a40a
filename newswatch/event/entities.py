"""Entity normalisation in one place: organisations (names, acronyms, former names) and people.

Organisations come from ``data/organisations.toml``; a person named in either order
(Bai Chunli, Chunli Bai, BAI Chunli) and with or without an honorific is one person.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

HONORIFICS = (
    "Academician",
    "Professor",
    "Prof",
    "Dr",
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Madam",
    "Sir",
    "Dame",
    "Lord",
    "H.E",
    "HE",
    "His Excellency",
    "Her Excellency",
    "Excellency",
    "Ambassador",
    "Academic",
    "Engr",
    "Eng",
    "Countess",
    "Count",
    "Baroness",
    "Baron",
    "Lady",
    "Datuk",
    "Dato",
    "Tan Sri",
    "Hon",
)
_HONORIFIC = re.compile(
    r"^(?:(?:" + "|".join(re.escape(h) for h in sorted(HONORIFICS, key=len, reverse=True)) + r")\.?\s+)+"
)
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Organisation:
    """One organisation: a key, its canonical name, acronyms and every other name it goes by."""

    key: str
    name: str
    acronyms: tuple[str, ...]
    aliases: tuple[str, ...]

    @property
    def acronym(self) -> str | None:
        return self.acronyms[0] if self.acronyms else None


def _fold(text: str) -> str:
    """Case-, accent-, punctuation- and 'the'-insensitive form of a name."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("&", " and ")
    text = _PUNCT.sub(" ", text.casefold())
    text = _SPACE.sub(" ", text).strip()
    return text.removeprefix("the ")


@lru_cache(maxsize=1)
def organisations() -> dict[str, Organisation]:
    """The organisation table, keyed by its short key."""
    raw = tomllib.loads(resources.files("newswatch.event").joinpath("data/organisations.toml").read_text("utf-8"))
    return {
        key: Organisation(key, entry["name"], tuple(entry.get("acronyms", ())), tuple(entry.get("aliases", ())))
        for key, entry in raw.items()
    }


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, str], dict[str, str]]:
    """Folded full names → key, and exact acronyms → key."""
    names: dict[str, str] = {}
    acronyms: dict[str, str] = {}
    for org in organisations().values():
        for name in (org.name, *org.aliases):
            names[_fold(name)] = org.key
        for acronym in org.acronyms:
            acronyms[acronym] = org.key
            acronyms[acronym.upper()] = org.key
    return names, acronyms


_TRAILING_ACRONYM = re.compile(r"\s*\(([^()]{2,12})\)\s*$")
_LEADING_COUNTRY = re.compile(r"^(?:the\s+)?(?:U\.?S\.?|US|UK|China's|Chinese)\s+", re.I)


@lru_cache(maxsize=8192)
def find_organisation(name: str | None) -> Organisation | None:
    """The known organisation a name, acronym, former name or "Name (ACR)" refers to, or None."""
    if not name:
        return None
    name = re.sub(r"^the\s+", "", name.strip(), flags=re.I)
    name = re.sub(r"\(([^(),]{2,12}),\s*[^()]+\)\s*$", r"(\1)", name)
    names, acronyms = _index()
    m = _TRAILING_ACRONYM.search(name)
    if m:
        hit = acronyms.get(m[1].strip()) or acronyms.get(m[1].strip().upper())
        head = name[: m.start()]
        # "Ministry of Science and Technology of Viet Nam (MOST)" is not the MOST the table knows
        if hit and (len(head.split()) < 2 or names.get(_fold(head)) in (None, hit)):
            if names.get(_fold(head)) is None and len(head.split()) >= 2:
                return None
            return organisations()[hit]
        name = head
    hit = acronyms.get(name) or names.get(_fold(name))
    if hit is None:
        stripped = re.sub(r",?\s*\(?(?:China|the United States|USA|Brazil|Thailand|Chile|Russia|Japan)\)?$", "", name)
        hit = names.get(_fold(stripped)) or acronyms.get(stripped.strip())
    return organisations()[hit] if hit else None


def organisation_key(name: str | None) -> str:
    """A comparable key for an organisation: its table key when known, else its folded name."""
    org = find_organisation(name)
    if org is not None:
        return org.key
    folded = _fold(_TRAILING_ACRONYM.sub("", name or ""))
    return folded


def canonical_organisation(name: str) -> str:
    """The canonical name of a known organisation, else the name as given (tidied)."""
    org = find_organisation(name)
    if org is not None:
        return org.name
    name = _TRAILING_ACRONYM.sub("", name).strip(" ,;.")
    return re.sub(r"^the\s+", "", name, flags=re.I)


_DEFINED = re.compile(
    r"(?P<name>[A-Z][\w'’&.-]*(?:\s+(?:of|for|and|the|in|on|at|&|[A-Z][\w'’&.-]*)){1,12})\s+\((?P<acr>[A-Z][A-Za-z&-]{1,11})\)"
)


def defined_acronyms(text: str) -> dict[str, str]:
    """Acronyms the text defines: 'the Academy of Sciences Malaysia (ASM)' → {'ASM': 'Academy of Sciences Malaysia'}."""
    found: dict[str, str] = {}
    for m in _DEFINED.finditer(text) if "(" in text else ():  # every definition has its acronym in brackets
        acr, words = m["acr"].upper(), m["name"].split()
        # the tail of the capitalised run whose initials are the acronym, else the longest that spells it in order
        tails = [i for i, word in enumerate(words) if word[0].upper() == acr[0]]
        letters = acr.replace("&", "")
        exact = [i for i in tails if "".join(w[0].upper() for w in words[i:] if w[:1].isupper()) == letters]
        spelt = [i for i in tails if _spells(letters, [w[0].upper() for w in words[i:] if w[:1].isupper()])]
        if exact or spelt:
            i = (exact or spelt)[0]
            while i and words[i - 1][:1].isupper():  # "Australian Academy of … (ATSE)": the run's own adjectives
                i -= 1
            found.setdefault(m["acr"], " ".join(words[i:]))
    return found


def _spells(letters: str, initials: list[str]) -> bool:
    it = iter(initials)
    return all(letter in it for letter in letters)


def expand_acronym(name: str | None, defined: dict[str, str]) -> str | None:
    """An acronym the text defined, as its full name (a known organisation's canonical name when known)."""
    if not name or name not in defined:
        return name
    return canonical_organisation(defined[name])


def strip_honorifics(name: str) -> str:
    """'Prof. Dr. Chunli Bai' → 'Chunli Bai'."""
    return _HONORIFIC.sub("", name.strip()).strip()


@lru_cache(maxsize=8192)
def person_key(name: str | None) -> str:
    """An order- and case-insensitive key: 'Bai Chunli', 'Chunli Bai' and 'BAI Chunli' are equal."""
    folded = _fold(strip_honorifics(name or "")).replace("-", " ")
    return " ".join(sorted(w for w in folded.split() if len(w) > 1))


__all__ = [
    "Organisation",
    "canonical_organisation",
    "defined_acronyms",
    "expand_acronym",
    "find_organisation",
    "organisation_key",
    "organisations",
    "person_key",
    "strip_honorifics",
]
