"""When each item's page was last checked (fetched, or answered 304), for the rolling recheck.

Existing items take their last-seen time: until now an item was seen only when its page was checked.

Revision ID: 0006_revisit
Revises: 0005_search_vector
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_revisit"
down_revision = "0005_search_vector"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("items", sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE items SET last_checked_at = last_seen_at")


def downgrade() -> None:
    op.drop_column("items", "last_checked_at")
