"""tasks.source_lang: the source language each submission gave, since articles are shared by content id

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 12:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("source_lang", sa.String(length=16), nullable=True))
    # Tasks queued before this revision take the stored article's language, as they did.
    op.execute(
        "UPDATE tasks SET source_lang = "
        "(SELECT articles.source_lang FROM articles WHERE articles.id = tasks.article_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("source_lang")
