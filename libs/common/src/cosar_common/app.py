"""The application factory every service uses: one FastAPI app + its FastStream Kafka broker.

It wires, in the lifespan and in this order: telemetry, the database engine, the HTTP client and
token verifier, the Kafka producer of the outbox relay and the broker of the subscribers
(connected in the background, so the service starts and says 'not ready' while Kafka is down),
and tears them down in reverse order.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, MutableMapping, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.specification import AsyncAPI
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

from cosar_common import health, web_assets
from cosar_common.auth.jwks import JwksCache, TokenVerifier
from cosar_common.concurrency import document_if_match
from cosar_common.db.engine import make_engine, make_session_factory
from cosar_common.errors import install_error_handlers
from cosar_common.events.outbox import OutboxWriter
from cosar_common.events.relay import OutboxRelay, make_producer
from cosar_common.runtime import Runtime
from cosar_common.settings import ServiceSettings
from cosar_common.telemetry import setup_metrics, setup_tracing

logger = logging.getLogger(__name__)

StartupHook = Callable[[Runtime], Any]
# A task the service runs for its whole life (e.g. listening to the database); cancelled at
# shutdown.
BackgroundTask = Callable[[Runtime], Coroutine[Any, Any, None]]


async def _connect_kafka(runtime: Runtime) -> None:
    """Start producer and broker, retrying until Kafka answers (readiness says so meanwhile)."""
    delay = 0.5
    producer_started = False
    while True:
        try:
            if not producer_started:
                await runtime.producer.start()
                producer_started = True
            await runtime.broker.start()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            runtime.kafka_error = f"{type(exc).__name__}: {exc}"
            logger.warning("Kafka not reachable yet (%s); retrying in %.1fs", exc, delay)
            with contextlib.suppress(Exception):
                await runtime.broker.stop()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)
            continue
        runtime.kafka_error = None
        runtime.kafka_connected.set()
        runtime.relay.start()
        return


async def _track_consumer_lag(runtime: Runtime, interval_s: float = 5.0) -> None:
    """Refresh ``runtime.consumer_lag`` (high-water mark minus position) for every subscriber."""
    while True:
        await asyncio.sleep(interval_s)
        lag: dict[tuple[str, int], int] = {}
        for subscriber in runtime.broker.subscribers:
            consumer = getattr(subscriber, "consumer", None)
            if consumer is None:
                continue
            with contextlib.suppress(Exception):
                for tp in consumer.assignment():
                    highwater = consumer.highwater(tp)
                    if highwater is not None:
                        lag[(tp.topic, tp.partition)] = max(
                            0, highwater - await consumer.position(tp)
                        )
        runtime.consumer_lag = lag


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    version: str = "0.1.0",
    routers: Sequence[APIRouter] = (),
    kafka_routers: Sequence[KafkaRouter] = (),
    on_startup: Sequence[StartupHook] = (),
    background: Sequence[BackgroundTask] = (),
) -> FastAPI:
    """Build a service's app. ``kafka_routers`` hold its FastStream subscribers."""
    tracer_provider = setup_tracing(settings.service_name, settings.otel_exporter_otlp_endpoint)
    meter_provider = setup_metrics(settings.service_name, settings.otel_exporter_otlp_endpoint)

    broker = KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=f"{settings.service_name}-consumer",
        middlewares=[
            KafkaTelemetryMiddleware(tracer_provider=tracer_provider, meter_provider=meter_provider)
        ],
        graceful_timeout=10.0,
    )
    for kafka_router in kafka_routers:
        broker.include_router(kafka_router)
    specification = AsyncAPI(broker, title=f"{title} — événements", version=version)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(
            settings.app_database_url,
            pool_size=settings.db_pool_size,
            application_name=settings.service_name,
        )
        SQLAlchemyInstrumentor().instrument(
            engine=engine.sync_engine, tracer_provider=tracer_provider
        )
        session_factory = make_session_factory(engine)
        http = httpx.AsyncClient(timeout=settings.http_timeout_s)
        HTTPXClientInstrumentor.instrument_client(http, tracer_provider=tracer_provider)
        # Keys are fetched from the internal Keycloak URL; the issuer checked may be public.
        jwks = JwksCache(
            f"{settings.keycloak_url}/realms/{settings.keycloak_realm}"
            "/protocol/openid-connect/certs",
            http=http,
            min_refresh_interval_s=settings.jwks_refresh_min_interval_s,
        )
        verifier = TokenVerifier(jwks=jwks, issuer=settings.issuer, audience=settings.audience)
        producer = make_producer(
            settings.kafka_bootstrap_servers, client_id=f"{settings.service_name}-outbox"
        )
        relay = OutboxRelay(
            session_factory=session_factory,
            producer=producer,
            batch_size=settings.outbox_batch_size,
            poll_interval_s=settings.outbox_poll_interval_s,
            retention=timedelta(days=settings.outbox_retention_days),
        )
        runtime = Runtime(
            settings=settings,
            engine=engine,
            session_factory=session_factory,
            broker=broker,
            producer=producer,
            relay=relay,
            outbox=OutboxWriter(producer=settings.service_name, on_commit=relay.wake),
            http=http,
            verifier=verifier,
        )
        _register_metrics(runtime, meter_provider)
        app.state.runtime = runtime
        app.state.token_verifier = verifier
        broker.context.set_global("runtime", runtime)
        for hook in on_startup:
            result = hook(runtime)
            if asyncio.iscoroutine(result):
                await result
        tasks = [
            asyncio.create_task(_connect_kafka(runtime), name="kafka-connect"),
            asyncio.create_task(_track_consumer_lag(runtime), name="consumer-lag"),
            *(asyncio.create_task(task(runtime), name=task.__name__) for task in background),
        ]
        try:
            yield
        finally:
            for running in tasks:
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running
            await relay.stop()
            with contextlib.suppress(Exception):
                await broker.stop()
            with contextlib.suppress(Exception):
                await producer.stop()
            await http.aclose()
            await engine.dispose()

    # FastAPI's own OpenTelemetry support: one server span per request, named after the route
    # the router matched, and the request duration histogram. (The contrib instrumentor it
    # replaces matched every request against every route a second time to name its span:
    # about a tenth of a small request's CPU.) Probes are not traced; the spans of
    # dependencies and serialisation are left out, the server span is the trace we read.
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        openapi_url=OPENAPI_URL,
        # FastAPI's /docs loads Swagger UI from a CDN: a blank page on machines without
        # internet. install_docs() serves it from the local copy instead. ReDoc would need
        # another bundle and Google Fonts: it is off.
        docs_url=None,
        redoc_url=None,
        telemetry={
            "tracer_provider": tracer_provider,
            "meter_provider": meter_provider,
            "operation_spans": False,
            "exclude": _untraced,
        },
    )
    install_error_handlers(app)
    install_docs(app)
    document_if_match(app)
    app.include_router(health.router)
    for router in routers:
        app.include_router(router)

    @app.get("/asyncapi", tags=["documentation"], summary="Document AsyncAPI des topics")
    async def asyncapi() -> JSONResponse:
        return JSONResponse(specification.to_specification().to_jsonable())

    @app.get("/asyncapi.yaml", tags=["documentation"], include_in_schema=False)
    async def asyncapi_yaml() -> Response:
        return Response(specification.to_specification().to_yaml(), media_type="text/yaml")

    return app


