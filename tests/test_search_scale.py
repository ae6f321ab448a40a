"""Search that scales: a stored, indexed tsvector on PostgreSQL, bounded ranking and bounded queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

import storage.search as search_module
from storage import ItemWrite
from storage.search import MAX_TERMS, MAX_WORDS, bounded_query, fts5_query
from tests.test_web import T0, make_item


def test_repeated_terms_are_searched_once():
    assert bounded_query(" ".join(["hydrogen"] * 220)) == "hydrogen"
    assert bounded_query("Water water WATER food") == "Water food"
    assert bounded_query("water OR food OR water") == "water OR food OR"
    assert bounded_query('"a phrase" "A  Phrase" -x -x x*') == '"a phrase" -x x*'
    assert bounded_query("a\x00b") == "ab"


def test_long_queries_are_bounded_in_terms_and_words():
    many = bounded_query(" ".join(f"w{i}" for i in range(4000)))
    assert many.split() == [f"w{i}" for i in range(MAX_TERMS)]
    phrase = '"' + " ".join(f"p{i}" for i in range(100)) + '" after'
    assert bounded_query(phrase) == ""  # a phrase longer than MAX_WORDS words is not searched
    words = " ".join(f"{'x' * 3}-{i}-{i}" for i in range(40))  # three words per term
    kept = bounded_query(words)
    assert len(kept.split()) == MAX_WORDS // 3
    match = fts5_query(bounded_query(" ".join(f"w{i}" for i in range(4000))))
    assert match is not None and match.count('"') == 2 * MAX_TERMS


def _fill(store, n: int, word: str = "hydrogen") -> list[str]:
    """``n`` items mentioning ``word``, first seen an hour apart (item n-1 newest); item 0 mentions it most."""
    run = store.begin_run("alpha", T0)
    writes = []
    for i in range(n):
        body = f"Report {i} on {word} storage." + (f" {word} {word} {word} {word}." if i == 0 else "")
        writes.append(ItemWrite(make_item(i, body=body), "new", T0 + timedelta(hours=i)))
    store.save_items(run, writes)
    return [w.item["id"] for w in writes]


def test_ranking_is_bounded_to_the_most_recent_matches(store, monkeypatch):
    ids = _fill(store, 12)
    full = store.search("hydrogen", limit=50)
    assert full.total == 12 and not full.capped
    assert full.hits[0].item_id == ids[0]  # the most relevant, whatever its age
    monkeypatch.setattr(search_module, "CANDIDATES", 5)
    bounded = store.search("hydrogen", limit=50)
    assert bounded.total == 5 and bounded.capped
    assert sorted(h.item_id for h in bounded.hits) == sorted(ids[-5:])  # the five newest, ranked
    page2 = store.search("hydrogen", limit=3, offset=3)
    assert [h.item_id for h in page2.hits] == [h.item_id for h in bounded.hits[3:5]]
    assert store.search("hydrogen", site="beta").total == 0
    assert store.search("hydrogen", site="alpha", limit=50).total == 5


def test_a_store_with_more_matches_than_candidates_says_so(store, client_factory):
    _fill(store, 4)
    assert store.search("hydrogen").capped is False
    with client_factory(store) as client:
        body = client.get("/api/search", params={"q": "hydrogen"}).json()
        assert body["total"] == 4 and body["capped"] is False


@pytest.fixture
def client_factory():
    from fastapi.testclient import TestClient

    from newswatch.web import create_app

    def make(store):
        url = store.engine.url.render_as_string(hide_password=False)
        return TestClient(create_app(url))

    return make


HERE_INDEX = "SELECT {} FROM pg_indexes WHERE indexname = '{}' AND schemaname = current_schema()"


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)  # SQLite searches its FTS5 table
def test_postgresql_searches_a_stored_indexed_tsvector(store):
    _fill(store, 3)
    with store.engine.connect() as conn:
        generated = conn.execute(
            sa.text(
                "SELECT attgenerated FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname = 'search_vector'"
            )
        ).scalar()
        assert generated == "s"  # a stored generated column: parsed once, when the row is written
        index = conn.execute(sa.text(HERE_INDEX.format("indexdef", "ix_items_search_vector")))
        definition = index.scalar()
        assert "gin (search_vector)" in definition and "fastupdate=off" in definition
        assert conn.execute(sa.text(HERE_INDEX.format("count(*)", "ix_items_search"))).scalar() == 0
        vector = conn.execute(sa.text("SELECT search_vector::text FROM items ORDER BY id LIMIT 1")).scalar()
        assert "'hydrogen'" in vector
    hits = store.search("hydrogen").hits
    assert len(hits) == 3 and "hydrogen" in hits[0].snippet


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)  # PostgreSQL searches its tsvector
def test_sqlite_search_uses_the_fts5_index(store):
    _fill(store, 3)
    with store.engine.connect() as conn:
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT items_fts.rowid, items_fts.rank FROM items_fts "
            "WHERE items_fts MATCH '\"hydrogen\"' ORDER BY items_fts.rowid DESC LIMIT 5"
        ).all()
    assert any("VIRTUAL TABLE INDEX" in row[-1] for row in plan)
    assert not any("TEMP B-TREE" in row[-1] for row in plan)  # no sort of every match


def test_postgresql_query_reading_matches_fts5():
    from storage.search import pg_tsquery

    assert pg_tsquery("water security") == "'water' & 'security'"
    assert pg_tsquery('"Water security" OR food') == "('water' <-> 'security') | 'food'"
    assert pg_tsquery("co-operation secur*") == "('co' <-> 'operation') & 'secur':*"
    assert pg_tsquery("water -food") == "'water' & !'food'"
    assert pg_tsquery("'); DROP TABLE items; --") == "'drop' & 'table' & 'items'"
    assert pg_tsquery("AND") is None and pg_tsquery("") is None


def test_prefixes_and_phrases_on_both_backends(store, monkeypatch):
    ids = _fill(store, 6)
    assert store.search("hydro*").total == 6  # a prefix, on PostgreSQL too
    assert store.search('"hydrogen storage"').total == 6
    assert store.search('"storage report"').total == 0
    assert store.search("report -hydrogen").total == 0
    assert store.search('"hydrogen storage"', site="alpha").total == 6  # a phrase within one site
    assert store.search("2026-10-01", site="beta").total == 0
    if store.dialect == "postgresql":  # a phrase is checked on the newest items holding all its words
        monkeypatch.setattr(search_module, "PHRASE_POOL", 2)
        assert sorted(h.item_id for h in store.search('"hydrogen storage"').hits) == sorted(ids[-2:])
