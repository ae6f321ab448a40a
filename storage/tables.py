"""SQLAlchemy Core table definitions; must match the Alembic migrations."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def json_type() -> sa.types.TypeEngine:
    """JSON everywhere, stored as JSONB on PostgreSQL."""
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def timestamp() -> sa.DateTime:
    """Timezone-aware timestamp (SQLite stores naive UTC; the store normalises)."""
    return sa.DateTime(timezone=True)


sites = sa.Table(
    "sites",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("base_url", sa.Text, nullable=False),
    sa.Column("aliases", json_type(), nullable=False),
    sa.Column("live_checked", sa.Text, nullable=True),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("site", sa.Text, nullable=False),
    sa.Column("started_at", timestamp(), nullable=False),
    sa.Column("finished_at", timestamp(), nullable=True),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("finish_reason", sa.Text, nullable=True),
    sa.Column("pages", sa.Integer, nullable=False),
    sa.Column("items", sa.Integer, nullable=False),
    sa.Column("new", sa.Integer, nullable=False),
    sa.Column("updated", sa.Integer, nullable=False),
    sa.Column("removed", sa.Integer, nullable=False),
    sa.Column("reappeared", sa.Integer, nullable=False),
    sa.Column("errors", sa.Integer, nullable=False),
    sa.Column("stats", json_type(), nullable=False),
    # The process that made the run, so a run whose process is gone is seen as interrupted.
    sa.Column("pid", sa.Integer, nullable=True),
    sa.Column("host", sa.Text, nullable=True),
    sa.Column("proc_started", sa.Float, nullable=True),
    sa.Column("worker", sa.Text, nullable=True),
    sa.Index("ix_runs_site_started_at", "site", "started_at"),
)

#: One lease per site being crawled (see storage.locks): who holds it and when it last said so.
site_locks = sa.Table(
    "site_locks",
    metadata,
    sa.Column("site", sa.Text, primary_key=True),
    sa.Column("owner", sa.Text, nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("host", sa.Text, nullable=False),
    sa.Column("proc_started", sa.Float, nullable=True),
    sa.Column("acquired_at", timestamp(), nullable=False),
    sa.Column("heartbeat_at", timestamp(), nullable=False),
)

#: When each site is next due, for the dispatch of `newswatch worker` (several machines).
site_schedule = sa.Table(
    "site_schedule",
    metadata,
    sa.Column("site", sa.Text, primary_key=True),
    sa.Column("next_run_at", timestamp(), nullable=False),
    sa.Column("last_queued_at", timestamp(), nullable=True),
)

#: The task queue's live workers by id, with the host and process that run them.
cluster_workers = sa.Table(
    "cluster_workers",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("host", sa.Text, nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("queue", sa.Text, nullable=False),
    sa.Column("concurrency", sa.Integer, nullable=False),
    sa.Column("started_at", timestamp(), nullable=False),
)

items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("site", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("canonical_url", sa.Text, nullable=True),
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("published", sa.Text, nullable=True),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("content_hash", sa.Text, nullable=False),
    sa.Column("extractor_version", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("listing", sa.Text, nullable=True),
    sa.Column("page", sa.Integer, nullable=True),
    sa.Column("first_seen_at", timestamp(), nullable=False),
    sa.Column("last_seen_at", timestamp(), nullable=False),
    #: When the item's page was last fetched or answered 304 (the rolling recheck's order).
    sa.Column("last_checked_at", timestamp(), nullable=True),
    sa.Column(
        "last_run_id",
        sa.Integer,
        sa.ForeignKey("runs.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("data", json_type(), nullable=False),
    # Lookups by site, and search within a site newest first (migration 0008).
    sa.Index("ix_items_site_first_seen_at", "site", "first_seen_at"),
    sa.Index("ix_items_url", "url"),
    sa.Index("ix_items_canonical_url", "canonical_url"),
    sa.Index("ix_items_first_seen_at", "first_seen_at"),
)

item_versions = sa.Table(
    "item_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "item_id",
        sa.Text,
        sa.ForeignKey("items.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("content_hash", sa.Text, nullable=False),
    sa.Column("extractor_version", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("fetched_at", timestamp(), nullable=False),
    sa.Column(
        "run_id",
        sa.Integer,
        sa.ForeignKey("runs.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("data", json_type(), nullable=False),
    sa.Index("ix_item_versions_item_id_version", "item_id", "version", unique=True),
)

changes = sa.Table(
    "changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "run_id",
        sa.Integer,
        sa.ForeignKey("runs.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column(
        "item_id",
        sa.Text,
        sa.ForeignKey("items.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("site", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("detected_at", timestamp(), nullable=False),
    sa.Column("changed_fields", json_type(), nullable=False),
    sa.Column("diff", json_type(), nullable=True),
    sa.Column("version", sa.Integer, nullable=True),
    # The feed's order, (detected_at, id), after each of its filters (migration 0008).
    sa.Index("ix_changes_detected_at_id", "detected_at", "id"),
    sa.Index("ix_changes_site_detected_at_id", "site", "detected_at", "id"),
    sa.Index("ix_changes_kind_detected_at_id", "kind", "detected_at", "id"),
    sa.Index("ix_changes_site_kind_detected_at_id", "site", "kind", "detected_at", "id"),
    sa.Index("ix_changes_run_id", "run_id"),
    sa.Index("ix_changes_item_id", "item_id"),
    # A version is flagged new/updated once, however many crawls store it.
    sa.Index(
        "ix_changes_item_id_version_flagged",
        "item_id",
        "version",
        unique=True,
        sqlite_where=sa.text("kind IN ('new', 'updated')"),
        postgresql_where=sa.text("kind IN ('new', 'updated')"),
    ),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("acronym", sa.Text, nullable=True),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("start", sa.Text, nullable=True),
    sa.Column("end", sa.Text, nullable=True),
    sa.Column("city", sa.Text, nullable=True),
    sa.Column("country", sa.Text, nullable=True),
    sa.Column("mode", sa.Text, nullable=True),
    sa.Column("data", json_type(), nullable=False),
    sa.Column("first_seen_at", timestamp(), nullable=False),
    sa.Column("updated_at", timestamp(), nullable=False),
    sa.Index("ix_events_start", "start"),
    sa.Index("ix_events_updated_at", "updated_at"),
)

event_sources = sa.Table(
    "event_sources",
    metadata,
    sa.Column(
        "item_id",
        sa.Text,
        sa.ForeignKey("items.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "event_id",
        sa.Text,
        sa.ForeignKey("events.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("site", sa.Text, nullable=False),
    sa.Column("linked_by", sa.Text, nullable=False),
    sa.Column("similarity", sa.Float, nullable=True),
    sa.Column("signature", sa.LargeBinary, nullable=True),
    sa.Column("linked_at", timestamp(), nullable=False),
    sa.Index("ix_event_sources_event_id", "event_id"),
    sa.Index("ix_event_sources_site", "site"),
)

change_reviews = sa.Table(
    "change_reviews",
    metadata,
    sa.Column(
        "change_id",
        sa.Integer,
        sa.ForeignKey("changes.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("reviewed_at", timestamp(), nullable=False),
    sa.Index("ix_change_reviews_status", "status"),
)

#: Full-text search objects made by raw DDL in migrations 0003 and 0004 (SQLite FTS5 table with its
#: shadow tables and triggers; PostgreSQL's generated tsvector column ``search_vector`` and its GIN
#: index): not modelled here, so kept out of comparisons.
SEARCH_OBJECTS = ("items_fts", "ix_items_search", "search_vector")


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic ``include_name`` filter: everything but the full-text search objects."""
    return not (name or "").startswith(SEARCH_OBJECTS)
