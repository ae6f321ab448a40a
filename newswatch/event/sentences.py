"""Sentences of institutional prose, not broken after 'Jan.', 'Prof.', 'No.' or an initial.

A regular expression with an abbreviation list: pysbd splits the same prose as well but costs
about 7 ms an article, several times the whole of event extraction.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Words that end with a full stop without ending a sentence (months, honorifics, initials, Latin).
_ABBREVIATIONS = (
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    r"Prof|Dr|Mr|Mrs|Ms|Mme|St|No|Nos|Vol|Fig|Dept|Univ|Inst|Acad|Assoc|Gov|Sen|Rep|Gen|Col|Capt|Eng|Engr|"
    r"H\.E|U\.S|U\.K|U\.N|e\.g|i\.e|cf|vs|approx|ca|Jr|Sr|Ph\.D|M\.D|[A-Z]"
)
#: Where a sentence ends: the spaces after a full stop (or its closing quote) before a capital or a digit, or
#: just after a Chinese full stop. Scanned from the stop itself (a look-behind at every character costs 3×).
_CUT = re.compile(r"[.!?][\"”’)]?(\s+)(?=[\"“‘(]?[A-Z0-9\u4e00-\u9fff])|[。！？；]")
_ENDS_ABBREVIATED = re.compile(rf"(?:^|[\s(“\"])(?:{_ABBREVIATIONS})\.$")
#: After 'Jan.' or 'Prof.' a sentence goes on with a day number or a capitalised name.
_CONTINUES = re.compile(r"^\s*(?:[0-3]?\d\b|[A-Z])")


#: A sentence about another edition of the event, an earlier or a later one.
_OTHER_EDITION = re.compile(
    r"\b(?:previous|last|next|first|former|earlier|inaugural|prior|founding)\b[^.;]{0,80}?"
    r"\b(?:was|were|will be|had been|is to be)\s+(?:held|hosted|organi[sz]ed|convened|launched)|"
    r"\b(?:previous|next|last year's|next year's)\s+(?:edition|meeting|forum|workshop|conference|congress|assembly|"
    r"session|visit)|\b(?:last|next) year\b|\b(?:the\s+)?(?:19|20)\d\d\s+edition\b|"
    r"\b(?:first|previous|last|earlier|past)\s+editions?\b",
    re.I,
)


_EDITION_WORDS = ("previous", "last", "next", "first", "former", "earlier", "inaugural", "prior", "founding", "edition")


@lru_cache(maxsize=4096)
def about_another_edition(sentence: str) -> bool:
    """True for 'The previous meeting was held in Nairobi', 'Last year's conference attracted …'."""
    low = sentence.lower()
    return any(word in low for word in _EDITION_WORDS) and bool(_OTHER_EDITION.search(sentence))


def _pieces(line: str) -> list[str]:
    """The line cut at each sentence end, the spaces there dropped (a test checks it against a regex split)."""
    out, previous = [], 0
    for m in _CUT.finditer(line):
        start, end = m.span(1)
        if start < 0:  # after a Chinese full stop: cut, nothing dropped
            start = end = m.end()
        out.append(line[previous:start])
        previous = end
    out.append(line[previous:])
    return out


@lru_cache(maxsize=16)
def _split(text: str) -> tuple[str, ...]:
    """The text's sentences in order, stripped; a line break always ends one."""
    out: list[str] = []
    for line in text.splitlines():
        glue = False
        for raw in _pieces(line):
            piece = raw.strip()
            if not piece:
                continue
            if glue and _CONTINUES.match(piece):
                out[-1] = f"{out[-1]} {piece}"
            else:
                out.append(piece)
            glue = bool(_ENDS_ABBREVIATED.search(out[-1][-12:]))
    return tuple(out)


def split_sentences(text: str) -> list[str]:
    """The text's sentences in order, stripped; a line break always ends one."""
    return list(_split(text))


__all__ = ["about_another_edition", "split_sentences"]
