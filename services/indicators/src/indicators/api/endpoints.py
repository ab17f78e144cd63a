"""HTTP API of the indicators: definitions, cells (JSON, CSV, XLSX) and dashboards."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from cosar_common import clock
from cosar_common.auth import Permission, Principal, require
from cosar_common.db.dependencies import SessionDep, SessionOnDemandDep
from cosar_common.errors import Conflict, NotFound
from cosar_common.thesaurus_client import ThesaurusDep
from indicators.api import dashboard, exports, service
from indicators.api.schemas import IndicatorOut, IndicatorResult, ReleaseDetail, ReleaseOut
from indicators.catalogue.definitions import CATALOGUE, Breakdown
from indicators.releases import serve
from indicators.releases import service as releases_service
from indicators.releases import store as releases_store
from indicators.releases.models import Release
from indicators.settings import IndicatorsSettings

router = APIRouter(tags=["indicateurs"])

# The region's readers; those of a tenant's own cells are checked by service.check_reader.
ReaderPrincipal = Annotated[Principal, Depends(require(Permission.INDICATORS_READ_REGION))]


async def _settings(request: Request) -> IndicatorsSettings:
    settings: IndicatorsSettings = request.app.state.runtime.settings
    return settings


SettingsDep = Annotated[IndicatorsSettings, Depends(_settings)]
AdminPrincipal = Annotated[Principal, Depends(require(Permission.INDICATORS_RELEASE))]


async def _query(
    naf: Annotated[str | None, Query(max_length=10, description="Section ou division NAF")] = None,
    size_band: Annotated[str | None, Query(max_length=10, description="Tranche d'effectif")] = None,
    hazard_family: Annotated[str | None, Query(max_length=40)] = None,
    hazard: Annotated[str | None, Query(max_length=40, description="Non diffusé")] = None,
    factor: Annotated[str | None, Query(max_length=10)] = None,
    pcs: Annotated[str | None, Query(max_length=10, description="Non diffusé")] = None,
) -> dict[str, str | None]:
    return {
        "naf": naf,
        "size_band": size_band,
        "hazard_family": hazard_family,
        "hazard": hazard,
        "factor": factor,
        "pcs": pcs,
    }


if TYPE_CHECKING:
    Format = str
else:  # JSON, the answer itself, then every registered export
    Format = Literal[("json", *exports.EXPORTERS.formats)]

FiltersDep = Annotated[dict[str, str | None], Depends(_query)]
Year = Annotated[int, Query(ge=2000, le=2200, description="Année")]
ReleaseId = Annotated[
    str | None,
    Query(max_length=36, description="Diffusion (par défaut : la dernière de l'année)"),
]


@router.get("/indicators", summary="Indicateurs et leurs définitions")
async def definitions(_: ReaderPrincipal) -> list[IndicatorOut]:
    return [service.definition_out(d) for d in CATALOGUE.values()]


@router.get(
    "/indicators/{code}",
    summary="Cellules d'un indicateur, lues dans une diffusion (secret statistique appliqué)",
    response_model=IndicatorResult,
)
async def indicator(
    code: str,
    principal: ReaderPrincipal,
    sessions: SessionOnDemandDep,
    client: ThesaurusDep,
    settings: SettingsDep,
    filters: FiltersDep,
    year: Year,
    release: ReleaseId = None,
    scope: Literal["region", "tenant"] = "region",
    breakdown: Breakdown = Breakdown.NAF_SECTION,
    format: Format = "json",
) -> Response:
    made = await service.answer(
        sessions,
        principal=principal,
        settings=settings,
        query=serve.Query(code=code, scope=scope, breakdown=breakdown, **filters),
        year=year,
        release_id=release,
        client=client,
    )
    if format != "json":
        document = exports.EXPORTERS.render(
            format, made.result, name=exports.file_name(made.result)
        )
        return document.response()
    return Response(made.json, media_type="application/json")


@router.get(
    "/dashboards/{scope}",
    response_class=HTMLResponse,
    summary="Tableau de bord (région, ou service de l'utilisateur), lu dans une diffusion",
)
async def dashboard_page(
    scope: Literal["region", "tenant"],
    principal: ReaderPrincipal,
    sessions: SessionOnDemandDep,
    client: ThesaurusDep,
    settings: SettingsDep,
    year: Year,
    release: ReleaseId = None,
) -> HTMLResponse:
    service.check_reader(principal, scope)
    chosen = await service.pick_release(sessions, year, release)
    results = []
    for code, breakdown in dashboard.PANELS:
        results.append(
            (
                await service.answer(
                    sessions,
                    principal=principal,
                    settings=settings,
                    query=serve.Query(code=code, scope=scope, breakdown=breakdown),
                    year=year,
                    release_id=str(chosen.id),
                    client=client,
                )
            ).result
        )
    labels = await dashboard.group_labels(client, results)
    earlier = await releases_store.releases(await sessions(), year)
    return HTMLResponse(
        dashboard.render(
            scope=scope,
            year=year,
            results=results,
            labels=labels,
            release=serve.release_out(chosen),
            releases=[serve.release_out(r) for r in earlier],
        )
    )


@router.get("/releases", summary="Diffusions, les plus récentes d'abord")
async def list_releases(
    _: ReaderPrincipal,
    session: SessionDep,
    year: Annotated[int | None, Query(ge=2000, le=2200)] = None,
) -> list[ReleaseOut]:
    return [serve.release_out(r) for r in await releases_store.releases(session, year)]


@router.get("/releases/{release_id}", summary="Une diffusion : paramètres, audit, perte")
async def get_release(
    release_id: uuid.UUID, _: ReaderPrincipal, session: SessionDep
) -> ReleaseDetail:
    found = await session.get(Release, release_id)
    if found is None:
        raise NotFound("Cette diffusion n'existe pas.")
    return serve.release_detail(found)


@router.post(
    "/releases",
    status_code=201,
    summary="Faire la diffusion suivante d'une année (administrateur de la plateforme)",
)
async def create_release(
    request: Request,
    principal: AdminPrincipal,
    settings: SettingsDep,
    year: Year,
) -> ReleaseDetail:
    sessions = request.app.state.runtime.session_factory
    try:
        made = await releases_service.make_release(
            sessions,
            settings,
            year=year,
            today=clock.today(),
            made_by=principal.actor,
        )
    except releases_service.ReleaseRejected as rejected:
        raise Conflict(
            "L'audit de la diffusion a trouvé des failles : rien n'a été publié.",
            code="release_audit_failed",
            errors=[
                {"field": b.kind, "message": f"{b.measure} {b.cell} ({b.intruder})"}
                for b in rejected.report.breaches[:20]
            ],
        ) from None
    return serve.release_detail(made)
