"""The assessment service: member companies and their risk assessment (DUERP)."""

from __future__ import annotations

from fastapi import FastAPI

from assessment.companies.endpoints import router as companies_router
from assessment.duerp.endpoints import router as duerp_router
from assessment.fiche.endpoints import router as fiche_router
from assessment.library.endpoints import router as library_router
from assessment.reference.consumers import build_router as build_reference_consumers
from assessment.reference.endpoints import router as reference_router
from assessment.settings import AssessmentSettings
from assessment.tenancy.endpoints import router as settings_router
from assessment.versions.endpoints import router as versions_router
from cosar_common.app import create_service_app
from cosar_common.thesaurus_client import connect_thesaurus


def create_app(settings: AssessmentSettings | None = None) -> FastAPI:
    settings = settings or AssessmentSettings()

    return create_service_app(
        settings,
        title="Évaluation des risques",
        description=(
            "Entreprises adhérentes, document unique d'évaluation des risques professionnels "
            "(DUERP), plans d'action et fiches d'entreprise."
        ),
        routers=[
            companies_router,
            duerp_router,
            versions_router,
            fiche_router,
            library_router,
            settings_router,
            reference_router,
        ],
        kafka_routers=[build_reference_consumers(settings.consumer_group)],
        on_startup=[connect_thesaurus],
    )
