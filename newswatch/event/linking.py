"""One event, several sources: near-duplicate text (MinHash/LSH, datasketch) plus agreeing details.

Two items report the same event when their texts are near-duplicates *and* the events they report
agree: overlapping dates, and a similar name or the same acronym, and no conflicting place. A
shared press release alone is not enough (two forums in one series share most of their words).

Signatures are datasketch's MinHash with datasketch's LSH bands. Where events are extracted (usually
a worker process) the hash values are computed with datasketch's permutations and arithmetic in NumPy
(:func:`signature_values`, tested equal to datasketch's); the crawl's own process keeps the bands in
plain dictionaries (:class:`BandIndex`, tested to propose exactly what datasketch's MinHashLSH
proposes): importing datasketch would import SciPy, most of a second of every crawl or worker.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # datasketch imports SciPy (most of a second): loaded on first use, not with the crawl
    from datasketch import LeanMinHash

NUM_PERM = 64
#: Jaccard similarity of word 3-shingles above which LSH proposes a candidate.
LSH_THRESHOLD = 0.3
#: datasketch's bands for LSH_THRESHOLD and NUM_PERM (``MinHashLSH(0.3, 64)``: b=21, r=3; a test checks).
BANDS, ROWS = 21, 3
#: Estimated similarity a candidate needs, given agreeing event details.
MIN_SIMILARITY = 0.35
#: Marks a stored signature of this scheme (CRC-32 word 3-shingles); others are ignored, not misread.
SCHEME = b"nwmh2:"
_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))


def shingle_hashes(text: str, size: int = 3) -> np.ndarray:
    """32-bit hashes of the lower-cased text's word 3-shingles (character ones for Chinese), distinct.

    Words are hashed once (CRC-32) and combined per shingle in NumPy, so a 500-word article costs
    one pass of small C calls rather than a SHA-1 per shingle.
    """
    return np.unique(_shingles(_units(text), size))


def _units(text: str) -> np.ndarray:
    """The lower-cased text's words as CRC-32 hashes (characters for Chinese), in order."""
    if _CJK.search(text[:200]):
        units = np.frombuffer("".join(text.split()).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    else:
        words = _WORD.findall(text.lower())
        units = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    return units


def _shingles(units: np.ndarray, size: int = 3) -> np.ndarray:
    """The 32-bit hashes of each run of ``size`` units (repeats kept)."""
    if len(units) == 0:
        return units
    if len(units) < size:
        units = np.concatenate([units, np.zeros(size - len(units), dtype=np.uint64)])
    with np.errstate(over="ignore"):
        mixed = units[: len(units) - size + 1].copy()
        for k in range(1, size):
            mixed = mixed * _MIX[k % 2] + units[k : len(units) - size + 1 + k]
    return (mixed ^ (mixed >> np.uint64(32))) & np.uint64(0xFFFFFFFF)


#: datasketch's universal hashing constants (a prime modulus, 32-bit values).
_MERSENNE_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)


@lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    """datasketch's permutations for NUM_PERM and seed 1, drawn as ``MinHash`` draws them (a test checks).

    Drawn here rather than by datasketch, whose import (SciPy) costs a worker most of a second.
    """
    gen = np.random.RandomState(1)
    return np.array(
        [
            (gen.randint(1, _MERSENNE_PRIME, dtype=np.uint64), gen.randint(0, _MERSENNE_PRIME, dtype=np.uint64))
            for _ in range(NUM_PERM)
        ],
        dtype=np.uint64,
    ).T


def _as_is(value: int) -> int:
    """The shingles are hashed already (see shingle_hashes)."""
    return value


def signature_values(text: str) -> np.ndarray:
    """The hash values of :func:`signature`, computed in NumPy without datasketch (the same arithmetic)."""
    values = np.full(NUM_PERM, _MAX_HASH, dtype=np.uint64)
    hashes = _shingles(_units(text))  # repeats left in: they change no minimum, and sorting them out costs more
    if len(hashes):
        a, b = _permutations()
        permuted = np.multiply(a.reshape(-1, 1), hashes)  # a row per permutation: (a·h + b) mod p, then 32 bits
        permuted += b.reshape(-1, 1)
        np.remainder(permuted, _MERSENNE_PRIME, out=permuted)
        permuted &= _MAX_HASH
        values = np.minimum(values, permuted.min(axis=1))
    return values


