"""The company policy reads ``app.company_scoped``, set from the permissions table, instead of
naming the employer, CSE and SPSTI roles in SQL: a new role needs no new policy.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 14:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from cosar_common.db.rls import replace_company_scope

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPED: tuple[tuple[str, str], ...] = (
    ("establishment", "company_id"),
    ("report", "company_id"),
)

# The policy as 0001/0002 wrote it, for a downgrade.
_ROLES = "string_to_array(current_setting('app.roles', true), ',')"
_COMPANIES = "string_to_array(NULLIF(current_setting('app.company_ids', true), ''), ',')"


def upgrade() -> None:
    for table, column in SCOPED:
        replace_company_scope(op, table, column)


def downgrade() -> None:
    for table, column in SCOPED:
        op.execute(f"DROP POLICY IF EXISTS company_scope ON {table}")
        op.execute(
            f"CREATE POLICY company_scope ON {table} AS RESTRICTIVE USING ("
            f"NOT ({_ROLES} && ARRAY['employer', 'employee-representative']) "
            f"OR ({_ROLES} && ARRAY['sst-admin', 'sst-preventer', 'sst-physician']) "
            f"OR {column}::text = ANY(COALESCE({_COMPANIES}, ARRAY[]::text[])))"
        )
