"""The company policy reads ``app.company_scoped``, set from the permissions table, instead of
naming the employer, CSE and SPSTI roles in SQL: a new role needs no new policy.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 14:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from cosar_common.db.rls import replace_company_scope, restore_company_scope_by_role_names

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPED: tuple[tuple[str, str], ...] = (
    ("establishment", "company_id"),
    ("report", "company_id"),
)


def upgrade() -> None:
    for table, column in SCOPED:
        replace_company_scope(op, table, column)


def downgrade() -> None:
    for table, column in SCOPED:
        restore_company_scope_by_role_names(op, table, column)
