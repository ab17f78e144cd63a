"""``Server-Timing`` on every HTTP response, when enabled (``THESAURUS_SERVER_TIMING=true``).

The benchmark reads it to report server-side latency next to what its HTTP client measures.
The duration runs from the request reaching the application (outside every middleware,
OpenTelemetry's included) to its response headers being sent, so it contains routing, token
check, database work and JSON rendering, and any wait for the event loop while other requests
run; it leaves out uvicorn's HTTP parsing and the network.
"""

from __future__ import annotations

import time

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"server-timing"


class ServerTiming:
    """ASGI middleware adding ``Server-Timing: app;dur=<milliseconds>``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - started) * 1000
                headers = [*message.get("headers", ()), (HEADER, f"app;dur={elapsed:.2f}".encode())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_timed)


def install(app: FastAPI) -> None:
    """Wrap the whole middleware stack (built at startup), OpenTelemetry's included."""
    build = app.build_middleware_stack

    def build_timed() -> ASGIApp:
        return ServerTiming(build())

    app.build_middleware_stack = build_timed  # type: ignore[method-assign]
