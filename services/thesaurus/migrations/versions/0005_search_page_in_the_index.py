"""Search and filtered expansion answered from the index table: totals and pages without
joining every hit back to ``concept``.

Profiled on 255,000 concepts (a common word such as ``bruit`` matches 19,000 of them):

- ``thesaurus_search`` computed ``similarity()`` for every full-text hit (60 ms for 19,000
  hits) and the service joined every hit back to ``concept`` to filter, count and sort it
  (30 ms); the ``$expand`` text filter did the same join twice, once to count, once to page.
  The index table now carries what the filters, the count and the order need (code, level,
  active, length of the display, trigram count of the label): only the returned page is
  joined back to ``concept`` (still under RLS).
- The French-word class (3) is ranked by trigram similarity to the label. ``similarity(q,
  l)`` is at most ``min(|q|, |l|) / max(|q|, |l|)`` (|x| = distinct trigrams), so only the
  hits whose bound reaches the k-th best score actually computed can be on the page: the
  similarity is computed for a few hundred rows instead of every hit, and the order is exactly
  the one of 0003.
- The typo fallback (trigram class 4, when codes, labels and words find fewer than
  ``p_fuzzy_below`` concepts) runs in the same statement instead of a second query.
- The trigram and full-text indexes lead with ``version_id`` (``btree_gin``, a trusted
  extension): a search in one system or a filtered ``$expand`` reads only that version's
  entries instead of rechecking every system's matches (``bruit`` in ``dangers`` no longer
  visits the 19,000 synthetic hits).
- The search runs on a cached generic plan: planning its statement anew on every call (the
  custom plans PL/pgSQL chose) cost about 1 ms, more than a code search itself.

As in 0003, both functions answer only for versions the caller may read: RLS is forced on
``code_system_version`` for their owner too, with the caller's ``app.tenant_id``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What a concept looks like to the search and to the expansion filter.
_ROW = """
    c.id,
    c.version_id,
    c.norm_code,
    f.label,
    ARRAY(SELECT thesaurus_fold(s) FROM unnest(c.synonyms) AS s),
    f.terms,
    to_tsvector('french'::regconfig, f.terms),
    c.code,
    c.level,
    c.status = 'active',
    length(c.display),
    coalesce(array_length(show_trgm(f.label), 1), 0)
"""
_FOLDED = """
    CROSS JOIN LATERAL (SELECT
        thesaurus_fold(c.display) AS label,
        thesaurus_fold(concat_ws(E'\\n', c.display, array_to_string(c.synonyms, E'\\n')))
            AS terms
    ) AS f
"""
_COLUMNS = (
    "(concept_id, version_id, norm_code, label, synonyms, terms, words,"
    " code, level, active, display_length, label_trigrams)"
)
_UPSERT = """
    ON CONFLICT (concept_id) DO UPDATE SET
        version_id = EXCLUDED.version_id, norm_code = EXCLUDED.norm_code,
        label = EXCLUDED.label, synonyms = EXCLUDED.synonyms,
        terms = EXCLUDED.terms, words = EXCLUDED.words, code = EXCLUDED.code,
        level = EXCLUDED.level, active = EXCLUDED.active,
        display_length = EXCLUDED.display_length, label_trigrams = EXCLUDED.label_trigrams
