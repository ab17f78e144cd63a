"""Use case of the French search: which versions to search, then one query."""

from __future__ import annotations

import dataclasses

from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.errors import NotFound, RuleViolation
from thesaurus.codesystems import repository as codesystems
from thesaurus.codesystems import service as codesystems_service
from thesaurus.search import query, repository, schemas
from thesaurus.search.repository import SearchedVersion

MAX_PAGE_SIZE = 100

# Rank classes of ``thesaurus_search`` (migration 0003) as the API names them.
_MATCH = {
    0: schemas.MatchKind.CODE,
    1: schemas.MatchKind.PREFIX,
    2: schemas.MatchKind.LABEL,
    3: schemas.MatchKind.PREFIX,
    4: schemas.MatchKind.FUZZY,
}


# Below this many exact, label or word matches, close spellings are searched too.
FUZZY_FALLBACK_BELOW = 20


async def _versions(
    session: AsyncSession, system: str | None, version: str | None
) -> list[SearchedVersion]:
    if system is None:
        if version is not None:
            raise RuleViolation(
                "Le paramètre « version » demande un seul système de codes (« system »).",
                code="version_without_system",
            )
        return await repository.latest_published_versions(session)
    # A canonical URL or a name: URLs always carry their scheme.
    found = (
        await codesystems.get_system(session, url=system)
        if "://" in system
        else await codesystems.get_system(session, name=system)
    )
    if found is None:
        raise NotFound(f"Système de codes « {system} » introuvable.", code="unknown_system")
    chosen = await codesystems_service.require_version(session, found, version)
    return [
        SearchedVersion(
            id=chosen.id, system=found.name, system_url=found.url, version=chosen.version
        )
    ]


async def search(
    session: AsyncSession,
    *,
    q: str,
    system: str | None,
    version: str | None,
    level: int | None,
    active: bool | None,
    limit: int,
    offset: int,
) -> schemas.SearchPage:
    """Concepts matching ``q`` (code, label, words, or close spelling), best first, paged.

    By default the latest published version of every visible system; ``active`` True keeps
    active concepts only, False deprecated ones only.
    """
    if limit > MAX_PAGE_SIZE:
        # Refused rather than truncated: a client asking for 500 must not believe it got all.
        raise RuleViolation(
            f"« limit » vaut au plus {MAX_PAGE_SIZE} résultats par page ; "
            "utilisez « offset » pour les pages suivantes.",
            code="limit_too_large",
            errors=[{"field": "limit", "message": f"Maximum : {MAX_PAGE_SIZE}."}],
        )
    terms = query.parse(q)
    if terms is None:
        raise RuleViolation(
            f"Saisir au moins {query.MIN_QUERY_LENGTH} lettres ou chiffres à rechercher.",
            code="query_too_short",
            errors=[{"field": "q", "message": "Texte trop court."}],
        )
    versions = await _versions(session, system, version)
    by_id = {v.id: v for v in versions}
    # Typo tolerance is a fallback: when codes, labels and words already find enough, the
    # trigram pass over every label (most of the cost of a common word) adds only noise.
    exact_terms = dataclasses.replace(terms, fuzzy=False)
    total, hits = await repository.search(
        session,
        versions=list(by_id),
        terms=exact_terms if terms.fuzzy else terms,
        level=level,
        active=active,
        limit=limit,
        offset=offset,
    )
    if terms.fuzzy and total < FUZZY_FALLBACK_BELOW:
        total, hits = await repository.search(
            session,
            versions=list(by_id),
            terms=terms,
            level=level,
            active=active,
            limit=limit,
            offset=offset,
        )
    return schemas.SearchPage(
        total=total,
        limit=limit,
        offset=offset,
        items=[
            schemas.SearchHit(
                system=by_id[h.version_id].system,
                system_url=by_id[h.version_id].system_url,
                version=by_id[h.version_id].version,
                code=h.code,
                display=h.display,
                level=h.level,
                status=h.status,
                match=_MATCH[h.rank_class],
                score=round(h.score, 4),
            )
            for h in hits
        ],
    )
