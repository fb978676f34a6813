"""what the officers' decisions did to a match

The matcher now says, for each stored match, how the decisions on similar calls moved its
score (with the decisions minus without) and which confirmed and dismissed calls are nearest
to it, so that the call page can show why a call rose or fell. Rows written before this
revision have none, and so have matches of projects without decisions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decisions", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_column("decisions")
