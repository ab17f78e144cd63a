"""Subscriber of ``assessment.events``: action-plan changes, thin and idempotent."""

from __future__ import annotations

import logging

from faststream.kafka import KafkaRouter
from pydantic import ValidationError

from cosar_common.events import RawEnvelope, UnknownEvent
from cosar_common.events.assessment import ActionStatusChanged
from cosar_common.events.consuming import consume_once, subscriber_router
from cosar_common.events.topics import ASSESSMENT_EVENTS
from cosar_common.runtime import RuntimeDep
from reporting.actions import service

logger = logging.getLogger(__name__)

CONSUMER = "reporting.actions"


async def on_assessment_event(envelope: RawEnvelope, runtime: RuntimeDep) -> None:
    if envelope.type != ActionStatusChanged.event_type:
        return  # the other events of the family are not the report's business
    try:
        await consume_once(
            runtime.session_factory,
            envelope,
            consumer=CONSUMER,
            handlers={ActionStatusChanged: service.record},  # type: ignore[dict-item]
        )
    except (UnknownEvent, ValidationError):
        logger.exception("event %s refused: outside its contract", envelope.event_id)


def build_router(group_id: str) -> KafkaRouter:
    return subscriber_router(
        on_assessment_event,
        ASSESSMENT_EVENTS,
        group_id=group_id,
        title="reporting:assessment.events",
        description="Changements d'état des actions des plans : pré-remplissent la partie IV.",
    )
