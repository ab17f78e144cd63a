"""Notify every thesaurus process when the catalogue changes.

Answers read from published versions are kept in memory (``thesaurus.answers``): such a version
never changes (migration 0002), but what a request designates does when a system or a version is
added, published, retired or removed ("the latest published version", a name a tenant's own
system now shadows). Any write to ``code_system`` or ``code_system_version`` therefore sends a
notification on channel ``thesaurus_catalogue`` at commit, and each process drops what it kept.
Statement-level: one notification per statement, however many rows; PostgreSQL also folds
identical notifications of one transaction into one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("code_system", "code_system_version")


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION thesaurus_catalogue_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('thesaurus_catalogue', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$
        """
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_catalogue_changed "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION thesaurus_catalogue_changed()"
        )


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_catalogue_changed ON {table}")
    op.execute("DROP FUNCTION thesaurus_catalogue_changed()")
