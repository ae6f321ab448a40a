"""Full-text search over items' title and body: SQLite FTS5 or PostgreSQL text search.

A :class:`Store` mixin. The index objects come from migrations 0003 (FTS5) and 0004 (PostgreSQL's
stored ``search_vector`` with its GIN index). A user's query is never a syntax error: for FTS5 it is
rebuilt from its words as quoted terms and phrases (with ``OR``, ``-word`` and a trailing ``*``),
for PostgreSQL into the same terms as ``to_tsquery`` text (:func:`pg_tsquery`). Repeated terms are dropped and at most
``MAX_TERMS`` terms (``MAX_WORDS`` words) are searched, so a long query costs no more than a short one.

Ranking is bounded: only the ``CANDIDATES`` most recently first-seen matches are ranked (an index
gives them in that order, with no sort of every match), and the total is counted up to that many
(``SearchPage.capped`` says when more match). A common word on 100k items costs what it costs on 1k.
"""

from __future__ import annotations

import re
from dataclasses import replace

import sqlalchemy as sa

from .base import StoreBase
from .records import MARK_END, MARK_START, SearchHit, SearchPage

_CLAUSES = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)
#: Distinct terms (words or quoted phrases) of a query that are searched; later ones are ignored.
MAX_TERMS = 16
#: Words searched in all, phrases included.
MAX_WORDS = 32
#: Matches ranked for one query: the most recently first-seen ones (25 pages of 20). A query most
#: items fail (a negation of a common word) reads about CANDIDATES / its share of the items to find them.
CANDIDATES = 500
#: PostgreSQL: items holding all of a phrase's words on which the phrase itself is checked.
PHRASE_POOL = 2000
SNIPPET_WORDS = 24
# ts_headline drops what its parser takes for markup ("<b>…</b>"): angle brackets are swapped for
# private-use characters before and restored after, so a snippet shows the text as it is.
_LT, _GT = "\ue002", "\ue003"
_PG_SHIELD = f"replace(replace(coalesce(items.data->>'body', items.title, ''), '<', '{_LT}'), '>', '{_GT}')"


def bounded_query(text: str) -> str:
    """The query with repeated terms dropped and at most MAX_TERMS terms / MAX_WORDS words kept.

    Terms compare case-insensitively; ``OR`` is an operator, not a term, and stays where it is.
    """
    out: list[str] = []
    seen: set[str] = set()
    words = 0
    for match in _CLAUSES.finditer((text or "").replace("\x00", "")):
        token = match.group(0)
        if token.upper() == "OR":
            out.append(token)
            continue
        key = " ".join(_WORD.findall(token.lower()))
        if token.startswith("-"):
            key = "-" + key
        if token.endswith("*"):
            key += "*"
        if not key.strip("-*") or key in seen:
            continue
        count = len(_WORD.findall(token))
        if len(seen) >= MAX_TERMS or words + count > MAX_WORDS:
            break
        seen.add(key)
        words += count
        out.append(token)
    return " ".join(out)


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


def pg_tsquery(text: str) -> str | None:
    """The same reading of a query as :func:`fts5_query`, as PostgreSQL ``to_tsquery`` text (None: no word).

    Words are lower-cased \\w+ runs in quotes (the ``simple`` configuration's lexemes), several words
    of one term a phrase (``<->``), ``OR`` gives ``|``, ``-word`` gives ``!``, ``word*`` a prefix (``:*``).
    """
    parts: list[str] = []
    joiner = "&"
    for match in _CLAUSES.finditer(text or ""):
        phrase, bare = match.group(1), match.group(2)
        if bare is not None and bare.upper() in ("OR", "AND", "NOT"):
            joiner = "|" if bare.upper() == "OR" and parts else joiner
            continue
        words = [w.lower() for w in _WORD.findall(phrase if phrase is not None else bare)]
        if not words:
            continue
        lexemes = [f"'{w}'" for w in words]
        if bare is not None and bare.endswith("*"):
            lexemes[-1] += ":*"
        term = " <-> ".join(lexemes)
        term = f"({term})" if len(lexemes) > 1 else term
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            term = "!" + term
        parts += [joiner, term] if parts else [term]
        joiner = "&"
    return " ".join(parts) or None


