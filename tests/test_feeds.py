"""Atom feeds of changes: valid Atom (feedparser, no bozo), entry ids unique, stable, new per version."""

from __future__ import annotations

from datetime import timedelta

import feedparser
import pytest
from fastapi.testclient import TestClient
from test_web import HOSTILE, T0, fill, make_item, update

from newswatch.feeds import entry_id, xml_text
from newswatch.web import create_app
from storage import ItemWrite, open_store

ATOM = "http://www.w3.org/2005/Atom"


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'feeds.db'}"
    fill(url, alpha=8, beta=3)
    return url


def parse(client: TestClient, path: str = "/feed.atom"):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_feed_is_valid_atom_with_required_elements(db):
    with TestClient(create_app(db)) as c:
        feed = parse(c)
    assert feed.version == "atom10" and feed.namespaces.get("") == ATOM
    assert feed.feed.id == "tag:newswatch,2026:feed" and feed.feed.title and feed.feed.updated
    assert len(feed.entries) == 13
    for entry in feed.entries:
        assert entry.id.startswith("tag:newswatch,2026:item/") and entry.title and entry.updated
    assert feed.entries[0].title.startswith("[updated] ")  # newest first
    assert feed.entries[0].link.startswith("https://alpha.example/")
    assert len({e.id for e in feed.entries}) == len(feed.entries)


def test_entry_ids_are_stable_and_change_with_a_new_version(db):
    with TestClient(create_app(db)) as c:
        before = [e.id for e in parse(c).entries]
        assert [e.id for e in parse(c).entries] == before
        with open_store(db) as store:
            run = store.begin_run("alpha", T0)
            update(store, run, make_item(5), T0 + timedelta(days=6), title="Alpha news number 5, revised")
        after = [e.id for e in parse(c).entries]
    item = make_item(5)["id"]
    assert after[0] == f"tag:newswatch,2026:item/{item}/v2/updated" and after[0] not in before
    assert set(before) <= set(after)  # older entries keep their ids


def test_site_feed_has_only_that_site(db):
    with TestClient(create_app(db)) as c:
        feed = parse(c, "/sites/beta/feed.atom")
        assert feed.feed.id == "tag:newswatch,2026:feed/site/beta"
        assert len(feed.entries) == 3 and all("beta" in e.content[0].value for e in feed.entries)
        empty = parse(c, "/sites/nosuch/feed.atom")
        assert empty.entries == [] and empty.feed.updated


def test_hostile_text_stays_text_and_bad_urls_are_not_links(tmp_path):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    with open_store(url) as store:
        run = store.begin_run("evil", T0)
        store.save_items(
            run,
            [
                ItemWrite(
                    make_item(1, "evil", title="Title " + HOSTILE + "\x0b\x01", url="javascript:window.__pwned=1"),
                    "new",
                    T0,
                )
            ],
        )
    with TestClient(create_app(url)) as c:
        raw = c.get("/feed.atom").text
        feed = parse(c)
    entry = feed.entries[0]
    assert "<script>window.__pwned=1</script>" in entry.title  # shown as text by readers
    assert entry.content[0].type == "text/plain"
    assert "javascript:" not in entry.link and entry.link.startswith("http://testserver/items/")
    assert "<script>" not in raw and "\x0b" not in raw


def test_entry_id_shapes():
    from storage.records import ChangeRecord

    def change(kind, version, cid=7):
        return ChangeRecord(
            id=cid,
            run_id=1,
            item_id="abc/1",
            site="s",
            url="u",
            title=None,
            kind=kind,
            detected_at=T0,
            changed_fields=[],
            diff=None,
            version=version,
        )

    assert entry_id(change("updated", 3)) == "tag:newswatch,2026:item/abc%2F1/v3/updated"
    assert entry_id(change("removed", 3, 7)) != entry_id(change("removed", 3, 8))
    assert xml_text("a\x00b\x1fc\ud800") == "abc"
