"""Contract tests of event storage, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from test_storage_contract import T0, at, make_item

from storage import EventLink, ItemWrite

FORUM = {
    "name": "World Science and Technology Development Forum",
    "acronym": "WSTDF 2020",
    "type": "forum",
    "start": "2020-11-08",
    "end": "2020-11-08",
    "location": {"venue": None, "city": "Beijing", "country": "CN"},
    "mode": "hybrid",
    "organisers": [],
    "participants": [],
    "attendance": None,
}


def saved(store, *items):
    store.save_items(None, [ItemWrite(item=i, kind="new", at=T0) for i in items])


def test_own_event_then_joined_by_another_site(store):
    a, b = make_item(1, site="cae"), make_item(2, site="cas")
    saved(store, a, b)
    store.save_event_links([EventLink(item_id=a["id"], site="cae", event=FORUM, signature=b"\x01\x02")], at(1))
    [event] = store.events()
    assert (event.id, event.name, event.city, event.country, event.start) == (
        "ev-cae:1",
        FORUM["name"],
        "Beijing",
        "CN",
        "2020-11-08",
    )
    assert [s.item_id for s in event.sources] == ["cae:1"]

    store.save_event_links(
        [EventLink(item_id=b["id"], site="cas", event=FORUM, event_id=event.id, linked_by="text", similarity=0.8)],
        at(2),
    )
    [event] = store.events()
    assert {(s.site, s.linked_by) for s in event.sources} == {("cae", "self"), ("cas", "text")}
    assert event.updated_at == at(2)
    assert store.event_of_item("cas:2").id == event.id
    assert [e.id for e in store.events(site="cas")] == [event.id]
    assert store.events(site="nas") == []
    assert store.events(since=at(3)) == []
    sigs = {s.item_id: s for s in store.event_signatures()}
    assert sigs["cae:1"].signature == b"\x01\x02" and sigs["cae:1"].event["acronym"] == "WSTDF 2020"
    assert set(sigs) == {"cae:1", "cas:2"}
    assert [s.item_id for s in store.event_signatures(exclude_items=["cae:1"])] == ["cas:2"]


def test_relinking_moves_the_item_and_drops_an_empty_event(store):
    a, b = make_item(1), make_item(2)
    saved(store, a, b)
    store.save_event_links([EventLink(item_id=a["id"], site="alpha", event=FORUM)], at(1))
    store.save_event_links([EventLink(item_id=b["id"], site="alpha", event={**FORUM, "name": "Other"})], at(1))
    assert len(store.events()) == 2
    store.save_event_links(
        [EventLink(item_id=b["id"], site="alpha", event=FORUM, event_id="ev-alpha:1", linked_by="text")], at(2)
    )
    [event] = store.events()
    assert len(event.sources) == 2


def test_unlink_deletes_event_without_sources(store):
    a = make_item(1)
    saved(store, a)
    store.save_event_links([EventLink(item_id=a["id"], site="alpha", event=FORUM)], at(1))
    store.unlink_events([a["id"]])
    assert store.events() == [] and store.event_of_item(a["id"]) is None


def test_own_event_is_refreshed_when_its_item_changes(store):
    a = make_item(1)
    saved(store, a)
    store.save_event_links([EventLink(item_id=a["id"], site="alpha", event=FORUM)], at(1))
    store.save_event_links(
        [EventLink(item_id=a["id"], site="alpha", event={**FORUM, "end": "2020-11-09"})], at(1) + timedelta(hours=1)
    )
    [event] = store.events()
    assert event.end == "2020-11-09" and event.data["end"] == "2020-11-09"
    assert event.first_seen_at == at(1)


def test_one_batch_creates_an_event_and_joins_it_and_refreshes_another(store):
    a, b, c = make_item(1, site="cae"), make_item(2, site="cas"), make_item(3, site="cae")
    saved(store, a, b, c)
    store.save_event_links([EventLink(item_id=c["id"], site="cae", event={**FORUM, "name": "Old"})], at(1))
    # in one batch: a new own event, a report joining it, and the refreshed own event of c
    store.save_event_links(
        [
            EventLink(item_id=a["id"], site="cae", event=FORUM, signature=b"a"),
            EventLink(
                item_id=b["id"],
                site="cas",
                event=FORUM,
                event_id="ev-cae:1",
                linked_by="text",
                similarity=0.9,
                signature=b"b",
            ),
            EventLink(item_id=c["id"], site="cae", event={**FORUM, "name": "Renamed", "start": "2020-11-07"}),
        ],
        at(2),
    )
    events = {e.id: e for e in store.events()}
    assert set(events) == {"ev-cae:1", "ev-cae:3"}
    assert sorted(s.item_id for s in events["ev-cae:1"].sources) == ["cae:1", "cas:2"]
    assert (events["ev-cae:3"].name, events["ev-cae:3"].start, events["ev-cae:3"].updated_at) == (
        "Renamed",
        "2020-11-07",
        at(2),
    )
    assert events["ev-cae:3"].first_seen_at == at(1)
    assert {s.item_id: s.signature for s in store.event_signatures()} == {"cae:1": b"a", "cas:2": b"b", "cae:3": None}


def test_a_batch_larger_than_one_query_chunk(store):
    from storage.events import IN_CHUNK

    items = [make_item(n) for n in range(IN_CHUNK + 20)]
    saved(store, *items)
    links = [
        EventLink(item_id=i["id"], site=i["site"], event={**FORUM, "name": f"Forum {n}"}) for n, i in enumerate(items)
    ]
    store.save_event_links(links, at(1))
    store.save_event_links(links, at(2))  # all existing now: refreshed in place, nothing duplicated
    events = store.events()
    assert len(events) == IN_CHUNK + 20 and all(e.updated_at == at(2) for e in events)
