"""Full-text search over items' title and body: SQLite FTS5 or PostgreSQL text search.

A :class:`Store` mixin. The index objects come from migration 0003. A user's query is never a
syntax error: for FTS5 it is rebuilt from its words as quoted terms and phrases (with ``OR``,
``-word`` and a trailing ``*``); PostgreSQL's ``websearch_to_tsquery`` accepts any text.
"""

from __future__ import annotations

import re
from dataclasses import replace

import sqlalchemy as sa

from .base import StoreBase
from .records import MARK_END, MARK_START, SearchHit, SearchPage

_CLAUSES = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)
#: Must equal the expression of the GIN index ix_items_search (migration 0003) for it to be used.
PG_DOCUMENT = "to_tsvector('simple', coalesce(items.title, '') || ' ' || coalesce(items.data->>'body', ''))"
SNIPPET_WORDS = 24
# ts_headline drops what its parser takes for markup ("<b>…</b>"): angle brackets are swapped for
# private-use characters before and restored after, so a snippet shows the text as it is.
_LT, _GT = "\ue002", "\ue003"
_PG_SHIELD = f"replace(replace(coalesce(items.data->>'body', items.title, ''), '<', '{_LT}'), '>', '{_GT}')"


def fts5_query(text: str) -> str | None:
    """A safe FTS5 MATCH expression for what a user typed, or None when it holds no word.

    Words become quoted strings ("co-operation" → "co operation", as the tokenizer splits it),
    quoted text a phrase, ``OR`` stays an operator, ``-word`` excludes, ``word*`` is a prefix;
    everything else (``AND``, ``NOT``, ``NEAR``, ``:``, brackets, stray quotes) is plain text.
    """
    out: list[str] = []
    for match in _CLAUSES.finditer(text or ""):
        phrase, bare = match.group(1), match.group(2)
        if bare is not None and bare.upper() == "OR":
            if out and out[-1] not in ("OR", "NOT"):
                out.append("OR")
            continue
        if bare is not None and bare.upper() in ("AND", "NOT"):
            continue
        negate = bare is not None and bare.startswith("-") and len(bare) > 1
        words = _WORD.findall(phrase if phrase is not None else bare)
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if bare is not None and bare.endswith("*"):
            term += "*"
        if negate:
            if out and out[-1] not in ("OR", "NOT"):
                out += ["NOT", term]
            continue
        out.append(term)
    while out and out[-1] in ("OR", "NOT"):
        out.pop()
    return " ".join(out) or None


class SearchMixin(StoreBase):
    """Store method ``search``: full-text search of items (FTS5 on SQLite, tsvector on PostgreSQL)."""

    def search(self, query: str, site: str | None = None, limit: int = 20, offset: int = 0) -> SearchPage:
        """Items whose title or body match ``query`` (user syntax, never an error), best first."""
        limit, offset = max(int(limit), 0), max(int(offset), 0)
        if self.dialect == "postgresql":
            if not (query or "").strip():
                return SearchPage([], 0)
            return self._search_pg(query.replace("\x00", ""), site, limit, offset)
        match = fts5_query(query)
        if match is None:
            return SearchPage([], 0)
        return self._search_sqlite(match, site, limit, offset)

    def _search_sqlite(self, match: str, site: str | None, limit: int, offset: int) -> SearchPage:
        where = "items_fts MATCH :q" + (" AND i.site = :site" if site else "")
        base = "FROM items_fts JOIN items AS i ON i.rowid = items_fts.rowid WHERE " + where
        rows_sql = sa.text(
            "SELECT i.id, i.site, i.url, i.title, i.published, i.status, "
            f"snippet(items_fts, -1, :ms, :me, '…', {SNIPPET_WORDS}) AS snippet "
            f"{base} ORDER BY items_fts.rank, i.id LIMIT :limit OFFSET :offset"
        )
        params = {"q": match, "site": site, "ms": MARK_START, "me": MARK_END, "limit": limit, "offset": offset}
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(rows_sql, params).all()
                total = int(conn.execute(sa.text(f"SELECT count(*) {base}"), params).scalar() or 0)
        except sa.exc.OperationalError as exc:  # a query FTS5 still refuses: no hits rather than an error
            if "fts5" in str(exc).lower() or "syntax" in str(exc).lower():
                return SearchPage([], 0)
            raise
        return SearchPage([self._hit(r) for r in rows], total)

    def _search_pg(self, query: str, site: str | None, limit: int, offset: int) -> SearchPage:
        where = f"{PG_DOCUMENT} @@ websearch_to_tsquery('simple', :q)" + (" AND items.site = :site" if site else "")
        ranked = (
            f"SELECT items.id, ts_rank({PG_DOCUMENT}, websearch_to_tsquery('simple', :q)) AS rank "
            f"FROM items WHERE {where} ORDER BY rank DESC, items.id LIMIT :limit OFFSET :offset"
        )
        options = (
            f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, "
            'MaxFragments=2, FragmentDelimiter=" … "'
        )
        rows_sql = sa.text(
            "SELECT items.id, items.site, items.url, items.title, items.published, items.status, "
            f"ts_headline('simple', {_PG_SHIELD}, "
            "websearch_to_tsquery('simple', :q), :options) AS snippet "
            f"FROM ({ranked}) AS hits JOIN items ON items.id = hits.id ORDER BY hits.rank DESC, items.id"
        )
        params = {"q": query, "site": site, "limit": limit, "offset": offset, "options": options}
        with self.engine.connect() as conn:
            rows = conn.execute(rows_sql, params).all()
            total = int(conn.execute(sa.text(f"SELECT count(*) FROM items WHERE {where}"), params).scalar() or 0)
        hits = [self._hit(r) for r in rows]
        return SearchPage([replace(h, snippet=h.snippet.replace(_LT, "<").replace(_GT, ">")) for h in hits], total)

    @staticmethod
    def _hit(r) -> SearchHit:
        return SearchHit(item_id=r[0], site=r[1], url=r[2], title=r[3], published=r[4], status=r[5], snippet=r[6] or "")


__all__ = ["PG_DOCUMENT", "SearchMixin", "fts5_query"]
