"""Import and export of shared code systems over HTTP: CSV, FHIR JSON, SKOS Turtle.

The formats themselves are pure functions (``thesaurus.interchange``, whose ``EXPORTERS`` a
version is exported through); this module reads and writes versions through the same use cases
as the editing API. Parsing large files is CPU work:
it runs in a worker thread so the event loop keeps serving other requests.
"""

from __future__ import annotations

import asyncio
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status

from cosar_common.auth import PrincipalDep
from cosar_common.db.dependencies import OutboxDep, SessionDep
from cosar_common.documents import french_list
from cosar_common.errors import RuleViolation
from thesaurus.codesystems import schemas, service
from thesaurus.codesystems.endpoints import EditorPrincipal, SystemName, VersionPath
from thesaurus.domain.model import CodeSystemData
from thesaurus.interchange import EXPORTERS, ImportRejected, parse_csv, parse_fhir, parse_skos

router = APIRouter(prefix="/code-systems", tags=["import et export"])


# The interchange formats, read by the import and written by ``EXPORTERS`` (no docstring: it
# would be the OpenAPI schema's description).
class Format(StrEnum):
    CSV = "csv"
    FHIR = "fhir"
    SKOS = "skos"


_FORMATS = french_list(f.value for f in Format)


@router.get("/{name}/versions/{version}/export", summary="Exporter une version")
async def export_version(
    name: SystemName,
    version: VersionPath,
    _: PrincipalDep,
    session: SessionDep,
    format: Annotated[Format, Query(description=_FORMATS)] = Format.FHIR,
) -> Response:
    data = await service.version_data(session, name, version)
    document = await asyncio.to_thread(EXPORTERS.render, format, data, name=f"{name}-{version}")
    return document.response()


def _parse(
    format: Format, content: bytes, *, name: str, url: str | None, title: str | None, version: str
) -> CodeSystemData:
    if format is Format.CSV:
        if not url or not title:
            raise RuleViolation(
                "Un import CSV demande l'URL canonique et le titre (paramètres url, title).",
                code="missing_metadata",
            )
        return parse_csv(content, name=name, url=url, title=title, version=version)
    data = parse_fhir(content) if format is Format.FHIR else parse_skos(content, name=name)
    data.name = name
    data.version = version
    data.url = url or data.url
    data.title = title or data.title
    return data


@router.post(
    "/{name}/versions/{version}/import",
    status_code=status.HTTP_201_CREATED,
    summary="Importer une version (publiée d'un bloc, ou refusée en entier)",
)
async def import_version(
    name: SystemName,
    version: VersionPath,
    principal: EditorPrincipal,
    session: SessionDep,
    outbox: OutboxDep,
    content: Annotated[bytes, Body(media_type="application/octet-stream")],
    format: Annotated[Format, Query(description=_FORMATS)],
    url: str | None = None,
    title: str | None = None,
) -> schemas.Version:
    try:
        data = await asyncio.to_thread(
            _parse, format, content, name=name, url=url, title=title, version=version
        )
    except ImportRejected as exc:
        raise service.import_rejected(exc) from exc
    return await service.import_code_system(
        session,
        data=data,
        created_by=principal.actor,
        tenant_id=None,
        outbox=outbox,
    )
