"""the deadline's time in the covering indexes of the call lists

On its last day a call leaves the Eingang at its deadline's time (`queries.open_clause`
compares `deadline_time` with the clock). The two covering indexes of the lists (0002,
0004, 0015) take the column after `entry_deadline`, so the lists' filters still never read
the wide rows.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 15:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _list_indexes(time: list[str]) -> None:
    """The covering indexes of 0015, with `time` after `entry_deadline`."""
    op.drop_index("ix_calls_list", table_name="calls")
    op.drop_index("ix_calls_list_by_id", table_name="calls")
    op.create_index(
        "ix_calls_list",
        "calls",
        [
            "canonical_id",
            "deadline",
            "entry_deadline",
            *time,
            "missing_since",
            "status",
            "source",
            "region",
            "first_seen",
            "content_hash",
        ],
    )
    op.create_index(
        "ix_calls_list_by_id",
        "calls",
        [
            "id",
            "canonical_id",
            "deadline",
            "entry_deadline",
            *time,
            "missing_since",
            "status",
            "content_hash",
        ],
    )


def upgrade() -> None:
    _list_indexes(["deadline_time"])


def downgrade() -> None:
    _list_indexes([])
