"""PostgreSQL search on a stored tsvector: a generated column with its GIN index.

Revision 0003 indexed an expression, so ranking and rechecking re-parsed every matching body; the
stored column is parsed once, when a row is written. An index on ``first_seen_at`` lets the search
pick its bounded candidate set (the most recently first-seen matches) without sorting every match.
SQLite keeps its FTS5 table (its rowids give the same order).

Revision ID: 0005_search_vector
Revises: 0004_faults
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0005_search_vector"
down_revision = "0004_faults"
branch_labels = None
depends_on = None

DOCUMENT = "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(data->>'body', ''))"
OLD_INDEX = f"CREATE INDEX ix_items_search ON items USING gin ({DOCUMENT})"


def upgrade() -> None:
    op.create_index("ix_items_first_seen_at", "items", ["first_seen_at"])
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE items ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED")
    # fastupdate off: rows go straight into the index, never into a pending list every search must scan
    op.execute("CREATE INDEX ix_items_search_vector ON items USING gin (search_vector) WITH (fastupdate = off)")
    op.execute("DROP INDEX IF EXISTS ix_items_search")
    op.execute("ANALYZE items")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(OLD_INDEX)
        op.execute("DROP INDEX IF EXISTS ix_items_search_vector")
        op.execute("ALTER TABLE items DROP COLUMN IF EXISTS search_vector")
    op.drop_index("ix_items_first_seen_at", table_name="items")
