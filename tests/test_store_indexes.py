"""The store stays fast as it grows: the change feed counts its matches up to a cap, and the
store's reads use indexes on PostgreSQL (its own queries, EXPLAINed on a filled, analysed store).

The queries are the ones the store really sends (captured from its engine while the change feed,
item lookups, a crawl's writes and search run), planned with EXPLAIN (FORMAT JSON) on some
thousands of rows after VACUUM ANALYZE. None may read a large table (items, item_versions,
changes) by a sequential scan, except the first rows of one under a LIMIT, and each uses the index
it is meant to: dropping that index makes the check fail.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

import storage.reviews as reviews
from storage import ItemWrite, open_store
from storage import tables as t
from tests.conftest import PG_URL, require_pg
from tests.test_web import make_item

LARGE = {"items", "item_versions", "changes"}
SITES = [f"site{k:02d}" for k in range(40)]
N = 6000
T0 = datetime(2025, 1, 1, tzinfo=UTC)
VOCAB = ["alpha", "beta", "gamma", "delta", "sigma", "omega", "kappa", "lambda", "theta", "zeta"]


def _fill(engine: sa.Engine) -> None:
    """N items over SITES with a version and a "new" change each; every 20th updated, every 100th removed."""
    runs = []
    with engine.begin() as conn:
        for site in SITES:
            row = dict(site=site, started_at=T0, status="ok", stats={}, pages=0, items=0, new=0)
            row |= dict(updated=0, removed=0, reappeared=0, errors=0)
            runs.append(conn.execute(sa.insert(t.runs).values(**row)).inserted_primary_key[0])
    items, versions, changes = [], [], []
    for i in range(N):
        site, at = SITES[i % len(SITES)], T0 + timedelta(minutes=10 * i)
        words = [VOCAB[(i * 7 + k * 3) % len(VOCAB)] for k in range(30)] + (["hydrogen"] if i % 3 == 0 else [])
        data = {"id": f"{site}-{i}", "site": site, "url": f"https://{site}.example/{i}", "title": f"Item {i}"}
        data |= {"body": " ".join(words), "content_hash": str(i), "extractor_version": "1"}
        run = runs[i % len(SITES)]
        items.append(
            dict(id=data["id"], site=site, url=data["url"], title=data["title"], status="active", content_hash=str(i))
            | dict(extractor_version="1", version=1, first_seen_at=at, last_seen_at=at, last_run_id=run, data=data)
        )
        version = dict(item_id=data["id"], version=1, content_hash=str(i), extractor_version="1", title=data["title"])
        versions.append(version | dict(fetched_at=at, run_id=run, data=data))
        change = dict(run_id=run, item_id=data["id"], site=site, kind="new", detected_at=at, changed_fields=[])
        change |= dict(diff=None, version=1)
        changes.append(change)
        if i % 20 == 3:
            versions.append(versions[-1] | dict(version=2, content_hash=f"{i}b"))
            items[-1] |= dict(version=2, content_hash=f"{i}b")
            changes.append(change | dict(kind="updated", detected_at=at + timedelta(days=2), version=2))
        elif i % 100 == 7:
            items[-1]["status"] = "removed"
            changes.append(change | dict(kind="removed", detected_at=at + timedelta(days=1), version=1))
    with engine.begin() as conn:
        conn.execute(sa.insert(t.items), items)
        conn.execute(sa.insert(t.item_versions), versions)
        conn.execute(sa.insert(t.changes), changes)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("items", "item_versions", "changes", "runs"):
            conn.exec_driver_sql(f"VACUUM ANALYZE {table}")


@pytest.fixture(scope="module")
def filled(request) -> Iterator:
    """A store in a private PostgreSQL schema filled with N items, and its URL."""
    from sqlalchemy.engine import make_url

    from storage.engine import normalise_url

    admin = require_pg(request.getfixturevalue("pg_admin"))
    schema = f"nw_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(normalise_url(PG_URL)).update_query_dict({"options": f"-csearch_path={schema}"})
    store = open_store(url.render_as_string(hide_password=False))
    try:
        _fill(store.engine)
        yield store
    finally:
        store.close()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


class Captured:
    """The statements a store sends while a block runs (SELECTs and UPDATEs), with their parameters."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.statements: list[tuple[str, object]] = []

    def _hook(self, conn, cursor, statement, parameters, context, executemany) -> None:
        kept = statement.lstrip().upper().startswith(("SELECT", "UPDATE"))
        if kept and "alembic_version" not in statement and "pg_advisory" not in statement:
            self.statements.append((statement, parameters))

    def __enter__(self) -> Captured:
        sa.event.listen(self.engine, "before_cursor_execute", self._hook)
        return self

    def __exit__(self, *exc) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._hook)


