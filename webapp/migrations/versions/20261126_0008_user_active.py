"""a login can be deactivated

An administrator takes away the access of an officer who leaves without deleting the account:
the officer's past decisions, notes and edits keep their name. A deactivated login cannot log
in, its sessions end, and it gets no mail. Every login that exists is active.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        # The server default fills the existing rows (and rows written by older code).
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("active")
