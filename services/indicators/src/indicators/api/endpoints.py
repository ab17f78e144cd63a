"""HTTP API of the indicators: definitions, cells (JSON, CSV, XLSX) and dashboards."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from cosar_common.auth import Principal, Role, allow
from cosar_common.db.dependencies import SessionDep
from cosar_common.thesaurus_client import ThesaurusDep
from indicators.api import dashboard, exports, service
from indicators.api.schemas import IndicatorOut, IndicatorResult
from indicators.catalogue.definitions import CATALOGUE, Breakdown
from indicators.catalogue.records import Filters
from indicators.settings import IndicatorsSettings

router = APIRouter(tags=["indicateurs"])
PARIS = ZoneInfo("Europe/Paris")

# Regional roles read the region; SPSTI staff read their tenant's and the region's.
ReaderPrincipal = Annotated[
    Principal,
    Depends(
        allow(
            Role.REGIONAL_ANALYST,
            Role.PLATFORM_ADMIN,
            Role.SST_ADMIN,
            Role.SST_PREVENTER,
            Role.SST_PHYSICIAN,
        )
    ),
]


def _settings(request: Request) -> IndicatorsSettings:
    settings: IndicatorsSettings = request.app.state.runtime.settings
    return settings


SettingsDep = Annotated[IndicatorsSettings, Depends(_settings)]


def _filters(
    year: Annotated[int, Query(ge=2000, le=2200, description="Année")],
    naf: Annotated[str | None, Query(max_length=10, description="Code NAF (tout niveau)")] = None,
    size_band: Annotated[str | None, Query(max_length=10)] = None,
    hazard_family: Annotated[str | None, Query(max_length=40)] = None,
    hazard: Annotated[str | None, Query(max_length=40)] = None,
    factor: Annotated[str | None, Query(max_length=10)] = None,
    pcs: Annotated[str | None, Query(max_length=10)] = None,
) -> Filters:
    return Filters(
        year=year,
        naf=naf,
        size_band=size_band,
        hazard_family=hazard_family,
        hazard=hazard,
        factor=factor,
        pcs=pcs,
    )


FiltersDep = Annotated[Filters, Depends(_filters)]


@router.get("/indicators", summary="Indicateurs et leurs définitions")
async def definitions(_: ReaderPrincipal) -> list[IndicatorOut]:
    return [service.definition_out(d) for d in CATALOGUE.values()]


@router.get(
    "/indicators/{code}",
    summary="Cellules d'un indicateur (secret statistique appliqué hors du service)",
    response_model=IndicatorResult,
)
async def indicator(
    code: str,
    principal: ReaderPrincipal,
    session: SessionDep,
    client: ThesaurusDep,
    settings: SettingsDep,
    filters: FiltersDep,
    scope: Literal["region", "tenant"] = "region",
    breakdown: Breakdown = Breakdown.NAF_SECTION,
    format: Literal["json", "csv", "xlsx"] = "json",
) -> Response:
    result = await service.answer(
        session,
        principal=principal,
        settings=settings,
        code=code,
        scope=scope,
        breakdown=breakdown,
        filters=filters,
        client=client,
        today=datetime.now(PARIS).date(),
    )
    if format == "csv":
        return exports.csv_response(result)
    if format == "xlsx":
        return exports.xlsx_response(result)
    return Response(result.model_dump_json(), media_type="application/json")


@router.get(
    "/dashboards/{scope}",
    response_class=HTMLResponse,
    summary="Tableau de bord (région, ou service de l'utilisateur)",
)
async def dashboard_page(
    scope: Literal["region", "tenant"],
    principal: ReaderPrincipal,
    session: SessionDep,
    client: ThesaurusDep,
    settings: SettingsDep,
    year: Annotated[int, Query(ge=2000, le=2200)],
) -> HTMLResponse:
    results = []
    today = datetime.now(PARIS).date()
    for code, breakdown in dashboard.PANELS:
        results.append(
            await service.answer(
                session,
                principal=principal,
                settings=settings,
                code=code,
                scope=scope,
                breakdown=breakdown,
                filters=Filters(year=year),
                client=client,
                today=today,
            )
        )
    labels = await dashboard.group_labels(client, results)
    return HTMLResponse(dashboard.render(scope=scope, year=year, results=results, labels=labels))
