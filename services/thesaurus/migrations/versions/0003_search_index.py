"""Search index: a folded copy of every concept's code, label and synonyms, and the one
function that searches it (exact code, code prefix, exact label or synonym, French words,
trigram similarity).

Why a separate table and a SECURITY DEFINER function: under row-level security PostgreSQL
evaluates the policy before any non-LEAKPROOF operator of the query, so ``@@``, ``<%`` and
``LIKE`` can never use an index on ``concept`` for the runtime role (measured on CIM-10: 400 to
700 ms per query, sequential). Marking those operators LEAKPROOF needs a superuser. Instead the
index lives in ``concept_search``, which its owner reads without RLS, through
``thesaurus_search``. That function still answers only for the versions the *caller* may see:
``code_system_version`` forces RLS on its owner too, with the caller's ``app.tenant_id``; and
the service joins the hits back to ``concept`` under RLS anyway.

The runtime role gets table grants from the migration runner, but ``concept_search`` has RLS
enabled and no policy: that role can neither read nor write it directly.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What a concept looks like to the search (one expression, used by the triggers and backfill).
_ROW = """
    c.id,
    c.version_id,
    c.norm_code,
    thesaurus_fold(c.display),
    ARRAY(SELECT thesaurus_fold(s) FROM unnest(c.synonyms) AS s),
    thesaurus_fold(concat_ws(E'\\n', c.display, array_to_string(c.synonyms, E'\\n'))),
    to_tsvector('french'::regconfig,
        thesaurus_fold(concat_ws(E'\\n', c.display, array_to_string(c.synonyms, E'\\n'))))
"""
_UPSERT = """
    ON CONFLICT (concept_id) DO UPDATE SET
        version_id = EXCLUDED.version_id, norm_code = EXCLUDED.norm_code,
        label = EXCLUDED.label, synonyms = EXCLUDED.synonyms,
        terms = EXCLUDED.terms, words = EXCLUDED.words
"""
_COLUMNS = "(concept_id, version_id, norm_code, label, synonyms, terms, words)"

# One statement per string: asyncpg runs them as prepared statements.
UPGRADE = [
    # norm_code in the C collation: LIKE 'M54%' becomes a btree range scan.
    """
CREATE TABLE concept_search (
    concept_id integer PRIMARY KEY
        CONSTRAINT fk_concept_search_concept_id_concept REFERENCES concept (id) ON DELETE CASCADE,
    version_id uuid NOT NULL,
    norm_code text COLLATE "C" NOT NULL,
    label text NOT NULL,
    synonyms text[] NOT NULL,
    terms text NOT NULL,
    words tsvector NOT NULL
)""",
    "ALTER TABLE concept_search ENABLE ROW LEVEL SECURITY",
    f"""
CREATE FUNCTION thesaurus_index_added_concepts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO concept_search {_COLUMNS} SELECT {_ROW} FROM added AS c {_UPSERT};
    RETURN NULL;
END $$""",  # noqa: S608 (assembled from this module's constants only)
    f"""
CREATE FUNCTION thesaurus_index_changed_concept() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO concept_search {_COLUMNS} SELECT {_ROW} FROM (SELECT NEW.*) AS c {_UPSERT};
    RETURN NULL;
