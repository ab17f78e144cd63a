"""Transactional outbox: an event is a row written in the same transaction as the change.

Nothing is sent to Kafka inside a request. The row commits with the change or not at all; the
relay (``events.relay``) publishes committed rows and marks them sent. A crash between commit
and send only delays the event; a crash between send and mark re-sends it, which consumers
absorb through their inbox (``events.inbox``): no event is lost and none counts twice.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from opentelemetry import propagate
from sqlalchemy import BigInteger, DateTime, Index, LargeBinary, String, func, insert, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base
from cosar_common.db.tenancy import after_commit
from cosar_common.events.envelope import EventEnvelope, EventPayload, envelope_for
from cosar_common.events.topics import key_for


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), unique=True)
    topic: Mapped[str] = mapped_column(String(200))
    key: Mapped[bytes] = mapped_column(LargeBinary)
    event_type: Mapped[str] = mapped_column(String(200))
    value: Mapped[bytes] = mapped_column(LargeBinary)
    headers: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # The relay only ever scans unsent rows, in order.
        Index("ix_outbox_unsent", "id", postgresql_where=text("sent_at IS NULL")),
    )


def current_trace_context() -> dict[str, str]:
    """The W3C trace context of the current span, to continue the trace after Kafka."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


# From this many rows on, COPY (same connection, same transaction) beats a multi-row INSERT.
COPY_THRESHOLD = 50
_COPY_COLUMNS = ("event_id", "topic", "key", "event_type", "value", "headers", "tenant_id")


async def _copy_rows(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection  # asyncpg, inside the session's transaction
    assert driver is not None
    await driver.copy_records_to_table(
        OutboxMessage.__tablename__,
        columns=_COPY_COLUMNS,
        records=[
            tuple(json.dumps(row[c]) if c == "headers" else row[c] for c in _COPY_COLUMNS)
            for row in rows
        ],
    )


class OutboxWriter:
    """Adds events to the outbox of the caller's transaction.

    Rows are inserted with one statement per call (``add_many`` for a batch), not through the
    ORM unit of work: an outbox row is never read back or changed by the writer.
    ``on_commit`` is called once the transaction has committed, so the relay can publish
    without waiting for its next poll.
    """

    def __init__(self, *, producer: str, on_commit: Callable[[], None] | None = None) -> None:
        self._producer = producer
        self._on_commit = on_commit

    async def add(
        self, session: AsyncSession, payload: EventPayload, *, tenant_id: str | None
    ) -> EventEnvelope[EventPayload]:
        (envelope,) = await self.add_many(session, [payload], tenant_id=tenant_id)
        return envelope

    async def add_many(
        self, session: AsyncSession, payloads: Sequence[EventPayload], *, tenant_id: str | None
    ) -> list[EventEnvelope[EventPayload]]:
        if not payloads:
            return []
        trace = current_trace_context()
        envelopes = [
            envelope_for(p, producer=self._producer, tenant_id=tenant_id, trace=trace)
            for p in payloads
        ]
        key = key_for(tenant_id)
        rows = [
            {
                "event_id": envelope.event_id,
                "topic": payload.topic,
                "key": key,
                "event_type": envelope.type,
                "value": envelope.model_dump_json().encode(),
                "headers": {
                    **trace,
                    "content-type": "application/json",
                    "event_type": envelope.type,
                    "schema_version": str(envelope.schema_version),
                    "event_id": str(envelope.event_id),
                },
                "tenant_id": tenant_id,
            }
            for envelope, payload in zip(envelopes, payloads, strict=True)
        ]
        if len(rows) >= COPY_THRESHOLD:
            await _copy_rows(session, rows)
        else:
            await session.execute(insert(OutboxMessage), rows)
        if self._on_commit is not None:
            after_commit(session, self._on_commit)
        return envelopes
