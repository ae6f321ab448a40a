"""Indexes for the change feed's order and filters and for search within a site, so that they cost
the same at 1M items as at 10k.

The feed is ordered by (detected_at, id), filtered by site, kind or both, and paged by keyset on
(detected_at, id): each index ends with both keys, so a page (and a keyset page's row comparison)
is read straight from one index in order, and the page's ids come from the index alone. The
(detected_at) and (site, detected_at) indexes are replaced by their longer forms. Search within a
site takes its newest matches from (site, first_seen_at), which also serves lookups by site and
replaces (site).

Revision ID: 0008_feed_indexes
Revises: 0007_cluster
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0008_feed_indexes"
down_revision = "0007_cluster"
branch_labels = None
depends_on = None

#: name -> columns of the new indexes on changes.
INDEXES = {
    "ix_changes_detected_at_id": ["detected_at", "id"],
    "ix_changes_site_detected_at_id": ["site", "detected_at", "id"],
    "ix_changes_kind_detected_at_id": ["kind", "detected_at", "id"],
    "ix_changes_site_kind_detected_at_id": ["site", "kind", "detected_at", "id"],
}
REPLACED = {"ix_changes_detected_at": ["detected_at"], "ix_changes_site_detected_at": ["site", "detected_at"]}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "changes", columns)
    op.create_index("ix_items_site_first_seen_at", "items", ["site", "first_seen_at"])
    for name in REPLACED:
        op.drop_index(name, table_name="changes")
    op.drop_index("ix_items_site", table_name="items")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE changes")


def downgrade() -> None:
    op.create_index("ix_items_site", "items", ["site"])
    for name, columns in REPLACED.items():
        op.create_index(name, "changes", columns)
    op.drop_index("ix_items_site_first_seen_at", table_name="items")
    for name in INDEXES:
        op.drop_index(name, table_name="changes")
