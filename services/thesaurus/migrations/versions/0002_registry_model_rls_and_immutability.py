"""Registry model: metadata, multi-parent hierarchy, properties, value sets, concept maps;
row-level security (shared or tenant-private); published versions immutable in the database;
search indexes (unaccent, trigram, French full text).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from cosar_common.db.rls import shared_or_tenant_rls_sql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARED_WRITERS = ("thesaurus-editor", "platform-admin", "system")
TENANT_TABLES = (
    "code_system",
    "code_system_version",
    "concept",
    "concept_parent",
    "value_set",
    "concept_map",
    "concept_map_element",
)

# One statement per string: asyncpg runs them as prepared statements.
IMMUTABILITY = [
    """
CREATE FUNCTION thesaurus_forbid_change_outside_draft() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    target uuid;
    state text;
BEGIN
    IF TG_OP = 'DELETE' THEN target := OLD.version_id; ELSE target := NEW.version_id; END IF;
    SELECT status INTO state FROM code_system_version WHERE id = target;
    -- Deleting a draft version cascades here after its row is gone: only drafts can be
    -- deleted (thesaurus_guard_version), so a missing version means a draft.
    IF TG_OP = 'DELETE' AND state IS NULL THEN RETURN OLD; END IF;
    IF state IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'version % is %: its concepts cannot change', target, state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.version_id <> NEW.version_id THEN
        RAISE EXCEPTION 'a concept cannot move to another version'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$""",
    """
CREATE FUNCTION thesaurus_guard_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'version % is % and can never be deleted', OLD.id, OLD.status
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'draft' THEN
        RETURN NEW;
    END IF;
    -- Published: the only change allowed is retirement; retired: nothing.
    IF OLD.status = 'published' AND NEW.status = 'retired'
       AND NEW.version = OLD.version AND NEW.code_system_id = OLD.code_system_id
       AND NEW.concept_count = OLD.concept_count
       AND NEW.published_at IS NOT DISTINCT FROM OLD.published_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'version % is % and immutable', OLD.id, OLD.status
        USING ERRCODE = 'object_not_in_prerequisite_state';
END $$""",
    "CREATE TRIGGER concept_immutable_outside_draft"
    " BEFORE INSERT OR UPDATE OR DELETE ON concept"
    " FOR EACH ROW EXECUTE FUNCTION thesaurus_forbid_change_outside_draft()",
    "CREATE TRIGGER concept_parent_immutable_outside_draft"
    " BEFORE INSERT OR UPDATE OR DELETE ON concept_parent"
    " FOR EACH ROW EXECUTE FUNCTION thesaurus_forbid_change_outside_draft()",
    "CREATE TRIGGER version_immutable_once_published"
    " BEFORE UPDATE OR DELETE ON code_system_version"
    " FOR EACH ROW EXECUTE FUNCTION thesaurus_guard_version()",
]

# unaccent() is only STABLE (its dictionary could change), so it cannot appear in an index;
# the usual immutable wrapper names the dictionary explicitly.
SEARCH_FUNCTION = """
CREATE FUNCTION thesaurus_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN lower(public.unaccent('public.unaccent'::regdictionary, value));
"""


def upgrade() -> None:
    # Both are trusted extensions (PostgreSQL 13+): the owner may create them.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.add_column("code_system", sa.Column("tenant_id", sa.String(64), nullable=True))
    for column in ("description", "source", "licence"):
        op.add_column("code_system", sa.Column(column, sa.Text(), nullable=True))
    op.add_column("code_system", sa.Column("publisher", sa.String(300), nullable=True))
    op.drop_constraint("uq_code_system_name", "code_system", type_="unique")
    op.execute(
        "ALTER TABLE code_system ADD CONSTRAINT uq_code_system_tenant_name "
        "UNIQUE NULLS NOT DISTINCT (tenant_id, name)"
    )

    op.add_column("code_system_version", sa.Column("tenant_id", sa.String(64), nullable=True))
    op.add_column("code_system_version", sa.Column("based_on", sa.String(50), nullable=True))
    op.add_column(
        "code_system_version",
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
    )

    op.create_table(
        "concept_parent",
        sa.Column(
            "version_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(
                "code_system_version.id",
                name="fk_concept_parent_version_id_code_system_version",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("parent_code", sa.String(100), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("version_id", "code", "parent_code", name="pk_concept_parent"),
    )
    op.create_index(
        "ix_concept_parent_version_parent", "concept_parent", ["version_id", "parent_code"]
    )
    op.execute(
        "INSERT INTO concept_parent (version_id, code, parent_code) "
        "SELECT version_id, code, parent_code FROM concept WHERE parent_code IS NOT NULL"
    )
    op.drop_column("concept", "parent_code")
    op.add_column("concept", sa.Column("tenant_id", sa.String(64), nullable=True))
    op.add_column("concept", sa.Column("norm_code", sa.String(100), nullable=True))
    op.execute("UPDATE concept SET norm_code = upper(regexp_replace(code, '[.\\s_-]', '', 'g'))")
    op.alter_column("concept", "norm_code", nullable=False)
    op.add_column("concept", sa.Column("level", sa.Integer(), nullable=True))
    op.add_column(
        "concept",
        sa.Column(
            "synonyms",
            postgresql.ARRAY(sa.Text()),
            nullable=False,
            server_default=sa.text("'{}'::text[]"),
        ),
    )
    op.add_column(
        "concept",
        sa.Column(
            "properties", postgresql.JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb")
        ),
    )

    op.create_table(
        "value_set",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("code_system", sa.String(100), nullable=False),
        sa.Column("system_version", sa.String(50), nullable=True),
        sa.Column("filters", postgresql.JSONB(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint("url", name="uq_value_set_url"),
    )
    op.create_table(
        "concept_map",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("source_system", sa.String(500), nullable=False),
        sa.Column("target_system", sa.String(500), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint("url", name="uq_concept_map_url"),
    )
    op.create_table(
        "concept_map_element",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column(
            "map_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(
                "concept_map.id",
                name="fk_concept_map_element_map_id_concept_map",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("source_code", sa.String(100), nullable=False),
        sa.Column("target_code", sa.String(100), nullable=True),
        sa.Column("relationship", sa.String(40), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "relationship IN ('equivalent', 'source-is-broader-than-target', "
            "'source-is-narrower-than-target', 'related-to', 'not-related-to')",
            name="ck_concept_map_element_relationship",
        ),
    )
    op.create_index("ix_concept_map_element_map_id", "concept_map_element", ["map_id"])
    op.create_index(
        "ix_concept_map_element_source", "concept_map_element", ["map_id", "source_code"]
    )

    for table in TENANT_TABLES:
        for statement in shared_or_tenant_rls_sql(table, shared_writers=SHARED_WRITERS):
            op.execute(statement)
    for statement in IMMUTABILITY:
        op.execute(statement)

    op.execute(SEARCH_FUNCTION)
    op.create_index("ix_concept_version_norm_code", "concept", ["version_id", "norm_code"])
    op.execute(
        "CREATE INDEX ix_concept_display_trgm ON concept "
        "USING gin (thesaurus_fold(display) gin_trgm_ops)"
    )
    op.execute(
        "CREATE INDEX ix_concept_display_fts ON concept USING gin "
        "(to_tsvector('french'::regconfig, thesaurus_fold(display)))"
    )


def downgrade() -> None:
    raise NotImplementedError("0002 is not reversible: restore from a backup instead")
