"""Employees per PCS-ESE profession, and exposed employees per profession and hazard.

The base of the exposure prevalence by profession (the DUERP aggregates now carry them).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "duerp_contribution",
        sa.Column("jobs", postgresql.JSONB(), server_default="{}", nullable=False),
    )
    op.add_column(
        "hazard_fact",
        sa.Column("exposed_by_pcs", postgresql.JSONB(), server_default="{}", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("hazard_fact", "exposed_by_pcs")
    op.drop_column("duerp_contribution", "jobs")
