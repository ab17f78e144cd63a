"""FHIR R5 terminology API under ``/fhir`` (JSON): metadata, CodeSystem search and operations,
shared ValueSets and ConceptMaps.

Operations accept GET (query parameters) and POST (a ``Parameters`` body). Parameters are read
by :class:`FhirParams`, not declared to FastAPI, and every error is an ``OperationOutcome``
(:class:`FhirRoute`). Any authenticated principal reads; thesaurus editors create.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common import clock
from cosar_common.auth import Principal, PrincipalDep
from cosar_common.db.dependencies import RuntimeDep, SessionDep
from cosar_common.runtime import Runtime
from thesaurus import answers
from thesaurus.codesystems import repository
from thesaurus.codesystems.endpoints import EditorPrincipal
from thesaurus.codesystems.models import CodeSystem, CodeSystemVersion
from thesaurus.fhir import codesystem_ops, conceptmaps, expansion, valueset_store, valuesets
from thesaurus.fhir.outcome import FHIR_JSON, FhirResponse, FhirRoute, invalid, not_found
from thesaurus.fhir.params import FhirParams, split_canonical
from thesaurus.fhir.resources import (
    bundle,
    capability_statement,
    code_system_resource,
    terminology_capabilities,
)

router = APIRouter(prefix="/fhir", tags=["FHIR"], route_class=FhirRoute)


def _get_and_post(path: str, *, summary: str) -> Callable[[F], F]:
    """An operation answers GET and POST; one route per method keeps OpenAPI ids unique."""

    def register(endpoint: F) -> F:
        router.get(path, summary=summary)(endpoint)
        router.post(path, summary=summary, operation_id=f"{endpoint.__name__}_post")(endpoint)
        return endpoint

    return register


F = TypeVar("F", bound=Callable[..., Any])
_FHIR: dict[str, Any] = {"application/fhir+json": {}}


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/fhir"


async def _body(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"null")
    except ValueError as exc:
        raise invalid("Le corps de la requête n'est pas un JSON valide.") from exc


def _created(request: Request, resource: dict[str, Any]) -> FhirResponse:
    location = f"{_base(request)}/{resource['resourceType']}/{resource['id']}"
    return FhirResponse(resource, status_code=201, headers={"Location": location})


@router.get("/metadata", summary="CapabilityStatement (ou TerminologyCapabilities)")
async def metadata(request: Request, _: PrincipalDep, session: SessionDep) -> Response:
    """``mode=terminology``: the code systems and versions the caller can use."""
    mode = FhirParams.from_query(request).text("mode") or "full"
    if mode == "full":
        return FhirResponse(capability_statement(_base(request)))
    if mode != "terminology":
        raise invalid("Le paramètre mode vaut full ou terminology.", expression=["mode"])
    systems = []
    for system in await repository.list_systems(session):
        versions = await repository.list_versions(session, system=system)
        latest = await repository.latest_published(session, system=system)
        systems.append((system, versions, None if latest is None else latest.version))
    return FhirResponse(terminology_capabilities(systems, max_page=expansion.MAX_PAGE))


@router.get("/CodeSystem", summary="Rechercher des systèmes de codes (name, url, version)")
async def search_code_systems(request: Request, _: PrincipalDep, session: SessionDep) -> Response:
    """A searchset Bundle, one CodeSystem per version, metadata only (``content: not-present``).

    ``name`` matches the start of the name (any case), ``url`` exactly, ``version`` exactly.
    """
    params = FhirParams.from_query(request)
    name, url, version = params.text("name"), params.text("url"), params.text("version")
    resources = []
    for system in await repository.list_systems(session):
        if name and not system.name.casefold().startswith(name.casefold()):
            continue
        if url and system.url != split_canonical(url)[0]:
            continue
        for found in await repository.list_versions(session, system=system):
            if version is None or found.version == version:
                resources.append(code_system_resource(system, found))
    return FhirResponse(bundle(_base(request), str(request.url), resources))


async def _operation(request: Request, run: Any, session: SessionDep) -> Response:
    return FhirResponse(await run(session, await FhirParams.of(request)))


async def _code_system_operation(
    request: Request, principal: Principal, runtime: Runtime, run: Any
) -> Response:
    """A CodeSystem operation; a GET that read only published versions is answered from memory
    the next time (:mod:`thesaurus.answers`). The key is the query string as sent (the first
    of repeated values wins, so their order matters) and today's date in Paris, the default
    ``date`` of ``$lookup``."""
    key = None
    if request.method == "GET":
        key = (request.url.path, tuple(request.query_params.multi_items()), clock.today())

    async def compute(session: AsyncSession) -> bytes:
        return bytes(FhirResponse(await run(session, await FhirParams.of(request))).body)

    body = await answers.answer(runtime, principal, key, compute)
    return Response(body, media_type=FHIR_JSON)


@_get_and_post("/CodeSystem/$lookup", summary="$lookup : détails d'un code")
async def lookup(request: Request, principal: PrincipalDep, runtime: RuntimeDep) -> Response:
    """``system``, ``code`` (or ``coding``), ``version``, ``date`` (properties in force that
    day, default today), ``property`` (repeatable: only these properties)."""
    return await _code_system_operation(request, principal, runtime, codesystem_ops.lookup)


@_get_and_post("/CodeSystem/$validate-code", summary="$validate-code (système)")
async def validate_code(request: Request, principal: PrincipalDep, runtime: RuntimeDep) -> Response:
    """``url`` (or ``system``), ``code`` (or ``coding``), ``version``, ``display``."""
    return await _code_system_operation(request, principal, runtime, codesystem_ops.validate_code)


@_get_and_post("/CodeSystem/$subsumes", summary="$subsumes : relation is-a")
async def subsumes(request: Request, principal: PrincipalDep, runtime: RuntimeDep) -> Response:
    """``system``, ``codeA``, ``codeB`` (or ``codingA``/``codingB``), ``version``."""
    return await _code_system_operation(request, principal, runtime, codesystem_ops.subsumes)


@router.get("/CodeSystem/{resource_id}", summary="Lire un CodeSystem (une version)")
async def read_code_system(resource_id: str, _: PrincipalDep, session: SessionDep) -> Response:
    try:
        version_id = uuid.UUID(resource_id)
    except ValueError:
        version_id = None
    found = None if version_id is None else await session.get(CodeSystemVersion, version_id)
    system = None if found is None else await session.get(CodeSystem, found.code_system_id)
    if found is None or system is None:
        raise not_found(f"CodeSystem {resource_id} introuvable.")
    return FhirResponse(code_system_resource(system, found))


@_get_and_post("/ValueSet/$expand", summary="$expand : codes d'un ValueSet")
async def expand(request: Request, _: PrincipalDep, session: SessionDep) -> Response:
    """``url`` (a stored ValueSet or ``<CodeSystem url>?fhir_vs``), ``filter``, ``count``
    (default 100, at most 1000), ``offset``, ``activeOnly``, ``systemVersion``."""
    params = await FhirParams.of(request)
    next_url = None
    if request.method == "GET":
        count = valuesets.page_size(params)
        following = params.integer("offset", 0) + count
        next_url = str(request.url.include_query_params(offset=following))
    return FhirResponse(await valuesets.expand(session, params, next_url=next_url))


@_get_and_post("/ValueSet/$validate-code", summary="$validate-code (ValueSet)")
async def validate_in_value_set(request: Request, _: PrincipalDep, session: SessionDep) -> Response:
    """``url``, ``code`` (or ``coding``), ``system``, ``systemVersion``, ``display``."""
    return await _operation(request, valuesets.validate_code, session)


@router.get("/ValueSet", summary="Rechercher des ValueSets (url)")
async def search_value_sets(request: Request, _: PrincipalDep, session: SessionDep) -> Response:
    url = FhirParams.from_query(request).text("url")
    found = await valueset_store.search(session, url)
    return FhirResponse(bundle(_base(request), str(request.url), found))


@router.post(
    "/ValueSet",
    status_code=201,
    summary="Créer un ValueSet partagé (un système et des filtres)",
    openapi_extra={"requestBody": {"content": _FHIR, "required": True}},
)
async def create_value_set(request: Request, _: EditorPrincipal, session: SessionDep) -> Response:
    return _created(request, await valueset_store.create(session, await _body(request)))


@_get_and_post("/ConceptMap/$translate", summary="$translate (R5)")
async def translate(request: Request, _: PrincipalDep, session: SessionDep) -> Response:
    """``url`` (a ConceptMap) or ``sourceSystem``/``system``, ``sourceCode``/``code`` (or
    ``sourceCoding``), ``targetSystem``."""
    return await _operation(request, conceptmaps.translate, session)


@router.get("/ConceptMap", summary="Rechercher des ConceptMaps (url)")
async def search_concept_maps(request: Request, _: PrincipalDep, session: SessionDep) -> Response:
    url = FhirParams.from_query(request).text("url")
    found = await conceptmaps.search(session, url)
    return FhirResponse(bundle(_base(request), str(request.url), found))


@router.post(
    "/ConceptMap",
    status_code=201,
    summary="Créer une ConceptMap partagée (relations FHIR R5)",
    openapi_extra={"requestBody": {"content": _FHIR, "required": True}},
)
async def create_concept_map(
    request: Request, principal: EditorPrincipal, session: SessionDep
) -> Response:
    who = principal.actor
    resource = await conceptmaps.create(session, await _body(request), created_by=who)
    return _created(request, resource)
