"""DUERP (work units, risks, pénibilité, actions), versions, fiche, sector library, settings.

Tenant rows get RLS by tenant and, where an employer or CSE token may reach them, by company.
Published versions and CSE consultations are immutable: a trigger refuses UPDATE and DELETE
(SQLSTATE 55000, rendered as 409 by the API). Deprecated thesaurus codes are flagged across
tenants by one narrow SECURITY DEFINER function, the only way a consumer acting for no tenant
may write tenant rows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 04:02:17.511758
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from assessment.library.seed import seed_rows
from cosar_common.db.rls import enable_company_scope, enable_tenant_rls

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


COMPANY_TABLES = (
    "duerp",
    "work_unit",
    "risk",
    "risk_rating_change",
    "penibilite_exposure",
    "action",
    "code_flag",
    "document_version",
    "cse_consultation",
    "fiche_draft",
)

IMMUTABLE_SQL = (
    """
CREATE FUNCTION assessment_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is immutable: a published version is never changed or deleted',
        TG_TABLE_NAME USING ERRCODE = '55000';
END $$
""",
    "CREATE TRIGGER document_version_immutable BEFORE UPDATE OR DELETE ON document_version"
    " FOR EACH ROW EXECUTE FUNCTION assessment_forbid_change()",
    "CREATE TRIGGER cse_consultation_immutable BEFORE UPDATE OR DELETE ON cse_consultation"
    " FOR EACH ROW EXECUTE FUNCTION assessment_forbid_change()",
    "CREATE TRIGGER risk_rating_change_immutable BEFORE UPDATE OR DELETE ON risk_rating_change"
    " FOR EACH ROW EXECUTE FUNCTION assessment_forbid_change()",
    # TRUNCATE skips row triggers: refuse it too.
    "CREATE TRIGGER document_version_no_truncate BEFORE TRUNCATE ON document_version"
    " FOR EACH STATEMENT EXECUTE FUNCTION assessment_forbid_change()",
)
IMMUTABLE_DOWN_SQL = (
    "DROP TRIGGER document_version_no_truncate ON document_version",
    "DROP TRIGGER risk_rating_change_immutable ON risk_rating_change",
    "DROP TRIGGER cse_consultation_immutable ON cse_consultation",
    "DROP TRIGGER document_version_immutable ON document_version",
    "DROP FUNCTION assessment_forbid_change()",
)

# Flags the open DUERPs (not archived rows, never versions) that use a deprecated code, in every
# tenant. Returns how many rows were flagged. Only inserts flags: it reads no tenant data out.
FLAG_FUNCTION = """
CREATE FUNCTION assessment_flag_deprecated_codes(p_system text, p_version text, p_codes jsonb)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    flagged integer := 0;
    n integer;
BEGIN
    INSERT INTO code_flag (tenant_id, company_id, entity, entity_id, code_system, code,
                           replaced_by, thesaurus_version)
    SELECT r.tenant_id, r.company_id, 'risk', r.id, p_system, r.hazard_code,
           COALESCE(d.value -> 'replaced_by', '[]'::jsonb), p_version
    FROM risk r JOIN jsonb_array_elements(p_codes) d ON d.value ->> 'code' = r.hazard_code
    WHERE r.hazard_system = p_system AND r.archived_at IS NULL
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT; flagged := flagged + n;

    INSERT INTO code_flag (tenant_id, company_id, entity, entity_id, code_system, code,
                           replaced_by, thesaurus_version)
    SELECT w.tenant_id, w.company_id, 'work_unit', w.id, p_system, j.value ->> 'code',
           COALESCE(d.value -> 'replaced_by', '[]'::jsonb), p_version
    FROM work_unit w
    CROSS JOIN jsonb_array_elements(w.jobs) j
    JOIN jsonb_array_elements(p_codes) d ON d.value ->> 'code' = j.value ->> 'code'
    WHERE j.value ->> 'system' = p_system AND w.archived_at IS NULL
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT; flagged := flagged + n;

    IF p_system = 'naf-rev2' THEN
        INSERT INTO code_flag (tenant_id, company_id, entity, entity_id, code_system, code,
                               replaced_by, thesaurus_version)
        SELECT c.tenant_id, c.id, 'company', c.id, p_system, c.naf_code,
               COALESCE(d.value -> 'replaced_by', '[]'::jsonb), p_version
        FROM company c JOIN jsonb_array_elements(p_codes) d ON d.value ->> 'code' = c.naf_code
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS n = ROW_COUNT; flagged := flagged + n;
    END IF;
    RETURN flagged;
