"""Event extraction in worker processes: same results as in the crawl's process, and a dead worker loses nothing."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from scrapy.utils.test import get_crawler

from newswatch.crawling.session import CrawlSession
from newswatch.event import extract_event
from newswatch.event.linking import SCHEME, EventLinker, from_bytes, signature, to_bytes
from newswatch.event.workers import EventWorkers, signature_text
from pipelines.events import EventsPipeline
from pipelines.store import StorePipeline
from storage import ItemWrite

LABELLED = sorted((Path(__file__).parent / "fixtures" / "events").glob("*.json"))


def labelled() -> list[dict]:
    """Every labelled article: with and without events, English and Chinese."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in LABELLED]


def args_of(label: dict) -> tuple:
    return label["title"], label["body"], label.get("published"), label.get("language")


def an_event() -> tuple:
    """The arguments of the first labelled article that reports an event."""
    return args_of(next(label for label in labelled() if label.get("expected")))


@pytest.fixture
def workers():
    """One worker process, closed after the test."""
    pool = EventWorkers(1)
    yield pool
    pool.close()


def test_workers_extract_the_same_events_and_signatures(workers):
    async def run_all():
        return await asyncio.gather(*(workers.analyse(*args_of(label)) for label in labelled()))

    results = asyncio.run(run_all())
    for label, (event, sig) in zip(labelled(), results):
        assert event == extract_event(*args_of(label))
        if event is None:
            assert sig is None
        else:
            assert sig == to_bytes(signature(signature_text(label["title"], label["body"])))
    assert any(event for event, _ in results) and any(event is None for event, _ in results)


def pipeline_item(label: dict) -> dict:
    return {
        "title": label["title"],
        "body": label["body"],
        "published": label.get("published"),
        "language": label.get("language"),
        "url": "https://cae.example/1",
    }


def test_a_dead_worker_falls_back_to_extraction_in_the_crawl_process():
    crawler = get_crawler(settings_dict={"NEWSWATCH_EVENT_WORKERS": 1})
    crawler.stats.open_spider()
    pipeline = EventsPipeline(crawler)
    label = next(label for label in labelled() if label.get("expected"))
    workers = pipeline.workers

    async def scenario():
        first = await pipeline.process_item(pipeline_item(label))
        for pid in workers.pids:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        # several items waiting together when the pool is found dead: each falls back, none is lost
        after = await asyncio.gather(*(pipeline.process_item(pipeline_item(label)) for _ in range(5)))
        return first, after

    first, after = asyncio.run(scenario())
    assert first["event"] == extract_event(*args_of(label))
    assert [item["event"] for item in after] == [first["event"]] * 5
    assert workers.broken and pipeline.workers is None
    assert crawler.stats.get_value("newswatch/events/worker_errors") == 1
    # the next crawl gets a fresh pool
    fresh = EventWorkers.shared(1)
    assert fresh is not workers and not fresh.broken


def test_no_workers_extracts_in_process_and_leaves_signatures_to_the_store():
    crawler = get_crawler(settings_dict={"NEWSWATCH_EVENT_WORKERS": 0})
    crawler.stats.open_spider()
    crawler.newswatch_session = CrawlSession(store=None, site="cae", run_id=1)
    pipeline = EventsPipeline(crawler)
    assert pipeline.workers is None
    label = next(label for label in labelled() if label.get("expected"))
    item = asyncio.run(pipeline.process_item(pipeline_item(label)))
    assert item["event"] == extract_event(*args_of(label)) and item["event"] is not None
    assert crawler.newswatch_session.signatures == {}


def test_events_off_means_no_events_step():
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        EventsPipeline(get_crawler(settings_dict={"NEWSWATCH_EVENTS": False}))


def stored_item(label: dict, n: int = 1) -> dict:
    event = extract_event(*args_of(label))
    return {
        "id": f"{n:016x}",
        "site": "cae",
        "url": f"https://cae.example/{n}",
        "canonical_url": f"https://cae.example/{n}",
        "title": label["title"],
        "published": label.get("published"),
        "body": label["body"],
        "content_hash": f"{n:064x}",
        "extractor_version": "1",
        "fetched_at": "2024-06-01T00:00:00+00:00",
        "event": event,
    }


def link(store, session, items):
    crawler = get_crawler()
    crawler.stats.open_spider()
    writes = [ItemWrite(item=i, kind="new", at=datetime(2024, 6, 1)) for i in items]
    store.save_items(None, writes)
    StorePipeline(crawler, batch_size=100).link_events(session, writes)


def test_the_store_uses_the_signature_computed_with_the_event(store):
    label = next(label for label in labelled() if label.get("expected"))
    item = stored_item(label)
    # a signature the store could not have computed itself: proof it was taken, not recomputed
    marker = to_bytes(signature("a wholly different text about something else"))
    session = CrawlSession(store=store, site="cae", run_id=0)
    session.signatures[item["url"]] = marker
    link(store, session, [item])
    assert session.signatures == {}
    [known] = store.event_signatures()
    assert known.signature == marker


