"""covering indexes for the call lists and the per-project match counts

The inbox filters and sorts on a few small columns of `calls`; on SQLite a row's columns
after the long `text` column live on overflow pages, so reading `deadline` from the table
costs a chain of page reads per row. A covering index holds exactly the list's filter
columns, so counting and ordering 50,000 calls never touches the wide rows. The matches
index serves "the best three projects of these calls" and the strategy page's counts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 05:35:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CALL_LIST_COLUMNS = [
    "canonical_id",
    "deadline",
    "missing_since",
    "status",
    "source",
    "region",
    "first_seen",
    "content_hash",
]


def upgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index("ix_calls_list", CALL_LIST_COLUMNS, unique=False)
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_matches_call_rank", ["call_id", "rank", "project_id", "score"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index("ix_matches_call_rank")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index("ix_calls_list")
