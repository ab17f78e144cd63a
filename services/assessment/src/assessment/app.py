"""The assessment service: member companies and their risk assessment (DUERP)."""

from __future__ import annotations

from fastapi import FastAPI

from assessment.api.companies import router as companies_router
from assessment.api.duerp import router as duerp_router
from assessment.api.fiche import router as fiche_router
from assessment.api.library import router as library_router
from assessment.api.reference import router as reference_router
from assessment.api.tenancy import router as settings_router
from assessment.api.versions import router as versions_router
from assessment.reference.consumers import build_router as build_reference_consumers
from assessment.settings import AssessmentSettings
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
