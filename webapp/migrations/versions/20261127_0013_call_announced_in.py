"""the digest that announced a call

The weekly digest listed the calls first seen in its window whose score passed its bar at
that moment. A call that passed only later (a changed text, a new strategy version, the
officers' decisions) was never announced. `announced_in` holds the period key of the digest
that announced a call and reached someone; the digest also lists the calls seen earlier
that have none yet.

The calls that exist now count as announced (empty key): the first digest after the upgrade
lists what it listed before, not every current candidate.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, no batch copy of `calls` (see 0012): a copy on SQLite would drop
    # the table, and its ON DELETE CASCADE the change history and reviews with it.
    op.add_column("calls", sa.Column("announced_in", sa.String(length=16), nullable=True))
    op.execute(sa.text("UPDATE calls SET announced_in = ''"))


def downgrade() -> None:
    op.drop_column("calls", "announced_in")
