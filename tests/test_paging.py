"""Paging that stays cheap at depth: keyset pages of the change feed, and `newswatch events` by default limited."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import timedelta

from fastapi.testclient import TestClient

from newswatch.web import create_app
from storage import EventLink, ItemWrite, open_store
from tests.test_web import T0, fill, make_item


def _ids(page) -> list[int]:
    return [row.change.id for row in page.rows]


def test_feed_pages_by_offset_from_either_end_and_by_keyset(store_url):
    fill(store_url, alpha=40, beta=9)  # 51 changes, two of them at the same newest hours
    with open_store(store_url) as store:
        everything = _ids(store.change_page(limit=1000))
        assert len(everything) == 51
        for limit in (7, 10, 51, 60):
            for offset in range(0, 56, 3):  # pages near the newest end and near the oldest end
                assert _ids(store.change_page(limit=limit, offset=offset)) == everything[offset : offset + limit]
        walked, after = [], None
        while True:  # Next, Next, ...: each page just older than the last change shown
            page = store.change_page(limit=7, after=after)
            if not page.rows:
                break
            walked += _ids(page)
            after = page.rows[-1].change.id
            assert page.total == 51
        assert walked == everything
        back, before = [], everything[-1]
        while True:  # Previous, Previous, ...: each page just newer than the first change shown
            page = store.change_page(limit=7, before=before)
            if not page.rows:
                break
            back = _ids(page) + back
            before = page.rows[0].change.id
        assert back == everything[:-1]
        alpha = _ids(store.change_page(site="alpha", limit=1000))
        assert _ids(store.change_page(site="alpha", limit=5, after=alpha[9])) == alpha[10:15]
        unknown = store.change_page(limit=5, after=10**6)  # a cursor that names no change: the first page
        assert _ids(unknown) == everything[:5]


def test_feed_next_links_carry_a_keyset_cursor(store_url):
    fill(store_url, alpha=60, beta=10)
    with TestClient(create_app(store_url)) as client:
        api = client.get("/api/changes", params={"per_page": 20}).json()
        assert api["next_after"] == api["changes"][-1]["id"]
        second = client.get("/api/changes", params={"per_page": 20, "page": 2, "after": api["next_after"]}).json()
        by_offset = client.get("/api/changes", params={"per_page": 20, "page": 2}).json()
        assert [c["id"] for c in second["changes"]] == [c["id"] for c in by_offset["changes"]]
        last = client.get("/api/changes", params={"per_page": 20, "page": 4}).json()
        assert len(last["changes"]) == 72 - 60 and last["next_after"] is None
        html = client.get("/changes").text
        link = re.search(r'href="\?([^"]*)" rel="next"', html).group(1).replace("&amp;", "&")
        assert "after=" in link and "page=2" in link
        page2 = client.get("/changes?" + link).text
        assert 'aria-current="page">2<' in page2
        prev = re.search(r'href="\?([^"]*)" rel="prev"', page2).group(1).replace("&amp;", "&")
        assert "before=" in prev
        assert client.get("/changes?" + prev).text.count('class="change') == html.count('class="change')
        assert client.get("/api/changes", params={"after": "x"}).status_code == 422
        assert client.get("/changes", params={"after": "x"}).status_code == 400
        assert client.get("/changes", params={"after": 1, "before": 2}).status_code == 400


def _events(url: str, n: int) -> None:
    with open_store(url) as store:
        run = store.begin_run("alpha", T0)
        items = [make_item(i) for i in range(n)]
        store.save_items(run, [ItemWrite(item, "new", T0) for item in items])
        for i, item in enumerate(items):
            event = {"name": f"Forum number {i}", "type": "forum", "start": "2026-01-01", "location": {}}
            store.save_event_links([EventLink(item_id=item["id"], site="alpha", event=event)], T0 + timedelta(hours=i))


def _run(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newswatch", "--db", url, "events", "--format", "json", *args],
        capture_output=True,
        text=True,
        check=True,
    )


def test_events_command_lists_a_bounded_number_by_default(store_url):
    _events(store_url, 103)
    default = _run(store_url)
    shown = json.loads(default.stdout)
    assert len(shown) == 100 and shown[0]["name"] == "Forum number 102"  # most recently updated first
    assert "--all" in default.stderr and "100" in default.stderr
    assert len(json.loads(_run(store_url, "--all").stdout)) == 103
    few = _run(store_url, "--limit", "3")
    assert [e["name"] for e in json.loads(few.stdout)] == [f"Forum number {i}" for i in (102, 101, 100)]
    assert len(json.loads(_run(store_url, "--limit", "200").stdout)) == 103
    assert _run(store_url, "--limit", "200").stderr == ""
