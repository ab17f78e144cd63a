"""The thesaurus service: the region's shared code systems."""

from __future__ import annotations

from fastapi import FastAPI

from cosar_common.app import create_service_app
from thesaurus import answers, server_timing
from thesaurus.codesystems.endpoints import router as codesystems_router
from thesaurus.codesystems.exchange import router as exchange_router
from thesaurus.fhir.endpoints import router as fhir_router
from thesaurus.legacy.endpoints import router as legacy_router
from thesaurus.search.endpoints import router as search_router
from thesaurus.settings import ThesaurusSettings


def create_app(settings: ThesaurusSettings | None = None) -> FastAPI:
    settings = settings or ThesaurusSettings()
    app = create_service_app(
        settings,
        title="Thésaurus régional",
        description=(
            "Registre des systèmes de codes partagés de la région (NAF, PCS-ESE, CIM-10, "
            "expositions, actions de prévention…) et des thésaurus locaux des services."
        ),
        routers=[codesystems_router, exchange_router, search_router, fhir_router, legacy_router],
        on_startup=[answers.install],
        background=[answers.listen],
    )
    if settings.server_timing:
        server_timing.install(app)
    return app
