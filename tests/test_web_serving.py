"""Serving many clients: the Atom feed rebuilt only when it changed, and `serve --workers N`."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta

import feedparser
import httpx
from fastapi.testclient import TestClient

from newswatch.web import create_app
from storage import ItemWrite, open_store
from tests.test_web import T0, fill, make_item
from tests.test_web_hostile import _free_port


def test_atom_feed_is_cached_until_a_change_is_added(store_url):
    fill(store_url, alpha=3, beta=1)
    app = create_app(store_url)
    with TestClient(app) as client:
        first = client.get("/feed.atom").content
        cache = app.state.cache
        assert client.get("/feed.atom").content == first and (len(cache), cache.hits) == (1, 1)
        assert client.get("/sites/beta/feed.atom").status_code == 200 and len(cache) == 2
        with open_store(store_url) as store:
            run = store.begin_run("alpha", T0)
            fresh = make_item(99, title="A brand new article")
            store.save_items(run, [ItemWrite(fresh, "new", T0 + timedelta(days=9))])
        titles = [e.title for e in feedparser.parse(client.get("/feed.atom").content).entries]
        assert titles[0] == "[new] A brand new article" and len(titles) == len(feedparser.parse(first).entries) + 1
        beta = feedparser.parse(client.get("/sites/beta/feed.atom").content).entries
        assert all("brand new" not in e.title for e in beta)


def test_serve_with_workers_shares_one_csrf_secret(tmp_path):
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    fill(db, alpha=3, beta=1)
    port = _free_port()
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "newswatch", "--db", db, "serve", "--port", str(port), "--workers", "2"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, "serve exited early"
            try:
                httpx.get(base + "/api/csrf", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=30) as http:
            token = http.get("/api/csrf").json()["csrf_token"]
            change = http.get("/api/changes").json()["changes"][0]["id"]
            for _ in range(12):  # new connections land on either worker: each accepts the token
                with httpx.Client(base_url=base, timeout=30, cookies=http.cookies) as other:
                    r = other.post(
                        f"/api/changes/{change}/review", json={"status": "reviewed"}, headers={"x-csrf-token": token}
                    )
                    assert r.status_code == 200, r.text
            assert http.get("/changes", headers={"host": "rebind.evil.example"}).status_code == 400
    finally:
        server.terminate()
        server.wait(timeout=60)
    log.seek(0)
    assert "Started parent process" in log.read()


def test_concurrent_requests_reuse_pooled_connections(store_url):
    """Many clients at once: each request thread keeps its connections, none is opened per request,
    and a page costs a fixed number of statements whatever its number of rows (no query per row)."""
    from concurrent.futures import ThreadPoolExecutor

    import sqlalchemy as sa

    from newswatch.web.app import WEB_THREADS

    fill(store_url)
    app = create_app(store_url)
    engine = app.state.store.engine
    connects, statements = [], []
    sa.event.listen(engine, "connect", lambda *a: connects.append(1))
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(1))
    paths = ["/changes", "/changes?page=2", "/items/a000000000000001", "/search?q=academy", "/feed.atom"]
    with TestClient(app) as client:
        statements.clear()
        assert client.get("/changes").status_code == 200
        assert len(statements) <= 8  # count, page keys, page rows, sites, latest runs
        with ThreadPoolExecutor(max_workers=50) as pool:
            codes = list(pool.map(lambda i: client.get(paths[i % len(paths)]).status_code, range(400)))
    assert set(codes) == {200}
    # At most one pooled connection and one generation reader (SQLite) per request thread, never one per request.
    assert len(connects) <= 2 * WEB_THREADS
