"""Store step: items, versions and changes written in batches (NEWSWATCH_STORE_BATCH per transaction)."""

import logging
from datetime import UTC, datetime

from itemadapter import ItemAdapter

from newswatch.crawling.monitor import monitor_of, session_of
from newswatch.event.linking import EventLinker, from_bytes, signature_values, to_bytes
from newswatch.event.workers import signature_text
from storage import EventLink, ItemWrite
from storage.events import own_event_id

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler, batch_size: int, link: bool = True):
        self.crawler = crawler
        self.batch_size = batch_size
        #: With NEWSWATCH_EVENTS off, items carry no events: stored links are left as they are.
        self.link = link
        self.pending: list[ItemWrite] = []
        self.linker: EventLinker | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(
            crawler,
            crawler.settings.getint("NEWSWATCH_STORE_BATCH"),
            link=crawler.settings.getbool("NEWSWATCH_EVENTS"),
        )

    def process_item(self, item):
        session = session_of(self.crawler)
        adapter = ItemAdapter(item)
        outcome = session.outcomes.pop(adapter["id"])
        self.pending.append(
            ItemWrite(
                item=dict(adapter),
                kind=outcome.kind,
                at=datetime.now(UTC),
                changed_fields=list(outcome.changed_fields),
                diff=outcome.diff,
            )
        )
        if len(self.pending) >= self.batch_size:
            self.flush(session)
        return item

    def flush(self, session) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        try:
            session.store.save_items(session.run_id, batch)
        except Exception as exc:
            self.crawler.stats.inc_value("newswatch/store/errors")
            reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
            logger.error("could not store %d items: %s", len(batch), reason)
            return
        for write in batch:  # the run counts what was stored, not what was extracted
            session.counts[write.kind] += 1
        if not self.link:
            return
        try:
            self.link_events(session, batch)
        except Exception as exc:
            self.crawler.stats.inc_value("newswatch/events/errors")
            logger.error("could not link the events of %d items: %s", len(batch), exc)

    def link_events(self, session, batch: list[ItemWrite]) -> None:
        """Attach each item's event to an event reported elsewhere (near-duplicate text), or its own."""
        if self.linker is None:
            self.linker = EventLinker()
            for known in session.store.event_signatures():
                self.linker.add(known.item_id, known.event_id, known.site, known.event, from_bytes(known.signature))
        links, unlinked = [], []
        for write in batch:
            item = write.item
            event, entry = item.get("event"), self.linker.entries.get(item["id"])
            stored = session.signatures.pop(item["url"], None)
            if not event:
                if entry is not None:
                    unlinked.append(item["id"])
                continue
            if entry is not None and entry.event == event and entry.sig is not None:
                continue
            sig = from_bytes(stored)
            if sig is None:  # extracted in this process: the signature is computed here
                sig = signature_values(signature_text(item.get("title"), item.get("body")))
            found = self.linker.match(item["id"], event, sig)
            event_id = (
                found[0]
                if found
                else (entry.event_id if entry and entry.event_id != own_event_id(item["id"]) else None)
            )
            links.append(
                EventLink(
                    item_id=item["id"],
                    site=item["site"],
                    event=event,
                    signature=to_bytes(sig),
                    event_id=event_id,
                    linked_by="text" if found else "self",
                    similarity=round(found[1], 3) if found else None,
                )
            )
            self.linker.add(item["id"], event_id or own_event_id(item["id"]), item["site"], event, sig)
            self.crawler.stats.inc_value("newswatch/events/" + ("linked" if found else "own"))
        session.store.save_event_links(links, datetime.now(UTC))
        session.store.unlink_events(unlinked)

    def close_spider(self):
        session = monitor_of(self.crawler).session  # None when the site's run was never opened
        if session is not None:
            self.flush(session)
