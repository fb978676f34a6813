"""the time of day of a deadline

A deadline's time as the source gives it ("17:00:00 Brussels time", "12:00 Uhr"), in German
time as "HH:MM": `deadline_time` for the main deadline, `deadline_times` by stage. NULL and
an empty object mean "no time given": the deadline counts for the whole day, as before.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, no batch copy of `calls`: on SQLite a copy drops the table, and its
    # ON DELETE CASCADE would take the change history and reviews with it.
    op.add_column("calls", sa.Column("deadline_time", sa.String(length=5), nullable=True))
    op.add_column("calls", sa.Column("deadline_times", sa.JSON(), nullable=True))
    # Existing calls have no stage times: an empty object, as a new call has, so that the next
    # scrape does not record "no value → {}" as a change of every call.
    op.execute(sa.text("UPDATE calls SET deadline_times = '{}'"))


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+), for the same reason as above.
    op.drop_column("calls", "deadline_times")
    op.drop_column("calls", "deadline_time")
