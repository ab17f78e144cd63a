"""Thin consumers: message → decoded payload → one transaction with the inbox claim and effect.

``consume_once`` handles one message per transaction; ``consume_batch`` handles a batch of
messages (a FastStream ``batch=True`` subscriber) with one transaction per tenant present in the
batch, which is what lets a consumer keep up with a busy topic. ``subscriber_router`` is how
every service subscribes its handler to its topics.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from itertools import groupby
from typing import Any, TypeVar

from faststream import AckPolicy
from faststream.kafka import KafkaRouter
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cosar_common.db.tenancy import TenantContext, transaction
from cosar_common.events.envelope import EventPayload, RawEnvelope
from cosar_common.events.inbox import ProcessedEvent, claim
from cosar_common.events.registry import decode_payload

logger = logging.getLogger(__name__)

P = TypeVar("P", bound=EventPayload)
Handler = Callable[[AsyncSession, P, RawEnvelope], Awaitable[None]]
Handlers = dict[type[EventPayload], Handler[EventPayload]]
SessionFactory = async_sessionmaker[AsyncSession]


async def consume_once(
    session_factory: SessionFactory,
    envelope: RawEnvelope,
    *,
    consumer: str,
    handlers: Handlers,
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
    async with transaction(session_factory, context) as session:
        first_time = await claim(
            session, event_id=envelope.event_id, consumer=consumer, event_type=envelope.type
        )
        if not first_time:
            logger.info("event %s already processed by %s: skipped", envelope.event_id, consumer)
            return False
        await handler(session, payload, envelope)
    return True


async def consume_batch(
    session_factory: SessionFactory,
    envelopes: Sequence[RawEnvelope],
    *,
    consumer: str,
    handlers: Handlers,
) -> int:
    """Apply a batch at most once per event; return how many events had an effect.

    Events are grouped by tenant, keeping their order; each group is one transaction that
    claims all its event ids with a single statement, then runs the handlers of the new ones.
    Duplicates inside the batch itself are applied once too.
    """
    decoded = [(envelope, decode_payload(envelope)) for envelope in envelopes]
    applied = 0
    for tenant_id, group in groupby(decoded, key=lambda item: item[0].tenant_id):
        items = list(group)
        async with transaction(session_factory, TenantContext.system(tenant_id)) as session:
            rows = [
                {"event_id": e.event_id, "consumer": consumer, "event_type": e.type}
                for e, _ in items
            ]
            # One statement, executed as "insert many values" with RETURNING.
            claimed_ids = set(
                (
                    await session.scalars(
                        insert(ProcessedEvent)
                        .on_conflict_do_nothing()
                        .returning(ProcessedEvent.event_id),
                        rows,
                    )
                ).all()
            )
            done: set[uuid.UUID] = set()
            for envelope, payload in items:
                if envelope.event_id not in claimed_ids or envelope.event_id in done:
                    continue
                done.add(envelope.event_id)
                handler = handlers.get(type(payload))
                if handler is not None:
                    await handler(session, payload, envelope)
                    applied += 1
    return applied


async def processed_count(session_factory: SessionFactory, *, consumer: str) -> int:
    """How many events ``consumer`` has processed (for tests, benchmarks and rebuild checks)."""
    async with session_factory() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(ProcessedEvent)
            .where(ProcessedEvent.consumer == consumer)
        )
        return int(count or 0)


def subscriber_router(
    handler: Callable[..., Awaitable[Any]],
    *topics: str,
    group_id: str,
    title: str,
    description: str,
) -> KafkaRouter:
    """A FastStream router with ``handler`` subscribed to ``topics`` in ``group_id``.

    A new consumer group reads each topic from its start (the events are the history); a
    message whose handler raises is not acknowledged, so it is redelivered (NACK_ON_ERROR).
    ``title`` and ``description`` name the subscription in the AsyncAPI document.
    """
    router = KafkaRouter()
    router.subscriber(
        *topics,
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        title=title,
        description=description,
    )(handler)
    return router
