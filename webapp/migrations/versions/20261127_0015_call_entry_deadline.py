"""the first stage's deadline of a call with several stages

A call with stages ("Projektskizzen bis 15.01.2027, Anträge bis 30.04.2027") has as its
`deadline` the next stage still to come. Once the first stage has passed, only those who took
part in it go on: nobody new can apply, and the Eingang (which offers calls to apply for) must
not list the call with its Antrag deadline. `entry_deadline` holds the first stage's day for
calls with at least two stages, NULL for the others.

Existing calls get it from their stored stages. The two covering indexes of the call lists
(0002, 0004) take the column after `deadline`, so the lists' filters still never read the
wide rows.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 14:00:00
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _list_indexes(entry: list[str]) -> None:
    """The covering indexes of 0002 and 0004, with `entry` after `deadline`."""
    op.drop_index("ix_calls_list", table_name="calls")
    op.drop_index("ix_calls_list_by_id", table_name="calls")
    op.create_index(
        "ix_calls_list",
        "calls",
        [
            "canonical_id",
            "deadline",
            *entry,
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
        ["id", "canonical_id", "deadline", *entry, "missing_since", "status", "content_hash"],
    )


def upgrade() -> None:
    # Plain ALTER TABLE, no batch copy of `calls` (see 0012): a copy on SQLite would drop
    # the table, and its ON DELETE CASCADE the change history and reviews with it.
    op.add_column("calls", sa.Column("entry_deadline", sa.Date(), nullable=True))
    calls = sa.table(
        "calls",
        sa.column("id", sa.Integer),
        sa.column("deadlines", sa.JSON),
        sa.column("entry_deadline", sa.Date),
    )
    bind = op.get_bind()
    staged = [
        {"call_id": call_id, "entry": date.fromisoformat(str(min(stages.values())))}
        for call_id, stages in bind.execute(sa.select(calls.c.id, calls.c.deadlines))
        if isinstance(stages, dict) and len(stages) >= 2
    ]
    if staged:
        bind.execute(
            calls.update()
            .where(calls.c.id == sa.bindparam("call_id"))
            .values(entry_deadline=sa.bindparam("entry", type_=sa.Date)),
            staged,
        )
    _list_indexes(["entry_deadline"])


def downgrade() -> None:
    _list_indexes([])
    op.drop_column("calls", "entry_deadline")
