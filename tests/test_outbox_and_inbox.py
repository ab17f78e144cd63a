"""The batch consumer applies each event once, on the real PostgreSQL, whatever the batching."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.db import make_engine, make_session_factory
from cosar_common.events import RawEnvelope, VersionPublished
from cosar_common.events.consuming import consume_batch, processed_count
from cosar_common.events.envelope import envelope_for


def _raw(tenant: str | None) -> RawEnvelope:
    payload = VersionPublished(
        code_system="x", code_system_url="https://x", version=uuid.uuid4().hex, concept_count=0
    )
    envelope = envelope_for(payload, producer="test", tenant_id=tenant)
    return RawEnvelope.model_validate_json(envelope.model_dump_json())


async def test_duplicates_inside_and_across_batches_apply_once(migrated):
    engine = make_engine(migrated.dsn("assessment_app", "assessment_app", "assessment"))
    factory = make_session_factory(engine)
    consumer = f"test-batch-{uuid.uuid4().hex[:8]}"
    seen: list[tuple[str | None, str]] = []

    async def effect(session: AsyncSession, payload: VersionPublished, envelope: RawEnvelope):
        seen.append((envelope.tenant_id, payload.version))

    handlers = {VersionPublished: effect}
    a, b, c = _raw("sst-13-marseille"), _raw("sst-13-marseille"), _raw("sst-06-nice")
    try:
        first = await consume_batch(factory, [a, b, a, c], consumer=consumer, handlers=handlers)
        second = await consume_batch(
            factory, [c, b, _raw(None)], consumer=consumer, handlers=handlers
        )
        assert (first, second) == (3, 1)
        assert [v for _, v in seen[:3]] == [
            a.payload["version"],
            b.payload["version"],
            c.payload["version"],
        ]
        assert await processed_count(factory, consumer=consumer) == 4
    finally:
        await engine.dispose()


async def test_outbox_rows_written_in_bulk_are_complete_and_roll_back_with_the_change(migrated):
    """add_many switches to COPY for large batches: same rows, same transaction."""
    from sqlalchemy import func, select

    from cosar_common.db import TenantContext, transaction
    from cosar_common.events.outbox import COPY_THRESHOLD, OutboxMessage, OutboxWriter

    engine = make_engine(migrated.dsn("thesaurus_app", "thesaurus_app", "thesaurus"))
    factory = make_session_factory(engine)
    writer = OutboxWriter(producer="test")
    payloads = [
        VersionPublished(
            code_system="bulk", code_system_url="https://x", version=str(i), concept_count=i
        )
        for i in range(COPY_THRESHOLD + 10)
    ]

    class Rollback(Exception):
        pass

    try:
        async with transaction(factory, TenantContext.system("sst-06-nice")) as session:
            envelopes = await writer.add_many(session, payloads, tenant_id="sst-06-nice")
            rows = (
                await session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.event_id.in_([e.event_id for e in envelopes])
                    )
                )
            ).all()
            assert len(rows) == len(payloads)
            row = next(r for r in rows if r.event_id == envelopes[3].event_id)
            assert row.key == b"sst-06-nice"
            assert row.headers["event_type"] == "thesaurus.version-published"
            assert row.headers["content-type"] == "application/json"
            decoded = RawEnvelope.model_validate_json(row.value)
            assert decoded.payload["version"] == "3"
            raise Rollback
    except Rollback:
        pass
    try:
        async with factory() as session:
            left = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.event_id.in_([e.event_id for e in envelopes]))
            )
        assert left == 0  # the events leave with the change or not at all
    finally:
        await engine.dispose()
