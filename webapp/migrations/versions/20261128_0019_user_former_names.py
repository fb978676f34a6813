"""the former names and addresses of a login

A new display name (`user edit`, Benutzer) or address (`user rename`, *Adresse ändern*)
replaced the old one without a trace, so `user forget` looked for the person in free-text
notes, the decision history and the mail log only by the current name and address, and
`user export` could not list the old ones. `user_former_names` keeps each name and address
given up (kind "name" or "email") with the time it was given up; `user forget` uses and
then deletes them.

Renames before this upgrade were not recorded: the table starts empty.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-28 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_former_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "kind", "value"),
    )
    op.create_index("ix_user_former_names_user_id", "user_former_names", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_user_former_names_user_id", table_name="user_former_names")
    op.drop_table("user_former_names")
