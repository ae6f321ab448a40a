"""Events reported by items, and which items report each one.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("acronym", sa.Text, nullable=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("start", sa.Text, nullable=True),
        sa.Column("end", sa.Text, nullable=True),
        sa.Column("city", sa.Text, nullable=True),
        sa.Column("country", sa.Text, nullable=True),
        sa.Column("mode", sa.Text, nullable=True),
        sa.Column("data", _json(), nullable=False),
        sa.Column("first_seen_at", _ts(), nullable=False),
        sa.Column("updated_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_index("ix_events_start", "events", ["start"])
    op.create_index("ix_events_updated_at", "events", ["updated_at"])
    op.create_table(
        "event_sources",
        sa.Column("item_id", sa.Text, nullable=False),
        sa.Column("event_id", sa.Text, nullable=False),
        sa.Column("site", sa.Text, nullable=False),
        sa.Column("linked_by", sa.Text, nullable=False),
        sa.Column("similarity", sa.Float, nullable=True),
        sa.Column("signature", sa.LargeBinary, nullable=True),
        sa.Column("linked_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("item_id", name="pk_event_sources"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_event_sources_item_id_items", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name="fk_event_sources_event_id_events", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_event_sources_event_id", "event_sources", ["event_id"])
    op.create_index("ix_event_sources_site", "event_sources", ["site"])


def downgrade() -> None:
    op.drop_table("event_sources")
    op.drop_table("events")
