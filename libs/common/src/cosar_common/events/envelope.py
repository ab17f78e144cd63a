"""The versioned envelope around every event (docs/architecture.md § Topics and the envelope).

An event is a past-tense fact. Its envelope says what it is (``type`` + ``schema_version``),
which tenant it belongs to (the Kafka key, so one tenant's events stay in order), who produced it,
when, and the trace it belongs to; ``payload`` is the typed body, defined next to the envelope
in this package so that producers and consumers share one contract.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny

from cosar_common import clock


class EventPayload(BaseModel):
    """Base of every payload: names its event type, version and topic; refuses unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    topic: ClassVar[str]


PayloadT = TypeVar("PayloadT")


class EventEnvelope(BaseModel, Generic[PayloadT]):
    """What travels on Kafka, as JSON."""

    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    schema_version: int = Field(ge=1)
    tenant_id: str | None = None
    occurred_at: datetime = Field(default_factory=clock.system_now)
    producer: str
    trace: dict[str, str] = Field(
        default_factory=dict, description="W3C trace context (traceparent, tracestate)"
    )
    # Serialised as the payload's own class, not as the declared base class.
    payload: SerializeAsAny[PayloadT]


class RawEnvelope(EventEnvelope[dict[str, Any]]):
    """An envelope whose payload is not decoded yet (what a consumer receives first)."""


def envelope_for(
    payload: EventPayload,
    *,
    producer: str,
    tenant_id: str | None,
    trace: dict[str, str] | None = None,
    occurred_at: datetime | None = None,
) -> EventEnvelope[EventPayload]:
    return EventEnvelope[EventPayload](
        type=payload.event_type,
        schema_version=payload.schema_version,
        tenant_id=tenant_id,
        producer=producer,
        trace=trace or {},
        payload=payload,
        **({"occurred_at": occurred_at} if occurred_at else {}),
    )
