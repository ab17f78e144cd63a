"""The reporting service."""

from __future__ import annotations

from fastapi import FastAPI

from cosar_common.app import create_service_app
from reporting.settings import ReportingSettings


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or ReportingSettings(),
        title="Bilans annuels de santé, sécurité et conditions de travail",
        description=(
            "Bilan annuel d'un établissement (indicateurs, faits "
            "marquants, moyens et actions), rendu PDF et bureautique."
        ),
    )