"""

# The search, written once for "one version" and once for "several": with a single version
# the GIN indexes use their leading version_id column.
# Classes as in 0003: 0 exact code, 1 code prefix, 2 exact label or synonym, 3 every word
# found, 4 trigram similarity (typos, only when the others find fewer than p_fuzzy_below).
_SEARCH_QUERY = """
    WITH exact AS MATERIALIZED (
        SELECT DISTINCT ON (h.concept_id) h.*
        FROM (
            SELECT s.concept_id, 0 AS rank_class, 1.0::real AS score,
                   s.display_length, s.level, s.code
            FROM concept_search AS s
            WHERE s.norm_code = p_code AND {versions} AND {filters}
            UNION ALL
            SELECT s.concept_id, 1, (length(p_code)::real / length(s.norm_code))::real,
                   s.display_length, s.level, s.code
            FROM concept_search AS s
            WHERE p_code_prefix AND s.norm_code >= p_code AND s.norm_code < code_end
              AND s.norm_code LIKE code_like AND {versions} AND {filters}
            UNION ALL
            SELECT s.concept_id, 2, CASE WHEN s.label = folded THEN 1.0 ELSE 0.95 END::real,
                   s.display_length, s.level, s.code
            FROM concept_search AS s
            WHERE (s.label = folded OR s.synonyms @> ARRAY[folded])
              AND {versions} AND {filters}
        ) AS h
        ORDER BY h.concept_id, h.rank_class, h.score DESC
    ),
    -- Only the id and the bound: copying labels and codes of 19,000 hits doubled the cost.
    worded AS MATERIALIZED (
        SELECT s.concept_id,
               CASE WHEN least(query_trigrams, s.label_trigrams) = 0 THEN 0::real
                    ELSE least(query_trigrams, s.label_trigrams)::real
                         / greatest(query_trigrams, s.label_trigrams)::real
               END AS bound
        FROM concept_search AS s
        WHERE s.words @@ query AND {versions} AND {filters}
          AND NOT EXISTS (SELECT FROM exact AS e WHERE e.concept_id = s.concept_id)
    ),
    counted AS MATERIALIZED (
        SELECT (SELECT count(*) FROM exact) AS n_exact, (SELECT count(*) FROM worded) AS n_worded
    ),
    fuzzy AS MATERIALIZED (
        SELECT s.concept_id, 4 AS rank_class, word_similarity(folded, s.terms) AS score,
               s.display_length, s.level, s.code
        FROM concept_search AS s
        WHERE p_fuzzy AND (SELECT n_exact + n_worded FROM counted) < p_fuzzy_below
          AND folded <% s.terms AND {versions} AND {filters}
          AND NOT EXISTS (SELECT FROM exact AS e WHERE e.concept_id = s.concept_id)
          AND NOT EXISTS (SELECT FROM worded AS w WHERE w.concept_id = s.concept_id)
    ),
    -- The k-th best similarity among the k hits of best bound: no hit whose bound is
    -- below it can be among the k best of class 3 (k = what the page needs from it).
    best_bound AS MATERIALIZED (
        SELECT w.concept_id FROM worded AS w
        ORDER BY w.bound DESC
        LIMIT (SELECT greatest(wanted - n_exact, 0) FROM counted)
    ),
    bar AS (
        SELECT min(similarity(folded, s.label)) AS score
        FROM best_bound AS b
        JOIN concept_search AS s ON s.concept_id = b.concept_id
    ),
    ranked AS (
        SELECT r.*, row_number() OVER (
            ORDER BY r.rank_class, r.score DESC, r.display_length, r.level NULLS LAST,
                     r.code, r.concept_id
        ) AS position
        FROM (
            SELECT * FROM exact
            UNION ALL
            SELECT s.concept_id, 3, similarity(folded, s.label), s.display_length, s.level,
                   s.code
            FROM worded AS w
            JOIN concept_search AS s ON s.concept_id = w.concept_id
            WHERE w.bound >= (SELECT score FROM bar)
            UNION ALL
            SELECT * FROM fuzzy
        ) AS r
    ),
    page AS (
        SELECT * FROM ranked ORDER BY position OFFSET p_offset LIMIT p_limit
    )
    SELECT n.n_exact + n.n_worded + (SELECT count(*) FROM fuzzy), p.position, p.concept_id,
           p.rank_class, p.score
    FROM counted AS n
    LEFT JOIN page AS p ON true
    ORDER BY p.position
