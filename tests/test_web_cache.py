"""Pages kept per process under the store's generation: every kind of write shows at once, ETag and
304, a bounded cache, and the generation itself on both backends."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from newswatch.commands.serve import MAX_DEFAULT_WORKERS, default_workers
from newswatch.web import create_app
from newswatch.web.cache import GenerationCache, etag_matches
from storage import ItemWrite, open_store
from storage.generation import Generation
from storage.records import SiteRecord
from tests.test_web import T0, fill, make_item, update

ITEM = make_item(5)["id"]  # an alpha item that fill() stores and never updates


@pytest.fixture
def filled(store_url):
    fill(store_url, alpha=8, beta=2)
    return store_url


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


# -- the generation -------------------------------------------------------------------------------


def test_generation_moves_on_every_kind_of_write(filled):
    """Items, versions, changes, reviews, removals, sightings, runs, sites: each commit gives a new value."""
    with open_store(filled) as store:
        generation = Generation(store.engine)
        seen = [generation.current()]
        run = store.begin_run("alpha", T0)
        seen.append(generation.current())
        writes = [
            lambda: store.save_items(run, [ItemWrite(make_item(40), "new", T0 + timedelta(days=9))]),
            lambda: update(store, run, make_item(3), T0 + timedelta(days=9), title="Retitled"),
            lambda: store.review_change(1, "reviewed", "checked", T0 + timedelta(days=9)),
            lambda: store.review_change(1, "false_positive", None, T0 + timedelta(days=9)),
            lambda: store.unreview_change(1),
            lambda: store.touch_items(run, [ITEM], T0 + timedelta(days=10)),
            lambda: store.mark_checked([ITEM], T0 + timedelta(days=10)),
            lambda: store.mark_removed(run, [ITEM], T0 + timedelta(days=10)),
            lambda: store.upsert_site(SiteRecord("gamma", "Gamma", "https://gamma.example/", [])),
            lambda: store.finish_run(run, finished_at=T0 + timedelta(days=10), status="ok", finish_reason="finished"),
        ]
        for write in writes:
            write()
            seen.append(generation.current())
        generation.close()
    assert None not in seen
    assert all(a != b for a, b in itertools.pairwise(seen)), seen


def test_generation_is_steady_without_writes_and_shared_by_threads(tmp_path):
    """SQLite: no write, no new value, whichever thread asks (the cache is shared by the request threads)."""
    import threading

    url = f"sqlite:///{tmp_path / 'nw.db'}"
    fill(url, alpha=3, beta=1)
    with open_store(url) as store:
        generation = Generation(store.engine)
        values = {generation.current()}
        for _ in range(4):  # one thread after another
            thread = threading.Thread(target=lambda: values.add(generation.current()))
            thread.start()
            thread.join()
        assert len(values) == 1
        store.review_change(1, "reviewed", None, T0)
        assert generation.current() not in values
        generation.close()
        assert generation.current() is None


def test_no_generation_for_an_in_memory_database():
    engine = sa.create_engine("sqlite://")
    assert Generation(engine).current() is None
    engine.dispose()


def test_a_broken_generation_connection_means_no_cache_once_then_a_new_connection(tmp_path):
    url = f"sqlite:///{tmp_path / 'nw.db'}"
    fill(url, alpha=3, beta=1)
    with open_store(url) as store:
        generation = Generation(store.engine)
        assert generation.current() is not None
        held = generation._idle.get_nowait()
        held[0].close()  # as if the file handle went away
        generation._idle.put(held)
        assert generation.current() is None
        assert generation.current() is not None
        generation.close()


# -- pages show every write at once ---------------------------------------------------------------


def test_every_kind_of_write_shows_on_the_next_page_read(filled):
    """Pages read (and kept) before each write show it right after, whoever wrote: a crawl, a review
    through the form, a review from another process, a removal, a sighting."""
    app = create_app(filled)
    with TestClient(app) as client, open_store(filled) as other:
        pages = ["/changes", f"/items/{ITEM}", "/feed.atom", "/search?q=kumquat", "/events"]

        def read_all() -> dict[str, str]:
            return {path: client.get(path).text for path in pages}

        read_all()
        before = read_all()  # the second reads come from the cache
        if filled.startswith("sqlite"):  # (PostgreSQL's generation also moves with other databases' writes)
            assert app.state.cache.hits >= len(pages)

        run = other.begin_run("alpha", T0)  # a crawl stores a new article
        other.save_items(run, [ItemWrite(make_item(77, title="Kumquat harvest"), "new", T0 + timedelta(days=20))])
        after = read_all()
        assert "Kumquat harvest" not in before["/changes"] and "Kumquat harvest" in after["/changes"]
        assert "Kumquat harvest" in after["/feed.atom"] and "Kumquat harvest" in after["/search?q=kumquat"]

        page = client.get("/changes").text  # a review through the form, then the page it leads back to
        change_id = int(re.search(r'id="change-(\d+)"', page)[1])
        assert f'id="change-{change_id}" class="change kind-new"' in page
        done = client.post(
            f"/changes/{change_id}/review", data={"status": "reviewed", "csrf_token": csrf_of(page), "next": "/changes"}
        )
        assert done.status_code == 200 and f'id="change-{change_id}" class="change kind-new is-reviewed"' in done.text

        other.review_change(change_id, "false_positive", "seen elsewhere", T0 + timedelta(days=21))  # another process
        assert f'id="change-{change_id}" class="change kind-new is-false_positive"' in client.get("/changes").text

        item = client.get(f"/items/{ITEM}").text
        assert "status-active" in item
        other.touch_items(run, [ITEM], T0 + timedelta(days=30))
        assert "2026-12-01 08:00" in client.get(f"/items/{ITEM}").text  # last seen, 30 days on
        other.mark_removed(run, [ITEM], T0 + timedelta(days=31))
        item = client.get(f"/items/{ITEM}").text
        assert "status-removed" in item and "kind-removed" in item


def test_repeated_pages_are_served_without_a_query(tmp_path):
    """SQLite (no other writer to the file): the second read of a page runs no SQL statement."""
    url = f"sqlite:///{tmp_path / 'nw.db'}"
    fill(url, alpha=8, beta=2)
    app = create_app(url)
    statements: list[str] = []
    sa.event.listen(app.state.store.engine, "before_cursor_execute", lambda c, cur, sql, *a: statements.append(sql))
    paths = ["/changes", "/changes?page=1&site=alpha", f"/items/{ITEM}", "/search?q=academy", "/feed.atom", "/events"]
    with TestClient(app) as client:
        first = [client.get(path).content for path in paths]
        counted = len(statements)
        assert counted > len(paths)
        again = [client.get(path).content for path in paths]
        assert len(statements) == counted
    assert [re.sub(rb'value="[^"]+"', b"", p) for p in first] == [re.sub(rb'value="[^"]+"', b"", p) for p in again]


def test_site_names_are_read_once_per_generation(tmp_path):
    url = f"sqlite:///{tmp_path / 'nw.db'}"
    fill(url, alpha=8, beta=2)
    app = create_app(url)
    statements: list[str] = []
    sa.event.listen(app.state.store.engine, "before_cursor_execute", lambda c, cur, sql, *a: statements.append(sql))
    with TestClient(app) as client:
        client.get("/changes")
        statements.clear()
        assert client.get("/changes?page=2").status_code == 200  # a new page: the feed's queries only
        assert not [s for s in statements if "FROM sites" in s or "FROM runs" in s]


# -- ETag and 304 -------------------------------------------------------------------------------------


def test_atom_feed_etag_and_304_until_the_feed_changes(filled):
    with TestClient(create_app(filled)) as client:
        first = client.get("/feed.atom")
        etag = first.headers["etag"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag) and first.headers["cache-control"] == "private, no-cache"
        not_modified = client.get("/feed.atom", headers={"If-None-Match": etag})
        assert not_modified.status_code == 304 and not_modified.content == b"" and not_modified.headers["etag"] == etag
        assert client.get("/feed.atom", headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
        assert client.get("/feed.atom", headers={"If-None-Match": "*"}).status_code == 304
        assert client.get("/feed.atom", headers={"If-None-Match": '"other"'}).status_code == 200
        with open_store(filled) as other:
            other.review_change(1, "reviewed", None, T0)  # a write the feed does not show: same bytes, same tag
            assert client.get("/feed.atom", headers={"If-None-Match": etag}).status_code == 304
            run = other.begin_run("beta", T0)
            other.save_items(run, [ItemWrite(make_item(50, "beta", title="Fresh"), "new", T0 + timedelta(days=9))])
        fresh = client.get("/feed.atom", headers={"If-None-Match": etag})
        assert fresh.status_code == 200 and "Fresh" in fresh.text and fresh.headers["etag"] != etag


def test_html_etag_is_per_reader_and_304_for_the_same_reader(filled):
    """The feed and item pages carry the reader's CSRF token: their tag differs between readers."""
    app = create_app(filled)
    with TestClient(app) as alice, TestClient(app) as bob:
        for path in ("/changes", f"/items/{ITEM}"):
            page = alice.get(path)
            etag = page.headers["etag"]
            assert app.state.csrf_mark not in page.text and csrf_of(page.text) == alice.cookies["nw_csrf"]
            assert alice.get(path, headers={"If-None-Match": etag}).status_code == 304
            other = bob.get(path, headers={"If-None-Match": etag})
            assert other.status_code == 200 and other.headers["etag"] != etag
            assert csrf_of(other.text) == bob.cookies["nw_csrf"] != alice.cookies["nw_csrf"]
        page = alice.get("/changes")
        change_id = int(re.search(r'id="change-(\d+)"', page.text)[1])
        alice.post(f"/changes/{change_id}/review", data={"status": "reviewed", "csrf_token": csrf_of(page.text)})
        assert alice.get("/changes", headers={"If-None-Match": page.headers["etag"]}).status_code == 200


