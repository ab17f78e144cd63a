"""Use case of the French search: which versions to search, then one query."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.errors import NotFound, RuleViolation
from thesaurus import answers
from thesaurus.codesystems import repository as codesystems
from thesaurus.codesystems import service as codesystems_service
from thesaurus.codesystems.models import VersionStatus
from thesaurus.search import query, repository, schemas

MAX_PAGE_SIZE = 100

# Rank classes of ``thesaurus_search_page`` (migrations 0003 and 0005) as the API names them.
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
) -> list[uuid.UUID] | None:
    """The version searched in ``system``; None (no system) for every system's latest."""
    if system is None:
        if version is not None:
            raise RuleViolation(
                "Le paramètre « version » demande un seul système de codes (« system »).",
                code="version_without_system",
            )
        answers.note_read(session, VersionStatus.PUBLISHED.value)
        return None
    # A canonical URL or a name: URLs always carry their scheme.
    by_url = "://" in system
    found, chosen = await codesystems.find_version(
        session, ref=system, by_url=by_url, by_name=not by_url, version=version
    )
    if found is None:
        raise NotFound(f"Système de codes « {system} » introuvable.", code="unknown_system")
    if chosen is None:
        raise codesystems_service.unknown_version(found.name, version)
    answers.note_read(session, chosen.status)
    return [chosen.id]


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
    total, hits = await repository.search(
        session,
        versions=await _versions(session, system, version),
        terms=terms,
        # Typo tolerance is a fallback: when codes, labels and words already find enough,
        # the trigram pass over every label (most of the cost of a common word) adds only
        # noise.
        fuzzy_below=FUZZY_FALLBACK_BELOW,
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
                system=h.system,
                system_url=h.system_url,
                version=h.version,
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
