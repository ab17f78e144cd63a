"""Filtered expansion: walk the version in code order when the filter matches often.

``thesaurus_expansion_page`` (0005) sorted every match by code for one page: for a word found
in 19,000 of 200,000 concepts, materialising and sorting them cost as much as counting them
(24 ms in all). The count stays exact (one bitmap scan); then, when matches are frequent
enough that a walk of the version in code order should pass the page's end within 1,500 rows,
the page comes from that walk (about 500 rows for the first page of 50 when one concept in ten
matches). Real code systems cluster their words (CIM-10's "travail" lives in a few chapters):
a walk that reads four times the rows it expected is given up, and the rest of the page comes
from the matches after its last code, sorted, as before.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The two ways a concept matches the text filter: an accent-insensitive "contains" on its
# label or a synonym, or its code starting with the code typed, in any common writing.
_BY_TEXT = "{a}.terms LIKE pattern"
_BY_CODE = (
    "({a}.norm_code >= p_code_prefix AND {a}.norm_code < code_end AND {a}.norm_code LIKE code_like)"
)
_ACTIVE = "(NOT p_active_only OR {a}.active)"
# Two branches rather than one OR: with the OR, the planner rechecked the LIKE twice.
_MATCHED = f"""
    SELECT s.concept_id, s.code FROM concept_search AS s
    WHERE s.version_id = p_version AND {_BY_TEXT} AND {_ACTIVE}
    UNION ALL
    SELECT s.concept_id, s.code FROM concept_search AS s
    WHERE s.version_id = p_version AND {_BY_CODE} AND NOT {_BY_TEXT} AND {_ACTIVE}
""".replace("{a}", "s")  # noqa: S608 (assembled from this module's constants only)

EXPANSION_FUNCTION = r"""
CREATE OR REPLACE FUNCTION thesaurus_expansion_page(
    p_version uuid, p_text text, p_code_prefix text, p_active_only boolean,
    p_limit integer, p_offset integer
) RETURNS TABLE (total bigint, hit_id integer, hit_code text)
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 100
SET search_path = public, pg_temp
AS $$
DECLARE
    pattern text := '%' || replace(replace(replace(thesaurus_fold(p_text),
        '\', '\\'), '%', '\%'), '_', '\_') || '%';
    code_like text := replace(replace(replace(p_code_prefix,
        '\', '\\'), '%', '\%'), '_', '\_') || '%';
    code_end text := p_code_prefix || chr(1114111);
    walked integer;
    ids integer[];
    codes text[];
    matched bigint;
BEGIN
    -- RLS is forced on code_system_version for this function's owner too: a version the
    -- caller may not read yields nothing.
    IF NOT EXISTS (SELECT 1 FROM code_system_version AS v WHERE v.id = p_version) THEN
        RETURN QUERY SELECT 0::bigint, NULL::integer, NULL::text;
        RETURN;
    END IF;
    -- An early page: the first 1,000 concepts in code order hold it when matches are frequent
    -- (a literal LIMIT keeps the (version_id, code) index scan in any cached plan).
    IF p_limit > 0 AND p_offset + p_limit <= 200 THEN
        SELECT count(*),
               coalesce(array_agg(b.concept_id ORDER BY b.code COLLATE "C")
                   FILTER (WHERE b.hit), '{}'),
               coalesce(array_agg(b.code ORDER BY b.code COLLATE "C")
                   FILTER (WHERE b.hit), '{}')
        INTO walked, ids, codes
        FROM (
            SELECT s.concept_id, s.code, (BY_TEXT OR BY_CODE) AND ACTIVE AS hit
            FROM concept_search AS s
            WHERE s.version_id = p_version
            ORDER BY s.code COLLATE "C"
            LIMIT 1000
        ) AS b;
        IF cardinality(ids) >= p_offset + p_limit OR walked < 1000 THEN
            -- The page is there; the total needs a count, unless the walk read everything.
            IF walked < 1000 THEN
                matched := cardinality(ids);
            ELSE
                SELECT count(*) INTO matched FROM (MATCHED) AS m;
            END IF;
            RETURN QUERY
            SELECT matched, p.id, p.code
            FROM unnest(ids, codes) WITH ORDINALITY AS p(id, code, n)
            WHERE p.n > p_offset AND p.n <= p_offset + p_limit
            UNION ALL
            SELECT matched, NULL::integer, NULL::text
            WHERE cardinality(ids) <= p_offset;
            RETURN;
        END IF;
    END IF;
    -- Rare or clustered matches, or a deep page: count and sort the matches (as in 0005).
    RETURN QUERY
    WITH matched AS MATERIALIZED (MATCHED)
    SELECT (SELECT count(*) FROM matched), p.concept_id, p.code
    FROM (SELECT 1) AS one
    LEFT JOIN (
        SELECT m.concept_id, m.code FROM matched AS m
        ORDER BY m.code COLLATE "C" LIMIT p_limit OFFSET p_offset
    ) AS p ON true;
END $$
"""
for _name, _sql in (
    ("MATCHED", _MATCHED),
    ("BY_TEXT", _BY_TEXT.replace("{a}", "s")),
    ("BY_CODE", _BY_CODE.replace("{a}", "s")),
    ("ACTIVE", _ACTIVE.replace("{a}", "s")),
):
    EXPANSION_FUNCTION = EXPANSION_FUNCTION.replace(_name, _sql)

UPGRADE = [
    'CREATE INDEX ix_concept_search_version_code ON concept_search (version_id, code COLLATE "C")',
    EXPANSION_FUNCTION,
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    spec = importlib.util.spec_from_file_location(
        "revision_0005", Path(__file__).with_name("0005_search_page_in_the_index.py")
    )
    assert spec is not None
    assert spec.loader is not None
    previous = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(previous)
    op.execute(previous.EXPANSION_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    op.execute("DROP INDEX ix_concept_search_version_code")
