"""the hints of a scrape run

A run that did not fail can still have something to say: a page robots.txt refused, a
malformed feed that was read anyway, an empty listing that was not trusted. Until now these
were printed by `scrape` and then lost; they are kept on the run, one per line, so the
Quellen page can show them afterwards. Existing runs get an empty text.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The server default fills the rows of earlier runs, so the column can be NOT NULL.
    with op.batch_alter_table("scrape_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warnings", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("scrape_runs", schema=None) as batch_op:
        batch_op.drop_column("warnings")