def signature(text: str) -> LeanMinHash:
    """A MinHash signature (datasketch) of the text's word 3-shingles."""
    from datasketch import LeanMinHash, MinHash

    m = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_as_is, permutations=_permutations())
    m.update_batch(shingle_hashes(text).tolist())
    return LeanMinHash(m)


def to_bytes(sig: LeanMinHash | np.ndarray) -> bytes:
    """The stored form of a signature (a datasketch MinHash or its hash values)."""
    values = sig if isinstance(sig, np.ndarray) else sig.hashvalues
    return SCHEME + values.astype(np.uint64).tobytes()


def from_bytes(data: bytes | None) -> np.ndarray | None:
    """The stored signature's hash values, or None for one of an earlier scheme (recomputed when the item changes)."""
    if not data or not data.startswith(SCHEME) or len(data) != len(SCHEME) + 8 * NUM_PERM:
        return None
    return np.frombuffer(data[len(SCHEME) :], dtype=np.uint64)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal hash values (as datasketch's jaccard)."""
    return float(np.count_nonzero(a == b)) / len(a)


class BandIndex:
    """MinHash LSH buckets: a signature cut into BANDS bands of ROWS values; one shared band proposes a pair."""

    def __init__(self) -> None:
        self.tables: list[dict[bytes, set[str]]] = [{} for _ in range(BANDS)]
        self.keys: dict[str, list[bytes]] = {}

    @staticmethod
    def bands(values: np.ndarray) -> list[bytes]:
        raw = values.astype(np.uint64).tobytes()
        width = 8 * ROWS
        return [raw[i * width : (i + 1) * width] for i in range(BANDS)]

    def insert(self, key: str, values: np.ndarray) -> None:
        self.remove(key)
        self.keys[key] = bands = self.bands(values)
        for table, band in zip(self.tables, bands, strict=False):
            table.setdefault(band, set()).add(key)

    def remove(self, key: str) -> None:
        for table, band in zip(self.tables, self.keys.pop(key, ()), strict=False):
            bucket = table.get(band)
            if bucket is not None:
                bucket.discard(key)
                if not bucket:
                    del table[band]

    def query(self, values: np.ndarray) -> set[str]:
        found: set[str] = set()
        for table, band in zip(self.tables, self.bands(values), strict=False):
            found |= table.get(band, set())
        return found


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
    if (a.get("acronym") and a.get("acronym") == b.get("acronym")) or similarity >= CLOSE_TEXT:
        return True
    wa, wb = _name_words(a), _name_words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.5


@dataclass
class _Entry:
    event_id: str
    site: str
    event: dict
    sig: np.ndarray | None


class EventLinker:
    """An LSH index over the stored reports; finds the event a new report belongs to."""

    def __init__(self) -> None:
        self.lsh = BandIndex()
        self.entries: dict[str, _Entry] = {}

    def add(self, item_id: str, event_id: str, site: str, event: dict, sig: np.ndarray | None) -> None:
        """Index a report; one without a (current-scheme) signature is known but never proposed."""
        self.lsh.remove(item_id)
        self.entries[item_id] = _Entry(event_id, site, event, sig)
        if sig is not None:
            self.lsh.insert(item_id, sig)

    def match(self, item_id: str, event: dict, sig: np.ndarray) -> tuple[str, float] | None:
        """(event id, similarity) of the best agreeing near-duplicate report, else None."""
        best: tuple[str, float] | None = None
        for other in sorted(self.lsh.query(sig)):
            if other == item_id:
                continue
            entry = self.entries[other]
            if entry.sig is None:
                continue
            score = similarity(sig, entry.sig)
            agrees = score >= MIN_SIMILARITY and events_agree(event, entry.event, score)
            if agrees and (best is None or score > best[1]):
                best = (entry.event_id, score)
        return best


__all__ = [
    "BandIndex",
    "EventLinker",
    "events_agree",
    "from_bytes",
    "shingle_hashes",
    "signature",
    "signature_values",
    "similarity",
    "to_bytes",
]
