"""Word diffs as escaped HTML: inline (<del>/<ins>) and side by side, for reports and the dashboard.

Scraped text is untrusted: every run of words is escaped before it is wrapped in markup.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from newswatch.changes import PARAGRAPH, word_diff


def _words(text: str, context: int | None) -> str:
    words = text.split(" ")
    if context is not None and len(words) > 2 * context:
        words = [*words[:context], "…", *words[-context:]]
    return " ".join(words)


def _html(text: str) -> Markup:
    """Escape a run of words; the paragraph mark becomes a visible break."""
    parts = [escape(part.strip()) for part in text.split(PARAGRAPH)]
    return Markup('<span class="para">¶</span><br>').join(parts)


def inline(ops: list[list[str]], context: int | None = None) -> Markup:
    """One block: removed words in <del>, added words in <ins>, unchanged runs optionally shortened."""
    out = []
    for op, text in ops:
        if op == "=":
            out.append(_html(_words(text, context)))
        elif op == "-":
            out.append(Markup("<del>%s</del>") % _html(text))
        else:
            out.append(Markup("<ins>%s</ins>") % _html(text))
    return Markup(" ").join(out)


def side_by_side(ops: list[list[str]], context: int | None = None) -> tuple[Markup, Markup]:
    """Two blocks, old and new: the old one marks removals, the new one additions."""
    left, right = [], []
    for op, text in ops:
        if op == "=":
            kept = _html(_words(text, context))
            left.append(kept)
            right.append(kept)
        elif op == "-":
            left.append(Markup("<del>%s</del>") % _html(text))
        else:
            right.append(Markup("<ins>%s</ins>") % _html(text))
    return Markup(" ").join(left), Markup(" ").join(right)


def diff_texts(old: str | None, new: str | None, context: int | None = None) -> Markup:
    """Inline HTML word diff of two texts."""
    return inline(word_diff(old, new), context)


__all__ = ["diff_texts", "inline", "side_by_side"]