def test_etag_matching():
    assert etag_matches('"abc"', "abc") and etag_matches('W/"abc"', "abc") and etag_matches('"x", "abc"', "abc")
    assert etag_matches("*", "abc")
    assert not etag_matches(None, "abc") and not etag_matches("", "abc") and not etag_matches('"abcd"', "abc")


def test_error_pages_are_not_kept(filled):
    app = create_app(filled)
    with TestClient(app) as client:
        assert client.get("/items/nope").status_code == 404
        assert client.get("/changes?page=x").status_code == 400
        assert "etag" not in client.get("/items/nope").headers
    assert len(app.state.cache) == 0


# -- bounded ------------------------------------------------------------------------------------------


def test_cache_is_bounded_and_keeps_the_recently_used():
    cache = GenerationCache(size=3)
    for n in range(3):
        cache.put("g1", n, f"value {n}")
    assert cache.get("g1", 0) == "value 0"  # 0 is now the most recently used
    cache.put("g1", 3, "value 3")
    cache.put("g1", 4, "value 4")
    assert len(cache) == 3 and cache.get("g1", 0) == "value 0" and cache.get("g1", 1) is None
    assert cache.get("g2", 0) is None and len(cache) == 0  # a new generation: the old entries are dropped
    assert cache.get(None, 0) is None
    cache.put(None, 0, "kept nowhere")
    assert len(cache) == 0


