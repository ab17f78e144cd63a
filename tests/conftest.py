"""Cross-service tests: real PostgreSQL, Kafka and Keycloak; the services run in this process.

The infrastructure comes from ``deploy/`` (the launcher's processes, or testcontainers where a
Docker engine answers). When ``platform test`` already started it (``COSAR_INFRA_MANAGED=1``)
it is reused; otherwise this session starts what is missing and stops only that at the end.

The services run as real uvicorn servers on free ports, each with its own FastAPI app, FastStream
broker, database pool and outbox relay; what joins them is Kafka. One in-memory span exporter
sees the spans of both, which is how a test checks that one trace crosses the services.

Dates come from the platform clock (:mod:`cosar_common.clock`), never from the machine's:
``COSAR_CLOCK_AT`` shifts it for the whole session, the in-process services and the tests alike
(``platform test`` runs the suite again at Paris-vs-UTC date boundaries that way).
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from cosar_common import clock
from cosar_deploy.bench import load_reference_data, migrate
from cosar_deploy.endpoints import Endpoints

SPANS = InMemorySpanExporter()
if not isinstance(trace.get_tracer_provider(), TracerProvider):
    _provider = TracerProvider(resource=Resource.create({"service.name": "cosar-tests"}))
    _provider.add_span_processor(SimpleSpanProcessor(SPANS))
    trace.set_tracer_provider(_provider)

DEMO_PASSWORD = "demo"
# Seconds a cached test token must still be valid for to be handed out again.
TOKEN_MARGIN = 180
SERVICES = ("thesaurus", "assessment", "reporting", "indicators", "portal")


def pytest_configure(config: pytest.Config) -> None:
    # Read COSAR_CLOCK_AT once, before any service starts: the services run in this process
    # and share this clock with the tests, so both see the same (shifted) today.
    clock.configure_from_environment()


def pytest_report_header(config: pytest.Config) -> str:
    if clock.is_shifted():
        return (
            f"platform clock: shifted by {clock.ENVIRONMENT_VARIABLE} to"
            f" {clock.now().isoformat(timespec='seconds')} (Paris); today = {clock.today()}"
        )
    return f"platform clock: real time; today in Paris = {clock.today()}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def infra() -> Iterator[Endpoints]:
    """The running infrastructure (started here if nobody else did)."""
    if os.environ.get("COSAR_INFRA_MANAGED") == "1":
        yield Endpoints.local()
        return
    from cosar_deploy import containers
    from cosar_deploy import infra as launcher

    if containers.docker_available():
        with containers.running_containers() as endpoints:
            yield endpoints
        return
    started = launcher.ensure_up()
    try:
        yield Endpoints.local()
    finally:
        launcher.stop([name for name, ours in started.items() if ours])


@pytest.fixture(scope="session")
async def migrated(infra: Endpoints) -> Endpoints:
    await migrate(infra, *SERVICES)
    return infra


@pytest.fixture(scope="session")
async def reference_loaded(migrated: Endpoints) -> Endpoints:
    """The region's reference code systems, published (idempotent: loaded once per database)."""
    await load_reference_data(migrated)
    return migrated


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(infra: Endpoints, service: str, **overrides: Any) -> dict[str, Any]:
    """Settings of a service pointed at the test infrastructure."""
    return {
        "kafka_bootstrap_servers": infra.kafka_bootstrap,
        "keycloak_url": infra.keycloak_url,
        "db_host": infra.postgres_host,
        "db_port": infra.postgres_port,
        "outbox_poll_interval_s": 0.2,
        "log_json": False,
        **overrides,
    }


@dataclass
class RunningService:
    name: str
    app: FastAPI
    port: int
    server: uvicorn.Server
    task: asyncio.Task[None]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


async def start_service(
    app: FastAPI, name: str, *, wait_ready: bool = True, port: int | None = None
) -> RunningService:
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(), name=f"uvicorn-{name}")
    running = RunningService(name=name, app=app, port=port, server=server, task=task)
    async with httpx.AsyncClient(base_url=running.url, timeout=5) as client:
        for _ in range(300):
            if task.done():
                task.result()  # surface the startup error
            try:
                response = await client.get("/health/ready" if wait_ready else "/health/live")
                if response.status_code == 200:
                    return running
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    await stop_service(running)
    raise RuntimeError(f"{name} did not become ready on {running.url}")


async def stop_service(running: RunningService) -> None:
    running.server.should_exit = True
    await asyncio.wait_for(running.task, timeout=30)


@pytest.fixture(scope="session")
async def thesaurus_service(migrated: Endpoints) -> AsyncIterator[RunningService]:
    from thesaurus.app import create_app
    from thesaurus.settings import ThesaurusSettings

    app = create_app(ThesaurusSettings(**service_env(migrated, "thesaurus")))
    running = await start_service(app, "thesaurus")
    yield running
    await stop_service(running)


@pytest.fixture(scope="session")
async def assessment_service(
    reference_loaded: Endpoints, thesaurus_service: RunningService
) -> AsyncIterator[RunningService]:
    """The assessment service, reading codes from the thesaurus service above."""
    from assessment.app import create_app
    from assessment.settings import AssessmentSettings

    # A consumer group of its own: a developer's running platform must not steal partitions.
    group = f"assessment-test-{uuid.uuid4().hex[:8]}"
    settings = service_env(
        reference_loaded,
        "assessment",
        kafka_consumer_group=group,
        thesaurus_url=thesaurus_service.url,
        thesaurus_cache_ttl_s=5.0,
    )
    app = create_app(AssessmentSettings(**settings))
    running = await start_service(app, "assessment")
    yield running
    await stop_service(running)


@pytest.fixture(scope="session")
async def reporting_service(
    reference_loaded: Endpoints,
    assessment_service: RunningService,
    thesaurus_service: RunningService,
) -> AsyncIterator[RunningService]:
    """The reporting service, reading companies from the assessment service above."""
    from reporting.app import create_app
    from reporting.settings import ReportingSettings

    # One group across sessions, as for the indicators: the test database keeps its state.
    group = "reporting-test"
    settings = service_env(
        reference_loaded,
        "reporting",
        kafka_consumer_group=group,
        thesaurus_url=thesaurus_service.url,
        assessment_url=assessment_service.url,
    )
    app = create_app(ReportingSettings(**settings))
    running = await start_service(app, "reporting")
    yield running
    await stop_service(running)


@pytest.fixture(scope="session")
async def indicators_service(
    reference_loaded: Endpoints, thesaurus_service: RunningService
) -> AsyncIterator[RunningService]:
    """The indicators service, consuming the aggregate topics of the real Kafka."""
    from indicators.app import create_app
    from indicators.settings import IndicatorsSettings

    # One group across test sessions: the test database keeps the facts between sessions, so
    # a new session goes on from where the last one stopped instead of replaying the whole
    # (growing) history of the test Kafka one event at a time.
    group = "indicators-test"
    settings = service_env(
        reference_loaded,
        "indicators",
        kafka_consumer_group=group,
        thesaurus_url=thesaurus_service.url,
    )
    app = create_app(IndicatorsSettings(**settings))
    running = await start_service(app, "indicators")
    yield running
    await stop_service(running)


async def keycloak_admin_token(infra: Endpoints, http: httpx.AsyncClient) -> str:
    response = await http.post(
        f"{infra.keycloak_url}/realms/master/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": "admin-cli",
            "username": infra.keycloak_admin,
            "password": infra.keycloak_admin_password,
        },
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def register_portal_url(infra: Endpoints, url: str) -> None:
    """Add a portal address to the realm's ``portal`` client, as an operator would: its exact
    callback, its logout return and its back-channel logout URL (the test portal listens on a
    port of its own, so that a developer's running platform on 8000 is left alone)."""
    async with httpx.AsyncClient(timeout=10) as http:
        headers = {"Authorization": f"Bearer {await keycloak_admin_token(infra, http)}"}
        admin = f"{infra.keycloak_url}/admin/realms/{infra.keycloak_realm}/clients"
        found = await http.get(admin, params={"clientId": "portal"}, headers=headers)
        client = found.json()[0]
        client["redirectUris"] = sorted({*client["redirectUris"], f"{url}/auth/callback"})
        client["webOrigins"] = sorted({*client["webOrigins"], url})
        attributes = client["attributes"]
        logout_uris = set(filter(None, attributes.get("post.logout.redirect.uris", "").split("##")))
        attributes["post.logout.redirect.uris"] = "##".join(sorted({*logout_uris, f"{url}/"}))
        attributes["backchannel.logout.url"] = f"{url}/auth/backchannel-logout"
        updated = await http.put(f"{admin}/{client['id']}", json=client, headers=headers)
        assert updated.status_code == 204, updated.text


@pytest.fixture(scope="session")
async def portal_service(
    migrated: Endpoints,
    thesaurus_service: RunningService,
    assessment_service: RunningService,
    reporting_service: RunningService,
    indicators_service: RunningService,
) -> AsyncIterator[RunningService]:
    """The web portal on a port of its own, registered in the test realm's ``portal`` client,
    calling the services above."""
    from portal.app import create_app
    from portal.settings import PortalSettings

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    await register_portal_url(migrated, url)
    settings = service_env(
        migrated,
        "portal",
        public_url=url,
        thesaurus_url=thesaurus_service.url,
        assessment_url=assessment_service.url,
        reporting_url=reporting_service.url,
        indicators_url=indicators_service.url,
    )
    app = create_app(PortalSettings(**settings))
    running = await start_service(app, "portal", port=port)
    yield running
    await stop_service(running)


@pytest.fixture(scope="session")
async def token_for(infra: Endpoints) -> Callable[[str], Awaitable[str]]:
    """A real access token from Keycloak for a demo user (password grant of ``platform-cli``).

    Tokens are kept while they have more than :data:`TOKEN_MARGIN` seconds to live (the realm
    gives 10 minutes, the suite runs longer): a test never receives a token about to expire.
    """
    cache: dict[str, tuple[str, float]] = {}

    async def _token(username: str) -> str:
        cached = cache.get(username)
        if cached is None or cached[1] - time.monotonic() < TOKEN_MARGIN:
            async with httpx.AsyncClient(timeout=10) as client:
                response = await client.post(
                    f"{infra.keycloak_url}/realms/{infra.keycloak_realm}"
                    "/protocol/openid-connect/token",
                    data={
                        "grant_type": "password",
                        "client_id": "platform-cli",
                        "username": username,
                        "password": DEMO_PASSWORD,
                    },
                )
            assert response.status_code == 200, response.text
            body = response.json()
            cache[username] = (body["access_token"], time.monotonic() + body["expires_in"])
        return cache[username][0]

    return _token


@pytest.fixture(scope="session")
def spans() -> InMemorySpanExporter:
    return SPANS


async def eventually(
    probe: Callable[[], Awaitable[Any]], *, timeout: float = 30.0, interval: float = 0.2
) -> Any:
    """Poll ``probe`` until it returns a truthy value (or fail after ``timeout`` seconds)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (last value: {value!r})")
        await asyncio.sleep(interval)
