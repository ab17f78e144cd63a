"""What a running service holds: created in the app's lifespan, closed there.

Handlers reach it through ``request.app.state.runtime`` (HTTP) or FastStream's context
(``RuntimeDep`` in subscribers); nothing here is a module-level global.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Annotated, Any

import httpx
from aiokafka import AIOKafkaProducer
from faststream import Context
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cosar_common.auth.jwks import TokenVerifier
from cosar_common.events.outbox import OutboxWriter
from cosar_common.events.relay import OutboxRelay
from cosar_common.settings import ServiceSettings

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: ServiceSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    broker: KafkaBroker
    producer: AIOKafkaProducer
    relay: OutboxRelay
    outbox: OutboxWriter
    http: httpx.AsyncClient
    verifier: TokenVerifier
    kafka_connected: asyncio.Event = field(default_factory=asyncio.Event)
    kafka_error: str | None = None
    # (topic, partition) → messages not consumed yet, refreshed by the app's lag tracker.
    consumer_lag: dict[tuple[str, int], int] = field(default_factory=dict)
    # What a service adds in its startup hooks (e.g. a client of another service's API).
    extensions: dict[str, Any] = field(default_factory=dict)


RuntimeDep = Annotated[Runtime, Context("runtime")]
