"""Thin consumers: message → decoded payload → one transaction with the inbox claim and effect."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.db.tenancy import TenantContext, transaction
from cosar_common.events.envelope import EventPayload, RawEnvelope
from cosar_common.events.inbox import claim
from cosar_common.events.registry import decode_payload
from cosar_common.runtime import Runtime

logger = logging.getLogger(__name__)

P = TypeVar("P", bound=EventPayload)
Handler = Callable[[AsyncSession, P, RawEnvelope], Awaitable[None]]


async def consume_once(
    runtime: Runtime,
    envelope: RawEnvelope,
    *,
    consumer: str,
    handlers: dict[type[EventPayload], Handler[EventPayload]],
) -> bool:
    """Apply ``envelope`` at most once for ``consumer``; return whether it had an effect.

    The payload is validated against its contract first (an unknown type or version raises
    ``UnknownEvent``; a payload with extra fields raises a ``ValidationError``). The inbox claim
    and the handler's writes share one transaction, under the event's tenant context.
    """
    payload = decode_payload(envelope)
    handler = handlers.get(type(payload))
    if handler is None:
        return False
    context = TenantContext.system(envelope.tenant_id)
    async with transaction(runtime.session_factory, context) as session:
        first_time = await claim(
            session, event_id=envelope.event_id, consumer=consumer, event_type=envelope.type
        )
        if not first_time:
            logger.info("event %s already processed by %s: skipped", envelope.event_id, consumer)
            return False
        await handler(session, payload, envelope)
    return True
