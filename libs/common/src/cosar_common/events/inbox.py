"""Idempotent consumption: a consumer records each event id in the transaction of its effect.

If the same event arrives twice (relay re-send, consumer restart before committing its offset,
replay), the second claim finds the row and the handler is skipped: one effect per event.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base


class ProcessedEvent(Base):
    __tablename__ = "processed_events"

    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(200))
    processed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


async def claim(
    session: AsyncSession, *, event_id: uuid.UUID, consumer: str, event_type: str
) -> bool:
    """True if this consumer has not processed ``event_id`` yet (and now owns it)."""
    statement = (
        insert(ProcessedEvent)
        .values(event_id=event_id, consumer=consumer, event_type=event_type)
        .on_conflict_do_nothing()
        .returning(ProcessedEvent.event_id)
    )
    result = await session.execute(statement)
    return result.scalar_one_or_none() is not None
