"""who changed a call entered by hand

Calls entered by hand can be corrected in their form (/aufrufe/<id>/bearbeiten). Such an edit
is recorded in the call's change history like a rescrape, one row per changed field; the
new column says which officer saved it. Changes found by scrapes and imports have none, and
so have all rows written before this revision.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# PostgreSQL's own name for the constraint, given on SQLite too so the downgrade finds it.
FOREIGN_KEY = "call_changes_user_id_fkey"


def upgrade() -> None:
    with op.batch_alter_table("call_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FOREIGN_KEY, "users", ["user_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("call_changes", schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch_op.drop_column("user_id")
