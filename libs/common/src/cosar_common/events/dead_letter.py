"""A message a consumer refused for good, with the reason (topic ``indicators.dead-letter``).

It names the refused event (id, type, version, tenant) and why, and lists the offending field
names: never their values, which may be exactly what should not have crossed the boundary.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import Field

from cosar_common.events.envelope import EventPayload
from cosar_common.events.topics import INDICATORS_DEAD_LETTER


class DeadLettered(EventPayload):
    event_type: ClassVar[str] = "indicators.dead-lettered"
    schema_version: ClassVar[int] = 1
    topic: ClassVar[str] = INDICATORS_DEAD_LETTER

    consumer: str
    event_id: uuid.UUID
    refused_type: str
    refused_schema_version: int
    refused_tenant_id: str | None = None
    reason: str = Field(description="unknown_schema_version | outside_contract | invalid")
    fields: list[str] = Field(default_factory=list, description="offending field names")
    detail: str = ""
