"""Subscriber of ``thesaurus.events``: thin (message → service call), idempotent."""

from __future__ import annotations

import logging

from faststream.kafka import KafkaRouter
from pydantic import ValidationError

from assessment.reference import service
from cosar_common.events import RawEnvelope, UnknownEvent, VersionPublished
from cosar_common.events.consuming import consume_once, subscriber_router
from cosar_common.events.topics import THESAURUS_EVENTS
from cosar_common.runtime import RuntimeDep
from cosar_common.thesaurus_client import HttpThesaurusClient

logger = logging.getLogger(__name__)

CONSUMER = "assessment.reference"


async def on_thesaurus_event(envelope: RawEnvelope, runtime: RuntimeDep) -> None:
    try:
        await consume_once(
            runtime.session_factory,
            envelope,
            consumer=CONSUMER,
            handlers={VersionPublished: service.record_published_version},  # type: ignore[dict-item]
        )
        # A new version may deprecate codes: read them afresh from now on.
        client = runtime.extensions.get("thesaurus")
        system = envelope.payload.get("code_system")
        if isinstance(client, HttpThesaurusClient) and isinstance(system, str):
            client.invalidate(system)
    except UnknownEvent as exc:
        # Another event of the family this service does not need (or a newer version of it).
        logger.info("ignored %s: %s", envelope.type, exc)
    except ValidationError:
        # A payload outside its contract will not get better by retrying: skip it loudly
        # rather than block the partition. Transient errors (database down) raise and are
        # redelivered (NACK_ON_ERROR).
        logger.exception("event %s refused: payload outside its contract", envelope.event_id)


def build_router(group_id: str) -> KafkaRouter:
    """The subscribers, in the consumer group of this deployment (configurable for tests)."""
    return subscriber_router(
        on_thesaurus_event,
        THESAURUS_EVENTS,
        group_id=group_id,
        title="assessment:thesaurus.events",
        description="Versions publiées du thésaurus : mémorisées pour valider les codes.",
    )
