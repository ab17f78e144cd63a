"""A rebuild loads hazard facts without their primary-key index, then builds it once.

Maintaining a five-column index row by row over millions of COPY-ed rows costs more than
building it at the end. Both functions run inside the rebuild's single transaction, so a
failure rolls the table back with its index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTIONS = (
    """
CREATE FUNCTION indicators_bulk_load_begin() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    ALTER TABLE hazard_fact DROP CONSTRAINT pk_hazard_fact;
END $$
""",
    """
CREATE FUNCTION indicators_bulk_load_end() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    ALTER TABLE hazard_fact ADD CONSTRAINT pk_hazard_fact
        PRIMARY KEY (tenant_id, company, year, hazard_code, source);
END $$
""",
)


def upgrade() -> None:
    for statement in FUNCTIONS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP FUNCTION indicators_bulk_load_end()")
    op.execute("DROP FUNCTION indicators_bulk_load_begin()")