OPENAPI_URL = "/openapi.json"
DOCS_URL = "/docs"
DOCS_OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"

DOCS_UNAVAILABLE_HTML = """<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>Documentation indisponible</title></head>
<body>
<h1>Documentation indisponible</h1>
<p>Les fichiers de la documentation interactive (Swagger UI) ne sont pas installés sur ce
serveur. L'API fonctionne ; son document OpenAPI reste disponible à
<a href="openapi.json">openapi.json</a>.</p>
<p>Pour les installer : <code>bin/platform assets</code> (ou
<code>python -m cosar_common.web_assets</code>) ou indiquer leur dossier dans
<code>COSAR_WEB_ASSETS_DIR</code>, puis redémarrer le service.</p>
</body>
</html>
"""


def install_docs(app: FastAPI, assets_dir: Path | None = None) -> None:
    """``/docs`` from the local Swagger UI files, checked once now; a 503 page without them.

    ``assets_dir`` defaults to :func:`cosar_common.web_assets.default_dir`.
    """
    swagger = web_assets.SWAGGER_UI.name
    try:
        assets = web_assets.load_assets([swagger], assets_dir)
    except web_assets.WebAssetsError as exc:
        logger.warning("%s answers 503: %s", DOCS_URL, exc)

        @app.get(DOCS_URL, include_in_schema=False)
        async def docs_unavailable() -> HTMLResponse:
            return HTMLResponse(DOCS_UNAVAILABLE_HTML, status_code=503)

        return

    app.include_router(web_assets.vendor_router(assets))

    @app.get(DOCS_URL, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        # Behind a proxy that strips a prefix, every URL of the page carries it (as FastAPI's).
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + OPENAPI_URL,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=root + web_assets.asset_url(swagger, "swagger-ui-bundle.js"),
            swagger_css_url=root + web_assets.asset_url(swagger, "swagger-ui.css"),
            swagger_favicon_url=root + web_assets.asset_url(swagger, "favicon-32x32.png"),
            oauth2_redirect_url=root + DOCS_OAUTH2_REDIRECT_URL,
            # Swagger UI would otherwise load a badge from validator.swagger.io.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get(DOCS_OAUTH2_REDIRECT_URL, include_in_schema=False)
    async def docs_oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()


_UNTRACED_PATHS = frozenset({"/health/live", "/health/ready"})


def _untraced(scope: MutableMapping[str, Any]) -> bool:
    return scope.get("path") in _UNTRACED_PATHS


def _register_metrics(runtime: Runtime, meter_provider: Any) -> None:
    from opentelemetry.metrics import CallbackOptions, Observation

    meter = meter_provider.get_meter("cosar_common")

    def backlog(_: CallbackOptions) -> list[Observation]:
        return [Observation(runtime.relay.backlog, {"service": runtime.settings.service_name})]

    def lag(_: CallbackOptions) -> list[Observation]:
        return [
            Observation(value, {"topic": topic, "partition": partition})
            for (topic, partition), value in runtime.consumer_lag.items()
        ]

    meter.create_observable_gauge(
        "outbox.backlog", callbacks=[backlog], description="Outbox rows not yet sent to Kafka"
    )
    meter.create_observable_gauge(
        "kafka.consumer.lag", callbacks=[lag], description="Messages not consumed yet"
    )


def threaded_calls(app: FastAPI) -> list[str]:
    """Endpoints and dependencies FastAPI would run in its thread pool (plain ``def``): a
    thread hop on every request, for what is nearly always an attribute read. Empty when every
    one is a coroutine (the rule, checked for every service by a test)."""
    found: set[str] = set()

    def is_async(call: Callable[..., Any]) -> bool:
        target = call if inspect.isroutine(call) else getattr(call, "__call__", call)  # noqa: B004
        return inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)

    def walk(dependant: Any) -> None:
        call = dependant.call
        if call is not None and not is_async(call):
            found.add(f"{call.__module__}.{getattr(call, '__qualname__', repr(call))}")
        for sub in dependant.dependencies:
            walk(sub)

    for route in app.routes:
        dependant = getattr(route, "dependant", None)
        if dependant is not None:
            walk(dependant)
    return sorted(found)
