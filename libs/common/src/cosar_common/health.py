"""Liveness and readiness. Ready means: the database and Kafka answer, now."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cosar_common.runtime import Runtime

router = APIRouter(prefix="/health", tags=["santé"])


async def check_database(engine: AsyncEngine, timeout: float) -> str | None:
    """None when the database answers ``SELECT 1`` in time; else why not, in French."""
    try:
        async with asyncio.timeout(timeout), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        return f"injoignable ({type(exc).__name__})"
    return None


async def _check_kafka(runtime: Runtime, timeout: float) -> str | None:
    if not runtime.kafka_connected.is_set():
        return f"non connecté ({runtime.kafka_error or 'connexion en cours'})"
    try:
        async with asyncio.timeout(timeout):
            ok = await runtime.broker.ping(timeout=timeout)
    except Exception as exc:
        return f"injoignable ({type(exc).__name__})"
    return None if ok else "injoignable"


@router.get("/live", summary="Le processus répond")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready", summary="La base de données et Kafka répondent")
async def ready(request: Request) -> JSONResponse:
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    timeout = runtime.settings.http_timeout_s / 2
    db, kafka = await asyncio.gather(
        check_database(runtime.engine, timeout), _check_kafka(runtime, timeout)
    )
    checks: dict[str, Any] = {
        "database": {"status": "ok" if db is None else "down", **({"detail": db} if db else {})},
        "kafka": {
            "status": "ok" if kafka is None else "down",
            **({"detail": kafka} if kafka else {}),
        },
    }
    failing = [name for name, check in checks.items() if check["status"] != "ok"]
    body = {"status": "ok" if not failing else "unavailable", "failing": failing, "checks": checks}
    return JSONResponse(body, status_code=200 if not failing else 503)
