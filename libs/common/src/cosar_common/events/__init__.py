"""Event contracts (versioned envelope + typed payloads), topics, outbox and inbox."""

from cosar_common.events.assessment import (
    ActionStatusChanged,
    CompanyRegistered,
    DuerpPublished,
    FichePublished,
)
from cosar_common.events.envelope import EventEnvelope, EventPayload, RawEnvelope, envelope_for
from cosar_common.events.registry import UnknownEvent, decode_payload, payload_class
from cosar_common.events.reporting import ReportFinalised
from cosar_common.events.thesaurus import VersionPublished

__all__ = [
    "ActionStatusChanged",
    "CompanyRegistered",
    "DuerpPublished",
    "EventEnvelope",
    "EventPayload",
    "FichePublished",
    "RawEnvelope",
    "ReportFinalised",
    "UnknownEvent",
    "VersionPublished",
    "decode_payload",
    "envelope_for",
    "payload_class",
]
