"""Analysts' reviews of changes, and full-text search over items' title and body.

SQLite: an external-content FTS5 table over a view of ``items`` (title and the body inside the
JSON ``data``), kept in sync by triggers and rebuilt from the existing rows here. PostgreSQL: a GIN
index on the ``simple`` tsvector of the same text. Neither is in ``storage.tables`` (see
``include_name`` there).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PG_DOCUMENT = "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(data->>'body', ''))"

SQLITE_UP = [
    # FTS5 reads the indexed text back (snippets, 'delete', 'rebuild') through this view.
    "CREATE VIEW items_fts_src AS SELECT rowid AS rid, title, json_extract(data, '$.body') AS body FROM items",
    "CREATE VIRTUAL TABLE items_fts USING fts5(title, body, content='items_fts_src', content_rowid='rid', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN "
    "INSERT INTO items_fts(rowid, title, body) VALUES (new.rowid, new.title, json_extract(new.data, '$.body')); END",
    "CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN "
    "INSERT INTO items_fts(items_fts, rowid, title, body) "
    "VALUES ('delete', old.rowid, old.title, json_extract(old.data, '$.body')); END",
    "CREATE TRIGGER items_fts_au AFTER UPDATE OF title, data ON items BEGIN "
    "INSERT INTO items_fts(items_fts, rowid, title, body) "
    "VALUES ('delete', old.rowid, old.title, json_extract(old.data, '$.body')); "
    "INSERT INTO items_fts(rowid, title, body) VALUES (new.rowid, new.title, json_extract(new.data, '$.body')); END",
    "INSERT INTO items_fts(items_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS items_fts_au",
    "DROP TRIGGER IF EXISTS items_fts_ad",
    "DROP TRIGGER IF EXISTS items_fts_ai",
    "DROP TABLE IF EXISTS items_fts",
    "DROP VIEW IF EXISTS items_fts_src",
]


def upgrade() -> None:
    op.create_table(
        "change_reviews",
        sa.Column("change_id", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("change_id", name="pk_change_reviews"),
        sa.ForeignKeyConstraint(
            ["change_id"], ["changes.id"], name="fk_change_reviews_change_id_changes", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_change_reviews_status", "change_reviews", ["status"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_items_search ON items USING gin ({PG_DOCUMENT})")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_items_search")
    op.drop_table("change_reviews")
