"""the day a login was deactivated

`weekly` erases logins deactivated longer than USER_ERASE_AFTER_DAYS (privacy.forget_user).
`users.deactivated_at` holds the moment of the deactivation (naive UTC); it is cleared when
the login is reactivated.

Logins deactivated before this upgrade get NULL: when they left is unknown, and they are
never erased automatically (`user forget` still erases them on request).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, no batch copy of `users` (see 0012): a copy on SQLite would drop the
    # table, and its ON DELETE CASCADE the sessions with it.
    op.add_column("users", sa.Column("deactivated_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "deactivated_at")
