"""Point 5 of the foundation: one real path through the system.

A thesaurus-editor publishes a code-system version over HTTP → outbox → ``thesaurus.events`` on
the real Kafka → the assessment service consumes it and records the version, exactly once, in
the same trace as the HTTP request.
"""

from __future__ import annotations

import json
import uuid

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer
from opentelemetry.trace import SpanKind

from cosar_common.events.topics import THESAURUS_EVENTS
from tests.conftest import eventually
from tests.thesaurus_client import auth, create_draft, publish


async def _publish_version(
    thesaurus_url: str, token: str, name: str, version: str
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=thesaurus_url, headers=auth(token), timeout=10) as http:
        created = await create_draft(
            http,
            name,
            version,
            title="Familles de dangers (test)",
            concepts=[
                {"code": "PHY", "display": "Risques physiques"},
                {"code": "PHY.BRUIT", "display": "Bruit", "parent_code": "PHY"},
            ],
        )
        assert created.status_code == 201, created.text
        assert created.json()["status"] == "draft"
        return await publish(http, name, version)


async def _known_versions(assessment_url: str, token: str, name: str) -> list[dict[str, object]]:
    async with httpx.AsyncClient(base_url=assessment_url, headers=auth(token), timeout=10) as http:
        response = await http.get("/reference/code-system-versions", params={"code_system": name})
    assert response.status_code == 200, response.text
    return list(response.json())


async def test_published_version_is_recorded_once_by_assessment_in_the_same_trace(
    thesaurus_service, assessment_service, token_for, spans, migrated
):
    editor = await token_for("thesaurus-editor")
    reader = await token_for("sst-preventer@sst-13-marseille")
    name = f"dangers-test-{uuid.uuid4().hex[:8]}"
    spans.clear()

    published = await _publish_version(thesaurus_service.url, editor, name, "1")
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"

    versions = await eventually(lambda: _known_versions(assessment_service.url, reader, name))
    assert [(v["code_system"], v["version"], v["concept_count"]) for v in versions] == [
        (name, "1", 2)
    ]

    # One trace from the HTTP request to the consumer, through the outbox and Kafka.
    http_span = next(
        s
        for s in spans.get_finished_spans()
        if s.kind == SpanKind.SERVER and "/publish" in str(s.attributes.get("http.route", ""))
    )
    # Named after the route template, never the concrete path (which carries identifiers).
    assert http_span.name == "POST /code-systems/{name}/versions/{version}/publish"
    consumer_spans = await eventually(
        lambda: _consumer_spans(spans, http_span.context.trace_id), timeout=10
    )
    assert consumer_spans, "the consumer span must continue the HTTP request's trace"
    assert all(s.context.trace_id == http_span.context.trace_id for s in consumer_spans)


async def _consumer_spans(spans, trace_id: int) -> list:
    return [
        s
        for s in spans.get_finished_spans()
        if s.kind == SpanKind.CONSUMER
        and s.context.trace_id == trace_id
        and THESAURUS_EVENTS in s.name
    ]


