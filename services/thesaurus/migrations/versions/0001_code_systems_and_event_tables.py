"""Code systems, versions, concepts; outbox and inbox.

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

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_event_tables(op)
    op.create_table(
        "code_system",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint("name", name="uq_code_system_name"),
        sa.UniqueConstraint("url", name="uq_code_system_url"),
    )
    op.create_table(
        "code_system_version",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "code_system_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(
                "code_system.id", name="fk_code_system_version_code_system_id_code_system"
            ),
            nullable=False,
        ),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("concept_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint(
            "code_system_id", "version", name="uq_code_system_version_code_system_id"
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'retired')", name="ck_code_system_version_status"
        ),
    )
    op.create_index(
        "ix_code_system_version_code_system_id", "code_system_version", ["code_system_id"]
    )
    op.create_table(
        "concept",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "version_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(
                "code_system_version.id",
                name="fk_concept_version_id_code_system_version",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("display", sa.Text(), nullable=False),
        sa.Column("parent_code", sa.String(100), nullable=True),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.Column(
            "replaced_by",
            postgresql.ARRAY(sa.String(100)),
            nullable=False,
            server_default=sa.text("'{}'::varchar[]"),
        ),
        sa.UniqueConstraint("version_id", "code", name="uq_concept_version_id"),
    )
    op.create_index("ix_concept_version_id", "concept", ["version_id"])


def downgrade() -> None:
    op.drop_table("concept")
    op.drop_table("code_system_version")
    op.drop_table("code_system")
    drop_event_tables(op)
