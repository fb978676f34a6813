"""a login's own applicant ("Meine Kommune")

An officer of a town picks the town (or the county) once under Konto: the Eingang and Alle
Aufrufe open filtered to the calls it may apply for, and the weekly digest lists those. The
name is one of the strategy's `region_profile.applicants`; NULL is "none, everything", which
every login that exists keeps.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("home_applicant", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("home_applicant")
