"""Crawl leases and run owners: one crawl per site at a time, and a dead crawl's run seen as such.

``site_locks`` holds one lease row per site being crawled (who: pid, host, process start time; and a
heartbeat). ``runs`` records the process that made each run, so a run whose process is gone can be
recorded as interrupted. A partial unique index keeps one "new"/"updated" change per item version
(duplicates from concurrent crawls before it are removed first).

Revision ID: 0004_faults
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_faults"
down_revision = "0003"
branch_labels = None
depends_on = None

FLAGGED = "kind IN ('new', 'updated')"


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "site_locks",
        sa.Column("site", sa.Text, nullable=False),
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("host", sa.Text, nullable=False),
        sa.Column("proc_started", sa.Float, nullable=True),
        sa.Column("acquired_at", _ts(), nullable=False),
        sa.Column("heartbeat_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("site", name="pk_site_locks"),
    )
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("pid", sa.Integer, nullable=True))
        batch.add_column(sa.Column("host", sa.Text, nullable=True))
        batch.add_column(sa.Column("proc_started", sa.Float, nullable=True))
    op.execute(
        "DELETE FROM changes WHERE kind IN ('new', 'updated') AND id NOT IN "
        "(SELECT min_id FROM (SELECT MIN(id) AS min_id FROM changes WHERE kind IN ('new', 'updated') "
        "GROUP BY item_id, version) AS firsts)"
    )
    op.create_index(
        "ix_changes_item_id_version_flagged",
        "changes",
        ["item_id", "version"],
        unique=True,
        sqlite_where=sa.text(FLAGGED),
        postgresql_where=sa.text(FLAGGED),
    )


def downgrade() -> None:
    op.drop_index("ix_changes_item_id_version_flagged", table_name="changes")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("proc_started")
        batch.drop_column("host")
        batch.drop_column("pid")
    op.drop_table("site_locks")
