"""One event, several sources: near-duplicate text (MinHash/LSH, datasketch) plus agreeing details.

Two items report the same event when their texts are near-duplicates *and* the events they report
agree: overlapping dates, and a similar name or the same acronym, and no conflicting place. A
shared press release alone is not enough (two forums in one series share most of their words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 64
#: Jaccard similarity of word 3-shingles above which LSH proposes a candidate.
LSH_THRESHOLD = 0.3
#: Estimated similarity a candidate needs, given agreeing event details.
MIN_SIMILARITY = 0.35
_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def shingles(text: str, size: int = 3) -> set[bytes]:
    """Word n-grams of the lower-cased text (characters for Chinese), as bytes for hashing."""
    if _CJK.search(text[:200]):
        chars = [c for c in text if not c.isspace()]
        return {"".join(chars[i : i + size]).encode() for i in range(max(1, len(chars) - size + 1))}
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + size]).encode() for i in range(max(1, len(words) - size + 1))}


def signature(text: str) -> LeanMinHash:
    """A MinHash signature of the text."""
    m = MinHash(num_perm=NUM_PERM)
    m.update_batch(list(shingles(text)))
    return LeanMinHash(m)


def to_bytes(sig: LeanMinHash) -> bytes:
    return sig.hashvalues.astype(np.uint64).tobytes()


def from_bytes(data: bytes) -> LeanMinHash:
    return LeanMinHash(seed=1, hashvalues=np.frombuffer(data, dtype=np.uint64))


def _dates(event: dict) -> tuple[date, date] | None:
    try:
        start = date.fromisoformat(event["start"])
        end = date.fromisoformat(event.get("end") or event["start"])
    except (KeyError, TypeError, ValueError):
        return None
    return start, end


def _name_words(event: dict) -> set[str]:
    return {w for w in _WORD.findall((event.get("name") or "").lower()) if len(w) > 2 and w not in ("the", "and")}


#: Above this text similarity, agreeing dates and place suffice (the two reports name the event differently).
CLOSE_TEXT = 0.7


def events_agree(a: dict, b: dict, similarity: float = 0.0) -> bool:
    """True when two extracted events can be one: dates overlap, places agree, and the names or acronyms
    match (or the texts are close copies)."""
    da, db = _dates(a), _dates(b)
    if da is None or db is None or da[0] > db[1] or db[0] > da[1]:
        return False
    la, lb = a.get("location") or {}, b.get("location") or {}
    for key in ("city", "country"):
        if la.get(key) and lb.get(key) and la[key] != lb[key]:
            return False
    if a.get("acronym") and a.get("acronym") == b.get("acronym") or similarity >= CLOSE_TEXT:
        return True
    wa, wb = _name_words(a), _name_words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.5


@dataclass
class _Entry:
    event_id: str
    site: str
    event: dict
    sig: LeanMinHash


class EventLinker:
    """An LSH index over the stored reports; finds the event a new report belongs to."""

    def __init__(self) -> None:
        self.lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self.entries: dict[str, _Entry] = {}

    def add(self, item_id: str, event_id: str, site: str, event: dict, sig: LeanMinHash) -> None:
        if item_id in self.entries:
            self.lsh.remove(item_id)
        self.entries[item_id] = _Entry(event_id, site, event, sig)
        self.lsh.insert(item_id, sig)

    def match(self, item_id: str, event: dict, sig: LeanMinHash) -> tuple[str, float] | None:
        """(event id, similarity) of the best agreeing near-duplicate report, else None."""
        best: tuple[str, float] | None = None
        for other in self.lsh.query(sig):
            if other == item_id:
                continue
            entry = self.entries[other]
            similarity = sig.jaccard(entry.sig)
            if similarity >= MIN_SIMILARITY and events_agree(event, entry.event, similarity):
                if best is None or similarity > best[1]:
                    best = (entry.event_id, similarity)
        return best


__all__ = ["EventLinker", "events_agree", "from_bytes", "shingles", "signature", "to_bytes"]
