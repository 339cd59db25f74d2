"""feeds, feed_items, feed_errors and tasks.revises: watched RSS/Atom feeds, polled under a lease

A feed item seen before keeps its content hash; when the hash changes, its new translation is a task
that names the edition it revises (`tasks.revises`), so the edition gets a new revision, not a twin.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("revises", sa.String(length=32), nullable=True))
    op.create_table(
        "feeds",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("every_s", sa.Integer(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner", "url", name="uq_feeds_owner_url"),
    )
    op.create_index("ix_feeds_due", "feeds", ["next_poll_at"], unique=False)
    op.create_table(
        "feed_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("feed_id", sa.String(length=32), nullable=False),
        sa.Column("item_key", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=True),
        sa.Column("job_id", sa.String(length=32), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("editions", sa.JSON(), nullable=False),
        sa.Column("revisions", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("feed_id", "item_key", name="uq_feed_items_item"),
    )
    op.create_index("ix_feed_items_feed_id", "feed_items", ["feed_id"], unique=False)
    op.create_table(
        "feed_errors",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("feed_id", sa.String(length=32), nullable=False),
        sa.Column("item", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_feed_errors_feed_id", "feed_errors", ["feed_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_feed_errors_feed_id", table_name="feed_errors")
    op.drop_table("feed_errors")
    op.drop_index("ix_feed_items_feed_id", table_name="feed_items")
    op.drop_table("feed_items")
    op.drop_index("ix_feeds_due", table_name="feeds")
    op.drop_table("feeds")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("revises")
