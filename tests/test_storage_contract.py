"""Contract tests for storage.Store, run against SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage import (
    ChangeRecord,
    ItemWrite,
    KnownItem,
    SiteRecord,
    StoreError,
    open_store,
)
from storage.sql import HEAD_REVISION, Store, alembic_config
from storage.tables import include_name, metadata

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TABLES = {
    "sites",
    "runs",
    "items",
    "item_versions",
    "changes",
    "events",
    "event_sources",
    "change_reviews",
    "site_schedule",
    "cluster_workers",
}


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def make_item(n: int, content_hash: str | None = None, site: str = "alpha", **extra) -> dict:
    item = {
        "id": f"{site}:{n}",
        "site": site,
        "url": f"https://{site}.example/news/{n}",
        "canonical_url": f"https://{site}.example/n/{n}",
        "title": f"Title {n}",
        "published": "2025-02-01",
        "content_hash": content_hash or f"hash-{n}",
        "extractor_version": "1",
        "fetched_at": T0.isoformat(),
        "body": f"Body of item {n}",
    }
    item.update(extra)
    return item


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def assert_utc(value: datetime) -> None:
    assert value.tzinfo is not None and value.utcoffset() == timedelta(0)


# -- migrations ---------------------------------------------------------------


def test_upgrade_creates_schema_on_empty_database(store_url):
    raw = Store(store_url)
    try:
        assert not set(sa.inspect(raw.engine).get_table_names()) & TABLES
        assert raw.schema_revision() is None
        raw.upgrade()
        names = set(sa.inspect(raw.engine).get_table_names())
        assert TABLES | {"alembic_version"} <= names
        assert raw.schema_revision() == head_revision() == HEAD_REVISION
    finally:
        raw.close()


def test_upgrade_is_idempotent_and_keeps_data(store):
    store.upsert_site(SiteRecord("alpha", "Alpha", "https://alpha.example", []))
    store.upgrade()
    store.upgrade()
    assert store.schema_revision() == head_revision()
    assert [s.name for s in store.sites()] == ["alpha"]


def test_tables_module_matches_migrations(store):
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
        diff = compare_metadata(context, metadata)
    assert diff == []


def test_database_from_newer_release_raises_store_error(store):
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError) as info:
        store.upgrade()
    assert "9999" in str(info.value) and "\n" not in str(info.value)


# -- sites and runs -----------------------------------------------------------


def test_sites_roundtrip_and_upsert(store):
    store.upsert_site(SiteRecord("beta", "Beta", "https://beta.example", ["b"]))
    store.upsert_site(SiteRecord("alpha", "Alpha", "https://alpha.example", ["a", "al"], "2025-01-01"))
    store.upsert_site(SiteRecord("beta", "Beta Academy", "https://beta.example/", [], "ok"))
    assert store.sites() == [
        SiteRecord("alpha", "Alpha", "https://alpha.example", ["a", "al"], "2025-01-01"),
        SiteRecord("beta", "Beta Academy", "https://beta.example/", [], "ok"),
    ]


def test_runs_roundtrip_order_and_filters(store):
    first = store.begin_run("alpha", at(0))
    second = store.begin_run("beta", at(10))
    third = store.begin_run("alpha", at(20))
    assert len({first, second, third}) == 3
    store.finish_run(
        first,
        finished_at=at(5),
        status="finished",
        finish_reason="finished",
        pages=3,
        items=40,
        new=10,
        updated=2,
        removed=1,
        reappeared=1,
        errors=0,
        stats={"downloader/request_count": 3, "start_time": at(0), "tags": {"x"}},
    )
    runs = store.runs()
    assert [r.id for r in runs] == [third, second, first]
    assert [r.id for r in store.runs(site="alpha")] == [third, first]
    assert [r.id for r in store.runs(limit=1)] == [third]
    assert [r.id for r in store.runs(site="alpha", limit=1)] == [third]
    done = runs[-1]
    assert (done.site, done.status, done.finish_reason) == ("alpha", "finished", "finished")
    assert (done.pages, done.items, done.new, done.updated, done.removed, done.reappeared, done.errors) == (
        3,
        40,
        10,
        2,
        1,
        1,
        0,
    )
    assert done.started_at == at(0) and done.finished_at == at(5)
    assert done.stats == {"downloader/request_count": 3, "start_time": at(0).isoformat(), "tags": ["x"]}
    running = runs[0]
    assert running.status == "running" and running.finished_at is None and running.finish_reason is None
    assert (running.pages, running.items, running.errors, running.stats) == (0, 0, 0, {})
    assert_utc(running.started_at)
    assert_utc(done.finished_at)


def test_finish_unknown_run_raises(store):
    with pytest.raises(KeyError):
        store.finish_run(424242, finished_at=at(1), status="failed", finish_reason="error")


# -- items --------------------------------------------------------------------


def test_new_item_roundtrip(store):
    run = store.begin_run("alpha", at(0))
    item = make_item(1, position={"listing": "https://alpha.example/news", "page": 2})
    store.save_items(run, [ItemWrite(item, "new", at(1), ["title", "body"], {"title": [None, "Title 1"]})])

    stored = store.get_item("alpha:1")
    assert stored is not None
    assert (stored.id, stored.site, stored.url, stored.canonical_url) == (
        "alpha:1",
        "alpha",
        item["url"],
        item["canonical_url"],
    )
    assert (stored.title, stored.published, stored.status) == ("Title 1", "2025-02-01", "active")
    assert (stored.content_hash, stored.extractor_version, stored.version) == ("hash-1", "1", 1)
    assert stored.first_seen_at == stored.last_seen_at == at(1)
    assert stored.data == item

    [version] = store.versions("alpha:1")
    assert (version.item_id, version.version, version.content_hash, version.run_id) == ("alpha:1", 1, "hash-1", run)
    assert version.extractor_version == "1" and version.fetched_at == T0 and version.data == item

    [change] = store.changes()
    assert isinstance(change, ChangeRecord)
    assert (change.run_id, change.item_id, change.site, change.kind, change.version) == (
        run,
        "alpha:1",
        "alpha",
        "new",
        1,
    )
    assert (change.url, change.title, change.detected_at) == (item["url"], "Title 1", at(1))
    assert change.changed_fields == ["title", "body"] and change.diff == {"title": [None, "Title 1"]}

    assert store.known_items("alpha") == {
        "alpha:1": KnownItem(
            "alpha:1",
            item["url"],
            "hash-1",
            "1",
            "active",
            "https://alpha.example/news",
            2,
            at(1),
            published=item["published"],
            title="Title 1",
            last_checked_at=at(1),
        )
    }
    assert store.get_item("missing") is None and store.versions("missing") == []


def test_version_written_only_when_hash_changes(store):
    store.save_items(None, [ItemWrite(make_item(1), "new", at(1))])
    # Same hash, other data: an update with no new version, so nothing new to flag.
    store.save_items(None, [ItemWrite(make_item(1, title="Retitled"), "updated", at(2), ["title"])])
    assert [v.version for v in store.versions("alpha:1")] == [1]
    assert store.get_item("alpha:1").title == "Retitled"
    # New hash: version 2.
    store.save_items(None, [ItemWrite(make_item(1, "hash-1b", title="Second"), "updated", at(3), ["body"])])
    versions = store.versions("alpha:1")
    assert [(v.version, v.content_hash) for v in versions] == [(1, "hash-1"), (2, "hash-1b")]
    assert versions[1].data["title"] == "Second"
    stored = store.get_item("alpha:1")
    assert (stored.version, stored.content_hash, stored.first_seen_at, stored.last_seen_at) == (
        2,
        "hash-1b",
        at(1),
        at(3),
    )
    assert [(c.kind, c.version) for c in store.changes()] == [("updated", 2), ("new", 1)]


def test_a_version_stored_twice_is_stored_and_flagged_once(store):
    """Two crawls writing the same new item (each thinking it new) store one version, one change."""
    store.save_items(None, [ItemWrite(make_item(1), "new", at(1))])
    store.save_items(None, [ItemWrite(make_item(1), "new", at(2))])
    store.save_items(None, [ItemWrite(make_item(1, "hash-1b"), "updated", at(3), ["body"])])
    store.save_items(None, [ItemWrite(make_item(1, "hash-1b"), "updated", at(4), ["body"])])
    assert [v.version for v in store.versions("alpha:1")] == [1, 2]
    assert [(c.kind, c.version) for c in store.changes()] == [("updated", 2), ("new", 1)]


def test_unchanged_only_refreshes_sighting(store):
    run1 = store.begin_run("alpha", at(0))
    run2 = store.begin_run("alpha", at(10))
    store.save_items(run1, [ItemWrite(make_item(1, position={"listing": "L", "page": 1}), "new", at(1))])
    later = make_item(1, title="Ignored", position={"listing": "L", "page": 3})
    store.save_items(run2, [ItemWrite(later, "unchanged", at(11))])
    stored = store.get_item("alpha:1")
    assert stored.title == "Title 1" and stored.data["title"] == "Title 1"
    assert stored.last_seen_at == at(11) and stored.first_seen_at == at(1)
    known = store.known_items("alpha")["alpha:1"]
    assert (known.listing, known.page) == ("L", 3)
    assert [r.id for r in store.runs()] == [run2, run1]
    assert len(store.versions("alpha:1")) == 1
    assert [c.kind for c in store.changes()] == ["new"]
    # Without a position the stored one is kept.
    store.save_items(run2, [ItemWrite(make_item(1), "unchanged", at(12))])
    known = store.known_items("alpha")["alpha:1"]
    assert (known.listing, known.page, known.last_seen_at) == ("L", 3, at(12))


def test_rebaselined_versions_without_change_rows(store):
    store.save_items(None, [ItemWrite(make_item(1), "new", at(1))])
    store.save_items(None, [ItemWrite(make_item(1, "hash-x", extractor_version="2"), "rebaselined", at(2))])
    store.save_items(None, [ItemWrite(make_item(1, "hash-x", extractor_version="2"), "rebaselined", at(3))])
    assert [(v.version, v.extractor_version) for v in store.versions("alpha:1")] == [(1, "1"), (2, "2")]
    assert [c.kind for c in store.changes()] == ["new"]
    known = store.known_items("alpha")["alpha:1"]
    assert (known.content_hash, known.extractor_version) == ("hash-x", "2")


def test_removed_and_reappeared(store):
    run = store.begin_run("alpha", at(0))
    store.save_items(run, [ItemWrite(make_item(1), "new", at(1)), ItemWrite(make_item(2), "new", at(1))])
    store.mark_removed(run, ["alpha:1", "nope"], at(5))
    store.mark_removed(run, ["alpha:1"], at(6))  # already removed: no second change row
    assert store.get_item("alpha:1").status == "removed"
    assert store.get_item("alpha:1").last_seen_at == at(1)
    assert store.get_item("alpha:2").status == "active"
    assert store.known_items("alpha")["alpha:1"].status == "removed"
    [removed] = store.changes(kinds=["removed"])
    assert (removed.item_id, removed.run_id, removed.changed_fields, removed.diff, removed.version) == (
        "alpha:1",
        run,
        [],
        None,
        1,
    )
    assert removed.detected_at == at(5) and removed.title == "Title 1"

    store.save_items(run, [ItemWrite(make_item(1), "reappeared", at(9))])
    back = store.get_item("alpha:1")
    assert back.status == "active" and back.last_seen_at == at(9) and back.version == 1
    assert [c.kind for c in store.changes(site="alpha")] == ["reappeared", "removed", "new", "new"]


def test_touch_items_marks_seen_only(store):
    run1 = store.begin_run("alpha", at(0))
    run2 = store.begin_run("alpha", at(10))
    store.save_items(run1, [ItemWrite(make_item(1), "new", at(1)), ItemWrite(make_item(2), "new", at(1))])
    store.touch_items(run2, ["alpha:1", "unknown"], at(12))
    one, two = store.get_item("alpha:1"), store.get_item("alpha:2")
    assert one.last_seen_at == at(12) and two.last_seen_at == at(1)
    assert one.data == make_item(1) and one.version == 1
    assert len(store.changes()) == 2 and len(store.versions("alpha:1")) == 1
    with store.engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT id, last_run_id FROM items")).all())
    assert rows == {"alpha:1": run2, "alpha:2": run1}


def test_mark_checked_records_when_each_page_was_checked(store):
    run = store.begin_run("alpha", at(0))
    store.save_items(run, [ItemWrite(make_item(1), "new", at(1)), ItemWrite(make_item(2), "new", at(1))])
    assert store.get_item("alpha:1").last_checked_at is None
    assert store.known_items("alpha")["alpha:1"].last_checked_at == at(1)  # never checked: last seen stands in
    store.mark_checked(["alpha:1", "unknown"], at(30))
    one, two = store.get_item("alpha:1"), store.get_item("alpha:2")
    assert one.last_checked_at == at(30) and two.last_checked_at is None
    assert one.last_seen_at == at(1) and one.version == 1  # checking is not seeing anew
    known = store.known_items("alpha")
    assert known["alpha:1"].last_checked_at == at(30) and known["alpha:1"].title == "Title 1"
    assert_utc(known["alpha:1"].last_checked_at)
    store.mark_checked([], at(40))


def test_last_full_recheck_is_the_latest_good_full_run(store):
    assert store.last_full_recheck("alpha") is None
    finished = {"finished_at": at(100), "finish_reason": "finished"}
    full_ok = store.begin_run("alpha", at(0))
    store.finish_run(full_ok, status="ok", stats={"newswatch/revisit/full": 1}, **finished)
    full_failed = store.begin_run("alpha", at(10))
    store.finish_run(full_failed, status="failed", stats={"newswatch/revisit/full": 1}, **finished)
    rolling = store.begin_run("alpha", at(20))
    store.finish_run(rolling, status="ok", stats={"newswatch/revisit/rolling": 3}, **finished)
    other_site = store.begin_run("beta", at(30))
    store.finish_run(other_site, status="ok", stats={"newswatch/revisit/full": 1}, **finished)
    assert store.last_full_recheck("alpha") == at(0)
    partial = store.begin_run("alpha", at(40))
    store.finish_run(partial, status="partial", stats={"newswatch/revisit/full": 1}, **finished)
    assert store.last_full_recheck("alpha") == at(40)
    assert_utc(store.last_full_recheck("alpha"))


def test_changes_filters_order_and_titles(store):
    store.save_items(None, [ItemWrite(make_item(1), "new", at(1)), ItemWrite(make_item(1, site="beta"), "new", at(2))])
    store.save_items(None, [ItemWrite(make_item(1, "h2", title="New title"), "updated", at(3), ["title"])])
    store.mark_removed(None, ["beta:1"], at(4))

    assert [(c.site, c.kind) for c in store.changes()] == [
        ("beta", "removed"),
        ("alpha", "updated"),
        ("beta", "new"),
        ("alpha", "new"),
    ]
    assert [c.kind for c in store.changes(site="alpha")] == ["updated", "new"]
    assert [c.kind for c in store.changes(since=at(3))] == ["removed", "updated"]
    assert [c.kind for c in store.changes(since=at(3).astimezone(timezone(timedelta(hours=5))))] == [
        "removed",
        "updated",
    ]
    assert [c.site for c in store.changes(kinds=["new"])] == ["beta", "alpha"]
    assert [c.kind for c in store.changes(site="beta", kinds=["new", "removed"], limit=1)] == ["removed"]
    assert store.changes(site="gamma") == [] and store.changes(kinds=[]) == []
    # Titles come from the version each change refers to.
    titles = {c.version: c.title for c in store.changes(site="alpha")}
    assert titles == {1: "Title 1", 2: "New title"}


def test_find_item_by_id_url_or_canonical(store):
    item = make_item(7)
    store.save_items(None, [ItemWrite(item, "new", at(1))])
    for key in (item["id"], item["url"], item["canonical_url"]):
        found = store.find_item(key)
        assert found is not None and found.id == "alpha:7"
    assert store.find_item("https://alpha.example/news/8") is None


def test_known_items_is_per_site(store):
    store.save_items(None, [ItemWrite(make_item(n), "new", at(1)) for n in range(3)])
    store.save_items(None, [ItemWrite(make_item(9, site="beta"), "new", at(1))])
    known = store.known_items("alpha")
    assert sorted(known) == ["alpha:0", "alpha:1", "alpha:2"]
    assert all(isinstance(k, KnownItem) and k.status == "active" and k.listing is None for k in known.values())
    assert store.known_items("nobody") == {}


def test_datetimes_come_back_utc_aware(store):
    plus_two = timezone(timedelta(hours=2))
    run = store.begin_run("alpha", datetime(2025, 3, 1, 14, 0, tzinfo=plus_two))
    naive = datetime(2025, 3, 1, 12, 30)  # naive means UTC
    store.save_items(run, [ItemWrite(make_item(1, fetched_at="2025-03-01T13:00:00+01:00"), "new", naive)])
    store.finish_run(
        run,
        finished_at=datetime(2025, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=-5))),
        status="finished",
        finish_reason="finished",
    )
    [r] = store.runs()
    assert r.started_at == at(0) and r.finished_at == at(60)
    stored = store.get_item("alpha:1")
    [version] = store.versions("alpha:1")
    [change] = store.changes()
    known = store.known_items("alpha")["alpha:1"]
    for value in (
        r.started_at,
        r.finished_at,
        stored.first_seen_at,
        stored.last_seen_at,
        version.fetched_at,
        change.detected_at,
        known.last_seen_at,
    ):
        assert_utc(value)
    assert stored.first_seen_at == at(30) and version.fetched_at == at(0)


def test_batch_with_repeated_ids(store):
    store.save_items(
        None,
        [
            ItemWrite(make_item(1), "new", at(1)),
            ItemWrite(make_item(1, "h2"), "updated", at(2), ["body"]),
            ItemWrite(make_item(1, "h2", position={"listing": "L", "page": 4}), "unchanged", at(3)),
        ],
    )
    stored = store.get_item("alpha:1")
    assert (stored.version, stored.content_hash, stored.first_seen_at, stored.last_seen_at) == (2, "h2", at(1), at(3))
    assert [v.version for v in store.versions("alpha:1")] == [1, 2]
    assert [(c.kind, c.version) for c in store.changes()] == [("updated", 2), ("new", 1)]
    assert store.known_items("alpha")["alpha:1"].page == 4


def test_failed_batch_writes_nothing(store, monkeypatch):
    import storage.sql

    real_plan = storage.sql.plan_writes

    def plan_with_bad_last_row(*args):
        plan = real_plan(*args)
        plan.changes.append(dict(plan.changes[-1], kind=None))  # NOT NULL violation, last statement
        return plan

    monkeypatch.setattr(storage.sql, "plan_writes", plan_with_bad_last_row)
    with pytest.raises(sa.exc.IntegrityError):
        store.save_items(None, [ItemWrite(make_item(1), "new", at(1)), ItemWrite(make_item(2), "new", at(1))])
    assert store.get_item("alpha:1") is None and store.changes() == [] and store.versions("alpha:1") == []


def test_items_lacking_required_keys_are_rejected(store):
    broken = make_item(2)
    broken["url"] = None
    with pytest.raises(ValueError, match="url"):
        store.save_items(None, [ItemWrite(make_item(1), "new", at(1)), ItemWrite(broken, "new", at(1))])
    assert store.get_item("alpha:1") is None


def test_empty_calls_and_bad_kind(store):
    store.save_items(None, [])
    store.touch_items(None, [], at(1))
    store.mark_removed(None, [], at(1))
    assert store.changes() == [] and store.known_items("alpha") == {}
    with pytest.raises(ValueError):
        ItemWrite(make_item(1), "deleted", at(1))


def test_nul_characters_are_dropped(store):
    store.save_items(None, [ItemWrite(make_item(1, title="A\x00B", body="x\x00y"), "new", at(1))])
    stored = store.get_item("alpha:1")
    assert stored.title == "AB" and stored.data["body"] == "xy"


def test_nul_characters_are_dropped_deep_in_an_item(store):
    event = {
        "name": "Forum\x00",
        "participants": [{"name": "Bai\x00 Chunli", "title": None}],
        "attendance": {"participants": 3},
    }
    store.save_items(None, [ItemWrite(make_item(1, event=event, body="no nul, only a backslash: \\x00"), "new", at(1))])
    stored = store.get_item("alpha:1").data
    assert stored["event"] == {
        "name": "Forum",
        "participants": [{"name": "Bai Chunli", "title": None}],
        "attendance": {"participants": 3},
    }
    assert stored["body"] == "no nul, only a backslash: \\x00"


def test_bulk_save_in_batches(store):
    run = store.begin_run("alpha", at(0))
    items = [make_item(n) for n in range(1000)]
    for start in range(0, 1000, 100):
        store.save_items(run, [ItemWrite(i, "new", at(1)) for i in items[start : start + 100]])
    known = store.known_items("alpha")
    assert len(known) == 1000 and known["alpha:999"].content_hash == "hash-999"
    second = []
    for n, item in enumerate(items):
        if n % 100 == 0:
            second.append(ItemWrite(make_item(n, f"hash-{n}-v2"), "updated", at(2), ["body"]))
        else:
            second.append(ItemWrite(item, "unchanged", at(2)))
    for start in range(0, 1000, 100):
        store.save_items(run, second[start : start + 100])
    assert len(store.changes(kinds=["new"])) == 1000
    assert len(store.changes(kinds=["updated"])) == 10
    assert all(k.last_seen_at == at(2) for k in store.known_items("alpha").values())
    assert [v.version for v in store.versions("alpha:500")] == [1, 2]
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM item_versions")).scalar() == 1010


def test_context_manager_closes(store_url):
    with open_store(store_url) as opened:
        opened.upsert_site(SiteRecord("alpha", "Alpha", "https://alpha.example", []))
    with open_store(store_url) as reopened:
        assert [s.name for s in reopened.sites()] == ["alpha"]


# -- opening ------------------------------------------------------------------


def test_sqlite_pragmas(tmp_path):
    with open_store(str(tmp_path / "sub" / "x.db")) as opened, opened.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    assert (tmp_path / "sub" / "x.db").exists()


def test_default_url_and_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSWATCH_DB", raising=False)
    open_store().close()
    assert (tmp_path / "newswatch.db").exists()
    monkeypatch.setenv("NEWSWATCH_DB", "data/env.db")
    with open_store() as opened:
        assert opened.url.endswith("data/env.db")
    assert (tmp_path / "data" / "env.db").exists()


def test_unreachable_postgresql_message():
    with pytest.raises(StoreError) as info:
        open_store("postgresql+psycopg://postgres:s3cret@127.0.0.1:9/test")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("cannot open database postgresql+psycopg://postgres:***@127.0.0.1:9/test:")
    assert "connection refused" in message.lower() and "NEWSWATCH_DB" in message
    assert "s3cret" not in message


@pytest.mark.parametrize("url", ["nosuchdb://host/x", "://nothing", "mysql://u:pw@h/x"])
def test_garbage_url_message(url):
    with pytest.raises(StoreError) as info:
        open_store(url)
    message = str(info.value)
    assert message.startswith("cannot open database") and "\n" not in message
    assert "pw@" not in message


def test_head_revision_constant_is_the_migrations_head():
    """storage.sql.HEAD_REVISION lets open_store skip Alembic; it must follow the migrations."""
    from alembic.script import ScriptDirectory

    from storage.sql import HEAD_REVISION, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION
