"""Readiness names the failing component; the documents are served."""

from __future__ import annotations

import httpx

from tests.conftest import eventually, service_env, start_service, stop_service


async def _readiness_with(migrated, healthy: str, **overrides):
    """Readiness of a thesaurus whose other dependency (``healthy``) has had time to connect."""
    from thesaurus.app import create_app
    from thesaurus.settings import ThesaurusSettings

    app = create_app(ThesaurusSettings(**service_env(migrated, "thesaurus", **overrides)))
    running = await start_service(app, "thesaurus-broken", wait_ready=False)
    try:
        async with httpx.AsyncClient(base_url=running.url, timeout=10) as http:

            async def settled():
                response = await http.get("/health/ready")
                return response if response.json()["checks"][healthy]["status"] == "ok" else None

            return await eventually(settled, timeout=30)
    finally:
        await stop_service(running)


async def test_ready_is_503_naming_the_database_when_it_is_down(migrated):
    response = await _readiness_with(migrated, "kafka", db_port=1)
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["checks"]["database"]["detail"].startswith("injoignable")


async def test_ready_is_503_naming_kafka_when_it_is_down(migrated):
    response = await _readiness_with(migrated, "database", kafka_bootstrap_servers="127.0.0.1:1")
    assert response.status_code == 503
    assert response.json()["failing"] == ["kafka"]


async def test_every_service_is_ready_and_documents_its_api_and_topics(
    thesaurus_service, assessment_service
):
    async with httpx.AsyncClient(timeout=10) as http:
        for service in (thesaurus_service, assessment_service):
            ready = await http.get(f"{service.url}/health/ready")
            assert ready.status_code == 200, ready.text
            assert (await http.get(f"{service.url}/openapi.json")).json()["info"]["title"]
        asyncapi = (await http.get(f"{assessment_service.url}/asyncapi")).json()
    assert asyncapi["asyncapi"].startswith("3.")
    assert any("thesaurus.events" in str(c) for c in asyncapi["channels"].values())
