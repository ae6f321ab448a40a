"""Several machines: the worker of each run, the schedule kept in the database, the live workers.

``runs.worker`` names the `newswatch worker` that ran a crawl (NULL for `newswatch crawl` and
`newswatch run`). ``site_schedule`` holds each site's next due time for the dispatch of
`newswatch worker`; ``cluster_workers`` names the task-queue workers (host, pid) beside their id.

Revision ID: 0007_cluster
Revises: 0006_revisit
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_cluster"
down_revision = "0006_revisit"
branch_labels = None
depends_on = None


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("runs", sa.Column("worker", sa.Text, nullable=True))
    op.create_table(
        "site_schedule",
        sa.Column("site", sa.Text, nullable=False),
        sa.Column("next_run_at", _ts(), nullable=False),
        sa.Column("last_queued_at", _ts(), nullable=True),
        sa.PrimaryKeyConstraint("site", name="pk_site_schedule"),
    )
    op.create_table(
        "cluster_workers",
        sa.Column("id", sa.BigInteger, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("host", sa.Text, nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("queue", sa.Text, nullable=False),
        sa.Column("concurrency", sa.Integer, nullable=False),
        sa.Column("started_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cluster_workers"),
    )


def downgrade() -> None:
    op.drop_table("cluster_workers")
    op.drop_table("site_schedule")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("worker")
