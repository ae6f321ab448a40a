"""Events and their sources: the part of :class:`Store` that links items reporting one event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from . import tables as t
from .base import StoreBase
from .records import EventLink, EventRecord, EventSignature, EventSource
from .writes import IN_CHUNK, chunks, utc


def event_columns(event: dict[str, Any]) -> dict[str, Any]:
    """The queryable columns of an event dict (the whole dict is kept in ``data``)."""
    location = event.get("location") or {}
    return {
        "name": event.get("name") or "",
        "acronym": event.get("acronym"),
        "type": event.get("type") or "other",
        "start": event.get("start"),
        "end": event.get("end"),
        "city": location.get("city"),
        "country": location.get("country"),
        "mode": event.get("mode"),
        "data": event,
    }


def own_event_id(item_id: str) -> str:
    """The id of the event an item reports when no other source reported it first."""
    return f"ev-{item_id}"


class EventsMixin(StoreBase):
    """Store methods for events and the items that report them."""

    def event_signatures(self, exclude_items: list[str] | None = None) -> list[EventSignature]:
        """Every linked item's signature and event (for near-duplicate search), minus ``exclude_items``."""
        s, e = t.event_sources.c, t.events.c
        query = sa.select(s.item_id, s.event_id, s.site, s.signature, e.data).join(t.events, e.id == s.event_id)
        excluded = set(exclude_items or ())
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            EventSignature(item_id=r[0], event_id=r[1], site=r[2], signature=r[3], event=dict(r[4] or {}))
            for r in rows
            if r[0] not in excluded
        ]

    def save_event_links(self, links: list[EventLink], at: datetime) -> None:
        """Store a batch of links: new events, refreshed ones and the sources, a few statements in all."""
        if not links:
            return
        at = utc(at)
        s, e = t.event_sources.c, t.events.c
        item_ids = [link.item_id for link in links]
        with self._writer.begin() as conn:
            previous: dict[str, str] = {}
            existing: set[str] = set()
            for i in range(0, len(links), IN_CHUNK):
                chunk = links[i : i + IN_CHUNK]
                previous.update(
                    conn.execute(
                        sa.select(s.item_id, s.event_id).where(s.item_id.in_(item_ids[i : i + IN_CHUNK]))
                    ).all()
                )
                existing.update(
                    row[0]
                    for row in conn.execute(sa.select(e.id).where(e.id.in_([self._event_id(link) for link in chunk])))
                )
            inserts: dict[str, dict[str, Any]] = {}
            refills: dict[str, dict[str, Any]] = {}
            touched: set[str] = set()
            for link in links:
                event_id = self._event_id(link)
                if event_id in existing:
                    # A joining report adds nothing to the event's own fields; the event's own report may fill gaps.
                    if link.event_id is None:
                        refills[event_id] = {"b_id": event_id, **event_columns(link.event)}
                    else:
                        touched.add(event_id)
                elif event_id not in inserts:
                    inserts[event_id] = {
                        "id": event_id,
                        "first_seen_at": at,
                        "updated_at": at,
                        **event_columns(link.event),
                    }
            if inserts:
                conn.execute(sa.insert(t.events), list(inserts.values()))
            if refills:
                columns: dict[str, Any] = {name: sa.bindparam(name) for name in event_columns({})}
                conn.execute(
                    sa.update(t.events).where(e.id == sa.bindparam("b_id")).values(updated_at=at, **columns),
                    list(refills.values()),
                )
            touched -= set(refills)
            for ids in chunks(sorted(touched)):
                conn.execute(sa.update(t.events).where(e.id.in_(ids)).values(updated_at=at))
            sources = [
                {
                    "item_id": link.item_id,
                    "event_id": self._event_id(link),
                    "site": link.site,
                    "linked_by": link.linked_by,
                    "similarity": link.similarity,
                    "signature": link.signature,
                    "linked_at": at,
                }
                for link in links
            ]
            stmt = self._insert(t.event_sources)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[s.item_id],
                    set_={
                        name: stmt.excluded[name]
                        for name in ("event_id", "site", "linked_by", "similarity", "signature", "linked_at")
                    },
                ),
                sources,
            )
            self._drop_orphans(conn, {old for old in previous.values() if old is not None})

    @staticmethod
    def _event_id(link: EventLink) -> str:
        """An item's own event is keyed by the item; a joined one keeps its id."""
        return link.event_id or own_event_id(link.item_id)

    @staticmethod
    def _drop_orphans(conn: sa.Connection, event_ids: set[str]) -> None:
        s, e = t.event_sources.c, t.events.c
        if not event_ids:
            return
        still = {row[0] for row in conn.execute(sa.select(s.event_id).where(s.event_id.in_(list(event_ids))))}
        gone = list(event_ids - still)
        if gone:
            conn.execute(sa.delete(t.events).where(e.id.in_(gone)))

    def unlink_events(self, item_ids: list[str]) -> None:
        """Detach items that no longer report an event; events left with no source are deleted."""
        if not item_ids:
            return
        s = t.event_sources.c
        with self._writer.begin() as conn:
            events = {row[0] for row in conn.execute(sa.select(s.event_id).where(s.item_id.in_(list(item_ids))))}
            conn.execute(sa.delete(t.event_sources).where(s.item_id.in_(list(item_ids))))
            self._drop_orphans(conn, events)

    def events(
        self,
        since: datetime | None = None,
        site: str | None = None,
        limit: int | None = None,
    ) -> list[EventRecord]:
        """Events with their sources, most recently updated first, filtered by update time and site."""
        e, s = t.events.c, t.event_sources.c
        query = sa.select(t.events).order_by(e.updated_at.desc(), e.start.desc(), e.id)
        if since is not None:
            query = query.where(e.updated_at >= utc(since))
        if site is not None:
            query = query.where(e.id.in_(sa.select(s.event_id).where(s.site == site)))
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            sources = self._sources(conn, [r["id"] for r in rows])
        return [self._event_record(r, sources.get(r["id"], [])) for r in rows]

    def event_of_item(self, item_id: str) -> EventRecord | None:
        """The event an item reports, with all its sources, or None."""
        e, s = t.events.c, t.event_sources.c
        query = sa.select(t.events).where(e.id == sa.select(s.event_id).where(s.item_id == item_id).scalar_subquery())
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
            if row is None:
                return None
            sources = self._sources(conn, [row["id"]])
        return self._event_record(row, sources.get(row["id"], []))

    @staticmethod
    def _sources(conn: sa.Connection, event_ids: Sequence[str]) -> dict[str, list[EventSource]]:
        s, it = t.event_sources.c, t.items.c
        out: dict[str, list[EventSource]] = {}
        for chunk in chunks(list(event_ids)):
            query = (
                sa.select(s.event_id, s.item_id, s.site, it.url, it.title, it.published, s.linked_by, s.similarity)
                .join(t.items, it.id == s.item_id)
                .where(s.event_id.in_(chunk))
                .order_by(s.event_id, it.published, s.item_id)
            )
            for r in conn.execute(query):
                out.setdefault(r[0], []).append(
                    EventSource(
                        item_id=r[1], site=r[2], url=r[3], title=r[4], published=r[5], linked_by=r[6], similarity=r[7]
                    )
                )
        return out

    @staticmethod
    def _event_record(r: Any, sources: list[EventSource]) -> EventRecord:
        return EventRecord(
            id=r["id"],
            name=r["name"],
            acronym=r["acronym"],
            type=r["type"],
            start=r["start"],
            end=r["end"],
            city=r["city"],
            country=r["country"],
            mode=r["mode"],
            data=dict(r["data"] or {}),
            first_seen_at=utc(r["first_seen_at"]),
            updated_at=utc(r["updated_at"]),
            sources=sources,
        )


__all__ = ["EventsMixin", "event_columns", "own_event_id"]
