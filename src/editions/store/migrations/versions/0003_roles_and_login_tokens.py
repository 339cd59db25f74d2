"""api_keys.role, login_tokens, and an index on jobs by owner: tenancy and short-lived sign-ins

Keys made before this revision become editors: until now every key saw and reviewed every job, and
the revision cannot tell a review desk's key from a CMS's, so taking that away would lock the desk
out of its own work on upgrade. Keys made from now on are submitters unless created otherwise, and
the column's default for a row written without a role is submitter too. Demote a CMS's key with
`editions keys role PREFIX submitter`. Importing TMX now needs an admin key, which no key is yet.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # existing rows take 'editor' (see above); the default for rows written later is 'submitter'
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("role", sa.String(length=16), nullable=False, server_default="editor"))
    with op.batch_alter_table("api_keys") as batch:
        batch.alter_column("role", existing_type=sa.String(length=16), server_default="submitter")
    op.create_table(
        "login_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["key_id"], ["api_keys.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_login_tokens_key_id", "login_tokens", ["key_id"], unique=False)
    op.create_index("ix_jobs_owner_created", "jobs", ["owner", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_jobs_owner_created", table_name="jobs")
    op.drop_index("ix_login_tokens_key_id", table_name="login_tokens")
    op.drop_table("login_tokens")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("role")
