"""login limits shared by all app processes

The failed logins per client address (webapp/throttle.py) and the lockout of e-mails without
an account (users.UnknownEmailLockout) were counted in each process's memory: with several
workers behind nginx an attacker got the limit once per worker, and a restart forgot the
counts. Both now live in the database: one row per failed login (the limit counts the rows
of an address in its window, and rows older than the window are deleted as new failures
come), and the two lockout columns of `users` for each unknown e-mail. Nothing to carry over.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_key_at", ["key", "at"], unique=False)
        batch_op.create_index("ix_login_failures_at", ["at"], unique=False)
    op.create_table(
        "unknown_emails",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
    )
    with op.batch_alter_table("unknown_emails", schema=None) as batch_op:
        batch_op.create_index("ix_unknown_emails_last_seen", ["last_seen"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("unknown_emails", schema=None) as batch_op:
        batch_op.drop_index("ix_unknown_emails_last_seen")
    op.drop_table("unknown_emails")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_at")
        batch_op.drop_index("ix_login_failures_key_at")
    op.drop_table("login_failures")
