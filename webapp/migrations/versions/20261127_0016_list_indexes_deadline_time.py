"""the deadline's time in the covering indexes of the call lists; the first stage by order

On its last day a call leaves the Eingang at its deadline's time (`queries.open_clause`
compares `deadline_time` with the clock). The two covering indexes of the lists (0002,
0004, 0015) take the column after `entry_deadline`, so the lists' filters still never read
the wide rows.

`entry_deadline` (0015) took the earliest stage; a yearly procedure read after its sketch
date has next year's sketch after this year's Antrag, so the first stage is now the first by
the procedure's order (`ingest.entry_deadline`). Calls stored before are given it again.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 15:00:00
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
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


# The stages' order as scrapers.normalise.STAGES had it at this revision.
_STAGE_ORDER = ("Interessenbekundung", "Projektskizze", "Antrag")


def _first_stage(stages: dict[str, str]) -> date:
    day = next((stages[s] for s in _STAGE_ORDER if s in stages), None) or min(stages.values())
    return date.fromisoformat(str(day))


def upgrade() -> None:
    _list_indexes(["deadline_time"])
    calls = sa.table(
        "calls",
        sa.column("id", sa.Integer),
        sa.column("deadlines", sa.JSON),
        sa.column("entry_deadline", sa.Date),
    )
    bind = op.get_bind()
    moved = [
        {"call_id": call_id, "entry": first}
        for call_id, stages, entry in bind.execute(
            sa.select(calls.c.id, calls.c.deadlines, calls.c.entry_deadline).where(
                calls.c.entry_deadline.is_not(None)
            )
        )
        if isinstance(stages, dict)
        and len(stages) >= 2
        and (first := _first_stage(stages)) != entry
    ]
    if moved:
        bind.execute(
            calls.update()
            .where(calls.c.id == sa.bindparam("call_id"))
            .values(entry_deadline=sa.bindparam("entry", type_=sa.Date)),
            moved,
        )


def downgrade() -> None:
    _list_indexes([])
