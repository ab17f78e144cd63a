"""HTTP API of the French search over the shared (and the tenant's own) code systems."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.api.params import INT4_MAX, Offset
from cosar_common.auth import PrincipalDep
from cosar_common.db.dependencies import RuntimeDep
from thesaurus import answers
from thesaurus.search import query, schemas, service

router = APIRouter(tags=["recherche"])


@router.get(
    "/search",
    summary="Rechercher un concept en français (code, libellé, mots, fautes de frappe)",
    response_model=schemas.SearchPage,
)
async def search(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    q: Annotated[
        str,
        Query(
            max_length=query.MAX_QUERY_LENGTH,
            description="Texte recherché : code sous toute écriture courante (62.01Z, 6201Z, "
            "62.01) ou mots du libellé, sans souci des accents ni des majuscules",
            examples=["boulangerie"],
        ),
    ],
    system: Annotated[
        str | None,
        Query(
            max_length=500,
            description="Nom (naf-rev2) ou URL canonique du système ; par défaut tous",
        ),
    ] = None,
    version: Annotated[
        str | None,
        Query(
            max_length=50,
            description="Version du système (avec « system » seulement) ; par défaut la "
            "dernière publiée",
        ),
    ] = None,
    level: Annotated[
        int | None, Query(ge=1, le=20, description="Niveau hiérarchique des concepts")
    ] = None,
    active: Annotated[
        bool | None,
        Query(description="true : concepts actifs seulement ; false : dépréciés seulement"),
    ] = None,
    # Only the int4 bound here: the service refuses a page larger than its maximum with a
    # message that states it.
    limit: Annotated[
        int,
        Query(ge=1, le=INT4_MAX, description=f"Taille de page (au plus {service.MAX_PAGE_SIZE})"),
    ] = 20,
    offset: Annotated[Offset, Query(description="Rang du premier résultat")] = 0,
) -> Response:
    """Answers over published versions are kept in memory (:mod:`thesaurus.answers`)."""

    async def compute(session: AsyncSession) -> bytes:
        page = await service.search(
            session,
            q=q,
            system=system,
            version=version,
            level=level,
            active=active,
            limit=limit,
            offset=offset,
        )
        return page.model_dump_json().encode()

    key = ("search", q, system, version, level, active, limit, offset)
    body = await answers.answer(runtime, principal, key, compute)
    return Response(body, media_type="application/json")
