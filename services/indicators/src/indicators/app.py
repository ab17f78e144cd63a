"""The indicators service: consolidated, anonymised regional indicators."""

from __future__ import annotations

from fastapi import FastAPI

from cosar_common.app import create_service_app
from cosar_common.thesaurus_client import connect_thesaurus
from indicators.api.endpoints import router as indicators_router
from indicators.facts.consumers import build_router as build_fact_consumers
from indicators.releases.latest import listen_for_releases
from indicators.releases.schedule import nightly_releases
from indicators.settings import IndicatorsSettings


def create_app(settings: IndicatorsSettings | None = None) -> FastAPI:
    settings = settings or IndicatorsSettings()
    return create_service_app(
        settings,
        title="Indicateurs régionaux",
        description=(
            "Indicateurs régionaux consolidés et anonymisés, protégés par le secret statistique."
        ),
        routers=[indicators_router],
        kafka_routers=[build_fact_consumers(settings.consumer_group)],
        on_startup=[connect_thesaurus],
        background=[nightly_releases, listen_for_releases],
    )