class SearchMixin(StoreBase):
    """Store method ``search``: full-text search of items (FTS5 on SQLite, tsvector on PostgreSQL)."""

    def search(self, query: str, site: str | None = None, limit: int = 20, offset: int = 0) -> SearchPage:
        """Items whose title or body match ``query`` (user syntax, never an error), best first."""
        limit, offset = max(int(limit), 0), max(int(offset), 0)
        query = bounded_query(query)
        if self.dialect == "postgresql":
            tsquery = pg_tsquery(query)
            if tsquery is None:
                return SearchPage([], 0)
            return self._search_pg(tsquery, site, limit, offset)
        match = fts5_query(query)
        if match is None:
            return SearchPage([], 0)
        return self._search_sqlite(match, site, limit, offset)

    @staticmethod
    def _page(ranked: list[tuple], limit: int, offset: int) -> tuple[list, int, bool]:
        """The page's keys from (key, rank) candidates, best first, with the total and whether it is capped."""
        capped = len(ranked) > CANDIDATES
        ranked = sorted(ranked[:CANDIDATES], key=lambda r: (r[1], r[0]))
        return [r[0] for r in ranked[offset : offset + limit]], len(ranked), capped

    def _search_sqlite(self, match: str, site: str | None, limit: int, offset: int) -> SearchPage:
        # FTS5 walks its doclists newest rowid first and computes bm25 (``rank``, lower is better) only
        # for the rows it returns; CROSS JOIN keeps the FTS table the outer loop when a site filters.
        candidates = sa.text(
            "SELECT items_fts.rowid, items_fts.rank FROM items_fts "
            + ("CROSS JOIN items AS i ON i.rowid = items_fts.rowid " if site else "")
            + "WHERE items_fts MATCH :q "
            + ("AND i.site = :site " if site else "")
            + "ORDER BY items_fts.rowid DESC LIMIT :n"
        )
        rows_sql = sa.text(
            "SELECT i.rowid, i.id, i.site, i.url, i.title, i.published, i.status, "
            f"snippet(items_fts, -1, :ms, :me, '…', {SNIPPET_WORDS}) AS snippet "
            "FROM items_fts JOIN items AS i ON i.rowid = items_fts.rowid "
            "WHERE items_fts MATCH :q AND items_fts.rowid IN :ids"
        ).bindparams(sa.bindparam("ids", expanding=True))
        params = {"q": match, "site": site, "n": CANDIDATES + 1, "ms": MARK_START, "me": MARK_END}
        try:
            with self.engine.connect() as conn:
                ranked = [tuple(r) for r in conn.execute(candidates, params)]
                keys, total, capped = self._page(ranked, limit, offset)
                rows = conn.execute(rows_sql, {**params, "ids": keys}).all() if keys else []
        except sa.exc.OperationalError as exc:  # a query FTS5 still refuses: no hits rather than an error
            if "fts5" in str(exc).lower() or "syntax" in str(exc).lower():
                return SearchPage([], 0)
            raise
        by_key = {r[0]: self._hit(r[1:]) for r in rows}
        return SearchPage([by_key[k] for k in keys if k in by_key], total, capped)

    def _search_pg(self, tsquery: str, site: str | None, limit: int, offset: int) -> SearchPage:
        # The candidates come newest first through ix_items_first_seen_at (or the GIN index for a
        # rare word); ts_rank reads each one's stored vector, nothing is parsed again. A phrase needs
        # each vector's positions: it is checked only on the PHRASE_POOL newest items holding all its
        # words, as they come (in the same pass, not looked up again).
        site_filter = " AND items.site = :site" if site else ""
        if "<->" in tsquery:
            source = (
                "(SELECT items.id, items.site, items.first_seen_at, items.search_vector FROM items"
                " WHERE items.search_vector @@ to_tsquery('simple', :all_words)"
                f"{site_filter} ORDER BY items.first_seen_at DESC, items.id DESC LIMIT :pool) AS items"
            )
        else:
            source = "items"
        candidates = sa.text(
            "SELECT c.id, -ts_rank(c.search_vector, to_tsquery('simple', :q)) FROM ("
            f"SELECT items.id, items.search_vector FROM {source} "
            f"WHERE items.search_vector @@ to_tsquery('simple', :q){site_filter}"
            " ORDER BY items.first_seen_at DESC, items.id DESC LIMIT :n) AS c"
        )
        options = (
            f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, "
            'MaxFragments=2, FragmentDelimiter=" … "'
        )
        rows_sql = sa.text(
            "SELECT items.id, items.id, items.site, items.url, items.title, items.published, items.status, "
            f"ts_headline('simple', {_PG_SHIELD}, to_tsquery('simple', :q), :options) AS snippet "
            "FROM items WHERE items.id IN :ids"
        ).bindparams(sa.bindparam("ids", expanding=True))
        params = {
            "q": tsquery,
            "all_words": tsquery.replace("<->", "&"),
            "pool": PHRASE_POOL,
            "site": site,
            "n": CANDIDATES + 1,
            "options": options,
        }
        with self.engine.connect() as conn:
            ranked = [tuple(r) for r in conn.execute(candidates, params)]
            keys, total, capped = self._page(ranked, limit, offset)
            rows = conn.execute(rows_sql, {**params, "ids": keys}).all() if keys else []
        by_key = {r[0]: self._hit(r[1:]) for r in rows}
        hits = [by_key[k] for k in keys if k in by_key]
        return SearchPage(
            [replace(h, snippet=h.snippet.replace(_LT, "<").replace(_GT, ">")) for h in hits], total, capped
        )

    @staticmethod
    def _hit(r) -> SearchHit:
        return SearchHit(item_id=r[0], site=r[1], url=r[2], title=r[3], published=r[4], status=r[5], snippet=r[6] or "")


__all__ = ["CANDIDATES", "MAX_TERMS", "MAX_WORDS", "SearchMixin", "bounded_query", "fts5_query", "pg_tsquery"]
