"""The indicators service."""

from __future__ import annotations

from fastapi import FastAPI

from cosar_common.app import create_service_app
from indicators.settings import IndicatorsSettings


def create_app(settings: IndicatorsSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or IndicatorsSettings(),
        title="Indicateurs régionaux",
        description=(
            "Indicateurs régionaux consolidés et anonymisés, protégés par le secret statistique."
        ),
    )
