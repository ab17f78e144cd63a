"""Companies (tenant-owned, RLS), known thesaurus versions; outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from cosar_common.db.event_tables import create_event_tables, drop_event_tables
from cosar_common.db.rls import enable_company_scope, enable_tenant_rls

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_event_tables(op)
    op.create_table(
        "company",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("siren", sa.String(9), nullable=False),
        sa.Column("naf_code", sa.String(10), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("has_cse", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint("tenant_id", "siret", name="uq_company_tenant_id"),
    )
    op.create_index("ix_company_tenant_id", "company", ["tenant_id"])
    enable_tenant_rls(op, "company")
    enable_company_scope(op, "company", "id")

    op.create_table(
        "known_code_system_version",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("code_system", sa.String(100), nullable=False),
        sa.Column("code_system_url", sa.String(500), nullable=False),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("concept_count", sa.Integer(), nullable=False),
        sa.Column("diff", postgresql.JSONB(), nullable=False),
        sa.Column("event_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint(
            "code_system", "version", name="uq_known_code_system_version_code_system"
        ),
    )


def downgrade() -> None:
    op.drop_table("known_code_system_version")
    op.drop_table("company")
    drop_event_tables(op)
