"""what a list page listed, kept with its validators

A conditional request to a source's first list page that answers 304 says nothing about the
pages after it, nor which calls the page lists. `http_cache.listing` keeps, per list page,
what the crawler read from it last time (the ids it lists and the address of the next page),
so that an unchanged page still leads to the next one and confirms its own calls.

Rows stored before this upgrade get NULL: such a page, when unchanged, is read once in full
(without a conditional request) and its listing kept from then on.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-27 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE as in 0012: a nullable column needs no copy of the table.
    op.add_column("http_cache", sa.Column("listing", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("http_cache", "listing")
