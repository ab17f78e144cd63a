"""The reporting service: establishments' annual health-and-safety reports."""

from __future__ import annotations

from fastapi import FastAPI

from cosar_common.app import create_service_app
from cosar_common.runtime import Runtime
from cosar_common.thesaurus_client import connect_thesaurus
from reporting.actions.consumers import build_router as build_action_consumers
from reporting.clients import AssessmentClient
from reporting.establishments.endpoints import router as establishments_router
from reporting.reports.endpoints import router as reports_router
from reporting.settings import ReportingSettings


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    settings = settings or ReportingSettings()

    def connect_assessment(runtime: Runtime) -> None:
        runtime.extensions["assessment"] = AssessmentClient(
            base_url=settings.assessment_url,
            http=runtime.http,
            timeout_s=settings.assessment_timeout_s,
        )

    return create_service_app(
        settings,
        title="Bilans annuels de santé, sécurité et conditions de travail",
        description=(
            "Bilan annuel d'un établissement (indicateurs, faits "
            "marquants, moyens et actions), rendu PDF et bureautique."
        ),
        routers=[establishments_router, reports_router],
        kafka_routers=[build_action_consumers(settings.consumer_group)],
        on_startup=[connect_thesaurus, connect_assessment],
    )
