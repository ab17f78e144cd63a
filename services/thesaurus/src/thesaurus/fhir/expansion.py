"""Value set expansion in SQL: one code system version plus ``compose.include.filter`` rules.

Everything happens in PostgreSQL: hierarchy filters are recursive CTEs over ``concept_parent``,
the page is ``ORDER BY code LIMIT/OFFSET`` and the total a ``count(*)`` of the same query, so a
page deep into CIM-10 (42,730 codes) costs one indexed scan and nothing is capped silently. A
whole version filtered by text alone is answered from the search table instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from thesaurus.domain.codes import normalise_code

MAX_PAGE = 1000
DEFAULT_PAGE = 100

HIERARCHY_OPS = ("is-a", "descendent-of", "is-not-a")
# (property, operators) we can expand; any other property is a concept property (``=`` only).
SUPPORTED = {
    "concept": (*HIERARCHY_OPS, "in", "not-in", "="),
    "code": ("=", "in"),
    "level": ("=",),
    "status": ("=",),
}


@dataclass(frozen=True)
class Filter:
    """One ``compose.include.filter`` (FHIR: filters of one include are combined with AND)."""

    property: str
    op: str
    value: str

    def as_json(self) -> dict[str, str]:
        return {"property": self.property, "op": self.op, "value": self.value}

    def problem(self) -> str | None:
        """Why this filter cannot be expanded, in French; None when it can."""
        ops = SUPPORTED.get(self.property, ("=",))
        if self.op not in ops:
            return (
                f"Filtre « {self.property} {self.op} » non pris en charge "
                f"(opérateurs possibles : {', '.join(ops)})."
            )
        if self.property == "level" and not self.value.strip().isdigit():
            return f"Le filtre « level = {self.value} » attend un entier."
        if not self.value.strip():
            return f"Le filtre « {self.property} {self.op} » n'a pas de valeur."
        return None


@dataclass(frozen=True)
class ExpandedConcept:
    code: str
    display: str
    status: str


@dataclass
class Page:
    total: int
    concepts: list[ExpandedConcept] = field(default_factory=list)


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _is_a_cte(name: str, param: str, *, include_self: bool) -> str:
    # UNION (not UNION ALL) removes duplicates: a multi-parent diamond or a cycle in a draft
    # still terminates.
    start = (
        f"SELECT CAST(:{param} AS text)"
        if include_self
        else f"SELECT p.code::text FROM concept_parent p WHERE p.version_id = :v "  # noqa: S608
        f"AND p.parent_code = :{param}"
    )
    return (
        f"{name}(code) AS ({start} UNION SELECT p.code::text FROM concept_parent p "  # noqa: S608
        f"JOIN {name} ON p.parent_code = {name}.code WHERE p.version_id = :v)"
    )


def build_where(
    filters: Sequence[Filter],
    *,
    text_filter: str | None = None,
    active_only: bool = False,
    code: str | None = None,
) -> tuple[list[str], list[str], dict[str, Any]]:
    """(CTEs, conditions on ``concept c``, bind parameters) for a version's expansion.

    The SQL is assembled from fixed fragments and generated names (``h0``, ``f0``) only;
    every value from the request is a bind parameter (hence the ``noqa: S608`` below).
    """
    ctes: list[str] = []
    where = ["c.version_id = :v"]
    binds: dict[str, Any] = {}
    for i, f in enumerate(filters):
        key = f"f{i}"
        value = f.value.strip()
        if f.property == "concept" and f.op in HIERARCHY_OPS:
            ctes.append(_is_a_cte(f"h{i}", key, include_self=f.op != "descendent-of"))
            negate = "NOT " if f.op == "is-not-a" else ""
            where.append(f"c.code {negate}IN (SELECT code FROM h{i})")  # noqa: S608
            binds[key] = value
        elif f.property in ("concept", "code") and f.op in ("in", "not-in"):
            negate = "NOT " if f.op == "not-in" else ""
            where.append(f"{negate}(c.code = ANY(CAST(:{key} AS text[])))")
            binds[key] = _codes(value)
        elif f.property in ("concept", "code"):
            where.append(f"c.code = :{key}")
            binds[key] = value
        elif f.property == "level":
            where.append(f"c.level = :{key}")
            binds[key] = int(value)
        elif f.property == "status":
            where.append(f"c.status = :{key}")
            binds[key] = value
        else:
            where.append(
                "EXISTS (SELECT 1 FROM jsonb_array_elements(c.properties) e "  # noqa: S608
                f"WHERE e->>'code' = :{key}p AND e->>'value' = :{key})"
            )
            binds[key], binds[f"{key}p"] = value, f.property
    if text_filter:
        # An accent-insensitive "contains" on the label or a synonym, or a code prefix in any
        # writing (62.01, 6201), through the search table's trigram index (migration 0004);
        # the full French search is the search module's.
        where.append("c.id IN (SELECT thesaurus_text_filter(:v, :text, :code_prefix))")
        binds["text"] = _like_escape(text_filter)
        binds["code_prefix"] = _like_escape(normalise_code(text_filter))
    if active_only:
        where.append("c.status = 'active'")
    if code is not None:
        where.append("c.code = :only_code")
        binds["only_code"] = code
    return ctes, where, binds


# A whole version filtered by text only (``<system>?fhir_vs`` with ``filter``, the common case):
# the total and the page come from the search table (``thesaurus_expansion_page``, migration
# 0005) in one statement, and only the page's concepts are read from ``concept`` (RLS).
_FILTERED_PAGE = text(
    """
    SELECT p.total, c.code, c.display, c.status
    FROM thesaurus_expansion_page(
        :v, :text, :code_prefix, :active_only, :limit, :offset
    ) AS p
    LEFT JOIN concept AS c ON c.id = p.hit_id
    ORDER BY p.hit_code COLLATE "C"
    """
)


async def _filtered_page(
    session: AsyncSession,
    *,
    version_id: uuid.UUID,
    text_filter: str,
    active_only: bool,
    count: int,
    offset: int,
) -> Page:
    rows = (
        await session.execute(
            _FILTERED_PAGE,
            {
                "v": version_id,
                "text": text_filter,
                "code_prefix": normalise_code(text_filter),
                "active_only": active_only,
                "limit": count,
                "offset": offset,
            },
        )
    ).all()
    page = Page(total=int(rows[0].total) if rows else 0)
    page.concepts = [
        ExpandedConcept(r.code, r.display, r.status) for r in rows if r.code is not None
    ]
    return page


async def expand(
    session: AsyncSession,
    *,
    version_id: uuid.UUID,
    filters: Sequence[Filter],
    text_filter: str | None = None,
    active_only: bool = False,
    count: int = DEFAULT_PAGE,
    offset: int = 0,
    code: str | None = None,
) -> Page:
    """The total and one page (ordered by code, byte order) of a version's expansion."""
    if text_filter and not filters and code is None:
        return await _filtered_page(
            session,
            version_id=version_id,
            text_filter=text_filter,
            active_only=active_only,
            count=count,
            offset=offset,
        )
    ctes, where, binds = build_where(
        filters, text_filter=text_filter, active_only=active_only, code=code
    )
    binds["v"] = version_id
    head = f"WITH RECURSIVE {', '.join(ctes)} " if ctes else ""
    body = f"FROM concept c WHERE {' AND '.join(where)}"
    total = await session.scalar(text(f"{head}SELECT count(*) {body}"), binds)
    page = Page(total=int(total or 0))
    if count == 0 or page.total <= offset:
        return page
    rows = await session.execute(
        # COLLATE "C": a stable byte order, the same in every database and in Python's sort.
        text(
            f'{head}SELECT c.code, c.display, c.status {body} ORDER BY c.code COLLATE "C" '
            "LIMIT :limit OFFSET :offset"
        ),
        {**binds, "limit": count, "offset": offset},
    )
    page.concepts = [ExpandedConcept(r.code, r.display, r.status) for r in rows]
    return page
