"""Indexed text filter for value-set expansion.

Under row-level security the planner cannot use the trigram index of ``concept`` for a LIKE
(the operator is not leakproof), so a filtered ``$expand`` of a large system scanned every
label. Like ``thesaurus_search`` (0003), this function reads the search table's trigram index
and keeps to a version the caller may see; the expansion joins the ids back under RLS.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTION = r"""
CREATE FUNCTION thesaurus_text_filter(p_version uuid, p_text text, p_code_prefix text)
RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 1000
SET search_path = public, pg_temp
AS $$
BEGIN
    -- RLS is forced on code_system_version for this function's owner too: a version the
    -- caller may not read yields nothing.
    IF NOT EXISTS (SELECT 1 FROM code_system_version AS v WHERE v.id = p_version) THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT s.concept_id FROM concept_search AS s
    WHERE s.version_id = p_version
      AND s.terms LIKE '%' || thesaurus_fold(p_text) || '%' ESCAPE '\'
    UNION
    SELECT s.concept_id FROM concept_search AS s
    WHERE s.version_id = p_version AND s.norm_code LIKE p_code_prefix || '%' ESCAPE '\';
END $$
"""


def upgrade() -> None:
    op.execute(FUNCTION)


def downgrade() -> None:
    op.execute("DROP FUNCTION thesaurus_text_filter(uuid, text, text)")