def test_app_cache_stays_within_its_size(filled):
    app = create_app(filled)
    app.state.cache = GenerationCache(size=4)
    with TestClient(app) as client:
        for n in range(8):
            assert client.get(f"/items/{make_item(n)['id']}").status_code == 200
            assert len(app.state.cache) <= 4


# -- serve --------------------------------------------------------------------------------------------


def test_serve_runs_one_process_per_core_by_default(monkeypatch):
    import os

    for cores, expected in ((1, 1), (2, 2), (3, 3), (16, MAX_DEFAULT_WORKERS)):
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)))
        assert default_workers() == expected


def test_atom_feed_is_rebuilt_after_a_write_only_when_its_changes_changed(tmp_path):
    """A review moves the generation but not the feed's changes: one stamp query, no rebuild."""
    url = f"sqlite:///{tmp_path / 'nw.db'}"
    fill(url, alpha=8, beta=2)
    app = create_app(url)
    statements: list[str] = []
    sa.event.listen(app.state.store.engine, "before_cursor_execute", lambda c, cur, sql, *a: statements.append(sql))
    with TestClient(app) as client, open_store(url) as other:
        first = client.get("/feed.atom").content
        other.review_change(1, "reviewed", None, T0)
        statements.clear()
        assert client.get("/feed.atom").content == first
        assert [s for s in statements if not s.startswith("BEGIN")] == [s for s in statements if "max(" in s]
        run = other.begin_run("alpha", T0)
        other.save_items(run, [ItemWrite(make_item(60, title="Newer"), "new", T0 + timedelta(days=9))])
        assert "Newer" in client.get("/feed.atom").text
