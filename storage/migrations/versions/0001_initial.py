"""Initial schema: sites, runs, items, item_versions, changes.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("base_url", sa.Text, nullable=False),
        sa.Column("aliases", _json(), nullable=False),
        sa.Column("live_checked", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("name", name="pk_sites"),
    )

    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("site", sa.Text, nullable=False),
        sa.Column("started_at", _ts(), nullable=False),
        sa.Column("finished_at", _ts(), nullable=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("finish_reason", sa.Text, nullable=True),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("new", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("removed", sa.Integer, nullable=False),
        sa.Column("reappeared", sa.Integer, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("stats", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_index("ix_runs_site_started_at", "runs", ["site", "started_at"])

    op.create_table(
        "items",
        sa.Column("id", sa.Text, nullable=False),
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
        sa.Column("first_seen_at", _ts(), nullable=False),
        sa.Column("last_seen_at", _ts(), nullable=False),
        sa.Column("last_run_id", sa.Integer, nullable=True),
        sa.Column("data", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_items"),
        sa.ForeignKeyConstraint(["last_run_id"], ["runs.id"], name="fk_items_last_run_id_runs", ondelete="SET NULL"),
    )
    op.create_index("ix_items_site", "items", ["site"])
    op.create_index("ix_items_url", "items", ["url"])
    op.create_index("ix_items_canonical_url", "items", ["canonical_url"])

    op.create_table(
        "item_versions",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("extractor_version", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("fetched_at", _ts(), nullable=False),
        sa.Column("run_id", sa.Integer, nullable=True),
        sa.Column("data", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_item_versions"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_item_versions_item_id_items", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_item_versions_run_id_runs", ondelete="SET NULL"),
    )
    op.create_index("ix_item_versions_item_id_version", "item_versions", ["item_id", "version"], unique=True)

    op.create_table(
        "changes",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=True),
        sa.Column("item_id", sa.Text, nullable=False),
        sa.Column("site", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("detected_at", _ts(), nullable=False),
        sa.Column("changed_fields", _json(), nullable=False),
        sa.Column("diff", _json(), nullable=True),
        sa.Column("version", sa.Integer, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_changes"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_changes_run_id_runs", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_changes_item_id_items", ondelete="CASCADE"),
    )
    op.create_index("ix_changes_site_detected_at", "changes", ["site", "detected_at"])
    op.create_index("ix_changes_detected_at", "changes", ["detected_at"])
    op.create_index("ix_changes_run_id", "changes", ["run_id"])
    op.create_index("ix_changes_item_id", "changes", ["item_id"])


def downgrade() -> None:
    op.drop_table("changes")
    op.drop_table("item_versions")
    op.drop_table("items")
    op.drop_table("runs")
    op.drop_table("sites")