END $$""",  # noqa: S608 (assembled from this module's constants only)
    # Statement level with a transition table: an import of 40,000 concepts is one INSERT here.
    "CREATE TRIGGER concept_search_on_insert AFTER INSERT ON concept"
    " REFERENCING NEW TABLE AS added"
    " FOR EACH STATEMENT EXECUTE FUNCTION thesaurus_index_added_concepts()",
    "CREATE TRIGGER concept_search_on_update AFTER UPDATE ON concept"
    " FOR EACH ROW EXECUTE FUNCTION thesaurus_index_changed_concept()",
    # The owner is subject to FORCEd RLS on concept: lift it for the backfill only, so that
    # tenants' local systems are indexed too (same transaction, restored just after).
    "ALTER TABLE concept NO FORCE ROW LEVEL SECURITY",
    f"INSERT INTO concept_search {_COLUMNS} SELECT {_ROW} FROM concept AS c",  # noqa: S608
    "ALTER TABLE concept FORCE ROW LEVEL SECURITY",
    # Indexes built after the backfill: faster, and no GIN pending list left to scan.
    "CREATE INDEX ix_concept_search_code ON concept_search (norm_code, version_id)",
    "CREATE INDEX ix_concept_search_label ON concept_search USING hash (label)",
    "CREATE INDEX ix_concept_search_synonyms ON concept_search USING gin (synonyms)",
    "CREATE INDEX ix_concept_search_terms_trgm ON concept_search USING gin (terms gin_trgm_ops)",
    "CREATE INDEX ix_concept_search_words ON concept_search USING gin (words)",
    "ANALYZE concept_search",
    # ROWS 100: with the default estimate (1,000) the planner hashes all of concept to join
    # the hits back (70 ms instead of 6 on CIM-10).
    # Rank classes: 0 exact code, 1 code prefix, 2 exact label or synonym, 3 every word found
    # (French stems, prefixes), 4 trigram similarity (typos). A concept keeps its best class.
    # p_words is tsquery text the service builds from quoted words (never raw user syntax);
    # the caller decides whether a code prefix or a fuzzy match makes sense for the input.
    """
CREATE FUNCTION thesaurus_search(
    p_versions uuid[], p_text text, p_code text, p_code_prefix boolean, p_words text,
    p_fuzzy boolean
) RETURNS TABLE (hit_id integer, hit_class integer, hit_score real)
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 100
SET search_path = public, pg_temp
SET pg_trgm.word_similarity_threshold = 0.5
AS $$
DECLARE
    folded text := thesaurus_fold(p_text);
    query tsquery := CASE WHEN p_words <> ''
        THEN to_tsquery('french'::regconfig, thesaurus_fold(p_words)) END;
    code_like text := replace(replace(replace(p_code, '\\', '\\\\'), '%', '\\%'), '_', '\\_')
        || '%';
    visible uuid[];
BEGIN
    -- RLS is forced on code_system_version, for this function's owner as well: with the
    -- caller's app.tenant_id, only the versions the caller may read remain.
    SELECT array_agg(v.id) INTO visible FROM code_system_version AS v WHERE v.id = ANY(p_versions);
    RETURN QUERY
    WITH hits AS (
        SELECT s.concept_id, 0 AS rank_class, 1.0::real AS score
        FROM concept_search AS s
        WHERE s.norm_code = p_code AND s.version_id = ANY(visible)
        UNION ALL
        SELECT s.concept_id, 1, length(p_code)::real / length(s.norm_code)
        FROM concept_search AS s
        WHERE p_code_prefix AND s.norm_code LIKE code_like AND s.version_id = ANY(visible)
        UNION ALL
        SELECT s.concept_id, 2, CASE WHEN s.label = folded THEN 1.0 ELSE 0.95 END::real
        FROM concept_search AS s
        WHERE (s.label = folded OR s.synonyms @> ARRAY[folded])
          AND s.version_id = ANY(visible)
        UNION ALL
        SELECT s.concept_id, 3, similarity(folded, s.label)
        FROM concept_search AS s
        WHERE s.words @@ query AND s.version_id = ANY(visible)
        UNION ALL
        SELECT s.concept_id, 4, word_similarity(folded, s.terms)
        FROM concept_search AS s
        WHERE p_fuzzy AND folded <% s.terms AND s.version_id = ANY(visible)
    )
    SELECT DISTINCT ON (h.concept_id) h.concept_id, h.rank_class, h.score::real
    FROM hits AS h
    ORDER BY h.concept_id, h.rank_class, h.score DESC;
END $$""",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP FUNCTION thesaurus_search(uuid[], text, text, boolean, text, boolean)")
    op.execute("DROP TRIGGER concept_search_on_update ON concept")
    op.execute("DROP TRIGGER concept_search_on_insert ON concept")
    op.execute("DROP FUNCTION thesaurus_index_changed_concept()")
    op.execute("DROP FUNCTION thesaurus_index_added_concepts()")
    op.execute("DROP TABLE concept_search")
