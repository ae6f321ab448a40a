"""Compare a freshly extracted item with its stored copy: NEW, UPDATED, UNCHANGED, REBASELINED, REAPPEARED."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from newswatch.text import comparable

NEW, UPDATED, UNCHANGED, REBASELINED, REAPPEARED, REMOVED = (
    "new",
    "updated",
    "unchanged",
    "rebaselined",
    "reappeared",
    "removed",
)
#: Kinds an analyst is shown; unchanged and rebaselined items are not changes.
FLAG_KINDS = (NEW, UPDATED, REMOVED, REAPPEARED)
#: Fields compared between versions, in display order.
TRACKED_FIELDS = ("title", "published", "source", "section", "summary", "body", "images")
#: Fields whose changes get a word-level diff; the others get old and new values.
TEXT_FIELDS = ("title", "summary", "body")
_TOKENS = re.compile(r"\n\s*\n|\S+")
PARAGRAPH = "¶"
#: Words of a changed stretch matched word by word; a longer one is shown as replaced whole.
DIFF_MAX_WORDS = 5_000


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a crawl found for one item, relative to its stored copy."""

    kind: str
    changed_fields: list[str] = field(default_factory=list)
    diff: dict | None = None


def _norm(value):
    if isinstance(value, str):
        return comparable(value)
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    return value


def changed_fields(old: dict, new: dict) -> list[str]:
    """Tracked fields whose values differ once whitespace is ignored."""
    return [f for f in TRACKED_FIELDS if _norm(old.get(f)) != _norm(new.get(f))]


def _tokens(text: str | None) -> list[str]:
    return [PARAGRAPH if t.startswith("\n") else t for t in _TOKENS.findall(text or "")]


def _common_ends(a: list[str], b: list[str]) -> tuple[int, int]:
    """Lengths of the common leading and trailing runs of two token lists (not overlapping)."""
    size = min(len(a), len(b))
    head = 0
    while head < size and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < size - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


def word_diff(old: str | None, new: str | None, max_words: int = DIFF_MAX_WORDS) -> list[list[str]]:
    """Word-level diff as [op, text] runs: '=' kept, '-' removed, '+' added; ¶ marks a paragraph.

    Matching costs up to the square of the words compared, so the common start and end are set
    aside first (linear), and a middle still longer than ``max_words`` on either side is shown as
    replaced whole: a coarser diff, never an unbounded one.
    """
    a, b = _tokens(old), _tokens(new)
    head, tail = _common_ends(a, b)
    ops: list[list[str]] = [["=", " ".join(a[:head])]] if head else []
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    if len(middle_a) > max_words or len(middle_b) > max_words:
        if middle_a:
            ops.append(["-", " ".join(middle_a)])
        if middle_b:
            ops.append(["+", " ".join(middle_b)])
    else:
        ops.extend(_matched(middle_a, middle_b))
    if tail:
        ops.append(["=", " ".join(a[len(a) - tail :])])
    return ops


def _matched(a: list[str], b: list[str]) -> list[list[str]]:
    ops: list[list[str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(["=", " ".join(a[i1:i2])])
            continue
        if tag in ("delete", "replace"):
            ops.append(["-", " ".join(a[i1:i2])])
        if tag in ("insert", "replace"):
            ops.append(["+", " ".join(b[j1:j2])])
    return ops


def field_diff(old: dict, new: dict, fields: list[str]) -> dict:
    """Per changed field: a word diff for text fields, old and new values for the others."""
    out: dict[str, dict[str, Any]] = {}
    for f in fields:
        if f in TEXT_FIELDS:
            out[f] = {"words": word_diff(old.get(f), new.get(f))}
        else:
            out[f] = {"old": old.get(f), "new": new.get(f)}
    return out


def render_word_diff(ops: list[list[str]], context: int | None = 12) -> str:
    """Terminal rendering: [-removed-] {+added+}; long unchanged runs shortened to ``context`` words."""
    parts = []
    for op, text in ops:
        if op == "=":
            words = text.split(" ")
            if context is not None and len(words) > 2 * context:
                text = " ".join(words[:context] + ["…"] + words[-context:])
            parts.append(text)
        elif op == "-":
            parts.append(f"[-{text}-]")
        else:
            parts.append(f"{{+{text}+}}")
    return " ".join(parts).replace(f" {PARAGRAPH} ", "\n\n").replace(PARAGRAPH, "\n\n")


def compare(stored: dict | None, stored_status: str | None, item: dict) -> Outcome:
    """Classify ``item`` against the stored copy (its last full record) and the stored status.

    A different extractor version re-baselines silently: a changed selector or cleaning rule
    must not flag every item of a site as updated.
    """
    if stored is None:
        return Outcome(NEW)
    fields = changed_fields(stored, item) if stored.get("content_hash") != item.get("content_hash") else []
    if stored_status == "removed":
        return Outcome(REAPPEARED, fields, field_diff(stored, item, fields) if fields else None)
    if stored.get("extractor_version") != item.get("extractor_version"):
        return Outcome(REBASELINED if fields else UNCHANGED)
    if not fields:
        return Outcome(UNCHANGED)
    return Outcome(UPDATED, fields, field_diff(stored, item, fields))