"""
_FILTERS = "(p_level IS NULL OR s.level = p_level) AND (p_active IS NULL OR s.active = p_active)"

SEARCH_FUNCTION = """
CREATE FUNCTION thesaurus_search_page(
    p_versions uuid[], p_text text, p_code text, p_code_prefix boolean, p_words text,
    p_fuzzy boolean, p_fuzzy_below integer, p_level integer, p_active boolean,
    p_limit integer, p_offset integer
) RETURNS TABLE (
    total bigint, hit_position bigint, hit_id integer, hit_class integer, hit_score real
)
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 100
SET search_path = public, pg_temp
SET pg_trgm.word_similarity_threshold = 0.5
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    folded text := thesaurus_fold(p_text);
    query tsquery := CASE WHEN p_words <> ''
        THEN to_tsquery('french'::regconfig, thesaurus_fold(p_words)) END;
    code_like text := replace(replace(replace(p_code, '\\', '\\\\'), '%', '\\%'), '_', '\\_')
        || '%';
    -- Every code starting with p_code sorts between the two (collation C): an index range
    -- even in a cached generic plan, where LIKE 'M54%' could not use the index.
    code_end text := p_code || chr(1114111);
    query_trigrams integer := coalesce(array_length(show_trgm(thesaurus_fold(p_text)), 1), 0);
    wanted integer := p_offset + p_limit;
    visible uuid[];
    one_version uuid;
BEGIN
    -- RLS is forced on code_system_version, for this function's owner as well: with the
    -- caller's app.tenant_id, only the versions the caller may read remain.
    SELECT array_agg(v.id) INTO visible FROM code_system_version AS v WHERE v.id = ANY(p_versions);
    IF cardinality(visible) = 1 THEN
        one_version := visible[1];
        RETURN QUERY {one};
    ELSE
        RETURN QUERY {many};
    END IF;