async def test_same_event_delivered_twice_has_one_effect(
    thesaurus_service, assessment_service, token_for, migrated
):
    editor = await token_for("thesaurus-editor")
    reader = await token_for("sst-preventer@sst-13-marseille")
    name = f"dangers-dup-{uuid.uuid4().hex[:8]}"
    published = await _publish_version(thesaurus_service.url, editor, name, "1")
    assert published.status_code == 200
    await eventually(lambda: _known_versions(assessment_service.url, reader, name))

    # The exact bytes the relay sent, read back from the thesaurus outbox...
    thesaurus_db = await asyncpg.connect(
        migrated.dsn("thesaurus_owner", "thesaurus_owner", "thesaurus", driver=None)
    )
    try:
        row = await thesaurus_db.fetchrow(
            "SELECT event_id, key, value, headers, sent_at FROM outbox "
            "WHERE convert_from(value, 'UTF8') LIKE '%' || $1 || '%'",
            name,
        )
    finally:
        await thesaurus_db.close()
    assert row is not None
    assert row["sent_at"] is not None
    # ...injected twice more into Kafka, as a relay crash before marking or a replay would.
    producer = AIOKafkaProducer(bootstrap_servers=migrated.kafka_bootstrap)
    await producer.start()
    try:
        for _ in range(2):
            await producer.send_and_wait(
                THESAURUS_EVENTS,
                value=row["value"],
                key=row["key"],
                headers=[(k, v.encode()) for k, v in json.loads(row["headers"]).items()],
            )
    finally:
        await producer.stop()

    # A later event on the same partition (same key) proves the duplicates were consumed first.
    sentinel = f"dangers-sentinel-{uuid.uuid4().hex[:8]}"
    assert (await _publish_version(thesaurus_service.url, editor, sentinel, "1")).status_code == 200
    await eventually(lambda: _known_versions(assessment_service.url, reader, sentinel))

    assert len(await _known_versions(assessment_service.url, reader, name)) == 1
    assessment_db = await asyncpg.connect(
        migrated.dsn("assessment_owner", "assessment_owner", "assessment", driver=None)
    )
    try:
        processed = await assessment_db.fetchval(
            "SELECT count(*) FROM processed_events WHERE event_id = $1", row["event_id"]
        )
    finally:
        await assessment_db.close()
    assert processed == 1


async def test_publishing_twice_is_a_conflict_and_emits_nothing_more(
    thesaurus_service, token_for, migrated
):
    editor = await token_for("thesaurus-editor")
    name = f"dangers-twice-{uuid.uuid4().hex[:8]}"
    assert (await _publish_version(thesaurus_service.url, editor, name, "1")).status_code == 200
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(editor)) as http:
        again = await publish(http, name, "1")
    assert again.status_code == 409
    assert again.json()["code"] == "version_not_draft"
    db = await asyncpg.connect(
        migrated.dsn("thesaurus_owner", "thesaurus_owner", "thesaurus", driver=None)
    )
    try:
        count = await db.fetchval(
            "SELECT count(*) FROM outbox WHERE convert_from(value, 'UTF8') LIKE '%' || $1 || '%'",
            name,
        )
    finally:
        await db.close()
    assert count == 1


@pytest.mark.parametrize("role_user", ["employer1@sst-13-marseille", "regional-analyst"])
async def test_only_thesaurus_editors_publish(thesaurus_service, token_for, role_user):
    token = await token_for(role_user)
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(token)) as http:
        response = await http.post(
            "/code-systems/forbidden-system/versions",
            json={"version": "1", "url": "https://x/forbidden", "title": "x"},
        )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_service_token_from_client_credentials_reads_the_thesaurus(
    thesaurus_service, assessment_service, token_for, infra
):
    """Service-to-service: assessment's own token (client credentials, python-keycloak),
    accepted by the thesaurus, with the service role and no tenant."""
    from cosar_common.auth import ServiceTokenProvider

    editor = await token_for("thesaurus-editor")
    name = f"dangers-svc-{uuid.uuid4().hex[:8]}"
    assert (await _publish_version(thesaurus_service.url, editor, name, "1")).status_code == 200
    provider = ServiceTokenProvider(
        server_url=infra.keycloak_url,
        realm=infra.keycloak_realm,
        client_id="assessment",
        client_secret="assessment-secret",
    )
    token = await provider.token()
    assert await provider.token() == token  # cached until near expiry
    async with httpx.AsyncClient(base_url=thesaurus_service.url) as http:
        response = await http.get(
            f"/code-systems/{name}/versions/1", headers=await provider.headers()
        )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "published"


async def test_consumer_lag_is_tracked(assessment_service, thesaurus_service, token_for):
    runtime = assessment_service.app.state.runtime
    lag = await eventually(lambda: _lag_of(runtime), timeout=20)
    assert all(value >= 0 for value in lag.values())


async def _lag_of(runtime) -> dict:
    return {k: v for k, v in runtime.consumer_lag.items() if k[0] == THESAURUS_EVENTS}
