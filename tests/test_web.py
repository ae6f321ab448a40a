"""The dashboard over HTTP (FastAPI TestClient): JSON API, filters and paging, reviews, CSRF, token, search."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from newswatch.changes import compare
from newswatch.web import create_app
from newswatch.web.security import CSRF_COOKIE, http_url, safe_next
from storage import EventLink, ItemWrite, open_store
from storage.search import fts5_query

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
HOSTILE = '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1">'


def make_item(
    n: int,
    site: str = "alpha",
    title: str | None = None,
    body: str | None = None,
    url: str | None = None,
    version: str = "a",
) -> dict:
    return {
        "id": f"{site[:1]}{n:015x}",
        "site": site,
        "url": url or f"https://{site}.example/news/{n}.html",
        "canonical_url": None,
        "title": title or f"{site.title()} news number {n}",
        "published": "2026-10-01",
        "published_raw": "Oct 1, 2026",
        "source": site.upper(),
        "section": ["News"],
        "language": "en",
        "summary": None,
        "body": body or f"Paragraph about academy item {n}.\n\nSecond paragraph {n}.",
        "images": [],
        "fetched_at": T0.isoformat(),
        "content_hash": f"{version}{n:063x}"[:64],
        "extractor_version": "1",
        "event": None,
    }


def update(store, run: int, old: dict, at: datetime, **fields) -> dict:
    new = {**old, **fields, "content_hash": "b" + old["content_hash"][1:]}
    outcome = compare(old, "active", new)
    store.save_items(run, [ItemWrite(new, outcome.kind, at, outcome.changed_fields, outcome.diff)])
    return new


def fill(url: str, alpha: int = 60, beta: int = 10) -> dict:
    """alpha: `alpha` new items an hour apart from T0, items 1 and 2 then updated; beta: `beta` new items."""
    with open_store(url) as store:
        runs = {}
        for site, count in (("alpha", alpha), ("beta", beta)):
            runs[site] = store.begin_run(site, T0)
            store.save_items(
                runs[site], [ItemWrite(make_item(n, site), "new", T0 + timedelta(hours=n)) for n in range(count)]
            )
        first = make_item(1)
        update(
            store,
            runs["alpha"],
            first,
            T0 + timedelta(days=5),
            body=first["body"].replace("academy item 1.", "academy item 1, water security and food."),
        )
        update(
            store, runs["alpha"], make_item(2), T0 + timedelta(days=5, hours=1), title="Alpha news number 2 (corrected)"
        )
        for site, count in (("alpha", alpha), ("beta", beta)):
            store.finish_run(
                runs[site],
                finished_at=T0 + timedelta(days=5, hours=2),
                status="ok",
                finish_reason="finished",
                pages=2,
                items=count,
                new=count,
                stats={"newswatch/listing/pages": 2, "newswatch/dates/parsed": count},
            )
    return runs


@pytest.fixture
def app_url(store_url):
    fill(store_url)
    return store_url


@pytest.fixture
def client(app_url):
    with TestClient(create_app(app_url)) as c:
        yield c


def csrf(client: TestClient) -> str:
    return client.get("/api/csrf").json()["csrf_token"]


# -- JSON API: filters and paging ---------------------------------------------------------------


def test_changes_paging_is_stable_and_complete(client):
    first = client.get("/api/changes", params={"per_page": 50}).json()
    assert first["total"] == 72 and first["pages"] == 2 and len(first["changes"]) == 50
    second = client.get("/api/changes", params={"per_page": 50, "page": 2}).json()
    ids = [c["id"] for c in first["changes"] + second["changes"]]
    assert len(ids) == len(set(ids)) == 72
    times = [c["detected_at"] for c in first["changes"] + second["changes"]]
    assert times == sorted(times, reverse=True)
    assert client.get("/api/changes", params={"page": 9}).json()["changes"] == []


def test_changes_filters(client):
    updated = client.get("/api/changes", params={"kind": "updated"}).json()
    assert updated["total"] == 2 and {c["kind"] for c in updated["changes"]} == {"updated"}
    body = next(c for c in updated["changes"] if c["changed_fields"] == ["body"])
    assert ["+", "water security and food."] in body["diff"]["body"]["words"] or any(
        op == "+" and "water" in text for op, text in body["diff"]["body"]["words"]
    )
    beta = client.get("/api/changes", params={"site": "beta"}).json()
    assert beta["total"] == 10 and {c["site"] for c in beta["changes"]} == {"beta"}
    both = client.get("/api/changes", params=[("kind", "new"), ("kind", "updated"), ("site", "alpha")]).json()
    assert both["total"] == 62
    day = client.get("/api/changes", params={"from": "2026-11-02", "to": "2026-11-02"}).json()
    assert day["total"] == 24 + 0 and all(c["detected_at"].startswith("2026-11-02") for c in day["changes"])
    assert client.get("/api/changes", params={"from": "2026-11-06"}).json()["total"] == 2
    assert client.get("/api/changes", params={"kind": "bogus"}).status_code == 400
    assert client.get("/api/changes", params={"from": "yesterday"}).status_code == 400
    assert client.get("/api/changes", params={"review": "maybe"}).status_code == 400


def test_feed_page_filters_rows(client):
    page = client.get("/changes", params={"kind": "updated"}).text
    kinds = re.findall(r'data-kind="(\w+)"', page)
    assert kinds == ["updated", "updated"]
    beta = client.get("/changes", params={"site": "beta"}).text
    assert set(re.findall(r'data-site="(\w+)"', beta)) == {"beta"}
    full = client.get("/changes").text
    assert len(re.findall(r"data-kind=", full)) == 50 and "?page=2" in full


def test_item_versions_and_diff(client):
    item_id = make_item(1)["id"]
    assert client.get(f"/api/items/{item_id}").json()["version"] == 2
    versions = client.get(f"/api/items/{item_id}/versions").json()
    assert [v["version"] for v in versions] == [1, 2]
    diff = client.get(f"/api/items/{item_id}/diff", params={"a": 1, "b": 2}).json()
    assert [f["field"] for f in diff["fields"]] == ["body"]
    assert client.get(f"/api/items/{item_id}/diff", params={"a": 1, "b": 7}).status_code == 400
    assert client.get("/api/items/nope").status_code == 404
    page = client.get(f"/items/{item_id}", params={"a": 1, "b": 2}).text
    assert "<ins>" in page and "<del>" in page and "Side by side" in page
    assert client.get(f"/items/{item_id}", params={"a": 1, "b": 5}).status_code == 400


def test_item_shows_when_its_page_was_last_checked(app_url, client):
    item_id = make_item(3)["id"]
    before = client.get(f"/api/items/{item_id}").json()
    assert before["last_checked_at"] == before["last_seen_at"]  # never checked since stored: seen then
    with open_store(app_url) as store:
        store.mark_checked([item_id], T0 + timedelta(days=9, hours=4, minutes=5))
    after = client.get(f"/api/items/{item_id}").json()
    assert datetime.fromisoformat(after["last_checked_at"]) == T0 + timedelta(days=9, hours=4, minutes=5)
    assert after["last_seen_at"] == before["last_seen_at"]
    page = client.get(f"/items/{item_id}").text
    assert re.search(r"<dt>Last checked</dt><dd>2026-11-10 12:05", page)
    assert "last_checked_at" in client.get("/openapi.json").json()["components"]["schemas"]["Item"]["properties"]


def test_openapi_documents_the_api(client):
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/changes",
        "/api/items/{item_id}",
        "/api/items/{item_id}/versions",
        "/api/items/{item_id}/diff",
        "/api/events",
        "/api/sites",
        "/api/search",
        "/api/changes/{change_id}/review",
    ):
        assert path in spec["paths"], path
    assert "ChangeList" in spec["components"]["schemas"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "'unsafe-inline'" not in docs.headers["content-security-policy"]


# -- reviews ------------------------------------------------------------------------------------


def test_review_through_the_form_persists(app_url, client):
    page = client.get("/changes", params={"kind": "updated"}).text
    change_id = int(re.search(r'id="change-(\d+)"', page)[1])
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    done = client.post(
        f"/changes/{change_id}/review",
        data={"status": "reviewed", "csrf_token": token, "next": "/changes?kind=updated"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/changes?kind=updated")
    with TestClient(create_app(app_url)) as fresh:  # a new process would see it: it is in the database
        reviewed = fresh.get("/api/changes", params={"review": "reviewed"}).json()
        assert [c["id"] for c in reviewed["changes"]] == [change_id]
        assert fresh.get("/api/changes", params={"review": "unreviewed"}).json()["total"] == 71
        html = fresh.get("/changes", params={"review": "reviewed"}).text
        assert f'id="change-{change_id}"' in html and "review-reviewed" in html
    client.post(f"/changes/{change_id}/review", data={"status": "unreviewed", "csrf_token": token})
    assert client.get("/api/changes", params={"review": "reviewed"}).json()["total"] == 0


def test_review_through_the_api(client):
    change_id = client.get("/api/changes", params={"kind": "updated"}).json()["changes"][0]["id"]
    token = csrf(client)
    done = client.post(
        f"/api/changes/{change_id}/review",
        json={"status": "false_positive", "note": "typo fix"},
        headers={"X-CSRF-Token": token},
    )
    assert done.status_code == 200 and done.json()["review"]["status"] == "false_positive"
    assert done.json()["review"]["note"] == "typo fix"
    assert client.get("/api/changes", params={"review": "false_positive"}).json()["total"] == 1
    assert (
        client.post(
            "/api/changes/999999/review", json={"status": "reviewed"}, headers={"X-CSRF-Token": token}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/changes/{change_id}/review", json={"status": "liked"}, headers={"X-CSRF-Token": token}
        ).status_code
        == 422
    )


def test_review_is_deleted_with_its_change(store):
    run = store.begin_run("alpha", T0)
    store.save_items(run, [ItemWrite(make_item(1), "new", T0)])
    change = store.change_page().rows[0].change
    store.review_change(change.id, "reviewed", "ok", T0)
    assert store.get_change(change.id).review.note == "ok"
    import sqlalchemy as sa

    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM changes"))
        assert conn.execute(sa.text("SELECT count(*) FROM change_reviews")).scalar() == 0
    with pytest.raises(KeyError):
        store.review_change(change.id, "reviewed", None, T0)


# -- CSRF and origin checks ---------------------------------------------------------------------


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_post_without_valid_csrf_token_is_refused(client):
    change_id = client.get("/api/changes").json()["changes"][0]["id"]
    token = csrf(client)
    url = f"/changes/{change_id}/review"
    assert client.post(url, data={"status": "reviewed"}).status_code == 403
    assert client.post(url, data={"status": "reviewed", "csrf_token": "x.y"}).status_code == 403
    forged = token.split(".")[0] + "." + "0" * 64
    assert client.post(url, data={"status": "reviewed", "csrf_token": forged}).status_code == 403
    assert client.post(f"/api/changes/{change_id}/review", json={"status": "reviewed"}).status_code == 403
    # a valid token in the form but no cookie (another browser's token): refused
    bare = TestClient(client.app)
    assert bare.post(url, data={"status": "reviewed", "csrf_token": token}).status_code == 403
    assert client.get("/api/changes", params={"review": "reviewed"}).json()["total"] == 0
    assert client.post(url, data={"status": "reviewed", "csrf_token": token}).status_code == 200  # redirected


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_cross_site_post_is_refused_even_with_a_token(client):
    change_id = client.get("/api/changes").json()["changes"][0]["id"]
    token = csrf(client)
    url = f"/changes/{change_id}/review"
    form = {"status": "reviewed", "csrf_token": token}
    evil = client.post(url, data=form, headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert evil.status_code == 403
    assert client.post(url, data=form, headers={"Origin": "null"}).status_code == 403
    assert client.post(url, data=form, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.post(url, data=form, headers={"Sec-Fetch-Site": "same-site"}).status_code == 403
    ok = client.post(
        url, data=form, headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}, follow_redirects=False
    )
    assert ok.status_code == 303


def test_csrf_cookie_is_httponly_and_strict(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    with TestClient(create_app(url)) as c:
        cookie = c.get("/changes").headers["set-cookie"]
        assert cookie.startswith(CSRF_COOKIE + "=") and "HttpOnly" in cookie and "SameSite=strict" in cookie


# -- access token -------------------------------------------------------------------------------


def test_token_guards_every_request(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    fill(url, alpha=3, beta=1)
    with TestClient(create_app(url, token="s3cret-token")) as c:
        for path in ("/", "/api/changes", "/feed.atom", "/static/style.css", "/openapi.json"):
            assert c.get(path).status_code == 401, path
        assert c.get("/api/changes", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/changes", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        assert c.get("/", params={"token": "wrong"}).status_code == 401
        first = c.get("/sites", params={"token": "s3cret-token", "x": "1"}, follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/sites?x=1"
        cookie = first.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "s3cret-token" not in cookie
        assert c.get("/sites").status_code == 200 and c.get("/api/changes").status_code == 200  # the cookie


def test_serve_refuses_a_public_address_without_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "NEWSWATCH_TOKEN"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newswatch",
            "--db",
            f"sqlite:///{tmp_path / 'x.db'}",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            "1",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "NEWSWATCH_TOKEN" in lines[0] and "Traceback" not in done.stderr


def test_is_local_and_redirect_targets():
    from newswatch.web.security import is_local

    assert is_local("127.0.0.1") and is_local("localhost") and is_local("::1") and not is_local("0.0.0.0")
    assert safe_next("/changes?x=1") == "/changes?x=1"
    for bad in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", None):
        assert safe_next(bad) == "/"


# -- search -------------------------------------------------------------------------------------


def test_search_on_both_backends(client):
    found = client.get("/api/search", params={"q": "water security"}).json()
    assert [h["item_id"] for h in found["hits"]] == [make_item(1)["id"]]
    assert "water" in found["hits"][0]["snippet"] and "<mark>" in found["hits"][0]["snippet_html"]
    assert client.get("/api/search", params={"q": "corrected"}).json()["total"] == 1  # the title, after an update
    assert client.get("/api/search", params={"q": "Alpha", "site": "beta"}).json()["total"] == 0
    for nasty in (
        '"unbalanced',
        "AND",
        "water AND",
        "NEAR(",
        "*",
        "title:",
        "a OR",
        "-",
        "'); DROP TABLE items; --",
        "(((",
        "\x00",
        "^",
        "water*",
    ):
        r = client.get("/api/search", params={"q": nasty})
        assert r.status_code == 200, nasty
        assert client.get("/search", params={"q": nasty}).status_code == 200, nasty
    page = client.get("/search", params={"q": "water"}).text
    assert "<mark>water</mark>" in page


def test_search_snippets_are_escaped(store_url):
    with open_store(store_url) as store:
        run = store.begin_run("alpha", T0)
        store.save_items(
            run, [ItemWrite(make_item(1, title="Hostile " + HOSTILE, body="Before " + HOSTILE + " after"), "new", T0)]
        )
    with TestClient(create_app(store_url)) as c:
        page = c.get("/search", params={"q": "hostile"}).text
        assert "<script>window" not in page and "<img src=x" not in page
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
        hit = c.get("/api/search", params={"q": "before after"}).json()["hits"][0]
        assert "<script>" in hit["snippet"] and "<script>" not in hit["snippet_html"]


def test_fts5_query_sanitising():
    assert fts5_query("water security") == '"water" "security"'
    assert fts5_query('"water security" OR food') == '"water security" OR "food"'
    assert fts5_query("co-operation secur*") == '"co operation" "secur"*'
    assert fts5_query("water -food") == '"water" NOT "food"'
    for empty in ("", "AND", "*", '"', "-x y", "OR"):
        assert fts5_query(empty) in (None, '"y"')


# -- untrusted URLs and headers -----------------------------------------------------------------


def test_only_http_urls_become_links(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    with open_store(url) as store:
        run = store.begin_run("alpha", T0)
        store.save_items(
            run,
            [
                ItemWrite(make_item(1, url="javascript:window.__pwned=1"), "new", T0),
                ItemWrite(make_item(2, url="https://alpha.example/ok.html"), "new", T0),
            ],
        )
        store.save_event_links(
            [
                EventLink(make_item(1)["id"], "alpha", {"name": "Forum " + HOSTILE, "type": "forum"}),
                EventLink(
                    make_item(2)["id"],
                    "alpha",
                    {"name": "Forum", "type": "forum"},
                    event_id=f"ev-{make_item(1)['id']}",
                    linked_by="text",
                    similarity=0.9,
                ),
            ],
            T0,
        )
    with TestClient(create_app(url)) as c:
        for path in (f"/items/{make_item(1)['id']}", "/events", "/changes", "/search?q=alpha"):
            page = c.get(path).text
            assert 'href="javascript' not in page.lower(), path
            assert "<script>window" not in page and "<img src=x" not in page, path
        assert 'href="https://alpha.example/ok.html"' in c.get(f"/items/{make_item(2)['id']}").text
        events = c.get("/api/events").json()
        assert len(events) == 1 and len(events[0]["sources"]) == 2
        assert "&lt;script&gt;" in c.get("/events").text
    assert http_url("https://a.example/x") and http_url("HTTP://a.example")
    for bad in (
        "javascript:alert(1)",
        " https://a.example",
        "java\tscript:x",
        "data:text/html,x",
        "https:x",
        'https://a.example/"onmouseover=x',
        None,
        42,
    ):
        assert http_url(bad) is None, bad


def test_security_headers(client):
    for path in ("/", "/api/changes", "/feed.atom", "/static/style.css", "/nowhere"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp, path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"


def test_sites_and_events_pages(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    fill(url, alpha=5, beta=2)
    config = tmp_path / "nw.toml"
    config.write_text('[sites.cae]\nspider = "cae"\ninterval = "6h"\n', "utf-8")
    with TestClient(create_app(url, clock=lambda: T0 + timedelta(days=6))) as c:
        sites = {s["name"]: s for s in c.get("/api/sites").json()}
        assert sites["alpha"]["health"] == "ok" and sites["alpha"]["schedule"] == "not scheduled"
        assert sum(d["new"] for d in sites["alpha"]["days"]) == 5
        page = c.get("/sites").text
        assert "<svg" in page and "not scheduled" in page and 'class="bar new"' in page
    with TestClient(create_app(url, clock=lambda: T0 + timedelta(days=60))) as c:
        assert 'class="bar new"' not in c.get("/sites").text  # changes older than the window are not drawn
    from newswatch.config import load_config
    from newswatch.crawling.runner import site_names

    with TestClient(create_app(url, config=load_config(config, site_names()))) as c:
        sites = {s["name"]: s for s in c.get("/api/sites").json()}
        assert sites["cae"]["next_run"] is not None and "estimated" in sites["cae"]["schedule"]
        assert sites["alpha"]["next_run"] is None
        assert c.get("/events").status_code == 200
