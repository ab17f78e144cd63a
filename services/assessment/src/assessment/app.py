"""The assessment service: member companies and their risk assessment (DUERP)."""

from __future__ import annotations

from fastapi import FastAPI

from assessment.companies.endpoints import router as companies_router
from assessment.reference.consumers import build_router as build_reference_consumers
from assessment.reference.endpoints import router as reference_router
from assessment.settings import AssessmentSettings
from cosar_common.app import create_service_app


def create_app(settings: AssessmentSettings | None = None) -> FastAPI:
    settings = settings or AssessmentSettings()
    return create_service_app(
        settings,
        title="Évaluation des risques",
        description=(
            "Entreprises adhérentes, document unique d'évaluation des risques professionnels "
            "(DUERP), plans d'action et fiches d'entreprise."
        ),
        routers=[companies_router, reference_router],
        kafka_routers=[build_reference_consumers(settings.consumer_group)],
    )
