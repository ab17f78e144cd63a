"""Releases: a year's linked tables, protected jointly, audited, stored immutably and served.

``release`` says what was published (year, number, date, parameters, NAF version, audit,
information loss); ``release_cell`` holds every cell of every cube: the published value or,
for a secret cell, no value and the class of its reason; a tenant-level cell also keeps its
true value for that tenant's own staff. ``release_unit`` is the population the release was
computed from (pseudonymous companies and their contributions, never served): the audit
recomputes the release from it, and the next release of the year is protected against it.
A trigger refuses any change or deletion: a release, once published, stays as it was.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("release", "release_cell", "release_unit")


def upgrade() -> None:
    op.create_table(
        "release",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("made_by", sa.String(length=200), nullable=False),
        sa.Column("naf_version", sa.String(length=40), nullable=False),
        sa.Column("parameters", postgresql.JSONB(), nullable=False),
        sa.Column("audit", postgresql.JSONB(), nullable=False),
        sa.Column("loss", postgresql.JSONB(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release")),
        sa.UniqueConstraint("year", "number", name=op.f("uq_release_year")),
    )
    op.create_table(
        "release_cell",
        sa.Column("release_id", sa.Uuid(), nullable=False),
        sa.Column("measure", sa.String(length=60), nullable=False),
        sa.Column("tenant", sa.String(length=64), nullable=False),
        sa.Column("naf", sa.String(length=10), nullable=False),
        sa.Column("size", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("own_value", sa.Float(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("companies", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"], ["release.id"], name=op.f("fk_release_cell_release_id_release")
        ),
        sa.PrimaryKeyConstraint(
            "release_id", "measure", "tenant", "naf", "size", name=op.f("pk_release_cell")
        ),
    )
    op.create_table(
        "release_unit",
        sa.Column("release_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("tenant", sa.String(length=64), nullable=False),
        sa.Column("company", sa.String(length=64), nullable=False),
        sa.Column("division", sa.String(length=2), nullable=False),
        sa.Column("size", sa.String(length=10), nullable=False),
        sa.Column("contributions", postgresql.JSONB(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"], ["release.id"], name=op.f("fk_release_unit_release_id_release")
        ),
        sa.PrimaryKeyConstraint(
            "release_id", "source", "tenant", "company", name=op.f("pk_release_unit")
        ),
    )
    op.execute(
        """
CREATE FUNCTION indicators_release_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is immutable: a published release is never changed or deleted',
        TG_TABLE_NAME USING ERRCODE = '55000';
END $$
"""
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION indicators_release_immutable()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION indicators_release_immutable()"
        )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER {table}_immutable ON {table}")
        op.drop_table(table)
    op.execute("DROP FUNCTION indicators_release_immutable()")
