"""One event from several sources (MinHash/LSH + agreeing details), and same-site re-posts."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import attach_session, newswatch_settings
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newswatch.crawling.session import CrawlSession
from newswatch.event import extract_event
from pipelines.dedupe import DedupePipeline
from pipelines.store import StorePipeline
from storage import ItemWrite, KnownItem

T0 = datetime(2024, 6, 1, tzinfo=UTC)
REPORT = (
    "On 12 June 2024, the ANSO Working Group on Water and Climate held its annual meeting in Beijing. "
    "The meeting was hosted by the Alliance of International Science Organizations (ANSO) and the Institute of "
    "Geographic Sciences and Natural Resources Research. More than 60 experts from 15 countries attended. "
    "Prof. Li Wei, Chair of the Working Group, presided over the meeting and reviewed the progress of joint "
    "projects on glacier monitoring, drought early warning and river basin management. Members agreed on a "
    "work plan for 2025 that includes a training course in Nairobi and a joint field campaign in Central Asia."
)


def item(n: int, site: str, title: str, body: str, published: str = "2024-06-14") -> dict:
    return {
        "id": f"{n:016x}",
        "site": site,
        "url": f"https://{site}.example/{n}",
        "canonical_url": f"https://{site}.example/{n}",
        "title": title,
        "published": published,
        "body": body,
        "content_hash": f"{n:064x}",
        "extractor_version": "1",
        "fetched_at": T0.isoformat(),
        "event": extract_event(title, body, published, "en"),
    }


def crawl_batch(store, items: list[dict]) -> None:
    """Store a batch and link its events exactly as the store step does at the end of a crawl."""
    crawler = get_crawler(settings_dict=newswatch_settings())
    crawler.stats.open_spider()
    pipeline = StorePipeline(crawler, batch_size=100)
    writes = [ItemWrite(item=i, kind="new", at=T0) for i in items]
    store.save_items(None, writes)
    session = CrawlSession(store=store, site=items[0]["site"], run_id=0)
    pipeline.link_events(session, writes)


def test_two_sites_reporting_one_event_are_linked(store):
    anso = item(1, "anso", "ANSO Working Group on Water and Climate Holds Annual Meeting", REPORT)
    cas = item(
        2,
        "cas",
        "Working Group on Water and Climate Meets in Beijing",
        REPORT.replace("More than 60 experts", "Over 60 experts") + " The institute will host the next meeting.",
    )
    other = item(
        3,
        "cast",
        "ANSO Working Group on Water and Climate Holds Annual Meeting",
        REPORT.replace("12 June 2024", "14 June 2023"),
        published="2023-06-16",
    )
    crawl_batch(store, [anso])
    crawl_batch(store, [cas, other])
    events = {e.id: e for e in store.events()}
    assert len(events) == 2, events
    shared = store.event_of_item(cas["id"])
    assert shared.id == store.event_of_item(anso["id"]).id
    assert sorted((s.site, s.linked_by) for s in shared.sources) == [("anso", "self"), ("cas", "text")]
    assert next(s for s in shared.sources if s.site == "cas").similarity >= 0.35
    # the same words about last year's meeting are another event
    assert store.event_of_item(other["id"]).id != shared.id
    assert [e.id for e in store.events(site="cas")] == [shared.id]


def test_an_item_that_stops_reporting_an_event_is_unlinked(store):
    first = item(1, "anso", "ANSO Working Group on Water and Climate Holds Annual Meeting", REPORT)
    crawl_batch(store, [first])
    assert store.event_of_item(first["id"]) is not None
    crawl_batch(store, [{**first, "event": None}])
    assert store.event_of_item(first["id"]) is None and store.events() == []


def test_events_command_lists_sources(store_url, store):
    import json
    import subprocess
    import sys

    crawl_batch(store, [item(1, "anso", "ANSO Working Group on Water and Climate Holds Annual Meeting", REPORT)])
    crawl_batch(store, [item(2, "cas", "Working Group on Water and Climate Meets in Beijing", REPORT)])
    done = subprocess.run(
        [sys.executable, "-m", "newswatch", "--db", store_url, "events", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    [event] = json.loads(done.stdout)
    assert {s["site"] for s in event["sources"]} == {"anso", "cas"} and event["start"] == "2024-06-12"
    table = subprocess.run(
        [sys.executable, "-m", "newswatch", "--db", store_url, "events", "--site", "cas"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Beijing" in table and "anso" in table
    bad = subprocess.run(
        [sys.executable, "-m", "newswatch", "--db", store_url, "events", "--site", "nope"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_a_repost_under_a_new_url_is_the_same_item():
    known = KnownItem(
        id="a" * 16,
        url="https://en.cae.cn/col1/old.html",
        content_hash="h" * 64,
        extractor_version="1",
        status="active",
        listing=None,
        page=None,
        last_seen_at=T0,
    )
    crawler = get_crawler(settings_dict=newswatch_settings())
    crawler.stats.open_spider()
    attach_session(crawler, CrawlSession(store=None, site="cae", run_id=1, known={known.id: known}))
    dedupe = DedupePipeline(crawler)
    moved = {"id": "b" * 16, "url": "https://en.cae.cn/col2/new.html", "content_hash": "h" * 64}
    assert dedupe.process_item(moved)["id"] == known.id
    assert crawler.stats.get_value("newswatch/dedupe/reposted") == 1
    # the old URL seen in the same run is the same item again: dropped as a duplicate
    try:
        dedupe.process_item({"id": known.id, "url": known.url, "content_hash": "h" * 64})
        raise AssertionError("expected DropItem")
    except DropItem:
        pass
    fresh = {"id": "c" * 16, "url": "https://en.cae.cn/col2/other.html", "content_hash": "x" * 64}
    assert dedupe.process_item(fresh)["id"] == "c" * 16


def test_band_index_proposes_what_datasketch_lsh_proposes():
    """The crawl process's plain band index keeps datasketch's bands: same parameters, same candidates."""
    import random

    from datasketch import MinHashLSH

    from newswatch.event.linking import BANDS, LSH_THRESHOLD, NUM_PERM, ROWS, BandIndex, signature

    reference = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    assert (reference.b, reference.r) == (BANDS, ROWS)
    rng = random.Random(7)
    words = [f"w{i}" for i in range(400)]
    base = [rng.choice(words) for _ in range(300)]
    texts = {}
    for n in range(60):  # variants of one text, from near copies to unrelated ones
        keep = n / 60
        texts[f"t{n}"] = " ".join(w if rng.random() < keep else rng.choice(words) for w in base)
    ours = BandIndex()
    sigs = {key: signature(text) for key, text in texts.items()}
    for key, sig in sigs.items():
        reference.insert(key, sig)
        ours.insert(key, sig.hashvalues)
    for sig in sigs.values():
        assert ours.query(sig.hashvalues) == set(reference.query(sig))
    proposed = [len(ours.query(sig.hashvalues)) for sig in sigs.values()]
    assert min(proposed) >= 1 and max(proposed) > 5 and min(proposed) < 60  # neither all nor only itself
    ours.remove("t59")
    reference.remove("t59")
    assert ours.query(sigs["t59"].hashvalues) == set(reference.query(sigs["t59"])) and "t59" not in ours.keys
