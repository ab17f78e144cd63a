"""Subscribers of the aggregate topics: thin, idempotent, and refusing what breaks contract.

An event of an unknown schema version, or whose payload carries a field outside its contract
(e.g. a name), is not applied: it goes to ``indicators.dead-letter`` with the reason, in the
same transaction as its inbox claim, and the consumer goes on. Transient failures (database,
thesaurus) raise and the message is redelivered.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from faststream.kafka import KafkaRouter
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cosar_common.db.tenancy import TenantContext, transaction
from cosar_common.events import RawEnvelope, UnknownEvent, decode_payload
from cosar_common.events.assessment import (
    ActionStatusChanged,
    CompanyRegistered,
    DuerpPublished,
    FichePublished,
)
from cosar_common.events.consuming import subscriber_router
from cosar_common.events.dead_letter import DeadLettered
from cosar_common.events.envelope import EventPayload
from cosar_common.events.inbox import claim
from cosar_common.events.outbox import OutboxWriter
from cosar_common.events.reporting import ReportFinalised
from cosar_common.events.thesaurus import VersionPublished
from cosar_common.events.topics import ASSESSMENT_EVENTS, REPORTING_EVENTS, THESAURUS_EVENTS
from cosar_common.runtime import RuntimeDep
from cosar_common.thesaurus_client import ThesaurusClient
from indicators.facts import service

logger = logging.getLogger(__name__)

CONSUMER = "indicators.facts"
Apply = Callable[[AsyncSession, Any, RawEnvelope, ThesaurusClient], Awaitable[None]]
HANDLERS: dict[type[EventPayload], Apply] = {
    CompanyRegistered: service.company_registered,
    DuerpPublished: service.duerp_published,
    FichePublished: service.fiche_published,
    ReportFinalised: service.report_finalised,
    VersionPublished: service.thesaurus_version,
}
# Events of these families that are not the indicators' business (no dead letter for them).
IGNORED = {ActionStatusChanged.event_type}
KNOWN_TYPES = {cls.event_type for cls in HANDLERS}


async def apply(
    factory: async_sessionmaker[AsyncSession],
    envelope: RawEnvelope,
    *,
    client: ThesaurusClient,
    outbox: OutboxWriter | None,
) -> str:
    """Apply one event at most once; return what happened (applied, skipped, dead-lettered).

    ``outbox`` None (a rebuild replaying history): refused events are not dead-lettered again.
    """
    if envelope.type in IGNORED or (
        envelope.type not in KNOWN_TYPES and envelope.type.split(".")[0] == "thesaurus"
    ):
        return "ignored"
    try:
        payload = decode_payload(envelope)
    except UnknownEvent as exc:
        return await _dead_letter(factory, outbox, envelope, "unknown_schema_version", [], str(exc))
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        kind = (
            "outside_contract"
            if any(e["type"] == "extra_forbidden" for e in exc.errors())
            else "invalid"
        )
        return await _dead_letter(factory, outbox, envelope, kind, fields, "")
    handler = HANDLERS[type(payload)]
    async with transaction(factory, TenantContext.system(envelope.tenant_id)) as session:
        if not await claim(
            session, event_id=envelope.event_id, consumer=CONSUMER, event_type=envelope.type
        ):
            return "skipped"
        await handler(session, payload, envelope, client)
    return "applied"


async def _dead_letter(
    factory: async_sessionmaker[AsyncSession],
    outbox: OutboxWriter | None,
    envelope: RawEnvelope,
    reason: str,
    fields: list[str],
    detail: str,
) -> str:
    logger.warning("event %s dead-lettered: %s %s", envelope.event_id, reason, fields)
    async with transaction(factory, TenantContext.system(envelope.tenant_id)) as session:
        if not await claim(
            session, event_id=envelope.event_id, consumer=CONSUMER, event_type=envelope.type
        ):
            return "skipped"
        if outbox is None:
            return "dead-lettered"
        payload = DeadLettered(
            consumer=CONSUMER,
            event_id=envelope.event_id,
            refused_type=envelope.type,
            refused_schema_version=envelope.schema_version,
            refused_tenant_id=envelope.tenant_id,
            reason=reason,
            fields=fields,
            detail=detail[:500],
        )
        await outbox.add(session, payload, tenant_id=None)
    return "dead-lettered"


async def on_event(envelope: RawEnvelope, runtime: RuntimeDep) -> None:
    await apply(
        runtime.session_factory,
        envelope,
        client=runtime.extensions["thesaurus"],
        outbox=runtime.outbox,
    )


def build_router(group_id: str) -> KafkaRouter:
    return subscriber_router(
        on_event,
        ASSESSMENT_EVENTS,
        REPORTING_EVENTS,
        THESAURUS_EVENTS,
        group_id=group_id,
        title="indicators:aggregates",
        description="Agrégats des DUERP, fiches et bilans : alimentent le schéma en étoile.",
    )
