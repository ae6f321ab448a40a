"""SQLAlchemy Core implementation of :class:`Store` for SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from . import tables as t
from .base import StoreError
from .engine import HINT, create_engine, mask_url, open_error
from .events import EventsMixin
from .holder import Holder
from .locks import LocksMixin
from .records import (
    ITEM_REMOVED,
    ChangeRecord,
    ItemWrite,
    KnownItem,
    RunRecord,
    SiteRecord,
    StoredItem,
    VersionRecord,
)
from .reviews import ReviewsMixin, change_log_query
from .search import SearchMixin
from .writes import chunks, plan_writes, utc, utc_or_none

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: The newest migration's revision; a database already there is opened without loading Alembic
#: (a test keeps this equal to the migrations' head).
HEAD_REVISION = "0008_feed_indexes"
# Arbitrary constant key for pg_advisory_xact_lock around migrations.
MIGRATION_LOCK_KEY = 0x6E657773  # "news"
#: The run stat a crawl that rechecked every listed article sets to 1.
FULL_STAT = "newswatch/revisit/full"

_ITEM_COLUMNS = (
    t.items.c.id,
    t.items.c.site,
    t.items.c.url,
    t.items.c.canonical_url,
    t.items.c.title,
    t.items.c.published,
    t.items.c.status,
    t.items.c.content_hash,
    t.items.c.extractor_version,
    t.items.c.first_seen_at,
    t.items.c.last_seen_at,
    t.items.c.version,
    t.items.c.data,
    t.items.c.last_checked_at,
)


def alembic_config():
    """An Alembic config pointing at the packaged migrations, no ini file needed."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


