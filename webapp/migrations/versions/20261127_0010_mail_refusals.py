"""addresses the mail server refused for good

A recipient the server refused permanently (550 "mailbox unknown") was retried on every
run, and every run failed. Now the address is recorded in `mail_refusals` and left out until
its retry time, a new attempt asked for on the Benutzer page or a mail to it that goes
through; `sent_mails.status` gains the value "refused" (a string column: no change needed).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_refusals",
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("refused_at", sa.DateTime(), nullable=False),
        sa.Column("retry_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("address"),
    )


def downgrade() -> None:
    op.drop_table("mail_refusals")