def _explain(conn: sa.Connection, statement: str, parameters) -> dict:
    if isinstance(parameters, (list, tuple)) and parameters and isinstance(parameters[0], dict):
        parameters = parameters[0]  # an executemany: each row is planned alike
    return conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()[0]["Plan"]


def _nodes(plan: dict, under_limit: bool = False) -> Iterator[tuple[dict, bool]]:
    yield plan, under_limit
    for child in plan.get("Plans", []):
        yield from _nodes(child, under_limit or plan["Node Type"] == "Limit")


def plan_problems(plan: dict) -> tuple[list[str], set[str]]:
    """(sequential scans of large tables that are not a LIMIT's first rows, index names used)."""
    problems, used = [], set()
    for node, under_limit in _nodes(plan):
        if "Index Name" in node:
            used.add(node["Index Name"])
        bounded = under_limit and "Filter" not in node  # the first rows of the table, whatever its size
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in LARGE and not bounded:
            problems.append(
                f"Seq Scan on {node['Relation Name']}" + (f" ({node['Filter']})" if "Filter" in node else "")
            )
    return problems, used


def _middle(store) -> int:
    return store.change_page(limit=1, offset=N // 2).rows[0].change.id


def _save(store) -> None:
    """A crawl's batch: new items and updates of stored ones, through save_items."""
    run = store.begin_run("site01", T0)
    stored = store.get_item("site01-1")
    writes = [ItemWrite({**stored.data, "content_hash": "changed"}, "updated", T0, ["title"])]
    writes += [
        ItemWrite({**stored.data, "id": f"site01-new{k}", "url": f"https://x/{k}", "content_hash": "n"}, "new", T0)
        for k in range(3)
    ]
    writes.append(ItemWrite(store.get_item("site01-41").data, "unchanged", T0))
    store.save_items(run, writes)


#: name -> (what the store is asked, the indexes its statements must use between them).
CASES = {
    "feed first page": (lambda s: s.change_page(limit=50), {"ix_changes_detected_at_id", "pk_items"}),
    "feed page rows": (lambda s: s.change_page(limit=50), {"ix_item_versions_item_id_version"}),
    "feed middle page": (lambda s: s.change_page(limit=50, offset=N // 3), {"ix_changes_detected_at_id"}),
    "feed last page": (lambda s: s.change_page(limit=50, offset=N + N // 20), {"ix_changes_detected_at_id"}),
    "feed next by keyset": (lambda s: s.change_page(limit=50, after=_middle(s)), {"ix_changes_detected_at_id"}),
    "feed previous by keyset": (lambda s: s.change_page(limit=50, before=_middle(s)), {"ix_changes_detected_at_id"}),
    "feed by site": (lambda s: s.change_page(site="site07", limit=50), {"ix_changes_site_detected_at_id"}),
    "feed by kind": (lambda s: s.change_page(kinds=["removed"], limit=50), {"ix_changes_kind_detected_at_id"}),
    "feed by site and kind": (
        lambda s: s.change_page(site="site07", kinds=["updated"], limit=50),
        {"ix_changes_site_kind_detected_at_id"},
    ),
    "item by id": (lambda s: s.get_item("site03-3"), {"pk_items"}),
    "item by url": (lambda s: s.find_item("https://site03.example/3"), {"ix_items_url"}),
    "items of a site": (lambda s: s.known_items("site05"), {"ix_items_site_first_seen_at"}),
    "item versions": (lambda s: s.versions("site03-3"), {"ix_item_versions_item_id_version"}),
    "a crawl's writes": (_save, {"pk_items"}),
    "search": (lambda s: s.search("hydrogen"), {"pk_items"}),
    "search rare word": (lambda s: s.search("nowhere"), {"ix_items_search_vector"}),
    "search within a site": (
        lambda s: s.search("hydrogen", site="site09"),
        {"ix_items_site_first_seen_at", "pk_items"},
    ),
    "search a phrase": (lambda s: s.search('"alpha delta"'), {"pk_items"}),
    "search a negation": (lambda s: s.search("hydrogen -alpha"), set()),
}


def check(store, name: str, drop: str | None = None) -> None:
    """Assert that the statements of case ``name`` scan no large table and use their indexes
    (planned with index ``drop`` dropped, in a transaction rolled back after, when given)."""
    action, expected = CASES[name]
    with Captured(store.engine) as captured:
        action(store)
    assert captured.statements, "the action sent no statement"
    used: set[str] = set()
    with store.engine.connect() as conn, conn.begin() as tx:
        if drop is not None:
            conn.exec_driver_sql(f'DROP INDEX "{drop}"')
        try:
            for statement, params in captured.statements:
                problems, names = plan_problems(_explain(conn, statement, params))
                assert not problems, f"{name}: {problems} in\n{statement}"
                used |= names
        finally:
            tx.rollback()
    assert expected <= used, f"{name}: expected {sorted(expected - used)} among the indexes used, got {sorted(used)}"


@pytest.mark.parametrize("name", list(CASES))
def test_store_queries_use_their_indexes(filled, name):
    check(filled, name)


@pytest.mark.parametrize(
    ("index", "name"),
    [
        ("ix_changes_detected_at_id", "feed first page"),
        ("ix_changes_site_detected_at_id", "feed by site"),
        ("ix_changes_kind_detected_at_id", "feed by kind"),
        ("ix_changes_site_kind_detected_at_id", "feed by site and kind"),
        ("ix_item_versions_item_id_version", "item versions"),
        ("ix_items_site_first_seen_at", "items of a site"),
        ("ix_items_site_first_seen_at", "search within a site"),
        ("ix_items_url", "item by url"),
        ("ix_items_search_vector", "search rare word"),
    ],
)
def test_the_check_fails_without_the_index(filled, index, name):
    with pytest.raises(AssertionError):
        check(filled, name, drop=index)


def test_the_feed_counts_its_matches_up_to_a_cap(store, monkeypatch):
    run = store.begin_run("alpha", T0)
    store.save_items(run, [ItemWrite(make_item(i), "new", T0 + timedelta(hours=i)) for i in range(12)])
    newest_first = [c.id for c in store.changes()]
    monkeypatch.setattr(reviews, "FEED_COUNT_CAP", 5)
    page = store.change_page(limit=3)
    assert (page.total, page.capped) == (5, True)
    walked = [r.change.id for k in range(5) for r in store.change_page(limit=3, offset=3 * k).rows]
    assert walked == newest_first  # pages past the count are still found, from the newest end
    keyset, after = [], None
    while rows := store.change_page(limit=5, after=after).rows:
        keyset += [r.change.id for r in rows]
        after = rows[-1].change.id
    assert keyset == newest_first
    few = store.change_page(kinds=["new"], since=T0 + timedelta(hours=9), limit=50)
    assert (few.total, few.capped) == (3, False)


def test_a_capped_feed_shows_at_least_and_pages_on(store, monkeypatch):
    from fastapi.testclient import TestClient

    from newswatch.web import create_app

    run = store.begin_run("alpha", T0)
    store.save_items(run, [ItemWrite(make_item(i), "new", T0 + timedelta(hours=i)) for i in range(12)])
    monkeypatch.setattr(reviews, "FEED_COUNT_CAP", 5)
    with TestClient(create_app(store.engine.url.render_as_string(hide_password=False))) as client:
        assert "5+ changes match" in client.get("/changes").text
        seen, params = [], {"per_page": 4}
        while True:
            body = client.get("/api/changes", params=params).json()
            assert body["total"] == 5 and body["capped"] is True
            seen += [c["id"] for c in body["changes"]]
            if body["next_after"] is None:
                break
            params = {"per_page": 4, "page": body["page"] + 1, "after": body["next_after"]}
    assert seen == [c.id for c in store.changes()]
