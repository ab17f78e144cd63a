"""Documents name people and the SPSTI, not identifiers: the publisher's and the CSE
recorder's full names beside their logins, and the tenant's display name in its settings.

The names are new nullable columns. Rows already stored keep NULL (their exports fall back to
the login and the tenant id): adding a column rewrites no row, so the immutability triggers of
``document_version`` and ``cse_consultation`` are not fired, and no sealed content or hash
changes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("document_version", "published_by_name"),
    ("cse_consultation", "recorded_by_name"),
    ("tenant_settings", "display_name"),
)


def upgrade() -> None:
    for table, column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.String(length=200), nullable=True))


def downgrade() -> None:
    for table, column in reversed(COLUMNS):
        op.drop_column(table, column)
