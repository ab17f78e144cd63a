"""Which payload class decodes which (type, schema_version): the consumers' dispatch table."""

from __future__ import annotations

from cosar_common.events.assessment import (
    ActionStatusChanged,
    CompanyRegistered,
    DuerpPublished,
    FichePublished,
)
from cosar_common.events.envelope import EventPayload, RawEnvelope
from cosar_common.events.reporting import ReportFinalised
from cosar_common.events.thesaurus import VersionPublished

_PAYLOADS: dict[tuple[str, int], type[EventPayload]] = {}


def register(payload_cls: type[EventPayload]) -> type[EventPayload]:
    _PAYLOADS[(payload_cls.event_type, payload_cls.schema_version)] = payload_cls
    return payload_cls


for _cls in (
    VersionPublished,
    DuerpPublished,
    FichePublished,
    ActionStatusChanged,
    CompanyRegistered,
    ReportFinalised,
):
    register(_cls)


class UnknownEvent(ValueError):
    """No contract for this (type, schema_version): a consumer dead-letters or ignores it."""


def payload_class(event_type: str, schema_version: int) -> type[EventPayload]:
    try:
        return _PAYLOADS[(event_type, schema_version)]
    except KeyError:
        raise UnknownEvent(f"no contract for {event_type} v{schema_version}") from None


def decode_payload(envelope: RawEnvelope) -> EventPayload:
    """Validate the payload against its contract (extra fields are refused)."""
    cls = payload_class(envelope.type, envelope.schema_version)
    return cls.model_validate(envelope.payload)