END $$""".format(  # noqa: S608 (assembled from this module's constants only)
    one=_SEARCH_QUERY.format(versions="s.version_id = one_version", filters=_FILTERS),
    # In a generic plan ``s.version_id = ANY(visible)`` became one GIN scan per version (the
    # synthetic one has 200,000 entries) and, as a filter, flattened the PL/pgSQL array for
    # every row. A hashed subplan, kept out of the index conditions by IS TRUE, costs one
    # hash probe per row.
    many=_SEARCH_QUERY.format(
        versions="(s.version_id IN (SELECT unnest(visible))) IS TRUE", filters=_FILTERS
    ),
)

# The filtered expansion of a whole version (``<system>?fhir_vs`` with ``filter``): total and
# one page ordered by code, from the index table alone.
EXPANSION_FUNCTION = r"""
CREATE FUNCTION thesaurus_expansion_page(
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
BEGIN
    -- RLS is forced on code_system_version for this function's owner too: a version the
    -- caller may not read yields nothing.
    IF NOT EXISTS (SELECT 1 FROM code_system_version AS v WHERE v.id = p_version) THEN
        RETURN QUERY SELECT 0::bigint, NULL::integer, NULL::text;
        RETURN;
    END IF;
    RETURN QUERY
    -- Two branches rather than one OR: with the OR, the planner rechecked the LIKE twice.
    WITH matched AS MATERIALIZED (
        SELECT s.concept_id, s.code FROM concept_search AS s
        WHERE s.version_id = p_version AND s.terms LIKE pattern
          AND (NOT p_active_only OR s.active)
        UNION ALL
        SELECT s.concept_id, s.code FROM concept_search AS s
        WHERE s.version_id = p_version
          AND s.norm_code >= p_code_prefix AND s.norm_code < code_end
          AND s.norm_code LIKE code_like AND NOT s.terms LIKE pattern
          AND (NOT p_active_only OR s.active)
    )
    SELECT (SELECT count(*) FROM matched), p.concept_id, p.code
    FROM (SELECT 1) AS one
    LEFT JOIN (
        SELECT m.concept_id, m.code FROM matched AS m
        ORDER BY m.code COLLATE "C" LIMIT p_limit OFFSET p_offset
    ) AS p ON true;
END $$
"""

# One statement per string: asyncpg runs them as prepared statements.
UPGRADE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "DROP FUNCTION thesaurus_search(uuid[], text, text, boolean, text, boolean)",
    "DROP INDEX ix_concept_search_code",
    "DROP INDEX ix_concept_search_label",
    "DROP INDEX ix_concept_search_synonyms",
    "DROP INDEX ix_concept_search_terms_trgm",
    "DROP INDEX ix_concept_search_words",
    # The index is derived data: rebuilt whole rather than updated row by row.
    "TRUNCATE concept_search",
    """
ALTER TABLE concept_search
    ADD COLUMN code text NOT NULL,
    ADD COLUMN level integer,
    ADD COLUMN active boolean NOT NULL,
    ADD COLUMN display_length integer NOT NULL,
    ADD COLUMN label_trigrams integer NOT NULL
""",
    f"""
CREATE OR REPLACE FUNCTION thesaurus_index_added_concepts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO concept_search {_COLUMNS} SELECT {_ROW} FROM added AS c {_FOLDED} {_UPSERT};
    RETURN NULL;
END $$""",  # noqa: S608 (assembled from this module's constants only)
    f"""
CREATE OR REPLACE FUNCTION thesaurus_index_changed_concept() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO concept_search {_COLUMNS}
    SELECT {_ROW} FROM (SELECT NEW.*) AS c {_FOLDED} {_UPSERT};
    RETURN NULL;
END $$""",  # noqa: S608 (assembled from this module's constants only)
    # As in 0003: lift the owner's forced RLS on concept for the backfill only (same
    # transaction), so that tenants' local systems are indexed too.
    "ALTER TABLE concept NO FORCE ROW LEVEL SECURITY",
    f"INSERT INTO concept_search {_COLUMNS} SELECT {_ROW} FROM concept AS c {_FOLDED}",  # noqa: S608
    "ALTER TABLE concept FORCE ROW LEVEL SECURITY",
    "CREATE INDEX ix_concept_search_code ON concept_search (norm_code, version_id)",
    "CREATE INDEX ix_concept_search_label ON concept_search USING hash (label)",
    "CREATE INDEX ix_concept_search_synonyms ON concept_search USING gin (synonyms)",
    "CREATE INDEX ix_concept_search_version_terms_trgm ON concept_search"
    " USING gin (version_id, terms gin_trgm_ops)",
    "CREATE INDEX ix_concept_search_version_words ON concept_search USING gin (version_id, words)",
    "ANALYZE concept_search",
    SEARCH_FUNCTION,
    EXPANSION_FUNCTION,
]


def _revision(filename: str) -> ModuleType:
    """An earlier revision's module (the versions folder is not a package)."""
    spec = importlib.util.spec_from_file_location(filename, Path(__file__).with_name(filename))
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    """Back to 0004: the 0003 columns, indexes, triggers and search function."""
    previous: list[str] = _revision("0003_search_index.py").UPGRADE
    op.execute(
        "DROP FUNCTION thesaurus_expansion_page(uuid, text, text, boolean, integer, integer)"
    )
    op.execute(
        "DROP FUNCTION thesaurus_search_page(uuid[], text, text, boolean, text, boolean, "
        "integer, integer, boolean, integer, integer)"
    )
    for index in ("code", "label", "synonyms", "version_terms_trgm", "version_words"):
        op.execute(f"DROP INDEX ix_concept_search_{index}")
    op.execute("TRUNCATE concept_search")
    op.execute(
        "ALTER TABLE concept_search DROP COLUMN code, DROP COLUMN level, DROP COLUMN active, "
        "DROP COLUMN display_length, DROP COLUMN label_trigrams"
    )
    # 0003's statements from its trigger functions to its search function, minus the table
    # creation and the triggers themselves (both still exist).
    for statement in previous[2:]:
        if statement.lstrip().startswith("CREATE TRIGGER"):
            continue
        op.execute(statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
