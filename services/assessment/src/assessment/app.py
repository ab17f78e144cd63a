"""The assessment service: member companies and their risk assessment (DUERP)."""

from __future__ import annotations

from fastapi import FastAPI

from assessment.companies.endpoints import router as companies_router
from assessment.duerp.endpoints import router as duerp_router
from assessment.fiche.endpoints import router as fiche_router
from assessment.library.endpoints import router as library_router
from assessment.reference.consumers import build_router as build_reference_consumers
from assessment.reference.endpoints import router as reference_router
from assessment.reference.thesaurus_client import HttpThesaurusClient
from assessment.settings import AssessmentSettings
from assessment.tenancy.endpoints import router as settings_router
from assessment.versions.endpoints import router as versions_router
from cosar_common.app import create_service_app
from cosar_common.auth.service_token import ServiceTokenProvider
from cosar_common.runtime import Runtime


def create_app(settings: AssessmentSettings | None = None) -> FastAPI:
    settings = settings or AssessmentSettings()

    def connect_thesaurus(runtime: Runtime) -> None:
        tokens = ServiceTokenProvider(
            server_url=settings.keycloak_url,
            realm=settings.keycloak_realm,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
        )
        runtime.extensions["thesaurus"] = HttpThesaurusClient(
            base_url=settings.thesaurus_url,
            http=runtime.http,
            tokens=tokens,
            ttl_s=settings.thesaurus_cache_ttl_s,
            timeout_s=settings.thesaurus_timeout_s,
        )

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