def test_a_signature_of_an_earlier_scheme_is_ignored_then_replaced(store):
    label = next(label for label in labelled() if label.get("expected"))
    item = stored_item(label)
    old = np.arange(64, dtype=np.uint64).tobytes()  # 512 bytes: the unmarked scheme
    assert from_bytes(old) is None and from_bytes(None) is None and from_bytes(SCHEME + b"short") is None
    linker = EventLinker()
    linker.add("x", "ev-x", "cae", {"name": "A"}, None)
    assert "x" in linker.entries and linker.match("y", {"name": "A"}, signature("text").hashvalues) is None
    from storage import EventLink

    store.save_items(None, [ItemWrite(item=item, kind="new", at=datetime(2024, 6, 1))])
    store.save_event_links(
        [EventLink(item_id=item["id"], site="cae", event=item["event"], signature=old)], datetime(2024, 6, 1)
    )
    # the next crawl brings the same event: its signature is recomputed in the current scheme
    link(store, CrawlSession(store=store, site="cae", run_id=0), [item])
    [known] = store.event_signatures()
    assert known.signature.startswith(SCHEME) and from_bytes(known.signature) is not None


def test_crawls_with_and_without_workers_store_the_same_events(crawler, site_server, tmp_path):
    from tests.conftest import Crawler

    server = site_server("cae")
    inline = Crawler(db=f"sqlite:///{tmp_path / 'inline.db'}", cache=tmp_path / "inline-cache")
    for run, workers in ((crawler, 1), (inline, 0)):
        run.crawl("cae", server.url, "NEWSWATCH_SECTIONS=col2003", f"NEWSWATCH_EVENT_WORKERS={workers}", check=True)
    pooled = json.loads(crawler.run("events", "--format", "json", check=True).stdout)
    alone = json.loads(inline.run("events", "--format", "json", check=True).stdout)
    strip = lambda events: sorted(
        json.dumps(
            {k: v for k, v in e.items() if k not in ("first_seen_at", "updated_at")},
            sort_keys=True,
            default=str,
        )
        for e in events
    )
    assert pooled and strip(pooled) == strip(alone)


def test_items_travel_to_the_workers_in_batches(workers):
    """Items waiting together go together: far fewer batches than items, the same events."""
    items = [args_of(label) for label in labelled()] * 3

    async def run_all():
        return await asyncio.gather(*(workers.analyse(*args) for args in items))

    results = asyncio.run(run_all())
    assert [event for event, _ in results] == [extract_event(*args) for args in items]
    assert 1 <= workers.batches_sent <= len(items) // EventWorkers.MIN_BATCH + 1


def test_an_item_alone_is_answered_after_a_quiet_moment(workers):
    """The last items of a crawl do not wait for a full batch."""

    async def one():
        first = await workers.analyse(*an_event())
        await asyncio.sleep(0.1)
        return first, await workers.analyse(*an_event())

    first, second = asyncio.run(one())
    assert first == second and first[0] == extract_event(*an_event()) and workers.batches_sent == 2


def test_workers_serve_a_second_event_loop(workers):
    """The shared workers outlive one event loop (a test's asyncio.run) and answer in the next."""
    first = asyncio.run(workers.analyse(*an_event()))
    pids = workers.pids
    second = asyncio.run(workers.analyse(*an_event()))
    assert first == second and workers.pids == pids and len(pids) == 1


def test_one_failing_article_fails_alone(workers):
    good = an_event()

    async def run_all():
        return await asyncio.gather(
            workers.analyse(*good),
            workers.analyse("Forum", 42, None, None),
            workers.analyse(*good),
            return_exceptions=True,
        )

    first, bad, last = asyncio.run(run_all())
    assert isinstance(bad, TypeError) and not workers.broken
    assert first == last and first[0] == extract_event(*good)


def test_closed_workers_start_again_for_the_next_item(workers):
    async def scenario():
        first = await workers.analyse(*an_event())
        workers.close()
        return first, await asyncio.wait_for(workers.analyse(*an_event()), timeout=30)

    first, second = asyncio.run(scenario())
    assert first == second and first[0] == extract_event(*an_event())


def test_closing_the_workers_ends_their_processes():
    workers = EventWorkers(2)
    workers.warm()
    pids = workers.pids
    assert len(pids) == 2
    workers.close()
    for pid in pids:
        with pytest.raises(ChildProcessError):  # reaped: gone, not a zombie
            os.waitpid(pid, os.WNOHANG)
    assert workers.pids == [] and not workers.broken


GARBLED = """
import pickle, struct, sys
from newswatch.event.worker import HEADER, frame
header = sys.stdin.buffer.read(HEADER.size)
batch = pickle.loads(sys.stdin.buffer.read(HEADER.unpack(header)[0]))
out = sys.stdout.buffer
out.write(frame([(True, (None, None))] * (len(batch) + 1)))  # one answer too many: matches no batch
out.flush()
sys.stdin.buffer.read()
"""


@pytest.mark.parametrize(
    "command", [("-c", GARBLED), ("-c", "import sys; sys.exit(3)")], ids=["garbled answer", "dies at start"]
)
def test_a_worker_that_misbehaves_fails_its_items_and_never_hangs(monkeypatch, workers, command):
    import newswatch.event.workers as module

    monkeypatch.setattr(module, "COMMAND", command)

    async def scenario():
        return await asyncio.wait_for(
            asyncio.gather(*(workers.analyse(*an_event()) for _ in range(3)), return_exceptions=True), timeout=30
        )

    outcomes = asyncio.run(scenario())
    assert all(isinstance(o, module.WorkersBroken) for o in outcomes) and workers.broken


def test_ctrl_c_is_for_the_crawl_not_the_workers(workers):
    """Ctrl-C reaches the whole process group; Scrapy finishes its items, so the workers must carry on."""

    async def scenario():
        first = await workers.analyse(*an_event())  # started and warm
        os.kill(workers.pids[0], signal.SIGINT)
        await asyncio.sleep(0.2)
        return first, await workers.analyse(*an_event())

    first, second = asyncio.run(scenario())
    assert first == second and first[0] == extract_event(*an_event()) and not workers.broken
