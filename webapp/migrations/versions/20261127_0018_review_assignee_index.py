"""an index of the reviews by assignee, for the lists' Zuständig filter

`zustaendig=mir` (or a colleague's id) selects the calls whose review names that login
(`queries.assignee_clause`): the calls are found by their ids from this index, a few rows
for one person, instead of a scan of every review (SQLite) or every open call (the count
read the open calls one by one: 0.1-0.2 s at 50,000 calls). `call_id` comes with it, so the
index alone answers the subquery.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-27 18:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_reviews_assignee", "reviews", ["assignee_id", "call_id"])


def downgrade() -> None:
    op.drop_index("ix_reviews_assignee", table_name="reviews")
