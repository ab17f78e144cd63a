"""Server-side web sessions of the portal.

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("authenticated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("subject", sa.String(255), nullable=True),
        sa.Column("keycloak_sid", sa.String(255), nullable=True),
        sa.Column("user", postgresql.JSONB(), nullable=True),
        sa.Column("tokens", postgresql.JSONB(), nullable=True),
        sa.Column("data", postgresql.JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_web_session")),
    )
    op.create_index(op.f("ix_web_session_subject"), "web_session", ["subject"])
    op.create_index(op.f("ix_web_session_keycloak_sid"), "web_session", ["keycloak_sid"])
    op.create_index(op.f("ix_web_session_last_seen_at"), "web_session", ["last_seen_at"])


def downgrade() -> None:
    op.drop_table("web_session")