class Store(LocksMixin, EventsMixin, ReviewsMixin, SearchMixin):
    """Persistent state of newswatch (sites, runs, items, versions, changes, events) in SQLite or PostgreSQL."""

    def __init__(self, url: str, pool_size: int | None = None) -> None:
        self.engine = create_engine(url, pool_size=pool_size)
        self.url = mask_url(self.engine.url)
        self.dialect = self.engine.dialect.name
        # Writers take SQLite's write lock up front; harmless elsewhere.
        self._writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._insert = pg_insert if self.dialect == "postgresql" else sqlite_insert

    # -- lifecycle -------------------------------------------------------

    def _at_head(self) -> bool:
        """True when the database is already at HEAD_REVISION (one cheap query, no Alembic)."""
        try:
            with self.engine.connect() as conn:
                return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
        except sa.exc.ProgrammingError:  # PostgreSQL: no table yet
            return False
        except sa.exc.OperationalError as exc:
            if "no such table" in str(exc):  # SQLite: no table yet
                return False
            raise open_error(self.engine.url, exc) from exc
        except (sa.exc.InterfaceError, sa.exc.DatabaseError) as exc:  # e.g. a file that is not a database
            raise open_error(self.engine.url, exc) from exc

    def upgrade(self) -> None:
        """Bring the schema to the newest migration; a no-op when already there."""
        if self._at_head():
            return
        from alembic import command
        from alembic.util.exc import CommandError

        # Alembic announces its context on every open at INFO; that is noise in a crawl's log.
        logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
        config = alembic_config()
        try:
            with self._writer.begin() as conn:
                if self.dialect == "postgresql":
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except CommandError as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise StoreError(
                f"cannot migrate database {self.url}: {first} (is it from a newer newswatch?); {HINT}"
            ) from exc
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
            raise open_error(self.engine.url, exc) from exc

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at (None when never migrated)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    # -- sites -----------------------------------------------------------

    def upsert_site(self, site: SiteRecord) -> None:
        """Insert or replace the site registered under ``site.name``."""
        values = {
            "name": site.name,
            "title": site.title,
            "base_url": site.base_url,
            "aliases": list(site.aliases),
            "live_checked": site.live_checked,
        }
        stmt = self._insert(t.sites).values(values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.sites.c.name],
            set_={k: stmt.excluded[k] for k in values if k != "name"},
        )
        with self._writer.begin() as conn:
            conn.execute(stmt)

    def sites(self) -> list[SiteRecord]:
        """All registered sites, ordered by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.sites).order_by(t.sites.c.name)).mappings().all()
        return [
            SiteRecord(
                name=r["name"],
                title=r["title"],
                base_url=r["base_url"],
                aliases=list(r["aliases"] or []),
                live_checked=r["live_checked"],
            )
            for r in rows
        ]

    # -- runs ------------------------------------------------------------

    def begin_run(
        self, site: str, started_at: datetime, holder: Holder | None = None, worker: str | None = None
    ) -> int:
        """Record a crawl run with status "running" and return its id.

        ``holder`` is the crawl's process; ``worker`` the `newswatch worker` that started it, if any.
        """
        counters = dict.fromkeys(("pages", "items", "new", "updated", "removed", "reappeared", "errors"), 0)
        owner = {}
        if holder is not None:
            owner = {"pid": holder.pid, "host": holder.host, "proc_started": holder.proc_started}
        stmt = sa.insert(t.runs).values(
            site=site, started_at=utc(started_at), status="running", stats={}, worker=worker, **counters, **owner
        )
        with self._writer.begin() as conn:
            key = conn.execute(stmt).inserted_primary_key
            assert key is not None
            return int(key[0])

    def finish_run(
        self,
        run_id: int,
        *,
        finished_at: datetime,
        status: str,
        finish_reason: str | None,
        pages: int = 0,
        items: int = 0,
        new: int = 0,
        updated: int = 0,
        removed: int = 0,
        reappeared: int = 0,
        errors: int = 0,
        stats: dict[str, Any] | None = None,
    ) -> None:
        """Close a run with its final status and counters."""
        stmt = (
            sa.update(t.runs)
            .where(t.runs.c.id == run_id)
            .values(
                finished_at=utc(finished_at),
                status=status,
                finish_reason=finish_reason,
                pages=pages,
                items=items,
                new=new,
                updated=updated,
                removed=removed,
                reappeared=reappeared,
                errors=errors,
                stats=stats or {},
            )
        )
        with self._writer.begin() as conn:
            if conn.execute(stmt).rowcount == 0:
                raise KeyError(f"no run with id {run_id}")

    def get_run(self, run_id: int) -> RunRecord | None:
        """The run with this id, or None."""
        runs = self.runs(run_id=run_id)
        return runs[0] if runs else None

    def runs(self, site: str | None = None, limit: int | None = None, run_id: int | None = None) -> list[RunRecord]:
        """Runs, newest first, optionally of one site or one id only."""
        query = sa.select(t.runs).order_by(t.runs.c.started_at.desc(), t.runs.c.id.desc())
        if site is not None:
            query = query.where(t.runs.c.site == site)
        if run_id is not None:
            query = query.where(t.runs.c.id == run_id)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [RunRecord.from_row(r) for r in rows]

    # -- items: reads ----------------------------------------------------

    def known_items(self, site: str) -> dict[str, KnownItem]:
        """Light state of every item of a site keyed by id, in a single query."""
        c = t.items.c
        query = sa.select(
            c.id,
            c.url,
            c.content_hash,
            c.extractor_version,
            c.status,
            c.listing,
            c.page,
            c.last_seen_at,
            c.published,
            c.title,
            c.last_checked_at,
        ).where(c.site == site)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return {
            row[0]: KnownItem(
                id=row[0],
                url=row[1],
                content_hash=row[2],
                extractor_version=row[3],
                status=row[4],
                listing=row[5],
                page=row[6],
                last_seen_at=utc(row[7]),
                published=row[8],
                title=row[9],
                last_checked_at=utc(row[10] or row[7]),
            )
            for row in rows
        }

    def get_item(self, item_id: str) -> StoredItem | None:
        """The item with this id, or None."""
        query = sa.select(*_ITEM_COLUMNS).where(t.items.c.id == item_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return None if row is None else self._stored_item(row)

    def find_item(self, id_or_url: str) -> StoredItem | None:
        """The item whose id, url or canonical url equals the argument, or None."""
        c = t.items.c
        preference = sa.case((c.id == id_or_url, 0), (c.url == id_or_url, 1), else_=2)
        query = (
            sa.select(*_ITEM_COLUMNS)
            .where(sa.or_(c.id == id_or_url, c.url == id_or_url, c.canonical_url == id_or_url))
            .order_by(preference, c.last_seen_at.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return None if row is None else self._stored_item(row)

    @staticmethod
    def _stored_item(r: Any) -> StoredItem:
        return StoredItem(
            id=r["id"],
            site=r["site"],
            url=r["url"],
            canonical_url=r["canonical_url"],
            title=r["title"],
            published=r["published"],
            status=r["status"],
            content_hash=r["content_hash"],
            extractor_version=r["extractor_version"],
            first_seen_at=utc(r["first_seen_at"]),
            last_seen_at=utc(r["last_seen_at"]),
            version=r["version"],
            data=dict(r["data"] or {}),
            last_checked_at=utc_or_none(r["last_checked_at"]),
        )

    def versions(self, item_id: str) -> list[VersionRecord]:
        """Stored versions of an item, oldest first."""
        v = t.item_versions.c
        query = sa.select(t.item_versions).where(v.item_id == item_id).order_by(v.version)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            VersionRecord(
                item_id=r["item_id"],
                version=r["version"],
                content_hash=r["content_hash"],
                extractor_version=r["extractor_version"],
                fetched_at=utc(r["fetched_at"]),
                run_id=r["run_id"],
                data=dict(r["data"] or {}),
            )
            for r in rows
        ]

    def changes(
        self,
        site: str | None = None,
        since: datetime | None = None,
        kinds: list[str] | None = None,
        limit: int | None = None,
    ) -> list[ChangeRecord]:
        """The change log, newest first, filtered by site, time and kind."""
        ch = t.changes.c
        query = change_log_query().order_by(ch.detected_at.desc(), ch.id.desc())
        if site is not None:
            query = query.where(ch.site == site)
        if since is not None:
            query = query.where(ch.detected_at >= utc(since))
        if kinds is not None:
            query = query.where(ch.kind.in_(list(kinds)))
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            ChangeRecord(
                id=r["id"],
                run_id=r["run_id"],
                item_id=r["item_id"],
                site=r["site"],
                url=r["url"],
                title=r["title"],
                kind=r["kind"],
                detected_at=utc(r["detected_at"]),
                changed_fields=list(r["changed_fields"] or []),
                diff=r["diff"],
                version=r["version"],
            )
            for r in rows
        ]

    # -- items: writes ---------------------------------------------------

    def save_items(self, run_id: int | None, writes: list[ItemWrite]) -> None:
        """Persist a batch of classified items in one transaction.

        Upserts each item, stores a new version when its content hash differs
        from the latest stored one, and logs a change for kinds new, updated
        and reappeared. "unchanged" only refreshes when/where it was seen.
        """
        if not writes:
            return
        ids = list(dict.fromkeys(str(w.item["id"]) for w in writes))
        with self._writer.begin() as conn:
            # Writers of one site take turns (SQLite: BEGIN IMMEDIATE), so the state read here is
            # the one the plan is written over; inserts still give way to a row already there.
            for site in sorted({str(w.item.get("site")) for w in writes}):
                self._serialise_site(conn, site)
            state = self._item_state(conn, ids)
            plan = plan_writes(run_id, writes, state)
            if plan.upserts:
                conn.execute(self._item_upsert(), plan.upserts)
            if plan.touches:
                conn.execute(self._item_touch(), plan.touches)
            if plan.versions:
                conn.execute(self._insert(t.item_versions).on_conflict_do_nothing(), plan.versions)
            if plan.changes:
                conn.execute(self._insert(t.changes).on_conflict_do_nothing(), plan.changes)

    def _item_state(self, conn: sa.Connection, ids: Sequence[str]) -> dict[str, tuple[int, str]]:
        """Current (version, content_hash) of the given items that exist."""
        c = t.items.c
        state: dict[str, tuple[int, str]] = {}
        for chunk in chunks(ids):
            rows = conn.execute(sa.select(c.id, c.version, c.content_hash).where(c.id.in_(chunk)))
            state.update((row[0], (row[1], row[2])) for row in rows)
        return state

    def _item_upsert(self) -> Any:
        c = t.items.c
        stmt = self._insert(t.items)
        keep_if_null = ("listing", "page")
        updates = {
            col.name: stmt.excluded[col.name]
            for col in t.items.columns
            if col.name not in ("id", "first_seen_at") and col.name not in keep_if_null
        }
        for name in keep_if_null:
            updates[name] = sa.func.coalesce(stmt.excluded[name], c[name])
        return stmt.on_conflict_do_update(index_elements=[c.id], set_=updates)

    @staticmethod
    def _item_touch() -> Any:
        c = t.items.c
        return (
            sa.update(t.items)
            .where(c.id == sa.bindparam("b_id"))
            .values(
                last_seen_at=sa.bindparam("b_at"),
                last_run_id=sa.bindparam("b_run"),
                listing=sa.func.coalesce(sa.bindparam("b_listing", type_=sa.Text), c.listing),
                page=sa.func.coalesce(sa.bindparam("b_page", type_=sa.Integer), c.page),
            )
        )

    def touch_items(self, run_id: int | None, ids: list[str], at: datetime) -> None:
        """Mark items as seen at ``at`` without new content (e.g. HTTP 304)."""
        if not ids:
            return
        c = t.items.c
        with self._writer.begin() as conn:
            for chunk in chunks(list(dict.fromkeys(ids))):
                conn.execute(sa.update(t.items).where(c.id.in_(chunk)).values(last_seen_at=utc(at), last_run_id=run_id))

    def mark_checked(self, ids: list[str], at: datetime) -> None:
        """Record that the items' pages were checked at ``at`` (fetched, or answered 304)."""
        if not ids:
            return
        c = t.items.c
        with self._writer.begin() as conn:
            for chunk in chunks(list(dict.fromkeys(ids))):
                conn.execute(sa.update(t.items).where(c.id.in_(chunk)).values(last_checked_at=utc(at)))

    def last_full_recheck(self, site: str) -> datetime | None:
        """Start of the site's latest ok or partial run that rechecked every listed article, if any."""
        r = t.runs.c
        query = (
            sa.select(sa.func.max(r.started_at))
            .where(r.site == site, r.status.in_(("ok", "partial")))
            .where(r.stats[FULL_STAT].as_integer() == 1)
        )
        with self.engine.connect() as conn:
            return utc_or_none(conn.execute(query).scalar())

    def mark_removed(self, run_id: int | None, ids: list[str], at: datetime) -> None:
        """Flag active items as removed and log a "removed" change for each."""
        if not ids:
            return
        c = t.items.c
        at = utc(at)
        with self._writer.begin() as conn:
            for chunk in chunks(list(dict.fromkeys(ids))):
                live = conn.execute(
                    sa.select(c.id, c.site, c.version).where(c.id.in_(chunk), c.status != ITEM_REMOVED)
                ).all()
                if not live:
                    continue
                conn.execute(sa.update(t.items).where(c.id.in_([row[0] for row in live])).values(status=ITEM_REMOVED))
                conn.execute(
                    sa.insert(t.changes),
                    [
                        {
                            "run_id": run_id,
                            "item_id": item_id,
                            "site": site,
                            "kind": "removed",
                            "detected_at": at,
                            "changed_fields": [],
                            "diff": None,
                            "version": version,
                        }
                        for item_id, site, version in live
                    ],
                )


__all__ = ["Store", "alembic_config"]
