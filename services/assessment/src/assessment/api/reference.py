"""HTTP API of the thesaurus versions this service has learnt (events)."""

from __future__ import annotations

from fastapi import APIRouter

from assessment.reference import service
from assessment.reference.schemas import KnownVersion
from cosar_common.auth import PrincipalDep
from cosar_common.db.dependencies import SessionDep

router = APIRouter(prefix="/reference", tags=["référentiels"])


@router.get("/code-system-versions", summary="Versions du thésaurus connues de ce service")
async def known_versions(
    _: PrincipalDep, session: SessionDep, code_system: str | None = None
) -> list[KnownVersion]:
    rows = await service.list_known(session, code_system=code_system)
    return [KnownVersion.model_validate(r) for r in rows]