END $$
"""

# FORCE ROW LEVEL SECURITY binds the owner too; these policies let the owner (hence only the
# SECURITY DEFINER function above, since the service connects as the app role) read the codes in
# use and write flags. The app role gains nothing from them.
FLAGGER_POLICIES = (
    "CREATE POLICY flagger_reads ON risk FOR SELECT TO CURRENT_USER USING (true)",
    "CREATE POLICY flagger_reads ON work_unit FOR SELECT TO CURRENT_USER USING (true)",
    "CREATE POLICY flagger_reads ON company FOR SELECT TO CURRENT_USER USING (true)",
    "CREATE POLICY flagger_writes ON code_flag FOR INSERT TO CURRENT_USER WITH CHECK (true)",
)


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table(
        "sector_library_entry",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("naf_division", sa.String(length=2), nullable=False),
        sa.Column("hazard_code", sa.String(length=40), nullable=False),
        sa.Column("hazard_display", sa.String(length=500), nullable=False),
        sa.Column("situations", sa.Text(), nullable=False),
        sa.Column("damages", sa.Text(), nullable=False),
        sa.Column("measures", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_by_tenant", sa.String(length=64), nullable=True),
        sa.Column("proposed_by", sa.String(length=200), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sector_library_entry")),
    )
    op.create_index(
        op.f("ix_sector_library_entry_naf_division"),
        "sector_library_entry",
        ["naf_division"],
        unique=False,
    )
    op.create_table(
        "tenant_settings",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("rating_method", sa.String(length=60), nullable=False),
        sa.Column("bands", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("pseudonym_key", sa.LargeBinary(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("updated_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_tenant_settings")),
    )
    op.create_table(
        "code_flag",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.UUID(), nullable=False),
        sa.Column("code_system", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("replaced_by", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("thesaurus_version", sa.String(length=50), nullable=False),
        sa.Column(
            "flagged_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_code_flag_company_id_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_flag")),
        sa.UniqueConstraint(
            "entity_id",
            "code_system",
            "code",
            "thesaurus_version",
            name=op.f("uq_code_flag_entity_id"),
        ),
    )
    op.create_index(op.f("ix_code_flag_company_id"), "code_flag", ["company_id"], unique=False)
    op.create_index(op.f("ix_code_flag_tenant_id"), "code_flag", ["tenant_id"], unique=False)
    op.create_table(
        "document_version",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_document_version_company_id_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_version")),
        sa.UniqueConstraint(
            "company_id", "kind", "number", name=op.f("uq_document_version_company_id")
        ),
    )
    op.create_index(
        op.f("ix_document_version_company_id"), "document_version", ["company_id"], unique=False
    )
    op.create_index(
        op.f("ix_document_version_tenant_id"), "document_version", ["tenant_id"], unique=False
    )
    op.create_table(
        "duerp",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("updated_by", sa.String(length=200), nullable=True),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_duerp_company_id_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duerp")),
        sa.UniqueConstraint("company_id", name=op.f("uq_duerp_company_id")),
    )
    op.create_index(op.f("ix_duerp_tenant_id"), "duerp", ["tenant_id"], unique=False)
    op.create_table(
        "fiche_draft",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("observations", sa.Text(), nullable=False),
        sa.Column("recommended_actions", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("exposures", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_fiche_draft_company_id_company")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fiche_draft")),
        sa.UniqueConstraint("company_id", name=op.f("uq_fiche_draft_company_id")),
    )
    op.create_index(op.f("ix_fiche_draft_tenant_id"), "fiche_draft", ["tenant_id"], unique=False)
    op.create_table(
        "cse_consultation",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("version_id", sa.UUID(), nullable=False),
        sa.Column("consulted_on", sa.Date(), nullable=False),
        sa.Column("opinion", sa.String(length=20), nullable=False),
        sa.Column("proposals", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_cse_consultation_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_version.id"],
            name=op.f("fk_cse_consultation_version_id_document_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cse_consultation")),
        sa.UniqueConstraint("version_id", name=op.f("uq_cse_consultation_version_id")),
    )
    op.create_index(
        op.f("ix_cse_consultation_tenant_id"), "cse_consultation", ["tenant_id"], unique=False
    )
    op.create_table(
        "work_unit",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("duerp_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("jobs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_work_unit_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["duerp_id"], ["duerp.id"], name=op.f("fk_work_unit_duerp_id_duerp")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_unit")),
    )
    op.create_index(op.f("ix_work_unit_company_id"), "work_unit", ["company_id"], unique=False)
    op.create_index(op.f("ix_work_unit_duerp_id"), "work_unit", ["duerp_id"], unique=False)
    op.create_index(op.f("ix_work_unit_tenant_id"), "work_unit", ["tenant_id"], unique=False)
    op.create_table(
        "penibilite_exposure",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("work_unit_id", sa.UUID(), nullable=False),
        sa.Column("factor_code", sa.String(length=10), nullable=False),
        sa.Column("factor_display", sa.String(length=300), nullable=False),
        sa.Column("threshold_code", sa.String(length=20), nullable=False),
        sa.Column("intensity", sa.Text(), nullable=False),
        sa.Column("intensity_reached", sa.Boolean(), nullable=False),
        sa.Column("yearly_duration", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("estimated", sa.Boolean(), nullable=False),
        sa.Column("exposed_headcount", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_penibilite_exposure_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["work_unit_id"],
            ["work_unit.id"],
            name=op.f("fk_penibilite_exposure_work_unit_id_work_unit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_penibilite_exposure")),
        sa.UniqueConstraint(
            "work_unit_id",
            "factor_code",
            "threshold_code",
            name=op.f("uq_penibilite_exposure_work_unit_id"),
        ),
    )
    op.create_index(
        op.f("ix_penibilite_exposure_tenant_id"), "penibilite_exposure", ["tenant_id"], unique=False
    )
    op.create_index(
        op.f("ix_penibilite_exposure_work_unit_id"),
        "penibilite_exposure",
        ["work_unit_id"],
        unique=False,
    )
    op.create_table(
        "risk",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("work_unit_id", sa.UUID(), nullable=False),
        sa.Column("hazard_system", sa.String(length=100), nullable=False),
        sa.Column("hazard_code", sa.String(length=40), nullable=False),
        sa.Column("hazard_display", sa.String(length=500), nullable=False),
        sa.Column("hazard_family", sa.String(length=40), nullable=True),
        sa.Column("situations", sa.Text(), nullable=False),
        sa.Column("damages", sa.Text(), nullable=False),
        sa.Column("measures", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("exposed_headcount", sa.Integer(), nullable=True),
        sa.Column("rating_inputs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("control_level", sa.String(length=40), nullable=True),
        sa.Column("method_key", sa.String(length=60), nullable=False),
        sa.Column("raw_score", sa.Numeric(precision=10, scale=4), nullable=False),
        sa.Column("residual_score", sa.Numeric(precision=10, scale=4), nullable=False),
        sa.Column("raw_priority", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.String(length=20), nullable=False),
        sa.Column("deadline_months", sa.Integer(), nullable=True),
        sa.Column("needs_rerating", sa.Boolean(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_risk_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["work_unit_id"], ["work_unit.id"], name=op.f("fk_risk_work_unit_id_work_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk")),
    )
    op.create_index(op.f("ix_risk_company_id"), "risk", ["company_id"], unique=False)
    op.create_index(op.f("ix_risk_tenant_id"), "risk", ["tenant_id"], unique=False)
    op.create_index(op.f("ix_risk_work_unit_id"), "risk", ["work_unit_id"], unique=False)
    op.create_table(
        "action",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("duerp_id", sa.UUID(), nullable=False),
        sa.Column("risk_id", sa.UUID(), nullable=True),
        sa.Column("measure_kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("responsible", sa.String(length=200), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("cost_eur", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("resources", sa.Text(), nullable=False),
        sa.Column("result_indicator", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_action_company_id_company")
        ),
        sa.ForeignKeyConstraint(["duerp_id"], ["duerp.id"], name=op.f("fk_action_duerp_id_duerp")),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"], name=op.f("fk_action_risk_id_risk")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action")),
    )
    op.create_index(op.f("ix_action_company_id"), "action", ["company_id"], unique=False)
    op.create_index(op.f("ix_action_tenant_id"), "action", ["tenant_id"], unique=False)
    op.create_table(
        "risk_rating_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("company_id", sa.UUID(), nullable=False),
        sa.Column("risk_id", sa.UUID(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column(
            "changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_risk_rating_change_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk.id"], name=op.f("fk_risk_rating_change_risk_id_risk")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_rating_change")),
    )
    op.create_index(
        op.f("ix_risk_rating_change_risk_id"), "risk_rating_change", ["risk_id"], unique=False
    )
    op.create_index(
        op.f("ix_risk_rating_change_tenant_id"), "risk_rating_change", ["tenant_id"], unique=False
    )
    op.add_column(
        "company", sa.Column("address", sa.String(length=500), server_default="", nullable=False)
    )
    op.add_column(
        "company",
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    )
    # ### end Alembic commands ###
    for table in COMPANY_TABLES:
        enable_tenant_rls(op, table)
        enable_company_scope(op, table, "company_id")
    enable_tenant_rls(op, "tenant_settings")
    for statement in IMMUTABLE_SQL:
        op.execute(statement)
    op.execute(FLAG_FUNCTION)
    for statement in FLAGGER_POLICIES:
        op.execute(statement)
    library = sa.table(
        "sector_library_entry",
        sa.column("id", postgresql.UUID(as_uuid=True)),
        sa.column("naf_division", sa.String()),
        sa.column("hazard_code", sa.String()),
        sa.column("hazard_display", sa.String()),
        sa.column("situations", sa.Text()),
        sa.column("damages", sa.Text()),
        sa.column("measures", postgresql.JSONB()),
        sa.column("status", sa.String()),
        sa.column("review_note", sa.Text()),
    )
    op.bulk_insert(library, seed_rows())


def downgrade() -> None:
    for table in ("risk", "work_unit", "company"):
        op.execute(f"DROP POLICY flagger_reads ON {table}")
    op.execute("DROP POLICY flagger_writes ON code_flag")
    op.execute("DROP FUNCTION assessment_flag_deprecated_codes(text, text, jsonb)")
    for statement in IMMUTABLE_DOWN_SQL:
        op.execute(statement)
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_column("company", "updated_at")
    op.drop_column("company", "address")
    op.drop_index(op.f("ix_risk_rating_change_tenant_id"), table_name="risk_rating_change")
    op.drop_index(op.f("ix_risk_rating_change_risk_id"), table_name="risk_rating_change")
    op.drop_table("risk_rating_change")
    op.drop_index(op.f("ix_action_tenant_id"), table_name="action")
    op.drop_index(op.f("ix_action_company_id"), table_name="action")
    op.drop_table("action")
    op.drop_index(op.f("ix_risk_work_unit_id"), table_name="risk")
    op.drop_index(op.f("ix_risk_tenant_id"), table_name="risk")
    op.drop_index(op.f("ix_risk_company_id"), table_name="risk")
    op.drop_table("risk")
    op.drop_index(op.f("ix_penibilite_exposure_work_unit_id"), table_name="penibilite_exposure")
    op.drop_index(op.f("ix_penibilite_exposure_tenant_id"), table_name="penibilite_exposure")
    op.drop_table("penibilite_exposure")
    op.drop_index(op.f("ix_work_unit_tenant_id"), table_name="work_unit")
    op.drop_index(op.f("ix_work_unit_duerp_id"), table_name="work_unit")
    op.drop_index(op.f("ix_work_unit_company_id"), table_name="work_unit")
    op.drop_table("work_unit")
    op.drop_index(op.f("ix_cse_consultation_tenant_id"), table_name="cse_consultation")
    op.drop_table("cse_consultation")
    op.drop_index(op.f("ix_fiche_draft_tenant_id"), table_name="fiche_draft")
    op.drop_table("fiche_draft")
    op.drop_index(op.f("ix_duerp_tenant_id"), table_name="duerp")
    op.drop_table("duerp")
    op.drop_index(op.f("ix_document_version_tenant_id"), table_name="document_version")
    op.drop_index(op.f("ix_document_version_company_id"), table_name="document_version")
    op.drop_table("document_version")
    op.drop_index(op.f("ix_code_flag_tenant_id"), table_name="code_flag")
    op.drop_index(op.f("ix_code_flag_company_id"), table_name="code_flag")
    op.drop_table("code_flag")
    op.drop_table("tenant_settings")
    op.drop_index(op.f("ix_sector_library_entry_naf_division"), table_name="sector_library_entry")
    op.drop_table("sector_library_entry")
    # ### end Alembic commands ###
